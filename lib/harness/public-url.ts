// The address a share link is given with. The CLI has no request to look at: DLM_PUBLIC_URL, else
// http://localhost:$PORT. The app answers a request, so it uses the origin that request came to (what the
// browser sees, behind a reverse proxy too), unless DLM_PUBLIC_URL names one explicitly.

const HOST = /^(?:[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?)*|\[[0-9a-f:.]+\])(?::\d{1,5})?$/i;

/** The origin from request headers (X-Forwarded-Host/-Proto first, then Host), or null when they are unusable. */
export function requestOrigin(header: (name: string) => string | null): string | null {
  const first = (name: string) => header(name)?.split(',')[0]?.trim() || null;
  const host = first('x-forwarded-host') ?? first('host');
  if (!host || !HOST.test(host)) return null;
  const proto = first('x-forwarded-proto') ?? 'http';
  if (proto !== 'http' && proto !== 'https') return null;
  return `${proto}://${host.toLowerCase()}`;
}

/** Where the dashboard is reached: DLM_PUBLIC_URL, else the request's origin, else http://localhost:$PORT. */
export function publicBase(origin: string | null = null, env: Record<string, string | undefined> = process.env): string {
  return (env.DLM_PUBLIC_URL || origin || `http://localhost:${env.PORT || 3000}`).replace(/\/+$/, '');
}

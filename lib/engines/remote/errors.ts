// What can go wrong talking to a remote model, each with one line that says what to do. No message ever
// carries a request header or the key: errors are built from our own words, the status, and the provider's
// message with the key (if it echoed it back) cut out.
import { UserError } from '../../user-error.ts';

/** The key is missing, or the provider refused it (401/403): the user must fix their environment. */
export class RemoteAuthError extends UserError {
  override name = 'RemoteAuthError';
}

/** Settings a remote model cannot honour (diffusion steps, top-k, exact length, …). */
export class RemoteSettingsError extends UserError {
  override name = 'RemoteSettingsError';
}

/** The request did not produce a complete answer: retries ran out, a timeout, a broken or malformed stream,
 * or a 4xx the provider explained. A sweep stores it as a failed run with this message. */
export class RemoteRequestError extends Error {
  override name = 'RemoteRequestError';
  constructor(
    message: string,
    readonly kind: 'http' | 'timeout' | 'network' | 'stream-broken' | 'malformed' | 'retries-exhausted',
    readonly status: number | null = null,
  ) {
    super(message);
  }
}

const MAX_PROVIDER_MESSAGE = 200;

/** Removes `secret` (and any Bearer token) from text that came back from a server, and bounds its length. */
export function redact(text: string, secret: string | undefined): string {
  let out = text;
  if (secret) out = out.split(secret).join('[redacted]');
  out = out
    .replace(/Bearer\s+[^\s"',;)]+/gi, 'Bearer [redacted]')
    .replace(/\s+/g, ' ')
    .trim();
  return out.length > MAX_PROVIDER_MESSAGE ? `${out.slice(0, MAX_PROVIDER_MESSAGE)}…` : out;
}

/** The provider's own explanation from an error body ({"error": {"message": …}} or text), redacted. */
export function providerMessage(body: string, secret: string | undefined): string {
  let message = body;
  try {
    const parsed = JSON.parse(body) as { error?: { message?: unknown } | string; message?: unknown };
    if (typeof parsed.error === 'string') message = parsed.error;
    else if (parsed.error && typeof parsed.error.message === 'string') message = parsed.error.message;
    else if (typeof parsed.message === 'string') message = parsed.message;
  } catch {
    // not JSON: keep the text
  }
  return redact(message, secret);
}

// Runs before every request but static files (Next's proxy, Node.js runtime): the access gate of
// lib/harness/access.ts. With DLM_TOKEN set, requests that run or change anything need the bearer token; the
// routes that run models are rate-limited per client; a path that cannot be decoded is a 400. Pages, reports
// and share links pass through untouched.
import { NextResponse, type NextRequest } from 'next/server';
import { clientOf, createAccessGate } from '@/lib/harness/access.ts';
import { rateLimitFromEnv } from '@/lib/harness/rate-limit.ts';

let gate: ReturnType<typeof createAccessGate> | null = null; // one per server process, read from its environment

export function proxy(request: NextRequest) {
  gate ??= createAccessGate({ token: process.env.DLM_TOKEN || null, limits: rateLimitFromEnv(process.env.DLM_RATE_LIMIT) });
  const refused = gate({
    method: request.method,
    pathname: request.nextUrl.pathname,
    authorization: request.headers.get('authorization'),
    client: clientOf(request.headers.get('x-forwarded-for')),
  });
  return refused ? NextResponse.json(refused.body, { status: refused.status, headers: refused.headers }) : NextResponse.next();
}

export const config = { matcher: ['/((?!_next/static|_next/image|favicon.ico).*)'] };

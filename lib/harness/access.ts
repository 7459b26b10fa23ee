// Who may do what, decided once for every request before it reaches a route (the app's proxy.ts calls this);
// a path the router cannot decode is a 400 here (Next itself would answer it with a 500).
// with DLM_TOKEN set, anything that runs or changes something (POST/PUT/PATCH/DELETE under /api and /v1) needs
// `Authorization: Bearer <token>`, while pages, reports, GET routes and share links stay readable; the routes
// that run models are rate-limited per client (429 with Retry-After). /v1 answers in OpenAI's error shape.
import { createHash, timingSafeEqual } from 'node:crypto';
import { createRateLimiter, type RateLimiter, type RateLimitOptions } from './rate-limit.ts';

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

const underApi = (pathname: string) => pathname === '/api' || pathname.startsWith('/api/');
const underV1 = (pathname: string) => pathname === '/v1' || pathname.startsWith('/v1/');

/** A path with a broken percent-escape ("/experiments/%ZZ"): Next's router would answer it with a 500. */
export function undecodablePath(pathname: string): boolean {
  try {
    decodeURIComponent(pathname);
    return false;
  } catch {
    return true;
  }
}

/** The path as the router sees it: percent-decoded, repeated and trailing slashes dropped (so "/%61pi/x" is "/api/x"). */
export function normalizePath(pathname: string): string {
  let path = pathname;
  try {
    path = decodeURIComponent(pathname);
  } catch {
    // not decodable: the router cannot match it to a route either
  }
  return path.replace(/\/{2,}/g, '/').replace(/(.)\/$/, '$1');
}

export const needsToken = (method: string, pathname: string) => MUTATING.has(method.toUpperCase()) && (underApi(pathname) || underV1(pathname));

/** The routes that run models (or start a sweep), by name; null for everything else. */
export function expensiveRoute(method: string, pathname: string): string | null {
  if (method.toUpperCase() !== 'POST') return null;
  if (pathname === '/api/playground') return 'playground';
  if (pathname === '/api/experiments') return 'sweep';
  if (/^\/api\/experiments\/[^/]+\/resume$/.test(pathname)) return 'resume';
  if (underV1(pathname)) return 'v1'; // completions and chat completions
  return null;
}

/** Constant-time: both sides are hashed first, so neither the length nor any prefix of the token leaks. */
export function bearerMatches(authorization: string | null, token: string): boolean {
  const match = /^Bearer\s+(.+)$/i.exec(authorization?.trim() ?? '');
  const given = createHash('sha256')
    .update(match?.[1] ?? '')
    .digest();
  const expected = createHash('sha256').update(token).digest();
  return timingSafeEqual(given, expected) && match !== null;
}

export interface AccessRequest {
  method: string;
  pathname: string;
  authorization: string | null;
  client: string; // who the rate limit counts against
}

export interface Refusal {
  status: 400 | 401 | 429;
  body: unknown;
  headers: Record<string, string>;
}

const OPENAI_ERRORS = {
  400: ['invalid_request_error', null],
  401: ['invalid_request_error', 'invalid_api_key'],
  429: ['rate_limit_error', 'rate_limit_exceeded'],
} as const;

function refusal(status: Refusal['status'], pathname: string, message: string, headers: Record<string, string> = {}): Refusal {
  if (underV1(pathname)) {
    const [type, code] = OPENAI_ERRORS[status];
    return { status, body: { error: { message, type, param: null, code } }, headers };
  }
  return { status, body: { error: message }, headers };
}

export interface AccessPolicy {
  token: string | null; // DLM_TOKEN
  limits: RateLimitOptions | null; // null: no rate limit
}

/** The gate: null lets the request through, else the answer to send instead. */
export function createAccessGate(policy: AccessPolicy, now?: () => number) {
  const limiters = new Map<string, RateLimiter>();
  const limiterFor = (route: string) => {
    let limiter = limiters.get(route);
    if (!limiter) limiters.set(route, (limiter = createRateLimiter(policy.limits!, now)));
    return limiter;
  };
  return (raw: AccessRequest): Refusal | null => {
    if (undecodablePath(raw.pathname)) return refusal(400, raw.pathname, 'the URL path is not valid percent-encoding');
    const request = { ...raw, pathname: normalizePath(raw.pathname) };
    if (policy.token !== null && needsToken(request.method, request.pathname) && !bearerMatches(request.authorization, policy.token)) {
      return refusal(401, request.pathname, 'this server needs its access token: send "Authorization: Bearer <DLM_TOKEN>"', { 'WWW-Authenticate': 'Bearer' });
    }
    const route = policy.limits && expensiveRoute(request.method, request.pathname);
    if (route) {
      const decision = limiterFor(route).take(request.client);
      if (!decision.allowed) {
        const wait = String(decision.retryAfterSeconds);
        return refusal(429, request.pathname, `too many requests from this client: try again in ${wait} s`, { 'Retry-After': wait });
      }
    }
    return null;
  };
}

/**
 * The client a request counts against: the first X-Forwarded-For address (set by a reverse proxy, or by the
 * server from the socket when the client sent none), else "local".
 */
export function clientOf(forwardedFor: string | null): string {
  return forwardedFor?.split(',')[0]?.trim().slice(0, 64) || 'local';
}

// Our small client for OpenAI-compatible APIs over Node's fetch: one POST with the key in the Authorization
// header only, a per-attempt timeout, bounded retries of 429/5xx/unreachable with backoff that honours
// Retry-After, and one clear error otherwise. The key is read by the caller at request time and passed in;
// nothing here logs it or puts it (or any header) into an error.
import type { RemoteModelConfig } from '../../models/remote-config.ts';
import { providerMessage, redact, RemoteAuthError, RemoteRequestError } from './errors.ts';
import { DEFAULT_RETRY_POLICY, isRetryableStatus, parseRetryAfter, retryDelayMs, type RetryPolicy } from './retry.ts';

/** The caller's signal fired: not a failure, the run is cancelled. */
export class RemoteCancelled extends Error {}

export interface ClientOptions {
  signal?: AbortSignal;
  retry?: RetryPolicy;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>; // tests replace the clock
  onRetry?: (info: { attempt: number; delayMs: number; reason: string }) => void;
}

export interface OpenResponse {
  response: Response;
  sentAt: number; // performance.now() when the request that answered was sent (retries' waits excluded)
  attempts: number; // 1 when the first attempt answered
  signal: AbortSignal; // aborts the body read too: the caller's signal or this attempt's timeout
  timedOut: () => boolean;
  finish: () => void; // the body has been read: stop the timeout's timer
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new RemoteCancelled('cancelled'));
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new RemoteCancelled('cancelled'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function networkReason(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
  if (cause && typeof cause.code === 'string') return cause.code;
  if (cause && typeof cause.message === 'string') return cause.message;
  return error instanceof Error ? error.message : String(error);
}

/** POSTs `body` to `url`; resolves with a 2xx response whose body is still to be read. */
export async function postCompletion(
  config: RemoteModelConfig,
  modelId: string,
  url: string,
  key: string | null,
  body: unknown,
  options: ClientOptions = {},
): Promise<OpenResponse> {
  const secret = key ?? undefined;
  const policy = options.retry ?? DEFAULT_RETRY_POLICY;
  const wait = options.sleep ?? sleep;
  const attempts = policy.maxRetries + 1;
  let lastReason = '';
  let lastStatus: number | null = null;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    if (options.signal?.aborted) throw new RemoteCancelled('cancelled');
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(), config.timeoutS * 1000);
    timer.unref?.();
    const signal = options.signal ? AbortSignal.any([options.signal, timeout.signal]) : timeout.signal;
    // The timer keeps running while the body streams in: timeout_s bounds the whole request.
    signal.addEventListener('abort', () => clearTimeout(timer), { once: true });
    let response: Response;
    const sentAt = performance.now();
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: {
          ...(key === null ? {} : { authorization: `Bearer ${key}` }),
          'content-type': 'application/json',
          accept: 'text/event-stream, application/json',
        },
        body: JSON.stringify(body),
        signal,
      });
    } catch (error) {
      clearTimeout(timer);
      if (options.signal?.aborted) throw new RemoteCancelled('cancelled');
      if (timeout.signal.aborted)
        throw new RemoteRequestError(`${config.host} sent no answer within ${config.timeoutS} s (timeout_s of ${modelId})`, 'timeout');
      lastReason = `cannot reach ${config.host}: ${redact(networkReason(error), secret)}`;
      lastStatus = null;
      if (attempt < attempts) {
        const delayMs = retryDelayMs(attempt, null, policy);
        options.onRetry?.({ attempt, delayMs, reason: lastReason });
        await wait(delayMs, options.signal);
        continue;
      }
      break;
    }
    if (response.ok) {
      return {
        response,
        sentAt,
        attempts: attempt,
        signal,
        timedOut: () => timeout.signal.aborted && !options.signal?.aborted,
        finish: () => clearTimeout(timer),
      };
    }
    const text = await response.text().catch(() => '');
    clearTimeout(timer);
    const message = providerMessage(text, secret);
    if (response.status === 401 || response.status === 403) {
      const which =
        config.apiKeyEnv === null ? 'the request (no "api_key_env" in config.json: add the variable that holds a key)' : `the key in $${config.apiKeyEnv}`;
      throw new RemoteAuthError(`${config.host} refused ${which} for ${modelId} (HTTP ${response.status}${message ? `: ${message}` : ''})`);
    }
    if (!isRetryableStatus(response.status)) {
      throw new RemoteRequestError(`${config.host} answered HTTP ${response.status} for ${modelId}${message ? `: ${message}` : ''}`, 'http', response.status);
    }
    lastStatus = response.status;
    lastReason = `HTTP ${response.status}${message ? `: ${message}` : ''}`;
    if (attempt < attempts) {
      const delayMs = retryDelayMs(attempt, parseRetryAfter(response.headers.get('retry-after'), Date.now()), policy);
      options.onRetry?.({ attempt, delayMs, reason: lastReason });
      await wait(delayMs, options.signal);
    }
  }
  throw new RemoteRequestError(`${config.host} failed ${attempts} attempts for ${modelId}; last: ${lastReason}`, 'retries-exhausted', lastStatus);
}

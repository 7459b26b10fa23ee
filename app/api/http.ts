// How route handlers answer: JSON bodies, and user mistakes as 4xx naming the field (never a stack trace).
import { FieldError } from '@/lib/harness/field-error.ts';
import { QueueFullError } from '@/lib/harness/decode-queue.ts';
import { SweepBusyError } from '@/lib/harness/sweep-jobs.ts';
import { SweepRunningError } from '@/lib/harness/sweep.ts';
import { ExperimentNotFoundError, NotFoundError, UserError } from '@/lib/user-error.ts';

export const json = (body: unknown, init: ResponseInit = {}) => Response.json(body, init);

/** Maps an error to its HTTP answer: 400 field, 404 missing, 409 busy, 429 queue full, 500 anything else. */
export function errorResponse(error: unknown): Response {
  const message = error instanceof Error ? error.message.split('\n')[0]! : String(error);
  if (error instanceof FieldError) return json({ error: message, field: error.field }, { status: 400 });
  if (error instanceof QueueFullError) return json({ error: message }, { status: 429, headers: { 'Retry-After': String(error.retryAfterSeconds) } });
  if (error instanceof SweepBusyError) return json({ error: message, running: error.runningId }, { status: 409 });
  if (error instanceof SweepRunningError) return json({ error: message, running: error.experimentId }, { status: 409 });
  if (error instanceof NotFoundError) return json({ error: message }, { status: 404 });
  if (error instanceof UserError) return json({ error: message }, { status: 400 });
  console.error(error);
  return json({ error: `internal error: ${message}` }, { status: 500 });
}

/** The request body as JSON, or a 400 that says so; bodies over 64 KiB are refused. */
export async function readJson(request: Request): Promise<unknown> {
  const text = await request.text();
  if (text.length > 65_536) throw new FieldError('body', 'is larger than 64 KiB');
  try {
    return JSON.parse(text);
  } catch {
    throw new FieldError('body', 'is not valid JSON');
  }
}

/** Experiment ids are UUIDs; a share slug (22 characters) is never accepted where an id is expected. */
export function experimentIdOf(id: string): string {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(id)) throw new ExperimentNotFoundError(id, '');
  return id;
}

// Every failure as OpenAI's error object, {"error": {message, type, param, code}}, with its HTTP status:
// 400 naming the parameter, 404 for a model we do not serve, 429 with Retry-After when the model's queue is full.
import { SettingsError } from '../../engines/types.ts';
import { FieldError, UserError } from '../../user-error.ts';
import { QueueFullError } from '../decode-queue.ts';

export interface OpenAIErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

/** A bad request parameter with OpenAI's error code for it (e.g. "unsupported_parameter"). */
export class ParamError extends FieldError {
  constructor(
    field: string,
    problem: string,
    readonly code: string,
  ) {
    super(field, problem);
  }
}

/** The requested model is not one this API serves (no such folder, a remote one, or one that cannot load). */
export class ModelNotFoundError extends UserError {}

export interface ApiFailure {
  status: number;
  body: OpenAIErrorBody;
  headers: Record<string, string>;
}

const failure = (
  status: number,
  message: string,
  type: string,
  param: string | null,
  code: string | null,
  headers: Record<string, string> = {},
): ApiFailure => ({
  status,
  body: { error: { message, type, param, code } },
  headers,
});

/** Maps an error to OpenAI's shape; anything that is not a user mistake is a 500 (logged, first line only shown). */
export function apiFailure(error: unknown): ApiFailure {
  const message = error instanceof Error ? error.message.split('\n')[0]! : String(error);
  if (error instanceof ParamError) return failure(400, message, 'invalid_request_error', error.field, error.code);
  if (error instanceof FieldError) return failure(400, message, 'invalid_request_error', error.field, 'invalid_value');
  if (error instanceof ModelNotFoundError) return failure(404, message, 'invalid_request_error', 'model', 'model_not_found');
  if (error instanceof QueueFullError) {
    return failure(429, message, 'rate_limit_error', null, 'rate_limit_exceeded', { 'Retry-After': String(error.retryAfterSeconds) });
  }
  if (error instanceof SettingsError || error instanceof UserError) return failure(400, message, 'invalid_request_error', null, null);
  console.error(error);
  return failure(500, `internal error: ${message}`, 'server_error', null, null);
}

export function errorResponse(error: unknown): Response {
  const { status, body, headers } = apiFailure(error);
  return Response.json(body, { status, headers });
}

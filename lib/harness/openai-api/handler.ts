// POST /v1/chat/completions and /v1/completions, from the Request to the Response: every check that can
// fail runs before the model's decode slot is taken and before any byte is streamed, so a mistake is one
// OpenAI error (400/404), a full queue is a 429 with Retry-After, and the client leaving aborts the engine.
import { hardwareLabel } from '../../env/environment.ts';
import { ChatFormatError, formatChatPrompt, readChatFormat } from '../../engines/chat-format.ts';
import { createEngine, loadModel, type LoadedModel } from '../../engines/index.ts';
import { DEFAULT_SESSION_SETTINGS, type ResolvedRequest, SettingsError, type SessionSettings } from '../../engines/types.ts';
import { type DecodeQueue, decodeQueue } from '../decode-queue.ts';
import { ClientGoneError, type DecodeJob, runDecode } from './decode.ts';
import { apiFailure, errorResponse, ParamError } from './errors.ts';
import { findServedModel, modelObject, servedModels } from './models.ts';
import { type Endpoint, parseRequest, type ParsedRequest } from './request.ts';
import { chunk, completionResponse, dlmSummary, eventChunk, responseIdentity, type ResponseIdentity, usageChunk } from './responses.ts';
import { paramOfSettingsProblem, readApiSettings } from './settings.ts';
import { SSE_DONE, SSE_HEADERS, sseData } from './sse.ts';

/** Bodies past this are refused: a prompt cannot be longer than a model's context anyway. */
export const MAX_BODY_BYTES = 1 << 20;

export interface ApiDeps {
  queue: DecodeQueue;
  session: SessionSettings; // the same ORT options as the playground and `dlm generate` by default
}

const DEFAULT_DEPS: ApiDeps = { queue: decodeQueue, session: DEFAULT_SESSION_SETTINGS };

/** Where the numbers were measured, as every figure in this project is labelled. */
const hardwareOf = (session: SessionSettings) => hardwareLabel(session.executionProvider);

async function readBody(request: Request): Promise<unknown> {
  const tooLarge = () => new ParamError('body', `is larger than ${MAX_BODY_BYTES / 1024} KiB`, 'invalid_value');
  if (Number(request.headers.get('Content-Length') ?? 0) > MAX_BODY_BYTES) throw tooLarge();
  const text = await request.text();
  if (Buffer.byteLength(text) > MAX_BODY_BYTES) throw tooLarge();
  try {
    return JSON.parse(text);
  } catch {
    throw new ParamError('body', 'is not valid JSON', 'invalid_value');
  }
}

function promptOf(parsed: ParsedRequest, model: LoadedModel): string {
  if (parsed.prompt !== null) return parsed.prompt;
  try {
    return formatChatPrompt(parsed.messages!, readChatFormat(model.info.dir));
  } catch (error) {
    if (error instanceof ChatFormatError) throw new ParamError('messages', error.message, 'invalid_value');
    throw error;
  }
}

/** Everything a decode needs, resolved by the model's engine once, before the queue. */
async function prepare(parsed: ParsedRequest, session: SessionSettings): Promise<DecodeJob> {
  const served = await findServedModel(parsed.model);
  const model = await loadModel(served.info, session);
  const prompt = promptOf(parsed, model);
  const api = readApiSettings(parsed.body, served.engine, served.info.id);
  let request: ResolvedRequest;
  try {
    request = createEngine(model).resolve({ prompt, settings: api.settings });
  } catch (error) {
    if (!(error instanceof SettingsError)) throw error;
    const { param, code } = paramOfSettingsProblem(error, api, served.engine);
    throw new ParamError(param ?? (parsed.endpoint === 'chat' ? 'messages' : 'prompt'), error.message, code);
  }
  return { model, request, outputCap: api.outputCap, stop: parsed.stop };
}

export async function handleCompletions(endpoint: Endpoint, request: Request, deps: ApiDeps = DEFAULT_DEPS): Promise<Response> {
  let parsed: ParsedRequest;
  let job: DecodeJob;
  let release: () => void;
  try {
    parsed = parseRequest(await readBody(request), endpoint);
    job = await prepare(parsed, deps.session);
    release = await deps.queue.acquire(job.model.info.id, request.signal); // 429 here, before anything is sent
  } catch (error) {
    if (request.signal.aborted) return new Response(null, { status: 499 }); // the client left while waiting
    return errorResponse(error);
  }
  const identity = responseIdentity(endpoint, job.model.info, job.model.config.decoding, hardwareOf(deps.session));
  const echo = parsed.echo ? job.request.prompt : '';
  if (!parsed.stream) {
    try {
      return Response.json(completionResponse(identity, await runDecode(job, () => undefined, request.signal), echo));
    } catch (error) {
      if (error instanceof ClientGoneError) return new Response(null, { status: 499 });
      return errorResponse(error);
    } finally {
      release();
    }
  }
  return new Response(streamCompletion(identity, job, parsed, echo, request.signal, release), { headers: SSE_HEADERS });
}

function streamCompletion(identity: ResponseIdentity, job: DecodeJob, parsed: ParsedRequest, echo: string, requestSignal: AbortSignal, release: () => void) {
  const gone = new AbortController(); // the request's signal, or the stream cancelled by its reader
  const leave = () => gone.abort();
  if (requestSignal.aborted) leave();
  else requestSignal.addEventListener('abort', leave, { once: true });
  const withUsage = parsed.includeUsage;
  return new ReadableStream<Uint8Array>({
    async start(controller) {
      const send = (payload: unknown) => {
        if (!gone.signal.aborted) controller.enqueue(sseData(payload));
      };
      try {
        if (identity.endpoint === 'chat') send(chunk(identity, { role: true, text: '', withUsage }));
        else if (echo) send(chunk(identity, { text: echo, withUsage }));
        const outcome = await runDecode(job, (event) => send(eventChunk(identity, event, withUsage)), gone.signal);
        send(chunk(identity, { finishReason: outcome.finishReason, dlm: dlmSummary(identity, outcome), withUsage }));
        if (withUsage) send(usageChunk(identity, outcome));
        if (!gone.signal.aborted) controller.enqueue(SSE_DONE);
      } catch (error) {
        if (!(error instanceof ClientGoneError)) send(apiFailure(error).body); // the OpenAI clients raise it
      } finally {
        release();
        requestSignal.removeEventListener('abort', leave);
      }
      try {
        controller.close();
      } catch {
        // already closed by the client going away
      }
    },
    cancel() {
      leave();
    },
  });
}

/** GET /v1/models: every model this API serves. */
export async function handleListModels(): Promise<Response> {
  try {
    return Response.json({ object: 'list', data: (await servedModels()).map(modelObject) });
  } catch (error) {
    return errorResponse(error);
  }
}

/** GET /v1/models/{id}: one of them, or OpenAI's 404. */
export async function handleRetrieveModel(id: string): Promise<Response> {
  try {
    return Response.json(modelObject(await findServedModel(id)));
  } catch (error) {
    return errorResponse(error);
  }
}

// POST /v1/chat/completions (OpenAI-compatible), streamed or not; the logic is in lib/harness/openai-api.
import { handleCompletions } from '@/lib/harness/openai-api/handler.ts';

export const dynamic = 'force-dynamic';

export const POST = (request: Request): Promise<Response> => handleCompletions('chat', request);

// GET /v1/models/{model} (OpenAI-compatible): one served model, or OpenAI's 404.
import { handleRetrieveModel } from '@/lib/harness/openai-api/handler.ts';

export const dynamic = 'force-dynamic';

export async function GET(_request: Request, context: { params: Promise<{ model: string }> }): Promise<Response> {
  return handleRetrieveModel((await context.params).model);
}

// GET /v1/models (OpenAI-compatible): every local model the API serves.
import { handleListModels } from '@/lib/harness/openai-api/handler.ts';

export const dynamic = 'force-dynamic';

export const GET = (): Promise<Response> => handleListModels();

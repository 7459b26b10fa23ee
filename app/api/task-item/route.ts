// GET /api/task-item?task=copy&length=8&index=0: a held-out task item (eval split, seed 0) and its answer.
import { FieldError } from '@/lib/harness/field-error.ts';
import { generateRecord } from '@/lib/tasks/generate.ts';
import { findFamily, TASK_NAMES } from '@/lib/tasks/registry.ts';
import { errorResponse, json } from '../http.ts';

export const dynamic = 'force-dynamic';

function intParam(url: URL, name: string, min: number, max: number, fallback?: number): number {
  const raw = url.searchParams.get(name);
  if (raw === null || raw === '') {
    if (fallback !== undefined) return fallback;
    throw new FieldError(name, `is required (${min}..${max})`);
  }
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) throw new FieldError(name, `must be an integer in [${min}, ${max}], got "${raw.slice(0, 20)}"`);
  return value;
}

export async function GET(request: Request): Promise<Response> {
  try {
    const url = new URL(request.url);
    const task = url.searchParams.get('task') ?? '';
    const family = findFamily(task);
    if (!family) throw new FieldError('task', `must be one of ${TASK_NAMES.join(', ')}`);
    const length = intParam(url, 'length', family.minLength, family.maxLength);
    const index = intParam(url, 'index', 0, 1_000_000, 0);
    const record = generateRecord(family, length, 0, index, 'eval');
    return json({
      task: record.task,
      length,
      index,
      taskId: record.task_id,
      prompt: record.prompt,
      answer: record.answer,
      range: [family.minLength, family.maxLength],
    });
  } catch (error) {
    return errorResponse(error);
  }
}

// Scores completions: exact string match for copy/reverse/sort/add, execution against the record's
// test in the sandbox for code. A completion is the decoded model output with <eos> removed and is
// compared as is (no trimming); anything that is not a string fails.
import { findFamily } from './registry.ts';
import { runInSandbox, type SandboxOptions } from './sandbox.ts';
import type { CheckResult, TaskRecord } from './types.ts';

export type RecordWithCompletion = Pick<TaskRecord, 'task_id' | 'task' | 'answer'> & Partial<Pick<TaskRecord, 'test'>> & { completion?: unknown };

const NOT_A_STRING = 'completion is missing or not a string';

function exactMatch(answer: string, completion: string): string | undefined {
  if (completion === answer) return undefined;
  let at = 0;
  while (at < answer.length && completion[at] === answer[at]) at++;
  return `differs from the answer at character ${at} (expected ${answer.length} characters, got ${completion.length})`;
}

/** Results in the same order as `records`; code records of one call share one sandbox batch. */
export async function checkCompletions(records: readonly RecordWithCompletion[], sandboxOptions?: SandboxOptions): Promise<CheckResult[]> {
  const results: CheckResult[] = new Array(records.length);
  const codeIndexes: number[] = [];
  records.forEach((record, i) => {
    const family = findFamily(record.task);
    if (!family) throw new Error(`${record.task_id}: unknown task "${record.task}"`);
    const { completion } = record;
    if (typeof completion !== 'string') results[i] = { task_id: record.task_id, passed: false, error: NOT_A_STRING };
    else if (family.checkedBy === 'code-execution') codeIndexes.push(i);
    else {
      const error = exactMatch(record.answer, completion);
      results[i] = error === undefined ? { task_id: record.task_id, passed: true } : { task_id: record.task_id, passed: false, error };
    }
  });
  if (codeIndexes.length > 0) {
    const items = codeIndexes.map((i) => {
      const record = records[i]!;
      if (typeof record.test !== 'string') throw new Error(`${record.task_id}: code record has no test`);
      return { completion: record.completion as string, test: record.test };
    });
    const outcomes = await runInSandbox(items, sandboxOptions);
    codeIndexes.forEach((recordIndex, k) => (results[recordIndex] = { task_id: records[recordIndex]!.task_id, ...outcomes[k]! }));
  }
  return results;
}

// `dlm tasks check`: scores a JSONL file of records with completions. Every line is validated before
// anything runs, so bad input fails fast with its line number; failing completions are not errors.
import { readFile } from 'node:fs/promises';
import { intFlag, parseArgs, UsageError } from './args.ts';
import { checkCompletions, type RecordWithCompletion } from '../tasks/check.ts';
import { TASKS_USAGE } from './tasks-usage.ts';
import { openLineSink } from './line-sink.ts';
import { findFamily } from '../tasks/registry.ts';
import type { CheckResult } from '../tasks/types.ts';

/** Code records per sandbox child; bounds memory and the cost of a restart. */
const BATCH_SIZE = 500;

function parseRecordLine(line: string, lineNumber: number): RecordWithCompletion {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    throw new UsageError(`line ${lineNumber}: invalid JSON (${(error as Error).message})`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new UsageError(`line ${lineNumber}: expected a JSON object`);
  const record = value as Record<string, unknown>;
  if (typeof record.task_id !== 'string') throw new UsageError(`line ${lineNumber}: missing "task_id"`);
  const family = typeof record.task === 'string' ? findFamily(record.task) : undefined;
  if (!family) throw new UsageError(`line ${lineNumber}: unknown task ${JSON.stringify(record.task ?? null)}`);
  if (typeof record.answer !== 'string') throw new UsageError(`line ${lineNumber}: missing "answer"`);
  if (family.checkedBy === 'code-execution' && typeof record.test !== 'string') throw new UsageError(`line ${lineNumber}: code record without "test"`);
  return record as unknown as RecordWithCompletion;
}

async function readRecords(path: string): Promise<RecordWithCompletion[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  const records: RecordWithCompletion[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() !== '') records.push(parseRecordLine(line, i + 1));
  });
  return records;
}

function printSummary(records: readonly RecordWithCompletion[], results: readonly CheckResult[], asJson: boolean): void {
  const byTask = new Map<string, { passed: number; total: number }>();
  records.forEach((record, i) => {
    const tally = byTask.get(record.task) ?? { passed: 0, total: 0 };
    tally.total++;
    if (results[i]!.passed) tally.passed++;
    byTask.set(record.task, tally);
  });
  for (const [task, { passed, total }] of byTask) {
    const rate = passed / total;
    console.error(asJson ? JSON.stringify({ task, passed, total, pass_rate: rate }) : `${task}: ${passed}/${total} passed (${(rate * 100).toFixed(1)}%)`);
  }
}

export async function checkCommand(argv: string[]): Promise<number> {
  const args = parseArgs(argv, { values: ['file', 'timeout-ms'], switches: ['json', 'help'] });
  if (args.switches.has('help')) {
    console.log(TASKS_USAGE);
    return 0;
  }
  if (args.positionals.length > 0) throw new UsageError(`unexpected argument "${args.positionals[0]}"`);
  const path = args.values.get('file');
  if (path === undefined) throw new UsageError('--file is required');
  const timeoutMs = intFlag(args, 'timeout-ms', 1000, 10, 60_000);
  const records = await readRecords(path);

  const sink = await openLineSink();
  const results: CheckResult[] = [];
  for (let start = 0; start < records.length; start += BATCH_SIZE) {
    const batch = await checkCompletions(records.slice(start, start + BATCH_SIZE), { timeoutMs });
    for (const result of batch) {
      results.push(result);
      await sink.write(JSON.stringify(result));
    }
  }
  await sink.close();
  printSummary(records, results, args.switches.has('json'));
  return 0;
}

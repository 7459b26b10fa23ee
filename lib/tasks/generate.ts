// Turns (family, length, seed, index, split) into a record. Each record has its own random stream,
// keyed by all five, so the same arguments always give the same record and records can be produced
// in any order or subset. The task_id, e.g. "train/sort/16/s7/i0", names those arguments.
import { assertTokenText } from './alphabet.ts';
import { Rng } from './prng.ts';
import { streamSeed, type Split } from './splits.ts';
import type { TaskFamily, TaskRecord } from './types.ts';

export function taskId(family: string, length: number, seed: number, index: number, split: Split): string {
  return `${split}/${family}/${length}/s${seed}/i${index}`;
}

export function assertLengthInRange(family: TaskFamily, length: number): void {
  if (!Number.isInteger(length) || length < family.minLength || length > family.maxLength) {
    throw new RangeError(`${family.name}: length must be an integer in ${family.minLength}..${family.maxLength}, got ${length}`);
  }
}

export function generateRecord(family: TaskFamily, length: number, seed: number, index: number, split: Split): TaskRecord {
  assertLengthInRange(family, length);
  if (!Number.isInteger(index) || index < 0) throw new RangeError(`index must be a non-negative integer, got ${index}`);
  const rng = new Rng(`${family.name}|${length}|${streamSeed(seed, split)}|${index}`);
  const item = family.generate(length, rng);
  const record: TaskRecord = {
    task_id: taskId(family.name, length, seed, index, split),
    task: family.name,
    prompt: item.prompt,
    answer: item.answer,
    length,
    seed,
    index,
    split,
  };
  if (item.code) Object.assign(record, { entry_point: item.code.entry_point, canonical_solution: item.answer, test: item.code.test });
  return record;
}

/** Like generateRecord, but also verifies the family's contract; cheap enough to run on every record. */
export function generateCheckedRecord(family: TaskFamily, length: number, seed: number, index: number, split: Split): TaskRecord {
  const record = generateRecord(family, length, seed, index, split);
  assertTokenText(record.prompt, `${record.task_id} prompt`);
  assertTokenText(record.answer, `${record.task_id} answer`);
  if (!record.prompt.endsWith('\n') || record.answer.endsWith('\n'))
    throw new Error(`${record.task_id}: prompt must end with a newline and the answer must not`);
  return record;
}

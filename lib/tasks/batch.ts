// Generates many records in a fixed order: family by family, then length by length (or, for mixed
// lengths, index by index with a drawn length), then index 0..n-1. Lazily, so callers can stream.
import { generateCheckedRecord } from './generate.ts';
import type { LengthSampler } from './length-mix.ts';
import type { Split } from './splits.ts';
import type { TaskFamily, TaskRecord } from './types.ts';

export type FamilyPlan =
  | { family: TaskFamily; lengths: readonly number[] } // n records for each length
  | { family: TaskFamily; sampler: LengthSampler }; // n records, lengths drawn per index

export interface BatchSpec {
  plans: readonly FamilyPlan[];
  n: number;
  seed: number;
  split: Split;
}

export function* generateBatch({ plans, n, seed, split }: BatchSpec): Generator<TaskRecord> {
  for (const plan of plans) {
    if ('lengths' in plan) {
      for (const length of plan.lengths) {
        for (let index = 0; index < n; index++) yield generateCheckedRecord(plan.family, length, seed, index, split);
      }
    } else {
      for (let index = 0; index < n; index++) yield generateCheckedRecord(plan.family, plan.sampler.draw(index), seed, index, split);
    }
  }
}

// All task families, in the order `dlm tasks list` shows them.
import { addFamily } from './add.ts';
import { codeFamily } from './code.ts';
import { copyFamily } from './copy.ts';
import { reverseFamily } from './reverse.ts';
import { sortFamily } from './sort.ts';
import type { TaskFamily, TaskName } from './types.ts';

export const FAMILIES: readonly TaskFamily[] = [copyFamily, reverseFamily, sortFamily, addFamily, codeFamily];

export const TASK_NAMES: readonly TaskName[] = FAMILIES.map((family) => family.name);

export function findFamily(name: string): TaskFamily | undefined {
  return FAMILIES.find((family) => family.name === name);
}

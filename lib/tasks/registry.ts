// All task families, in the order `dlm tasks list` shows them.
import { addFamily } from './add.ts';
import { codeFamily } from './code.ts';
import { copyFamily } from './copy.ts';
import { expandFamily } from './expand.ts';
import { reverseFamily } from './reverse.ts';
import { sortFamily } from './sort.ts';
import type { TaskFamily, TaskName } from './types.ts';

export const FAMILIES: readonly TaskFamily[] = [copyFamily, reverseFamily, sortFamily, addFamily, codeFamily, expandFamily];

export const TASK_NAMES: readonly TaskName[] = FAMILIES.map((family) => family.name);

export function findFamily(name: string): TaskFamily | undefined {
  return FAMILIES.find((family) => family.name === name);
}

/** The task and expected answer of a prompt typed in an exact-match family's format (e.g. "sort: 3141\n"), else null. */
export function solvePrompt(prompt: string): { task: TaskName; answer: string } | null {
  for (const family of FAMILIES) {
    const answer = family.solve?.(prompt) ?? null;
    if (answer !== null) return { task: family.name, answer };
  }
  return null;
}

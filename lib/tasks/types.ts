// Shapes shared by the task families, the generator, the checker and the CLI.
import type { Rng } from './prng.ts';
import type { Split } from './splits.ts';

export type TaskName = 'copy' | 'reverse' | 'sort' | 'add' | 'code' | 'expand';

/** What one family produces for one (length, random stream). */
export interface FamilyItem {
  prompt: string; // always ends with "\n"; the answer follows directly
  answer: string; // never ends with "\n"
  /** Extra HumanEval-style fields, only for families checked by running code. */
  code?: { entry_point: string; test: string };
}

export interface TaskFamily {
  name: TaskName;
  description: string; // one line, shown by `dlm tasks list`
  minLength: number;
  maxLength: number;
  /** How the answer is scored: exact string match, or by running it against the record's test. */
  checkedBy: 'exact-match' | 'code-execution';
  generate(length: number, rng: Rng): FamilyItem;
  /** How chat models (remote APIs) are asked instead of the raw prompt; see chat-form.ts. Checkers are unchanged. */
  chat: ChatForm;
  /** Exact-match families only: the expected answer for any prompt in this family's format, else null. */
  solve?(prompt: string): string | null;
}

/** The instruction form of a task for a chat model: "<instruction> Reply with <reply> only: <input>". */
export interface ChatForm {
  instruction: string; // the task in words, e.g. "Reverse this string."
  reply: string; // what the reply must be, e.g. "the reversed string"
  /** Family-specific clean-up after code fences and surrounding whitespace are removed (e.g. a trailing ";"). */
  extract?(reply: string): string;
}

export interface TaskRecord {
  task_id: string;
  task: TaskName;
  prompt: string;
  answer: string;
  length: number;
  seed: number;
  index: number;
  split: Split;
  // HumanEval fields, present for the code family only (canonical_solution === answer).
  entry_point?: string;
  canonical_solution?: string;
  test?: string;
}

export interface CheckResult {
  task_id: string;
  passed: boolean;
  error?: string;
}

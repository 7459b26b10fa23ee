// A common slip: a task prompt typed without the newline it ends with ("sort: 3141" instead of "sort: 3141\n"),
// which the models were never trained on and which is then not scored. One line that says so, for the CLI,
// the playground and the API.
import { solvePrompt } from './registry.ts';

/** The hint when `prompt` is a task prompt only once a trailing newline is added; null otherwise. */
export function missingNewlineHint(prompt: string): string | null {
  if (prompt.endsWith('\n') || solvePrompt(prompt) !== null) return null;
  const fixed = solvePrompt(`${prompt}\n`);
  if (!fixed) return null;
  return `hint: this looks like a ${fixed.task} prompt without its trailing newline; task prompts end with one ("${prompt.slice(0, 40)}\\n"), and without it the output is not scored`;
}

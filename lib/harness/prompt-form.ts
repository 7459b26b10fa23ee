// Which form of a task prompt a model gets: bundled (and any local or text-completion) models read the suite's
// prompt as it is; chat models behind an API get the family's instruction, and their reply is cut down to the
// answer (fences, whitespace) before the unchanged checkers score it.
import { type AnyModel, isRemoteModel } from '../engines/any-model.ts';
import { chatPrompt, extractAnswer } from '../tasks/chat-form.ts';

const asksInWords = (model: AnyModel) => isRemoteModel(model) && model.remote.chat;

/** The prompt sent to `model` for a task record. */
export function promptFor(model: AnyModel, record: { task: string; prompt: string }): string {
  return asksInWords(model) ? chatPrompt(record.task, record.prompt) : record.prompt;
}

/** The completion the checker scores for `model`'s output on a task record. */
export function completionFor(model: AnyModel, record: { task: string }, text: string): string {
  return asksInWords(model) ? extractAnswer(record.task, text) : text;
}

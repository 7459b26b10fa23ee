// Task prompts for chat models (remote APIs): the bundled models read "reverse: k3x9\n" and continue it, but a
// chat model needs the task in words. Each family declares its ChatForm once; this turns a suite prompt into
// the instruction ("Reverse this string. Reply with the reversed string only: k3x9") and a reply back into
// the completion the unchanged checkers score (code answers still only run in the sandbox).
import { findFamily } from './registry.ts';
import type { TaskFamily } from './types.ts';

/** The input a suite prompt carries: "<family>: <input>\n" → "<input>"; null when it is not in that form. */
function inputOf(family: TaskFamily, prompt: string): string | null {
  const head = `${family.name}: `;
  if (!prompt.startsWith(head) || !prompt.endsWith('\n')) return null;
  return prompt.slice(head.length, -1);
}

/** The instruction a chat model gets for a task prompt; the prompt itself when it is not a task's. */
export function chatPrompt(task: string, prompt: string): string {
  const family = findFamily(task);
  const input = family ? inputOf(family, prompt) : null;
  if (!family || input === null) return prompt;
  return `${family.chat.instruction} Reply with ${family.chat.reply} only: ${input}`;
}

/** Removes one surrounding Markdown code fence (with or without a language tag) and the whitespace around it. */
export function stripCodeFences(reply: string): string {
  const trimmed = reply.trim();
  const fenced = /^```[\w+-]*[ \t]*\r?\n?([\s\S]*?)\r?\n?```$/.exec(trimmed);
  return (fenced ? fenced[1]! : trimmed).trim();
}

/** The completion the checker scores for a chat model's reply to a task. */
export function extractAnswer(task: string, reply: string): string {
  const family = findFamily(task);
  const stripped = stripCodeFences(reply);
  return family?.chat.extract ? family.chat.extract(stripped).trim() : stripped;
}

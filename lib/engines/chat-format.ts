// Chat messages → one prompt string. A model whose tokenizer_config.json carries a chat_template gets it,
// rendered with @huggingface/jinja as transformers does; a model without one (the bundled pair, trained on raw
// task prompts) gets the last user message's content, ending in a newline like every task prompt.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Template } from '@huggingface/jinja';

export interface ChatMessage {
  role: string;
  content: string;
  name?: string;
}

/** What the prompt format needs from tokenizer_config.json. */
export interface ChatFormat {
  template: string | null; // the Jinja chat template, null when the model has none
  specialTokens: Record<string, string>; // bos_token, eos_token, … as the template sees them
}

const SPECIAL_TOKEN_KEYS = ['bos_token', 'eos_token', 'unk_token', 'pad_token', 'sep_token', 'cls_token', 'mask_token'] as const;

/** A special token is written as a string or as an AddedToken object ({ content: "…" }). */
function tokenText(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && typeof (value as { content?: unknown }).content === 'string') return (value as { content: string }).content;
  return null;
}

/** Reads the chat format out of a parsed tokenizer_config.json (a list of named templates uses "default"). */
export function chatFormatOf(tokenizerConfig: Record<string, unknown>): ChatFormat {
  const raw = tokenizerConfig.chat_template;
  let template: string | null = null;
  if (typeof raw === 'string' && raw.trim() !== '') template = raw;
  else if (Array.isArray(raw)) {
    const named = raw.find((t) => t && typeof t === 'object' && (t as { name?: unknown }).name === 'default') as { template?: unknown } | undefined;
    if (typeof named?.template === 'string') template = named.template;
  }
  const specialTokens: Record<string, string> = {};
  for (const key of SPECIAL_TOKEN_KEYS) {
    const text = tokenText(tokenizerConfig[key]);
    if (text !== null) specialTokens[key] = text;
  }
  return { template, specialTokens };
}

/** The chat format of a model folder; a folder without tokenizer_config.json has no template. */
export function readChatFormat(modelDir: string): ChatFormat {
  let config: Record<string, unknown> = {};
  try {
    config = JSON.parse(readFileSync(path.join(modelDir, 'tokenizer_config.json'), 'utf8')) as Record<string, unknown>;
  } catch {
    config = {}; // optional in the Hugging Face layout
  }
  return chatFormatOf(config);
}

/** Thrown when the messages cannot make a prompt (no user message; a template that raises). */
export class ChatFormatError extends Error {}

/** The prompt the model sees for `messages`. */
export function formatChatPrompt(messages: readonly ChatMessage[], format: ChatFormat): string {
  if (format.template === null) {
    const last = messages.findLast((m) => m.role === 'user');
    if (!last) throw new ChatFormatError('needs a user message: this model has no chat template, so its prompt is the last user message');
    return last.content.endsWith('\n') ? last.content : `${last.content}\n`;
  }
  try {
    return new Template(format.template).render({ ...format.specialTokens, messages, add_generation_prompt: true });
  } catch (error) {
    throw new ChatFormatError(`the model's chat template failed: ${(error as Error).message}`);
  }
}

// The added (special) tokens of a model folder's tokenizer, by their text: how a published diffusion LM's
// <mask> and end-of-turn tokens are found when config.json does not give their ids.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** Token text -> id, from tokenizer.json "added_tokens" (or tokenizer_config.json "added_tokens_decoder"). */
export type SpecialTokens = ReadonlyMap<string, number>;

export function readSpecialTokens(modelDir: string): SpecialTokens {
  const tokens = new Map<string, number>();
  const tokenizerFile = path.join(modelDir, 'tokenizer.json');
  if (existsSync(tokenizerFile)) {
    const json = JSON.parse(readFileSync(tokenizerFile, 'utf8')) as { added_tokens?: { id?: unknown; content?: unknown }[] };
    for (const t of json.added_tokens ?? []) if (typeof t.id === 'number' && typeof t.content === 'string') tokens.set(t.content, t.id);
    return tokens;
  }
  const configFile = path.join(modelDir, 'tokenizer_config.json');
  if (!existsSync(configFile)) return tokens;
  const config = JSON.parse(readFileSync(configFile, 'utf8')) as { added_tokens_decoder?: Record<string, { content?: unknown }> };
  for (const [id, t] of Object.entries(config.added_tokens_decoder ?? {})) {
    if (typeof t.content === 'string' && /^\d+$/.test(id)) tokens.set(t.content, Number(id));
  }
  return tokens;
}

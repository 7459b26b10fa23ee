// Fills in decoding defaults and rejects settings that cannot work, with one clear message each.
import { CACHE_MODES, type DecodingSettings, type RemaskingPolicy, SettingsError } from './types.ts';

export const REMASKING_POLICIES: readonly RemaskingPolicy[] = ['low_confidence', 'random', 'margin', 'entropy'];

export const DEFAULT_MAX_NEW_TOKENS = 64;

function check(condition: boolean, message: string): void {
  if (!condition) throw new SettingsError(message);
}

const isInt = (v: number) => Number.isInteger(v);

/**
 * Resolves settings for one request. `promptTokens` and `contextLength` bound the output length:
 * the prompt plus every generated position must fit in the model's context.
 */
export function resolveSettings(
  kind: 'autoregressive' | 'diffusion',
  given: Partial<DecodingSettings>,
  promptTokens: number,
  contextLength: number,
): DecodingSettings {
  const maxNewTokens = given.maxNewTokens ?? DEFAULT_MAX_NEW_TOKENS;
  check(promptTokens > 0, 'prompt is empty');
  check(isInt(maxNewTokens) && maxNewTokens >= 1, `max tokens must be a positive integer, got ${maxNewTokens}`);
  check(
    promptTokens + maxNewTokens <= contextLength,
    `prompt (${promptTokens} tokens) + output (${maxNewTokens}) exceeds the model's context of ${contextLength} tokens`,
  );
  const settings: DecodingSettings = {
    maxNewTokens,
    temperature: given.temperature ?? 0,
    topK: given.topK ?? 0,
    topP: given.topP ?? 1,
    seed: given.seed ?? 0,
    minNewTokens: given.minNewTokens ?? 0,
    steps: given.steps ?? maxNewTokens,
    blockLength: given.blockLength ?? maxNewTokens,
    remasking: given.remasking ?? 'low_confidence',
    threshold: given.threshold ?? null,
    factor: given.factor ?? null,
    cache: given.cache ?? 'none',
  };
  check(Number.isFinite(settings.temperature) && settings.temperature >= 0, `temperature must be ≥ 0, got ${settings.temperature}`);
  check(isInt(settings.seed) && settings.seed >= 0 && settings.seed <= 0xffffffff, `seed must be an integer in [0, 2^32), got ${settings.seed}`);
  check(
    isInt(settings.minNewTokens) && settings.minNewTokens >= 0 && settings.minNewTokens <= maxNewTokens,
    `min new tokens must be an integer in [0, max tokens = ${maxNewTokens}], got ${settings.minNewTokens}`,
  );
  if (kind === 'autoregressive') {
    check(isInt(settings.topK) && settings.topK >= 0, `top-k must be an integer ≥ 0, got ${settings.topK}`);
    check(settings.topP > 0 && settings.topP <= 1, `top-p must be in (0, 1], got ${settings.topP}`);
    return settings;
  }
  const { steps, blockLength, remasking, threshold } = settings;
  check(REMASKING_POLICIES.includes(remasking), `unknown remasking policy "${remasking}" (expected one of ${REMASKING_POLICIES.join(', ')})`);
  check(isInt(steps) && steps >= 1, `steps must be a positive integer, got ${steps}`);
  check(steps <= maxNewTokens, `steps (${steps}) cannot exceed the output length (${maxNewTokens}): each step commits at least one token`);
  check(isInt(blockLength) && blockLength >= 1, `block length must be a positive integer, got ${blockLength}`);
  check(maxNewTokens % blockLength === 0, `block length (${blockLength}) must divide the output length (${maxNewTokens})`);
  const blocks = maxNewTokens / blockLength;
  check(steps % blocks === 0, `steps (${steps}) must be a multiple of the number of blocks (${blocks}) so every block gets the same steps`);
  if (threshold !== null) check(threshold > 0 && threshold < 1, `threshold must be in (0, 1), got ${threshold}`);
  check((CACHE_MODES as readonly string[]).includes(settings.cache), `unknown cache mode "${settings.cache}" (expected one of ${CACHE_MODES.join(', ')})`);
  const { factor } = settings;
  if (factor !== null) {
    check(Number.isFinite(factor) && factor > 0, `factor must be a number > 0, got ${factor}`);
    check(threshold === null, 'give either a threshold or a factor, not both');
  }
  return settings;
}

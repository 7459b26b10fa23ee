// Flags shared by generate, compare, eval and the benchmarks: decoding settings and ORT session options.
import { type DecodingSettings, EXECUTION_PROVIDERS, type ExecutionProvider, GRAPH_OPTIMIZATION_LEVELS, type GraphOptimizationLevel, type RemaskingPolicy, type SessionSettings } from '../engines/types.ts';
import { type StepsSpec } from '../harness/steps.ts';
import { intFlag, numberFlag, type ParsedArgs, UsageError } from './args.ts';

export { resolveSteps } from '../harness/steps.ts';

export const DECODING_VALUE_FLAGS = ['max-tokens', 'min-tokens', 'steps', 'block', 'remasking', 'threshold', 'factor', 'cache', 'temperature', 'top-k', 'top-p', 'seed'] as const;
export const SESSION_VALUE_FLAGS = ['ep', 'threads', 'graph-opt'] as const;

export const DECODING_HELP = `Decoding:
  --max-tokens N     output length: AR max new tokens / diffusion canvas length (default 64)
  --min-tokens N     suppress <eos> before N tokens (AR) or canvas positions (diffusion): exact-length timing
  --steps S          diffusion denoising steps (default = output length); "L/4" means a quarter of it
  --block B          diffusion semi-autoregressive block length (default = output length)
  --remasking P      low_confidence (default) | random | margin | entropy
  --threshold X      diffusion: commit every token with confidence > X each step (Fast-dLLM)
  --factor F         diffusion: Fast-dLLM's factor rule, the top n while (n + 1)(1 − c_n) < F each step
  --cache MODE       diffusion KV cache: none (default) | prefix | dual (Fast-dLLM; refreshed once per block)
  --temperature T    0 = greedy (default)
  --top-k K, --top-p P   AR sampling filters
  --seed N           seed for every random choice (default 0)
Session (the same for both engines):
  --ep cpu|cuda|webgpu   execution provider (default cpu)
  --threads N        ORT intra-op threads (default: onnxruntime's choice)
  --graph-opt LEVEL  disabled | basic | extended | all (default all)`;

export function readStepsSpec(args: ParsedArgs): StepsSpec | undefined {
  const raw = args.values.get('steps');
  if (raw === undefined) return undefined;
  const divided = /^L\/(\d+)$/.exec(raw.trim());
  if (divided) {
    const divisor = Number(divided[1]);
    if (divisor < 1) throw new UsageError('--steps L/N needs N ≥ 1');
    return { divisor };
  }
  if (raw.trim() === 'L') return { divisor: 1 };
  return { absolute: intFlag(args, 'steps', 0, 1) };
}

/** Decoding settings given on the command line (steps as an absolute number only, see readStepsSpec). */
export function readDecodingSettings(args: ParsedArgs): Partial<DecodingSettings> {
  const settings: Partial<DecodingSettings> = {};
  const set = <K extends keyof DecodingSettings>(key: K, value: DecodingSettings[K] | undefined) => {
    if (value !== undefined) settings[key] = value;
  };
  set('maxNewTokens', intFlag(args, 'max-tokens', undefined, 1));
  set('minNewTokens', intFlag(args, 'min-tokens', undefined, 0));
  set('blockLength', intFlag(args, 'block', undefined, 1));
  set('remasking', args.values.get('remasking') as RemaskingPolicy | undefined); // validated by the engine
  set('threshold', numberFlag(args, 'threshold', undefined));
  set('factor', numberFlag(args, 'factor', undefined));
  set('cache', args.values.get('cache') as DecodingSettings['cache'] | undefined); // validated by the engine
  set('temperature', numberFlag(args, 'temperature', undefined));
  set('topK', intFlag(args, 'top-k', undefined, 0));
  set('topP', numberFlag(args, 'top-p', undefined));
  set('seed', intFlag(args, 'seed', undefined, 0, 0xffffffff));
  return settings;
}

const PROVIDERS: readonly string[] = EXECUTION_PROVIDERS;
const LEVELS: readonly string[] = GRAPH_OPTIMIZATION_LEVELS;

export function readSessionSettings(args: ParsedArgs): SessionSettings {
  const ep = (args.values.get('ep') ?? 'cpu') as ExecutionProvider;
  if (!PROVIDERS.includes(ep)) throw new UsageError(`--ep must be one of ${PROVIDERS.join(', ')}, got "${ep}"`);
  const level = (args.values.get('graph-opt') ?? 'all') as GraphOptimizationLevel;
  if (!LEVELS.includes(level)) throw new UsageError(`--graph-opt must be one of ${LEVELS.join(', ')}, got "${level}"`);
  return { executionProvider: ep, intraOpThreads: intFlag(args, 'threads', undefined, 1, 256) ?? null, graphOptimizationLevel: level };
}

/** "CPU" or the GPU provider, for labelling every printed number with where it was measured. */
export function hardwareLabel(session: SessionSettings): string {
  return session.executionProvider === 'cpu' ? 'CPU' : `GPU (${session.executionProvider})`;
}

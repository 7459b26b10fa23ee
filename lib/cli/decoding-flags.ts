// Flags shared by generate, compare, eval and the benchmarks: decoding settings and ORT session options.
import {
  coerceText,
  DECODING_FIELD_NAMES,
  DECODING_FIELDS,
  type DecodingField,
  type FieldNames,
  readDecodingFields,
  type ReadSettings,
} from '../engines/decoding-schema.ts';
import { EXECUTION_PROVIDERS, type ExecutionProvider, GRAPH_OPTIMIZATION_LEVELS, type GraphOptimizationLevel, type SessionSettings } from '../engines/types.ts';
import { assertExecutionProvider } from '../engines/execution-providers.ts';
import { hardwareLabel as hardwareLabelOf } from '../env/environment.ts';
import { FieldError } from '../user-error.ts';
import { intFlag, type ParsedArgs, UsageError } from './args.ts';

export { resolveSteps } from '../engines/decoding-schema.ts';

/** Each decoding setting's flag; the flags' values are checked by the one settings schema. */
const DECODING_FLAG_NAMES: FieldNames = {
  maxNewTokens: 'max-tokens',
  minNewTokens: 'min-tokens',
  steps: 'steps',
  blockLength: 'block',
  remasking: 'remasking',
  schedule: 'schedule',
  threshold: 'threshold',
  factor: 'factor',
  cache: 'cache',
  temperature: 'temperature',
  topK: 'top-k',
  topP: 'top-p',
  seed: 'seed',
};

export const DECODING_VALUE_FLAGS = DECODING_FIELD_NAMES.map((key) => DECODING_FLAG_NAMES[key]!);
export const SESSION_VALUE_FLAGS = ['ep', 'threads', 'graph-opt'] as const;

const flagHelp = (key: DecodingField, value: string) => `  --${`${DECODING_FLAG_NAMES[key]} ${value}`.padEnd(15)}  ${DECODING_FIELDS[key].help}`;

export const DECODING_HELP = `Decoding:
${flagHelp('maxNewTokens', 'N')}
${flagHelp('minNewTokens', 'N')}
${flagHelp('steps', 'S')}
${flagHelp('blockLength', 'B')}
${flagHelp('remasking', 'P')}
${flagHelp('schedule', 'S')}
${flagHelp('threshold', 'X')}
${flagHelp('factor', 'F')}
${flagHelp('cache', 'MODE')}
${flagHelp('temperature', 'T')}
${flagHelp('topK', 'K')}
${flagHelp('topP', 'P')}
${flagHelp('seed', 'N')}
Session (the same for both engines):
  ${`--ep ${EXECUTION_PROVIDERS.join('|')}`.padEnd(17)}  execution provider (default cpu; a GPU one must be installed)
  --threads N        ORT intra-op threads (default: onnxruntime's choice)
  --graph-opt LEVEL  disabled | basic | extended | all (default all)`;

/** The decoding flags given, checked against the settings schema; a bad one is one line naming the flag. */
export function readDecodingFlags(args: ParsedArgs): ReadSettings {
  try {
    return readDecodingFields(Object.fromEntries(args.values), { names: DECODING_FLAG_NAMES, prefix: '--', coerce: coerceText });
  } catch (error) {
    if (error instanceof FieldError) throw new UsageError(`${error.field} ${error.problem}`);
    throw error;
  }
}

const PROVIDERS: readonly string[] = EXECUTION_PROVIDERS;
const LEVELS: readonly string[] = GRAPH_OPTIMIZATION_LEVELS;

export function readSessionSettings(args: ParsedArgs): SessionSettings {
  const ep = (args.values.get('ep') ?? 'cpu') as ExecutionProvider;
  if (!PROVIDERS.includes(ep)) throw new UsageError(`--ep must be one of ${PROVIDERS.join(', ')}, got "${ep}"`);
  assertExecutionProvider(ep); // before any model loads: what is missing and the command that installs it
  const level = (args.values.get('graph-opt') ?? 'all') as GraphOptimizationLevel;
  if (!LEVELS.includes(level)) throw new UsageError(`--graph-opt must be one of ${LEVELS.join(', ')}, got "${level}"`);
  return { executionProvider: ep, intraOpThreads: intFlag(args, 'threads', undefined, 1, 256) ?? null, graphOptimizationLevel: level };
}

/** "CPU" or the GPU provider of a session, for labelling every printed number with where it was measured. */
export const hardwareLabel = (session: SessionSettings): string => hardwareLabelOf(session.executionProvider);

// An experiment spec: what a sweep runs. Given as JSON (a file for `dlm bench --spec`, or the dashboard's form),
// validated field by field with errors that name the field, and expanded into cells with unique keys, so a
// sweep can be resumed by running only the cells whose key has no stored run.
import { REMASKING_POLICIES } from '../engines/settings.ts';
import { CACHE_MODES, EXECUTION_PROVIDERS, type DecodingSettings, type ExecutionProvider, type RemaskingPolicy } from '../engines/types.ts';
import { TASK_NAMES } from '../tasks/registry.ts';
import type { TaskName } from '../tasks/types.ts';
import { FieldError } from './field-error.ts';
import { BUNDLED_AR_MODEL_ID, BUNDLED_DIFFUSION_MODEL_ID } from './bundled-models.ts';
import type { StepsSpec } from './steps.ts';

/** A spec field that is wrong; `field` is its path, e.g. "diffusion[1].steps". */
export class SpecError extends FieldError {}

export type EngineKind = 'autoregressive' | 'diffusion';

/** One decoding setting of the grid, before it is resolved against an output length. */
export interface GridSetting {
  label: string; // e.g. "steps=L/4 block=32"; "greedy" for AR defaults; "default" for diffusion defaults
  settings: Partial<DecodingSettings>;
  steps?: StepsSpec; // diffusion steps relative to L
}

export interface ExperimentSpec {
  title: string;
  models: { autoregressive: string; diffusion: string };
  tasks: TaskName[];
  lengths: number[];
  itemsPerLength: number;
  autoregressive: GridSetting[];
  diffusion: GridSetting[];
  samplesPerItem: number; // for pass@k
  seed: number; // item seed (eval split) and the base of every run's sampling seed
  executionProvider: ExecutionProvider;
  threads: number | null;
  warmup: number; // untimed runs per engine × setting before timing
  repeats: number; // timed repeats per run; the stored timings are their median
  latencyOnlyLengths: number[]; // exact-length timing (AR minNewTokens = L, diffusion eos suppressed before L)
}

export const SPEC_LIMITS = { lengths: 16, maxLength: 1024, itemsPerLength: 1000, samplesPerItem: 100, repeats: 100, warmup: 10, gridSettings: 32 } as const;

type Json = Record<string, unknown>;

const FIELDS = ['title', 'models', 'tasks', 'lengths', 'itemsPerLength', 'autoregressive', 'diffusion', 'samplesPerItem', 'seed', 'executionProvider', 'threads', 'warmup', 'repeats', 'latencyOnly', 'latencyOnlyLengths'];
const AR_FIELDS = ['temperature', 'topK', 'topP'] as const;
const DIFFUSION_FIELDS = ['steps', 'blockLength', 'remasking', 'threshold', 'factor', 'cache', 'temperature', 'topK', 'topP'] as const;

function integer(value: unknown, field: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) throw new SpecError(field, `must be an integer in [${min}, ${max}], got ${JSON.stringify(value)}`);
  return value;
}

function number(value: unknown, field: string, min: number, max: number, openLow = false): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max || (openLow && value === min)) {
    throw new SpecError(field, `must be a number in ${openLow ? '(' : '['}${min}, ${max}], got ${JSON.stringify(value)}`);
  }
  return value;
}

function list<T>(value: unknown, field: string, item: (v: unknown, f: string) => T, { min = 1, max = 64 } = {}): T[] {
  const values = Array.isArray(value) ? value : [value];
  if (values.length < min || values.length > max) throw new SpecError(field, `must list ${min} to ${max} values`);
  return values.map((v, i) => item(v, Array.isArray(value) ? `${field}[${i}]` : field));
}

/** "L", "L/4" or a positive integer. */
export function parseSteps(value: unknown, field: string): { spec: StepsSpec; text: string } {
  if (typeof value === 'number') return { spec: { absolute: integer(value, field, 1, SPEC_LIMITS.maxLength) }, text: String(value) };
  if (typeof value === 'string') {
    const trimmed = value.trim();
    if (trimmed === 'L') return { spec: { divisor: 1 }, text: 'L' };
    const divided = /^L\/(\d+)$/.exec(trimmed);
    if (divided && Number(divided[1]) >= 1) return { spec: { divisor: Number(divided[1]) }, text: trimmed };
  }
  throw new SpecError(field, `must be a positive integer, "L" or "L/N", got ${JSON.stringify(value)}`);
}

type FieldParser = (v: unknown, f: string) => { value: unknown; text: string };

const SETTING_PARSERS: Record<(typeof DIFFUSION_FIELDS)[number], FieldParser> = {
  steps: (v, f) => {
    const { spec, text } = parseSteps(v, f);
    return { value: spec, text };
  },
  blockLength: (v, f) => {
    if (v === 'L') return { value: null, text: 'L' };
    const n = integer(v, f, 1, SPEC_LIMITS.maxLength);
    return { value: n, text: String(n) };
  },
  remasking: (v, f) => {
    if (typeof v !== 'string' || !(REMASKING_POLICIES as readonly string[]).includes(v)) throw new SpecError(f, `must be one of ${REMASKING_POLICIES.join(', ')}, got ${JSON.stringify(v)}`);
    return { value: v as RemaskingPolicy, text: v };
  },
  threshold: (v, f) => {
    if (v === null) return { value: null, text: 'none' };
    const x = number(v, f, 0, 1, true);
    if (x >= 1) throw new SpecError(f, `must be below 1, got ${x}`);
    return { value: x, text: String(x) };
  },
  cache: (v, f) => {
    if (typeof v !== 'string' || !(CACHE_MODES as readonly string[]).includes(v)) throw new SpecError(f, `must be one of ${CACHE_MODES.join(', ')}, got ${JSON.stringify(v)}`);
    return { value: v, text: v };
  },
  factor: (v, f) => {
    const x = number(v, f, 0, 100, true);
    return { value: x, text: String(x) };
  },
  temperature: (v, f) => {
    const x = number(v, f, 0, 100);
    return { value: x, text: String(x) };
  },
  topK: (v, f) => {
    const n = integer(v, f, 0, 100000);
    return { value: n, text: String(n) };
  },
  topP: (v, f) => {
    const x = number(v, f, 0, 1, true);
    return { value: x, text: String(x) };
  },
};

const LABEL_NAMES: Record<string, string> = { blockLength: 'block', topK: 'top-k', topP: 'top-p', temperature: 'T' };

/** Expands one grid object (each field a value or a list of values) into its cartesian product. */
function expandGrid(grid: unknown, field: string, allowed: readonly (keyof typeof SETTING_PARSERS)[], defaultLabel: string): GridSetting[] {
  if (grid === undefined) return [{ label: defaultLabel, settings: {} }];
  if (grid === null || typeof grid !== 'object' || Array.isArray(grid)) throw new SpecError(field, 'must be an object of settings (each a value or a list of values)');
  const entries = Object.entries(grid as Json);
  for (const [key] of entries) if (!(allowed as readonly string[]).includes(key)) throw new SpecError(`${field}.${key}`, `unknown setting (expected one of ${allowed.join(', ')})`);
  let settings: GridSetting[] = [{ label: '', settings: {} }];
  for (const [key, raw] of entries) {
    const parsed = list(raw, `${field}.${key}`, (v, f) => SETTING_PARSERS[key as keyof typeof SETTING_PARSERS](v, f), { max: SPEC_LIMITS.gridSettings });
    settings = settings.flatMap((base) =>
      parsed.map(({ value, text }) => {
        const next: GridSetting = { label: `${base.label} ${LABEL_NAMES[key] ?? key}=${text}`.trim(), settings: { ...base.settings }, steps: base.steps };
        if (key === 'steps') next.steps = value as StepsSpec;
        else if (key === 'blockLength') {
          if (value !== null) next.settings.blockLength = value as number;
        } else (next.settings as Record<string, unknown>)[key] = value;
        return next;
      }),
    );
  }
  if (settings.length > SPEC_LIMITS.gridSettings) throw new SpecError(field, `expands to ${settings.length} settings; at most ${SPEC_LIMITS.gridSettings}`);
  return settings.map((s) => ({ ...s, label: s.label || defaultLabel }));
}

/** A grid is one object (cartesian product) or a list of objects (their union), e.g. [{"steps":["L","L/4"]},{"threshold":0.9}]. */
function parseGrid(value: unknown, field: string, allowed: readonly (keyof typeof SETTING_PARSERS)[], defaultLabel: string): GridSetting[] {
  const grids = Array.isArray(value) ? value.map((g, i) => expandGrid(g, `${field}[${i}]`, allowed, defaultLabel)).flat() : expandGrid(value, field, allowed, defaultLabel);
  const labels = new Set<string>();
  for (const g of grids) {
    if (labels.has(g.label)) throw new SpecError(field, `setting "${g.label}" appears twice`);
    labels.add(g.label);
  }
  if (grids.length > SPEC_LIMITS.gridSettings) throw new SpecError(field, `has ${grids.length} settings; at most ${SPEC_LIMITS.gridSettings}`);
  return grids;
}

/** Validates a spec given as parsed JSON; defaults fill what is missing. Throws SpecError naming the field. */
export function parseSpec(input: unknown): ExperimentSpec {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) throw new SpecError('spec', 'must be a JSON object');
  const raw = input as Json;
  for (const key of Object.keys(raw)) if (!FIELDS.includes(key)) throw new SpecError(key, `unknown field (expected one of ${FIELDS.join(', ')})`);

  const title = raw.title ?? 'sweep';
  if (typeof title !== 'string' || title.trim() === '' || title.length > 200) throw new SpecError('title', 'must be a non-empty string of at most 200 characters');

  const models = { autoregressive: BUNDLED_AR_MODEL_ID, diffusion: BUNDLED_DIFFUSION_MODEL_ID };
  if (raw.models !== undefined) {
    if (raw.models === null || typeof raw.models !== 'object' || Array.isArray(raw.models)) throw new SpecError('models', 'must be an object {"autoregressive": ID, "diffusion": ID}');
    for (const [key, value] of Object.entries(raw.models as Json)) {
      if (key !== 'autoregressive' && key !== 'diffusion') throw new SpecError(`models.${key}`, 'unknown engine (expected autoregressive or diffusion)');
      if (typeof value !== 'string' || !/^[\w.-]{1,200}$/.test(value)) throw new SpecError(`models.${key}`, 'must be a model id (see "dlm models")');
      models[key] = value;
    }
  }

  if (raw.tasks === undefined) throw new SpecError('tasks', `is required: a list of ${TASK_NAMES.join(', ')}`);
  const tasks = list(raw.tasks, 'tasks', (v, f) => {
    if (typeof v !== 'string' || !(TASK_NAMES as readonly string[]).includes(v)) throw new SpecError(f, `unknown task ${JSON.stringify(v)} (expected one of ${TASK_NAMES.join(', ')})`);
    return v as TaskName;
  });
  if (new Set(tasks).size !== tasks.length) throw new SpecError('tasks', 'lists a task twice');

  if (raw.lengths === undefined) throw new SpecError('lengths', 'is required: a list of output lengths, e.g. [8, 32, 64]');
  const lengths = list(raw.lengths, 'lengths', (v, f) => integer(v, f, 1, SPEC_LIMITS.maxLength), { max: SPEC_LIMITS.lengths });
  if (new Set(lengths).size !== lengths.length) throw new SpecError('lengths', 'lists a length twice');

  let latencyOnlyLengths: number[] = [];
  if (raw.latencyOnly !== undefined) {
    if (typeof raw.latencyOnly !== 'boolean') throw new SpecError('latencyOnly', 'must be true or false');
    if (raw.latencyOnly) latencyOnlyLengths = [...lengths];
  }
  if (raw.latencyOnlyLengths !== undefined) {
    latencyOnlyLengths = list(raw.latencyOnlyLengths, 'latencyOnlyLengths', (v, f) => {
      const n = integer(v, f, 1, SPEC_LIMITS.maxLength);
      if (!lengths.includes(n)) throw new SpecError(f, `${n} is not one of "lengths"`);
      return n;
    });
  }

  const threads = raw.threads === undefined || raw.threads === null ? null : integer(raw.threads, 'threads', 1, 256);
  const executionProvider = raw.executionProvider ?? 'cpu';
  if (!(EXECUTION_PROVIDERS as readonly unknown[]).includes(executionProvider)) throw new SpecError('executionProvider', `must be one of ${EXECUTION_PROVIDERS.join(', ')}`);

  return {
    title: title.trim(),
    models,
    tasks,
    lengths,
    itemsPerLength: raw.itemsPerLength === undefined ? 10 : integer(raw.itemsPerLength, 'itemsPerLength', 1, SPEC_LIMITS.itemsPerLength),
    autoregressive: parseGrid(raw.autoregressive, 'autoregressive', AR_FIELDS, 'greedy'),
    diffusion: parseGrid(raw.diffusion, 'diffusion', DIFFUSION_FIELDS, 'default'),
    samplesPerItem: raw.samplesPerItem === undefined ? 1 : integer(raw.samplesPerItem, 'samplesPerItem', 1, SPEC_LIMITS.samplesPerItem),
    seed: raw.seed === undefined ? 0 : integer(raw.seed, 'seed', 0, 999_999_999),
    executionProvider: executionProvider as ExecutionProvider,
    threads,
    warmup: raw.warmup === undefined ? 1 : integer(raw.warmup, 'warmup', 0, SPEC_LIMITS.warmup),
    repeats: raw.repeats === undefined ? 1 : integer(raw.repeats, 'repeats', 1, SPEC_LIMITS.repeats),
    latencyOnlyLengths,
  };
}

/** Parses spec text (JSON); a syntax error is a SpecError too. */
export function parseSpecText(text: string): ExperimentSpec {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new SpecError('spec', `is not valid JSON (${(error as Error).message})`);
  }
  return parseSpec(value);
}

/** One stored run of a sweep: its unique key within the experiment and what it decodes. */
export interface Cell {
  key: string;
  engine: EngineKind;
  setting: GridSetting;
  task: TaskName;
  length: number;
  item: number; // index within (task, length)
  sample: number;
  latencyOnly: boolean;
}

export const cellKey = (c: Omit<Cell, 'key' | 'setting'> & { setting: { label: string } }) =>
  [c.engine, c.setting.label, c.task, c.length, c.item, c.sample].join('|');

/** Every cell of a spec, in run order: length, task, item, sample, then AR settings and diffusion settings. */
export function expandCells(spec: ExperimentSpec): Cell[] {
  const cells: Cell[] = [];
  for (const length of spec.lengths) {
    const latencyOnly = spec.latencyOnlyLengths.includes(length);
    for (const task of spec.tasks) {
      for (let item = 0; item < spec.itemsPerLength; item++) {
        for (let sample = 0; sample < spec.samplesPerItem; sample++) {
          for (const engine of ['autoregressive', 'diffusion'] as const) {
            for (const setting of spec[engine]) {
              const cell = { engine, setting, task, length, item, sample, latencyOnly };
              cells.push({ ...cell, key: cellKey(cell) });
            }
          }
        }
      }
    }
  }
  return cells;
}

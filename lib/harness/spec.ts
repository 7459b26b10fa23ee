// An experiment spec: what a sweep runs. Given as JSON (a file for `dlm bench --spec`, or the dashboard's form),
// validated field by field with errors that name the field, and expanded into cells with unique keys, so a
// sweep can be resumed by running only the cells whose key has no stored run.
import type { EngineKind } from '../models/discover.ts';
import { decodingValueProblem, STEPS_FORMS, type StepsSpec, stepsSpecOf } from '../engines/decoding-schema.ts';
import { EXECUTION_PROVIDERS, type DecodingSettings, type ExecutionProvider } from '../engines/types.ts';
import { isOnnxDtype, ONNX_DTYPES, type OnnxDtype } from '../models/onnx-variants.ts';
import { findFamily, TASK_NAMES } from '../tasks/registry.ts';
import type { TaskName } from '../tasks/types.ts';
import { FieldError } from './field-error.ts';
import { BUNDLED_AR_MODEL_ID, BUNDLED_BLOCK_DIFFUSION_MODEL_ID, BUNDLED_DIFFUSION_MODEL_ID } from './bundled-models.ts';

/** A spec field that is wrong; `field` is its path, e.g. "diffusion[1].steps". */
export class SpecError extends FieldError {}

export type { EngineKind };

/** Each engine's grid in the spec; block diffusion is an optional third series. */
export const GRID_OF = { autoregressive: 'autoregressive', diffusion: 'diffusion', block_diffusion: 'blockDiffusion' } as const satisfies Record<
  EngineKind,
  string
>;

/** One decoding setting of the grid, before it is resolved against an output length. */
export interface GridSetting {
  label: string; // e.g. "steps=L/4 block=32"; "greedy" for AR defaults; "default" for diffusion defaults
  settings: Partial<DecodingSettings>;
  steps?: StepsSpec; // diffusion steps relative to L
}

export interface ExperimentSpec {
  title: string;
  models: { autoregressive: string; diffusion: string; block_diffusion?: string }; // block_diffusion: only with that series
  dtype: Partial<Record<EngineKind, OnnxDtype>>; // each side's ONNX variant (absent: the folder's own graph, fp32); checked against the folder when it loads
  tasks: TaskName[];
  lengths: number[];
  itemsPerLength: number;
  itemLengths: ItemLengths; // exact: each item's answer is L long; mixed: answer lengths drawn ∝ 1/L up to L (one budget, answers of unknown length)
  autoregressive: GridSetting[];
  diffusion: GridSetting[];
  blockDiffusion: GridSetting[]; // empty: no block-diffusion series
  samplesPerItem: number; // for pass@k
  seed: number; // item seed (eval split) and the base of every run's sampling seed
  executionProvider: ExecutionProvider;
  threads: number | null;
  warmup: number; // untimed runs per engine × setting before timing
  repeats: number; // timed repeats per run; the stored timings are their median
  latencyOnlyLengths: number[]; // exact-length timing (AR minNewTokens = L, diffusion eos suppressed before L)
}

/** How long items' answers are at output length L (see lib/tasks/length-mix.ts for the mixed draw). */
export const ITEM_LENGTHS = ['exact', 'mixed'] as const;
export type ItemLengths = (typeof ITEM_LENGTHS)[number];

export const SPEC_LIMITS = { lengths: 16, maxLength: 1024, itemsPerLength: 1000, samplesPerItem: 100, repeats: 100, warmup: 10, gridSettings: 32 } as const;

type Json = Record<string, unknown>;

const FIELDS = [
  'title',
  'models',
  'dtype',
  'tasks',
  'lengths',
  'itemsPerLength',
  'itemLengths',
  'autoregressive',
  'diffusion',
  'blockDiffusion',
  'samplesPerItem',
  'seed',
  'executionProvider',
  'threads',
  'warmup',
  'repeats',
  'latencyOnly',
  'latencyOnlyLengths',
];
const AR_FIELDS = ['temperature', 'topK', 'topP'] as const;
const DIFFUSION_FIELDS = ['steps', 'blockLength', 'remasking', 'schedule', 'threshold', 'factor', 'cache', 'temperature', 'topK', 'topP'] as const;
const BLOCK_DIFFUSION_FIELDS = ['steps', 'remasking', 'schedule', 'threshold', 'factor', 'temperature'] as const; // block length: the model's; cache: always exact

function integer(value: unknown, field: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max)
    throw new SpecError(field, `must be an integer in [${min}, ${max}], got ${JSON.stringify(value)}`);
  return value;
}

function list<T>(value: unknown, field: string, item: (v: unknown, f: string) => T, { min = 1, max = 64 } = {}): T[] {
  const values = Array.isArray(value) ? value : [value];
  if (values.length < min || values.length > max) throw new SpecError(field, `must list ${min} to ${max} values`);
  return values.map((v, i) => item(v, Array.isArray(value) ? `${field}[${i}]` : field));
}

/** "L", "L/4" or a positive integer. */
export function parseSteps(value: unknown, field: string): { spec: StepsSpec; text: string } {
  const steps = stepsSpecOf(value);
  if (!steps) throw new SpecError(field, `must be ${STEPS_FORMS}, got ${JSON.stringify(value)}`);
  return steps;
}

type GridField = (typeof DIFFUSION_FIELDS)[number];

/** One grid value, checked against the setting's declaration; `text` is how it appears in the setting's label. */
function parseGridValue(key: GridField, value: unknown, field: string): { value: unknown; text: string } {
  if (key === 'steps') {
    const { spec, text } = parseSteps(value, field);
    return { value: spec, text };
  }
  if (key === 'blockLength' && value === 'L') return { value: null, text: 'L' };
  const problem = decodingValueProblem(key, value);
  if (problem) throw new SpecError(field, problem);
  return { value, text: value === null ? 'none' : String(value) };
}

const LABEL_NAMES: Record<string, string> = { blockLength: 'block', topK: 'top-k', topP: 'top-p', temperature: 'T' };

/** Expands one grid object (each field a value or a list of values) into its cartesian product. */
function expandGrid(grid: unknown, field: string, allowed: readonly GridField[], defaultLabel: string): GridSetting[] {
  if (grid === undefined) return [{ label: defaultLabel, settings: {} }];
  if (grid === null || typeof grid !== 'object' || Array.isArray(grid))
    throw new SpecError(field, 'must be an object of settings (each a value or a list of values)');
  const entries = Object.entries(grid as Json);
  for (const [key] of entries)
    if (!(allowed as readonly string[]).includes(key)) throw new SpecError(`${field}.${key}`, `unknown setting (expected one of ${allowed.join(', ')})`);
  let settings: GridSetting[] = [{ label: '', settings: {} }];
  for (const [key, raw] of entries) {
    const parsed = list(raw, `${field}.${key}`, (v, f) => parseGridValue(key as GridField, v, f), { max: SPEC_LIMITS.gridSettings });
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
function parseGrid(value: unknown, field: string, allowed: readonly GridField[], defaultLabel: string): GridSetting[] {
  const grids = Array.isArray(value)
    ? value.map((g, i) => expandGrid(g, `${field}[${i}]`, allowed, defaultLabel)).flat()
    : expandGrid(value, field, allowed, defaultLabel);
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
  if (typeof title !== 'string' || title.trim() === '' || title.length > 200)
    throw new SpecError('title', 'must be a non-empty string of at most 200 characters');

  const models: ExperimentSpec['models'] = { autoregressive: BUNDLED_AR_MODEL_ID, diffusion: BUNDLED_DIFFUSION_MODEL_ID };
  if (raw.models !== undefined) {
    if (raw.models === null || typeof raw.models !== 'object' || Array.isArray(raw.models))
      throw new SpecError('models', 'must be an object {"autoregressive": ID, "diffusion": ID}');
    for (const [key, value] of Object.entries(raw.models as Json)) {
      if (key !== 'autoregressive' && key !== 'diffusion' && key !== 'block_diffusion')
        throw new SpecError(`models.${key}`, 'unknown engine (expected autoregressive, diffusion or block_diffusion)');
      if (typeof value !== 'string' || !/^[\w.-]{1,200}$/.test(value)) throw new SpecError(`models.${key}`, 'must be a model id (see "dlm models")');
      models[key] = value;
    }
  }

  const dtype = parseDtypes(raw.dtype);

  if (raw.tasks === undefined) throw new SpecError('tasks', `is required: a list of ${TASK_NAMES.join(', ')}`);
  const tasks = list(raw.tasks, 'tasks', (v, f) => {
    if (typeof v !== 'string' || !(TASK_NAMES as readonly string[]).includes(v))
      throw new SpecError(f, `unknown task ${JSON.stringify(v)} (expected one of ${TASK_NAMES.join(', ')})`);
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

  // A length beyond a family's range (copy ends at 256, expand at 1024) has no items of that task: its cells are
  // skipped, so one spec can take each task as far as it goes; a length or task with no cell at all is a mistake.
  const itemLengthsGiven = (raw.itemLengths ?? ITEM_LENGTHS[0]) as ItemLengths;
  lengths.forEach((length, i) => {
    if (!tasks.some((task) => taskHasLength(task, length, itemLengthsGiven))) {
      throw new SpecError(
        `lengths[${i}]`,
        `${length} is outside every listed task's range (${tasks.map((t) => `${t}: ${findFamily(t)!.minLength}..${findFamily(t)!.maxLength}`).join(', ')})`,
      );
    }
  });
  tasks.forEach((task, i) => {
    if (!lengths.some((length) => taskHasLength(task, length, itemLengthsGiven)))
      throw new SpecError(`tasks[${i}]`, `${task} has no items at any of the lengths (${findFamily(task)!.minLength}..${findFamily(task)!.maxLength})`);
  });

  // Block diffusion runs when the spec names its model or its grid (the bundled block model by default).
  const blockSeries = models.block_diffusion !== undefined || raw.blockDiffusion !== undefined;
  if (blockSeries) models.block_diffusion ??= BUNDLED_BLOCK_DIFFUSION_MODEL_ID;
  if (dtype.block_diffusion !== undefined && !blockSeries) throw new SpecError('dtype.block_diffusion', 'the spec has no block-diffusion series');

  const itemLengths = raw.itemLengths ?? ITEM_LENGTHS[0];
  if (!(ITEM_LENGTHS as readonly unknown[]).includes(itemLengths)) throw new SpecError('itemLengths', `must be one of ${ITEM_LENGTHS.join(', ')}`);

  const threads = raw.threads === undefined || raw.threads === null ? null : integer(raw.threads, 'threads', 1, 256);
  const executionProvider = raw.executionProvider ?? 'cpu';
  if (!(EXECUTION_PROVIDERS as readonly unknown[]).includes(executionProvider))
    throw new SpecError('executionProvider', `must be one of ${EXECUTION_PROVIDERS.join(', ')}`);

  return {
    title: title.trim(),
    models,
    dtype,
    tasks,
    lengths,
    itemsPerLength: raw.itemsPerLength === undefined ? 10 : integer(raw.itemsPerLength, 'itemsPerLength', 1, SPEC_LIMITS.itemsPerLength),
    itemLengths: itemLengths as ItemLengths,
    autoregressive: parseGrid(raw.autoregressive, 'autoregressive', AR_FIELDS, 'greedy'),
    diffusion: parseGrid(raw.diffusion, 'diffusion', DIFFUSION_FIELDS, 'default'),
    blockDiffusion: blockSeries ? parseGrid(raw.blockDiffusion, 'blockDiffusion', BLOCK_DIFFUSION_FIELDS, 'default') : [],
    samplesPerItem: raw.samplesPerItem === undefined ? 1 : integer(raw.samplesPerItem, 'samplesPerItem', 1, SPEC_LIMITS.samplesPerItem),
    seed: raw.seed === undefined ? 0 : integer(raw.seed, 'seed', 0, 999_999_999),
    executionProvider: executionProvider as ExecutionProvider,
    threads,
    warmup: raw.warmup === undefined ? 1 : integer(raw.warmup, 'warmup', 0, SPEC_LIMITS.warmup),
    repeats: raw.repeats === undefined ? 1 : integer(raw.repeats, 'repeats', 1, SPEC_LIMITS.repeats),
    latencyOnlyLengths,
  };
}

/** {"autoregressive": "fp16", ...}: which ONNX variant each side loads (whether its folder has it is checked on loading). */
function parseDtypes(value: unknown): ExperimentSpec['dtype'] {
  if (value === undefined) return {};
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new SpecError('dtype', 'must be an object {"autoregressive": DTYPE, ...}');
  const dtype: ExperimentSpec['dtype'] = {};
  for (const [key, given] of Object.entries(value as Json)) {
    if (!(key in GRID_OF)) throw new SpecError(`dtype.${key}`, 'unknown engine (expected autoregressive, diffusion or block_diffusion)');
    if (!isOnnxDtype(given)) throw new SpecError(`dtype.${key}`, `must be one of ${ONNX_DTYPES.join(', ')}, got ${JSON.stringify(given)}`);
    dtype[key as EngineKind] = given;
  }
  return dtype;
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

/** Whether a task has items at this output length (mixed item lengths only need the family's shortest). */
export function taskHasLength(task: TaskName, length: number, itemLengths: ItemLengths): boolean {
  const family = findFamily(task)!;
  return length >= family.minLength && (itemLengths === 'mixed' || length <= family.maxLength);
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

/** Every cell of a spec, in run order: length, task, item, sample, then AR, diffusion and block-diffusion settings. */
export function expandCells(spec: ExperimentSpec): Cell[] {
  const cells: Cell[] = [];
  for (const length of spec.lengths) {
    const latencyOnly = spec.latencyOnlyLengths.includes(length);
    for (const task of spec.tasks) {
      if (!taskHasLength(task, length, spec.itemLengths)) continue;
      for (let item = 0; item < spec.itemsPerLength; item++) {
        for (let sample = 0; sample < spec.samplesPerItem; sample++) {
          for (const engine of ['autoregressive', 'diffusion', 'block_diffusion'] as const) {
            for (const setting of spec[GRID_OF[engine]]) {
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

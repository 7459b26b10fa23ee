// `npm run models:eval`: re-measures every model-card number through the ONNX engines. For each bundled
// model, every task at every card length (held-out eval split, temperature 0), written to
// models/<id>/eval_engines.json for models/train/card.py to render. Diffusion is measured with its card
// default (steps = L, one block, low-confidence remasking) and, as extra tables, with steps = L/4, with
// confidence-threshold decoding (0.9), and at L ≥ 128 with semi-autoregressive blocks of 32, without a cache at
// steps = L and with the dual cache at threshold 0.9.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { intFlag, parseArgs } from '../lib/cli/args.ts';
import { readSessionSettings, hardwareLabel } from '../lib/cli/decoding-flags.ts';
import { loadModel } from '../lib/engines/index.ts';
import { type DecodingSettings, SettingsError } from '../lib/engines/types.ts';
import type { StepsSpec } from '../lib/harness/steps.ts';
import { captureEnvironment } from '../lib/env/environment.ts';
import { BUNDLED_AR_MODEL_ID, BUNDLED_DIFFUSION_MODEL_ID } from '../lib/harness/bundled-models.ts';
import { type EvalRecord, suiteRecords } from '../lib/harness/eval-records.ts';
import { type EvalCell, evaluateRecords } from '../lib/harness/evaluate.ts';
import { FAMILIES } from '../lib/tasks/registry.ts';
import { UserError } from '../lib/user-error.ts';

const CARD_LENGTHS = [8, 16, 32, 64, 128, 256, 512]; // 512: expand only (the other families end at 256)
const BLOCK = 32;

interface Variant {
  name: string; // key in eval_engines.json
  describe: string;
  settings: Partial<DecodingSettings>;
  steps?: StepsSpec;
  minLength?: number; // only lengths at or above it
}

const DIFFUSION_VARIANTS: Variant[] = [
  { name: 'steps=L', describe: 'steps = L, one block (the card default)', settings: {} },
  { name: 'steps=L/4', describe: 'steps = L/4 (4 tokens committed per step), one block', settings: {}, steps: { divisor: 4 } },
  {
    name: 'threshold=0.9',
    describe: 'confidence threshold 0.9 (every masked token above it commits; at least one per step), one block',
    settings: { threshold: 0.9 },
  },
  {
    name: `block=${BLOCK}`,
    describe: `semi-autoregressive blocks of ${BLOCK}, steps = L (one token per step)`,
    settings: { blockLength: BLOCK },
    minLength: 128,
  },
  {
    name: `block=${BLOCK} threshold=0.9 cache=dual`,
    describe: `blocks of ${BLOCK}, confidence threshold 0.9, Fast-dLLM's dual KV cache (the fast long-output setting of bench:engines)`,
    settings: { blockLength: BLOCK, threshold: 0.9, cache: 'dual' },
    minLength: 128,
  },
];
const AR_VARIANTS: Variant[] = [{ name: 'greedy', describe: 'greedy', settings: {} }];
// Block diffusion: the token budget is a cap (generation stops at the block holding <eos>), like AR's.
const BLOCK_DIFFUSION_VARIANTS: Variant[] = [
  { name: 'steps=L', describe: 'one token per step inside each block (steps = cap), exact KV cache of finished blocks', settings: {} },
  { name: 'threshold=0.9', describe: 'confidence threshold 0.9 inside each block (at least one token per step), exact KV cache', settings: { threshold: 0.9 } },
];
const variantsFor = (decoding: string) =>
  decoding === 'diffusion' ? DIFFUSION_VARIANTS : decoding === 'block_diffusion' ? BLOCK_DIFFUSION_VARIANTS : AR_VARIANTS;
// --variants a,b keeps only those (by name), so a long card evaluation can leave out its slowest tables.
const chosenVariants = (all: Variant[]) => {
  const wanted = args.values.get('variants')?.split(',');
  if (!wanted) return all;
  const unknown = wanted.filter((name) => !all.some((v) => v.name === name));
  if (unknown.length > 0) throw new UserError(`--variants: unknown ${unknown.join(', ')} (one of ${all.map((v) => v.name).join(', ')})`);
  return all.filter((v) => wanted.includes(v.name));
};
const AR_EXTRA_TOKENS = 8; // as in models/train/evaluate.py
const args = parseArgs(process.argv.slice(2), { values: ['n-short', 'n-128', 'n-256', 'threads', 'ep', 'graph-opt', 'models', 'variants'] });
const session = readSessionSettings(args);
const nFor = (length: number) =>
  length <= 64 ? intFlag(args, 'n-short', 50, 1) : length <= 128 ? intFlag(args, 'n-128', 20, 1) : intFlag(args, 'n-256', 10, 1);
const modelIds = args.values.get('models')?.split(',') ?? [BUNDLED_AR_MODEL_ID, BUNDLED_DIFFUSION_MODEL_ID];
// AR gets the recipe's budget (answer + 8 tokens, so a missing <eos> shows as extra output); diffusion the
// answer budget as its canvas (evaluateRecords' default), exactly as models/train/evaluate.py decodes.
const arBudget = (r: EvalRecord, count: (t: string) => number) => count(r.answer) + AR_EXTRA_TOKENS;

for (const id of modelIds) {
  const model = await loadModel(id, session);
  const started = performance.now();
  const variants: Record<string, { describe: string; cells: (EvalCell | { task: string; length: number; n: 0; skipped: string })[] }> = {};
  for (const variant of chosenVariants(variantsFor(model.config.decoding))) {
    const cells: (typeof variants)[string]['cells'] = [];
    for (const family of FAMILIES) {
      // add stops at 255 digits; it stands in the 256 column, labelled by its real length.
      const lengths = CARD_LENGTHS.map((l) => Math.min(l, family.maxLength)).filter((l) => l >= family.minLength && l >= (variant.minLength ?? 0));
      for (const length of [...new Set(lengths)]) {
        const records = suiteRecords(family.name, [length], nFor(length), 0);
        try {
          const outputLength = model.config.decoding === 'diffusion' ? undefined : arBudget;
          const settings = { temperature: 0, remasking: 'low_confidence' as const, ...variant.settings };
          const {
            cells: [cell],
          } = await evaluateRecords(model, records, settings, { outputLength, steps: variant.steps });
          cells.push(cell!);
          console.error(
            `${id} ${variant.name} ${family.name} L=${length}: ${cell!.passed}/${cell!.n} passed, median ${cell!.medianTotalMs.toFixed(1)} ms, NFE ${cell!.medianForwardPasses}`,
          );
        } catch (error) {
          if (!(error instanceof SettingsError)) throw error;
          // e.g. code at 256: its worded spec alone is ~830 tokens, so prompt + answer exceed the context;
          // or a block of 32 that does not divide add's K+1 canvas.
          cells.push({ task: family.name, length, n: 0, skipped: error.message });
          console.error(`${id} ${variant.name} ${family.name} L=${length}: skipped (${error.message})`);
        }
      }
    }
    variants[variant.name] = { describe: variant.describe, cells };
  }
  const defaultVariant = model.config.decoding === 'autoregressive' ? 'greedy' : 'steps=L';
  const cells = variants[defaultVariant]!.cells;
  const report = {
    model: id,
    modelSha256: model.info.sha256,
    engine: model.config.decoding,
    decoding:
      model.config.decoding === 'block_diffusion'
        ? `blocks of ${model.config.blockSize ?? '?'} with an exact KV cache, one token per step, low_confidence remasking, temperature 0, cap = answer length + ${AR_EXTRA_TOKENS}`
        : model.config.decoding === 'diffusion'
          ? `canvas L = answer budget (copy/reverse/sort/code: L, add: K+1), steps = L, block = L, low_confidence remasking, temperature 0, ${model.config.diffusionLogits} logits`
          : `greedy with KV cache, max new tokens = answer length + ${AR_EXTRA_TOKENS}`,
    split: 'eval',
    seed: 0,
    hardware: hardwareLabel(session),
    environment: captureEnvironment({ executionProvider: session.executionProvider, threads: session.intraOpThreads }),
    minutes: (performance.now() - started) / 60000,
    measuredAt: new Date().toISOString(),
    cells,
    variants,
  };
  writeFileSync(path.join(model.info.dir, 'eval_engines.json'), JSON.stringify(report, null, 2) + '\n');
  console.error(`wrote ${path.join(model.info.dir, 'eval_engines.json')}`);
}
process.exit(0);

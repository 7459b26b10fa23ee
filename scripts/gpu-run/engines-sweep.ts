// The GPU run's length sweep through the app's own ONNX engines (lib/engines), written as a "dlm-import/1" file
// that `dlm import` stores as an experiment. Run on the lent GPU machine from the bundle that `npm run gpu:pack`
// builds (carried Node, WebGPU provider), and here with `node --import tsx` (`npm run gpu:dry-run`, the tests).
// Exit 3 means the requested provider could not start; the runner then falls back to the CPU provider.
import { writeFileSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import { intFlag, intListFlag, parseArgs } from '../../lib/cli/args.ts';
import { hardwareLabel, readSessionSettings } from '../../lib/cli/decoding-flags.ts';
import { createEngine, type DecodingSettings, loadModel, type LoadedModel } from '../../lib/engines/index.ts';
import { captureEnvironment } from '../../lib/env/environment.ts';
import { BUNDLED_AR_MODEL_ID, BUNDLED_DIFFUSION_MODEL_ID } from '../../lib/harness/bundled-models.ts';
import { fileRecords } from '../../lib/harness/eval-records.ts';
import type { IMPORT_FORMAT, ImportedRun } from '../../lib/harness/import.ts';
import { measureRepeated } from '../../lib/harness/measure.ts';
import { median } from '../../lib/harness/stats.ts';
import { UserError } from '../../lib/user-error.ts';
import { ExecutionProviderError } from '../../lib/engines/execution-providers.ts';
import { pickItems } from './pick-items.ts';

const USAGE = `Usage: engines-sweep --items FILE --out FILE [--ep cpu|webgpu] [--threads N] [--lengths 16,64,256,512]
  [--repeats 3] [--quick] [--note TEXT]`;

class ProviderFailed extends Error {}

/** The settings the GPU run compares, labelled as `dlm bench` labels them. */
function settingsAt(length: number): [label: string, engine: 'autoregressive' | 'diffusion', settings: Partial<DecodingSettings>][] {
  const block = Math.min(32, length);
  return [
    ['greedy', 'autoregressive', {}],
    ['steps=L', 'diffusion', { steps: length }],
    ['steps=L/4', 'diffusion', { steps: Math.max(1, Math.floor(length / 4)) }],
    ['threshold=0.9', 'diffusion', { threshold: 0.9 }],
    [`block=${block} threshold=0.9 cache=dual`, 'diffusion', { blockLength: block, threshold: 0.9, cache: 'dual' }],
  ];
}

async function main(argv: string[]): Promise<number> {
  const args = parseArgs(argv, { values: ['ep', 'threads', 'graph-opt', 'lengths', 'repeats', 'items', 'out', 'note'], switches: ['quick', 'help'] });
  if (args.switches.has('help')) {
    console.log(USAGE);
    return 0;
  }
  const itemsFile = args.values.get('items');
  const out = args.values.get('out');
  if (!itemsFile || !out) throw new UserError(`--items and --out are required\n${USAGE}`);
  const quick = args.switches.has('quick');
  const session = readSessionSettings(args);
  session.intraOpThreads ??= 1; // fixed and recorded, not ORT's guess
  const lengths = intListFlag(args, 'lengths') ?? (quick ? [16, 64] : [16, 64, 256, 512]);
  const repeats = intFlag(args, 'repeats', 3, 1);
  const records = await fileRecords(itemsFile);
  const label = hardwareLabel(session);

  let models: Record<'autoregressive' | 'diffusion', LoadedModel>;
  try {
    models = { autoregressive: await loadModel(BUNDLED_AR_MODEL_ID, session), diffusion: await loadModel(BUNDLED_DIFFUSION_MODEL_ID, session) };
  } catch (error) {
    if (session.executionProvider !== 'cpu') throw new ProviderFailed((error as Error).message);
    throw error;
  }
  // onnxruntime's own version: the bundle has no project node_modules for captureEnvironment to read it from.
  const environment = {
    ...captureEnvironment({ executionProvider: session.executionProvider, threads: session.intraOpThreads }),
    onnxruntime: ort.env.versions.node ?? 'unknown',
  };
  const where = `${label} on ${environment.gpuModel ?? environment.cpuModel}`;
  const runs: ImportedRun[] = [];
  const done: number[] = [];
  const write = () => {
    const format: typeof IMPORT_FORMAT = 'dlm-import/1';
    const note = [
      `The app's ONNX engines (lib/engines) through onnxruntime-node ${environment.onnxruntime}, ${session.executionProvider} provider, ${session.intraOpThreads} intra-op thread(s); median of ${repeats} timed repeats after a warm-up per setting and length.`,
      `Lengths measured: ${done.join(', ') || 'none'} of ${lengths.join(', ')}.`,
      args.values.get('note') ?? '',
    ]
      .filter(Boolean)
      .join(' ');
    // Written after every length, so a run stopped by its time limit still brings back what it finished.
    writeFileSync(out, JSON.stringify({ format, title: `app ONNX engines, ${where}`, runtime: 'onnxruntime-node', note, environment, runs }, null, 2));
  };

  console.log(`app ONNX engines on ${where}, threads ${session.intraOpThreads}, lengths ${lengths.join(',')}, ${repeats} repeats`);
  for (const length of lengths) {
    const { latencyOnly, items } = pickItems(records, length, quick ? 2 : 4);
    for (const [setting, kind, extra] of settingsAt(length)) {
      const model = models[kind];
      const engine = createEngine(model);
      const settings: Partial<DecodingSettings> = { ...extra, maxNewTokens: length, ...(latencyOnly ? { minNewTokens: length } : {}) };
      const totals: number[] = [];
      for (const [i, item] of items.entries()) {
        const request = engine.resolve({ prompt: item.prompt, settings });
        let measured;
        try {
          measured = await measureRepeated(engine, request, { warmup: i === 0 ? 1 : 0, repeats });
        } catch (error) {
          // A GPU provider that created its sessions but cannot run them has not started either.
          if (session.executionProvider !== 'cpu' && runs.length === 0)
            throw new ProviderFailed(`execution provider "${session.executionProvider}" failed on its first run: ${(error as Error).message.split('\n')[0]}`);
          throw error;
        }
        const first = measured.results[0]!;
        totals.push(measured.medianTotalMs);
        runs.push({
          engine: kind,
          modelId: model.info.id,
          modelSha256: model.info.sha256!,
          task: item.task,
          itemId: item.task_id,
          prompt: item.prompt,
          answer: item.answer,
          length,
          setting,
          latencyOnly,
          settings: { ...first.settings, session: model.sessionSettings, stopReason: first.stopReason, runtime: 'onnxruntime-node' },
          output: first.text,
          generatedTokens: first.timings.generatedTokens,
          ttftMs: measured.medianTtftMs,
          totalMs: measured.medianTotalMs,
          forwardPasses: first.timings.forwardPasses,
          timings: {
            repeats: measured.results.map((r) => ({ totalMs: r.timings.totalMs, ttftMs: r.timings.ttftMs })),
            medianForwardMs: measured.medianForwardMs,
          },
        });
      }
      console.log(`L=${length} ${kind} ${setting}: median ${median(totals).toFixed(1)} ms${latencyOnly ? ' (latency only)' : ''}`);
    }
    done.push(length);
    write();
  }
  console.log(`wrote ${out} (${runs.length} runs)`);
  return 0;
}

let code: number;
try {
  code = await main(process.argv.slice(2));
} catch (error) {
  console.error(`engines-sweep: ${(error as Error).message}`);
  code = error instanceof ProviderFailed || error instanceof ExecutionProviderError ? 3 : error instanceof UserError ? 2 : 1;
}
process.exit(code); // native sessions (a GPU device among them) must not keep the process past its results

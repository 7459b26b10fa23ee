// `dlm compare`: prints lib/harness/compare.ts's side-by-side run of one prompt through both engines.
import { DEFAULT_MAX_NEW_TOKENS } from '../engines/settings.ts';
import { engineKindOf, remoteLabelOf } from '../engines/any-model.ts';
import { BUNDLED_AR_MODEL_ID, BUNDLED_DIFFUSION_MODEL_ID } from '../harness/bundled-models.ts';
import { compare } from '../harness/compare.ts';
import { median } from '../harness/stats.ts';
import { formatCost } from './experiment-report.ts';
import { missingNewlineHint } from '../tasks/prompt-hint.ts';
import { intFlag, parseArgs, UsageError } from './args.ts';
import {
  DECODING_HELP,
  DECODING_VALUE_FLAGS,
  hardwareLabel,
  readDecodingFlags,
  readSessionSettings,
  resolveSteps,
  SESSION_VALUE_FLAGS,
} from './decoding-flags.ts';

export const COMPARE_HELP = `Usage: dlm compare --prompt TEXT [--max-tokens N] [options] [--json]

Runs the prompt through two or more models, by default the bundled autoregressive and diffusion pair (same
ORT session options, one warm-up each, medians over --repeats) and prints outputs, ttft, total ms, NFE,
tokens/s and the speedup (first AR model ÷ first diffusion model). Remote models (see "dlm models") are
labelled "remote, network included (host)", show their cost, get task prompts as chat instructions, and
are sent only the shared settings (max tokens, temperature, top-p, seed).
A prompt in a task's format (copy, reverse, sort, add; e.g. "sort: 3141\n") is also scored: each output
is marked correct or wrong against the expected answer, and the stored runs record it.
  --repeats N         timed repeats per engine (default 3)
  --models A,B[,C,D]  the models to compare (local or remote; default: the bundled pair)
  --ar-model ID, --diffusion-model ID   replace one side of the bundled pair
  --no-store          do not save the runs in the database
${DECODING_HELP}`;

export async function compareCommand(argv: string[]): Promise<number> {
  const args = parseArgs(argv, {
    values: ['prompt', 'repeats', 'models', 'ar-model', 'diffusion-model', ...DECODING_VALUE_FLAGS, ...SESSION_VALUE_FLAGS],
    switches: ['json', 'no-store', 'help'],
  });
  if (args.switches.has('help')) {
    console.log(COMPARE_HELP);
    return 0;
  }
  const rawPrompt = args.values.get('prompt');
  if (rawPrompt === undefined || rawPrompt === '') throw new UsageError('--prompt is required and must not be empty');
  const prompt = rawPrompt.replace(/\\n/g, '\n');
  const hint = missingNewlineHint(prompt);
  if (hint) console.error(hint);
  const flags = readDecodingFlags(args);
  const length = flags.settings.maxNewTokens ?? DEFAULT_MAX_NEW_TOKENS; // every model's output length: AR cap = diffusion canvas
  const repeats = intFlag(args, 'repeats', 3, 1, 1000);
  const session = readSessionSettings(args);
  const settings = { ...flags.settings, maxNewTokens: length };
  const steps = resolveSteps(flags.steps, length);
  if (steps !== undefined) settings.steps = steps;

  const outcome = await compare({
    prompt,
    length,
    repeats,
    settings,
    session,
    models: modelList(args.values.get('models'), args.values.get('ar-model'), args.values.get('diffusion-model')),
    store: !args.switches.has('no-store'),
  });
  const { speedup, expected, environment, experimentSlug: slug } = outcome;
  const label = hardwareLabel(session);
  const rows = outcome.sides.map(({ model, measurement: run, correct, failure, prompt: sent }) => {
    const first = run?.results[0];
    const remote = first?.remote;
    return {
      engine: engineKindOf(model),
      model: model.info.id,
      modelSha256: model.info.sha256,
      measuredOn: remoteLabelOf(model) ?? label,
      prompt: sent,
      output: first?.text ?? null,
      correct,
      failure,
      stopReason: first?.stopReason ?? null,
      generatedTokens: first?.timings.generatedTokens ?? null,
      tokensEstimated: remote?.tokensEstimated ?? false,
      forwardPasses: first && !remote ? first.timings.forwardPasses : null, // unknown behind an API
      medianTtftMs: run?.medianTtftMs ?? null,
      medianTotalMs: run?.medianTotalMs ?? null,
      medianTokensPerSecond: run?.medianTokensPerSecond ?? null,
      medianForwardMs: run && !remote ? run.medianForwardMs : null,
      costUsdPerRun: remote ? median(run!.results.map((r) => r.remote!.costUsd ?? Number.NaN)) : null,
      settings: first?.settings ?? null,
    };
  });
  const anyRemote = rows.some((r) => r.measuredOn !== label);
  if (args.switches.has('json')) {
    console.log(
      JSON.stringify(
        {
          prompt,
          task: expected?.task ?? null,
          expected: expected?.answer ?? null,
          hardware: label,
          environment,
          repeats,
          speedup,
          experimentSlug: slug,
          runs: rows,
        },
        null,
        2,
      ),
    );
    return 0;
  }
  console.log(
    `prompt: ${JSON.stringify(prompt)}   length ${length}   medians of ${repeats} after 1 warm-up, local models on ${label} (${environment.cpuModel}, threads ${session.intraOpThreads ?? 'default'})`,
  );
  if (expected) console.log(`task: ${expected.task}   expected: ${JSON.stringify(expected.answer)}`);
  for (const r of rows) {
    const verdict = r.correct === null ? '' : r.correct ? '  correct' : '  WRONG';
    console.log(`\n${r.engine} (${r.model}, ${r.measuredOn})`);
    if (r.failure !== null) {
      console.log(`  FAILED: ${r.failure}`);
      continue;
    }
    console.log(`  output: ${JSON.stringify(r.output)}  [${r.stopReason}]${verdict}`);
    const tokens = `${r.tokensEstimated ? '≈' : ''}${r.generatedTokens} tokens${r.tokensEstimated ? ' (estimated)' : ''}`;
    const perForward = r.forwardPasses === null ? '' : ` · NFE ${r.forwardPasses} · ${r.medianForwardMs!.toFixed(2)} ms/forward`;
    const cost = r.costUsdPerRun === null || Number.isNaN(r.costUsdPerRun) ? '' : ` · ${formatCost(r.costUsdPerRun, r.tokensEstimated)}/run`;
    console.log(
      `  ttft ${r.medianTtftMs!.toFixed(1)} ms · total ${r.medianTotalMs!.toFixed(1)} ms${perForward} · ${tokens} · ${r.medianTokensPerSecond!.toFixed(1)} tok/s${cost}`,
    );
  }
  if (speedup !== null) {
    const faster = speedup >= 1 ? `diffusion ${speedup.toFixed(2)}× faster` : `diffusion ${(1 / speedup).toFixed(2)}× slower`;
    const where = anyRemote ? 'each side measured where labelled above' : label;
    console.log(`\nspeedup (first AR total ÷ first diffusion total, ${where}): ${speedup.toFixed(2)} — ${faster}`);
  }
  if (slug) console.log(`stored as experiment ${slug}`);
  return 0;
}

/** --models A,B[,C] or the bundled pair with --ar-model / --diffusion-model swapped in. */
function modelList(models: string | undefined, arModel: string | undefined, diffusionModel: string | undefined): string[] {
  if (models === undefined) return [arModel ?? BUNDLED_AR_MODEL_ID, diffusionModel ?? BUNDLED_DIFFUSION_MODEL_ID];
  if (arModel !== undefined || diffusionModel !== undefined) throw new UsageError('give --models, or --ar-model/--diffusion-model, not both');
  const ids = models.split(',').map((m) => m.trim());
  if (ids.some((m) => m === '')) throw new UsageError('--models takes model ids separated by commas, e.g. tiny-llama-ar,remote-gpt-4o-mini');
  return ids;
}

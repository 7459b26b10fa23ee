// `dlm compare`: prints lib/harness/compare.ts's side-by-side run of one prompt through both engines.
import { DEFAULT_MAX_NEW_TOKENS } from '../engines/settings.ts';
import { compare } from '../harness/compare.ts';
import { intFlag, parseArgs, UsageError } from './args.ts';
import { DECODING_HELP, DECODING_VALUE_FLAGS, hardwareLabel, readDecodingSettings, readSessionSettings, readStepsSpec, resolveSteps, SESSION_VALUE_FLAGS } from './decoding-flags.ts';

export const COMPARE_HELP = `Usage: dlm compare --prompt TEXT [--length N] [options] [--json]

Runs the prompt through the bundled autoregressive and diffusion models (same ORT session options, one
warm-up each, medians over --repeats) and prints outputs, ttft, total ms, NFE, tokens/s and the speedup.
A prompt in a task's format (copy, reverse, sort, add; e.g. "sort: 3141\n") is also scored: each output
is marked correct or wrong against the expected answer, and the stored runs record it.
  --length N          output length for both (AR max new tokens = diffusion canvas; default 64)
  --repeats N         timed repeats per engine (default 3)
  --ar-model ID, --diffusion-model ID   compare other folders
  --no-store          do not save the runs in the database
${DECODING_HELP}`;

export async function compareCommand(argv: string[]): Promise<number> {
  const args = parseArgs(argv, {
    values: ['prompt', 'length', 'repeats', 'ar-model', 'diffusion-model', ...DECODING_VALUE_FLAGS, ...SESSION_VALUE_FLAGS],
    switches: ['json', 'no-store', 'help'],
  });
  if (args.switches.has('help')) {
    console.log(COMPARE_HELP);
    return 0;
  }
  const rawPrompt = args.values.get('prompt');
  if (rawPrompt === undefined || rawPrompt === '') throw new UsageError('--prompt is required and must not be empty');
  const prompt = rawPrompt.replace(/\\n/g, '\n');
  const length = intFlag(args, 'length', intFlag(args, 'max-tokens', DEFAULT_MAX_NEW_TOKENS, 1), 1);
  const repeats = intFlag(args, 'repeats', 3, 1, 1000);
  const session = readSessionSettings(args);
  const settings = { ...readDecodingSettings(args), maxNewTokens: length };
  const steps = resolveSteps(readStepsSpec(args), length);
  if (steps !== undefined) settings.steps = steps;

  const outcome = await compare({
    prompt,
    length,
    repeats,
    settings,
    session,
    models: { autoregressive: args.values.get('ar-model'), diffusion: args.values.get('diffusion-model') },
    store: !args.switches.has('no-store'),
  });
  const { speedup, expected, environment, experimentSlug: slug } = outcome;
  const rows = outcome.sides.map(({ model, measurement: run, correct }) => ({
    engine: model.config.decoding,
    model: model.info.id,
    modelSha256: model.info.sha256,
    output: run.results[0]!.text,
    correct,
    stopReason: run.results[0]!.stopReason,
    generatedTokens: run.results[0]!.timings.generatedTokens,
    forwardPasses: run.results[0]!.timings.forwardPasses,
    medianTtftMs: run.medianTtftMs,
    medianTotalMs: run.medianTotalMs,
    medianTokensPerSecond: run.medianTokensPerSecond,
    medianForwardMs: run.medianForwardMs,
    settings: run.results[0]!.settings,
  }));
  if (args.switches.has('json')) {
    console.log(JSON.stringify({ prompt, task: expected?.task ?? null, expected: expected?.answer ?? null, hardware: hardwareLabel(session), environment, repeats, speedup, experimentSlug: slug, runs: rows }, null, 2));
    return 0;
  }
  const label = hardwareLabel(session);
  console.log(`prompt: ${JSON.stringify(prompt)}   length ${length}   medians of ${repeats} after 1 warm-up, on ${label} (${environment.cpuModel}, threads ${session.intraOpThreads ?? 'default'})`);
  if (expected) console.log(`task: ${expected.task}   expected: ${JSON.stringify(expected.answer)}`);
  for (const r of rows) {
    const verdict = r.correct === null ? '' : r.correct ? '  correct' : '  WRONG';
    console.log(`\n${r.engine} (${r.model})\n  output: ${JSON.stringify(r.output)}  [${r.stopReason}]${verdict}`);
    console.log(
      `  ttft ${r.medianTtftMs.toFixed(1)} ms · total ${r.medianTotalMs.toFixed(1)} ms · NFE ${r.forwardPasses} · ` +
        `${r.generatedTokens} tokens · ${r.medianTokensPerSecond.toFixed(1)} tok/s · ${r.medianForwardMs.toFixed(2)} ms/forward (${label})`,
    );
  }
  const faster = speedup >= 1 ? `diffusion ${speedup.toFixed(2)}× faster` : `diffusion ${(1 / speedup).toFixed(2)}× slower`;
  console.log(`\nspeedup (AR total ÷ diffusion total, ${label}): ${speedup.toFixed(2)} — ${faster}`);
  if (slug) console.log(`stored as experiment ${slug}`);
  return 0;
}

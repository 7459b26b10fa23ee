// `dlm generate`: one prompt through one model, with timings; `--trace` shows the diffusion canvas per step.
import { createAnyEngine, engineKindOf, isRemoteModel, loadAnyModel, remoteLabelOf, variantOf } from '../engines/any-model.ts';
import type { GenerationEvent } from '../engines/types.ts';
import { DEFAULT_MAX_NEW_TOKENS } from '../engines/settings.ts';
import { missingNewlineHint } from '../tasks/prompt-hint.ts';
import { parseArgs, UsageError } from './args.ts';
import { createCanvasTrace } from './canvas-trace.ts';
import { DTYPE_HELP, readDtypeFlag } from './dtype-flag.ts';
import {
  DECODING_HELP,
  DECODING_VALUE_FLAGS,
  hardwareLabel,
  readDecodingFlags,
  readSessionSettings,
  resolveSteps,
  SESSION_VALUE_FLAGS,
} from './decoding-flags.ts';

export const GENERATE_HELP = `Usage: dlm generate --model ID --prompt TEXT [options] [--json] [--trace]

Decodes one prompt with one model (its config.json says autoregressive, diffusion or block_diffusion, or
remote: an OpenAI-compatible API, sent the prompt as typed; its figures are "remote, network included").
Block diffusion: --max-tokens is a cap (decoding stops after the block holding <eos>); --steps is relative
to it and spread evenly over the blocks (steps × block size / cap per block); --block, if given, must be the
model's block size; there is no --cache (its cache of finished blocks is exact).
${DECODING_HELP}
Model:
${DTYPE_HELP}
Output:
  --json             the full result as JSON (text, token ids, stop reason, timings, settings)
  --trace            diffusion: print the canvas after every step (on stderr; block diffusion: as it grows)`;

export async function generateCommand(argv: string[]): Promise<number> {
  const args = parseArgs(argv, { values: ['model', 'prompt', 'dtype', ...DECODING_VALUE_FLAGS, ...SESSION_VALUE_FLAGS], switches: ['json', 'trace', 'help'] });
  if (args.switches.has('help')) {
    console.log(GENERATE_HELP);
    return 0;
  }
  const modelId = args.values.get('model');
  const prompt = args.values.get('prompt');
  if (!modelId) throw new UsageError('--model is required (see "dlm models")');
  if (prompt === undefined || prompt === '') throw new UsageError('--prompt is required and must not be empty');
  const session = readSessionSettings(args);
  const flags = readDecodingFlags(args);
  const settings = flags.settings;
  const model = await loadAnyModel(modelId, session, readDtypeFlag(args));
  const steps = resolveSteps(flags.steps, settings.maxNewTokens ?? DEFAULT_MAX_NEW_TOKENS);
  if (steps !== undefined) settings.steps = steps;
  // The shell turns "\n" typed in a prompt into two characters; task prompts need a real newline.
  const text = prompt.replace(/\\n/g, '\n');
  const hint = missingNewlineHint(text);
  if (hint) console.error(hint);

  let trace: ((e: GenerationEvent) => void) | undefined;
  if (args.switches.has('trace')) {
    let render: ReturnType<typeof createCanvasTrace> | undefined;
    let shown: number | undefined; // block diffusion: the blocks opened so far
    trace = (e) => {
      if (e.type === 'start') render = createCanvasTrace(e.length);
      else if (e.type === 'block') shown = e.start + e.length;
      else if (e.type === 'step' && render) console.error(render(e.step, e.committed, shown));
      else if (e.type === 'token') process.stderr.write(e.text);
    };
  }
  const result = await createAnyEngine(model).generate({ prompt: text, settings }, { onEvent: trace });
  const engine = engineKindOf(model);
  if (args.switches.has('trace') && engine === 'autoregressive') console.error();
  // Where the figures were measured: CPU/GPU for a local model, "remote, network included (host)" for an API.
  const where = remoteLabelOf(model) ?? hardwareLabel(session);

  if (args.switches.has('json')) {
    console.log(
      JSON.stringify(
        {
          model: model.info.id,
          modelSha256: model.info.sha256,
          engine,
          ...(isRemoteModel(model) ? {} : { session, ...variantOf(model) }),
          hardware: where,
          ...result,
        },
        null,
        2,
      ),
    );
    return 0;
  }
  const t = result.timings;
  const remote = result.remote;
  const tokens = remote?.tokensEstimated ? `≈${t.generatedTokens} tokens (estimated)` : `${t.generatedTokens} tokens`;
  const cost = remote && remote.costUsd !== null ? `, cost ${remote.tokensEstimated ? '≈' : ''}$${remote.costUsd.toFixed(6)}` : '';
  console.log(result.text);
  console.error(
    `${remote ? `remote ${engine}` : engine} ${model.info.id} on ${where}: ${tokens}, ${t.totalMs.toFixed(1)} ms, ` +
      `ttft ${t.ttftMs.toFixed(1)} ms, ${remote ? '' : `NFE ${t.forwardPasses}, `}${t.tokensPerSecond.toFixed(1)} tok/s${cost}, stop: ${result.stopReason}`,
  );
  return 0;
}

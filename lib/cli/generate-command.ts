// `dlm generate`: one prompt through one model, with timings; `--trace` shows the diffusion canvas per step.
import { createEngine, loadModel } from '../engines/index.ts';
import type { GenerationEvent } from '../engines/types.ts';
import { DEFAULT_MAX_NEW_TOKENS } from '../engines/settings.ts';
import { parseArgs, UsageError } from './args.ts';
import { createCanvasTrace } from './canvas-trace.ts';
import { DECODING_HELP, DECODING_VALUE_FLAGS, hardwareLabel, readDecodingSettings, readSessionSettings, readStepsSpec, resolveSteps, SESSION_VALUE_FLAGS } from './decoding-flags.ts';

export const GENERATE_HELP = `Usage: dlm generate --model ID --prompt TEXT [options] [--json] [--trace]

Decodes one prompt with one model (its config.json says autoregressive or diffusion).
${DECODING_HELP}
Output:
  --json             the full result as JSON (text, token ids, stop reason, timings, settings)
  --trace            diffusion: print the canvas after every step (on stderr)`;

export async function generateCommand(argv: string[]): Promise<number> {
  const args = parseArgs(argv, { values: ['model', 'prompt', ...DECODING_VALUE_FLAGS, ...SESSION_VALUE_FLAGS], switches: ['json', 'trace', 'help'] });
  if (args.switches.has('help')) {
    console.log(GENERATE_HELP);
    return 0;
  }
  const modelId = args.values.get('model');
  const prompt = args.values.get('prompt');
  if (!modelId) throw new UsageError('--model is required (see "dlm models")');
  if (prompt === undefined || prompt === '') throw new UsageError('--prompt is required and must not be empty');
  const session = readSessionSettings(args);
  const settings = readDecodingSettings(args);
  const model = await loadModel(modelId, session);
  const steps = resolveSteps(readStepsSpec(args), settings.maxNewTokens ?? DEFAULT_MAX_NEW_TOKENS);
  if (steps !== undefined) settings.steps = steps;
  // The shell turns "\n" typed in a prompt into two characters; task prompts need a real newline.
  const text = prompt.replace(/\\n/g, '\n');

  let trace: ((e: GenerationEvent) => void) | undefined;
  if (args.switches.has('trace')) {
    let render: ReturnType<typeof createCanvasTrace> | undefined;
    trace = (e) => {
      if (e.type === 'start') render = createCanvasTrace(e.length);
      else if (e.type === 'step' && render) console.error(render(e.step, e.committed));
      else if (e.type === 'token') process.stderr.write(e.text);
    };
  }
  const result = await createEngine(model).generate({ prompt: text, settings }, { onEvent: trace });
  if (args.switches.has('trace') && model.config.decoding === 'autoregressive') console.error();

  if (args.switches.has('json')) {
    console.log(JSON.stringify({ model: model.info.id, modelSha256: model.info.sha256, engine: model.config.decoding, session, hardware: hardwareLabel(session), ...result }, null, 2));
    return 0;
  }
  const t = result.timings;
  console.log(result.text);
  console.error(
    `${model.config.decoding} ${model.info.id} on ${hardwareLabel(session)}: ${t.generatedTokens} tokens, ${t.totalMs.toFixed(1)} ms, ` +
      `ttft ${t.ttftMs.toFixed(1)} ms, NFE ${t.forwardPasses}, ${t.tokensPerSecond.toFixed(1)} tok/s, stop: ${result.stopReason}`,
  );
  return 0;
}

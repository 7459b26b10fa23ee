// `dlm models [--json]`: every model folder found, with what the playground needs to know about it.
import { discoverModels, type ModelInfo } from '../models/discover.ts';
import { apiKeyIsSet, type RemoteModelConfig } from '../models/remote-config.ts';
import { parseArgs } from './args.ts';

/** One line per remote model: where it is, which API, its price, and "set KEY_NAME" until that variable is set. */
function remoteSummary(r: RemoteModelConfig): string {
  const price = r.price ? `, $${r.price.input}/$${r.price.output} per M tokens in/out` : '';
  const key = r.apiKeyEnv === null ? 'no key' : apiKeyIsSet(r) ? `key from $${r.apiKeyEnv}` : `set ${r.apiKeyEnv}`;
  return `${r.paradigm} via ${r.host} (${r.model}, ${r.chat ? 'chat' : 'text'} completions${price}); ${key}`;
}

export const MODELS_HELP = `Usage: dlm models [--json]

Lists model folders under models/ and $DLM_MODELS_DIR (${'`'}:${'`'}-separated): id, decoding kind, parameters,
context length, ONNX file size and SHA-256. Remote models ("decoding": "remote": an OpenAI-compatible API)
show their paradigm, host, provider model and price, "set KEY_NAME" while their key's variable is unset,
and the SHA-256 of their config.json. A published model without our "decoding" key gets a line saying what its
config.json implied and from which key: a causal LM's model_type, or a diffusion family's (LLaDA, Dream,
Fast-dLLM v2, SDAR: mask id, logits convention, end-of-turn ids, block size). A folder that cannot be used
gets one line saying why.`;

function formatBytes(bytes: number | null): string {
  if (bytes === null) return '-';
  return bytes >= 1 << 20 ? `${(bytes / (1 << 20)).toFixed(1)} MiB` : `${(bytes / 1024).toFixed(1)} KiB`;
}

function table(models: ModelInfo[]): string {
  const header = ['id', 'decoding', 'parameters', 'context', 'size', 'sha256'];
  const rows = models.map((m) => [
    m.id,
    m.remote ? `remote ${m.remote.paradigm}` : m.blockSize !== null ? `${m.decoding} (B=${m.blockSize})` : (m.decoding ?? '?'),
    m.parameters?.toLocaleString('en-US') ?? '-',
    m.contextLength?.toString() ?? '-',
    formatBytes(m.fileBytes),
    m.sha256?.slice(0, 12) ?? '-',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

export async function modelsCommand(argv: string[]): Promise<number> {
  const args = parseArgs(argv, { switches: ['json', 'help'] });
  if (args.switches.has('help')) {
    console.log(MODELS_HELP);
    return 0;
  }
  const { models, warnings } = await discoverModels();
  for (const warning of warnings) console.error(`warning: ${warning}`);
  if (args.switches.has('json')) {
    // Remote models say whether their key's variable is set; the key itself is never read here.
    console.log(
      JSON.stringify(
        models.map((m) => (m.remote ? { ...m, apiKeySet: apiKeyIsSet(m.remote) } : m)),
        null,
        2,
      ),
    );
    return 0;
  }
  if (models.length === 0) {
    console.log('no models found under models/ or $DLM_MODELS_DIR');
    return 0;
  }
  console.log(table(models));
  for (const m of models) {
    if (m.remote) console.log(`  ${m.id}: ${remoteSummary(m.remote)}`);
    if (m.decodingInferred) console.log(`  ${m.id}: ${m.decoding}, ${m.decodingInferred}`);
    if (m.dtypes && m.dtypes.length > 1) console.log(`  ${m.id}: ONNX dtypes ${m.dtypes.join(', ')} (dlm generate --dtype)`);
    for (const problem of m.problems) console.log(`  ${m.id}: ${problem}`);
  }
  return 0;
}

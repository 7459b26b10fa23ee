// `dlm models [--json]`: every model folder found, with what the playground needs to know about it.
import { discoverModels, type ModelInfo } from '../models/discover.ts';
import { parseArgs } from './args.ts';

export const MODELS_HELP = `Usage: dlm models [--json]

Lists model folders under models/ and $DLM_MODELS_DIR (${'`'}:${'`'}-separated): id, decoding kind, parameters,
context length, ONNX file size and SHA-256.`;

function formatBytes(bytes: number | null): string {
  if (bytes === null) return '-';
  return bytes >= 1 << 20 ? `${(bytes / (1 << 20)).toFixed(1)} MiB` : `${(bytes / 1024).toFixed(1)} KiB`;
}

function table(models: ModelInfo[]): string {
  const header = ['id', 'decoding', 'parameters', 'context', 'size', 'sha256'];
  const rows = models.map((m) => [
    m.id,
    m.decoding ?? '?',
    m.parameters?.toLocaleString('en-US') ?? '-',
    m.contextLength?.toString() ?? '-',
    formatBytes(m.fileBytes),
    m.sha256?.slice(0, 12) ?? '-',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
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
    console.log(JSON.stringify(models, null, 2));
    return 0;
  }
  if (models.length === 0) {
    console.log('no models found under models/ or $DLM_MODELS_DIR');
    return 0;
  }
  console.log(table(models));
  for (const m of models) for (const problem of m.problems) console.log(`  ${m.id}: ${problem}`);
  return 0;
}

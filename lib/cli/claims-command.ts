// `dlm claims [--run] [--models AR,DIFF] [--json]`: the article's claims with verdicts computed now from the
// newest stored experiment of each claim's preset; --run first runs the presets not stored yet (resumable).
import { BUNDLED_AR_MODEL_ID, BUNDLED_DIFFUSION_MODEL_ID } from '../harness/bundled-models.ts';
import { type ClaimReport, claimReports } from '../harness/claims/evaluate.ts';
import { type PresetModels } from '../harness/claims/registry.ts';
import { runMissingClaims } from '../harness/claims/run.ts';
import { ExperimentStopped } from '../harness/record.ts';
import { parseArgs, UsageError } from './args.ts';
import { formatDuration, progressBar } from './bench-command.ts';

export const CLAIMS_HELP = `Usage: dlm claims [--run] [--models AR,DIFF] [--json]

The Gemini Diffusion article's claims, each checked on this machine by a preset sweep (see README "Claims"):
  1 about 5× faster at matched coding quality     2 the gap widens at longer outputs
  3 denoising steps stay roughly constant         4 output length must be fixed in advance
  5 weaker on strict sequential reasoning
Each verdict (holds / does not hold / not enough evidence) is computed now from the stored runs of the newest
experiment of that claim's preset, with its numbers, models, hardware and experiment id.
  --run             first run each preset with no complete stored experiment (one that stopped part-way is
                    resumed); about 12 minutes for all five on a 2-core CPU; Ctrl-C stops between runs
  --models AR,DIFF  the models to check (default: the bundled pair); verdicts then come from their experiments
  --json            the verdicts as JSON`;

function parseModels(raw: string | undefined): PresetModels {
  if (raw === undefined) return {};
  const ids = raw.split(',').map((s) => s.trim());
  if (ids.length !== 2 || ids.some((id) => !/^[\w.-]{1,200}$/.test(id)))
    throw new UsageError(`--models takes two model ids, AR then diffusion (e.g. ${BUNDLED_AR_MODEL_ID},${BUNDLED_DIFFUSION_MODEL_ID}), got "${raw}"`);
  return { autoregressive: ids[0], diffusion: ids[1] };
}

export function formatClaim(report: ClaimReport): string {
  const lines = [
    `Claim ${report.number}: "${report.quote}" → ${report.verdict.toUpperCase()}`,
    `  ${report.summary}`,
    ...report.details.map((d) => `  - ${d}`),
  ];
  const s = report.source;
  if (s) {
    lines.push(
      `  from experiment ${s.experimentId} (${s.status}, ${s.runs}${s.cells === null ? '' : `/${s.cells}`} runs, ${s.createdAt.slice(0, 16).replace('T', ' ')}) measured on ${s.hardware}`,
      `  models: ${s.models.map((m) => `${m.engine} ${m.id} (${m.where})`).join(', ') || 'none'}`,
      `  share: ${s.shareUrl}`,
    );
    if (report.newer)
      lines.push(`  (a newer run of this preset, ${report.newer.experimentId}, is ${report.newer.status} with ${report.newer.runs} runs: not used)`);
  } else lines.push(`  checks: ${report.tests}`);
  return lines.join('\n');
}

export async function claimsCommand(argv: string[]): Promise<number> {
  const args = parseArgs(argv, { values: ['models'], switches: ['run', 'json', 'help'] });
  if (args.switches.has('help')) {
    console.log(CLAIMS_HELP);
    return 0;
  }
  if (args.positionals.length > 0) throw new UsageError(`unexpected argument "${args.positionals[0]}"`);
  const models = parseModels(args.values.get('models'));
  if (args.switches.has('run')) {
    const controller = new AbortController();
    const onInterrupt = () => {
      if (controller.signal.aborted) process.exit(130);
      process.stderr.write('\nstopping after the current run (Ctrl-C again to quit at once)…\n');
      controller.abort();
    };
    process.on('SIGINT', onInterrupt);
    const started = performance.now();
    try {
      await runMissingClaims(models, {
        sweep: () => ({ signal: controller.signal, stopStatus: 'interrupted', onProgress: progressBar() }),
        onAction: ({ claim, action, experimentId }) =>
          process.stderr.write(`claim ${claim.number} (${claim.id}): ${action}${experimentId ? ` ${experimentId}` : ''}\n`),
      });
    } catch (error) {
      if (error instanceof ExperimentStopped) {
        console.error('interrupted: every finished run is stored; "dlm claims --run" resumes where it stopped');
        return 130;
      }
      throw error;
    } finally {
      process.off('SIGINT', onInterrupt);
    }
    process.stderr.write(`presets done in ${formatDuration(performance.now() - started)}\n`);
  }
  const reports = await claimReports(models);
  if (args.switches.has('json')) {
    console.log(
      JSON.stringify(
        reports.map(({ chart: _chart, ...r }) => r),
        null,
        2,
      ),
    );
    return 0;
  }
  console.log(reports.map(formatClaim).join('\n\n'));
  return 0;
}

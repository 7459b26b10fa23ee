// `dlm diff A B`: the same cells of two experiments side by side, differences marked.
import type { Aggregate } from '../harness/aggregate.ts';
import { mixesHardware } from '../harness/hardware.ts';
import { loadReport } from '../harness/report.ts';
import { parseArgs, UsageError } from './args.ts';
import { aggregateRow } from '../harness/export.ts';
import { hardwareOf } from './experiment-report.ts';
import { textTable } from './text-table.ts';

export const DIFF_HELP = `Usage: dlm diff A B [--json]

Cells (engine × setting × task × length) of experiments A and B side by side: median latency and B ÷ A, pass
rate and B − A. Marks: "*" latency differs by more than 10%, "!" the pass rates' Wilson 95% intervals do not
overlap, "only A"/"only B" a cell one of them lacks.`;

// The hardware is part of a cell only inside an experiment whose workers ran on several (the headers say each one's).
const key = (a: Aggregate, byHardware: boolean) => `${a.length}|${a.task}|${a.engine}|${a.setting}${byHardware && a.hardware ? ` on ${a.hardware}` : ''}`;
const disjoint = (a: Aggregate, b: Aggregate) =>
  !!a.passRateInterval && !!b.passRateInterval && (a.passRateInterval.high < b.passRateInterval.low || b.passRateInterval.high < a.passRateInterval.low);

export async function diffCommand(argv: string[]): Promise<number> {
  const args = parseArgs(argv, { switches: ['json', 'help'] });
  if (args.switches.has('help')) {
    console.log(DIFF_HELP);
    return 0;
  }
  if (args.positionals.length !== 2) throw new UsageError('give two experiment ids: dlm diff A B');
  const [a, b] = await Promise.all(args.positionals.map((id) => loadReport(id)));
  const byKey = (aggregates: Aggregate[]) => new Map(aggregates.map((x) => [key(x, mixesHardware(aggregates)), x]));
  const left = byKey(a!.aggregates);
  const right = byKey(b!.aggregates);
  const keys = [...new Set([...left.keys(), ...right.keys()])];
  const rows = keys.map((k) => {
    const x = left.get(k);
    const y = right.get(k);
    const ratio = x && y ? y.latencyMedianMs / x.latencyMedianMs : null;
    const passDelta = x?.passRate != null && y?.passRate != null ? y.passRate - x.passRate : null;
    const marks = [!x ? 'only B' : '', !y ? 'only A' : '', ratio !== null && Math.abs(ratio - 1) > 0.1 ? '*' : '', x && y && disjoint(x, y) ? '!' : '']
      .filter(Boolean)
      .join(' ');
    const [length, task, engine, setting] = k.split('|');
    return {
      length: Number(length),
      task,
      engine,
      setting,
      a: x ? aggregateRow(x) : null,
      b: y ? aggregateRow(y) : null,
      latencyRatio: ratio,
      passRateDelta: passDelta,
      marks,
    };
  });
  if (args.switches.has('json')) {
    console.log(JSON.stringify({ a: a!.experiment.id, b: b!.experiment.id, cells: rows }, null, 2));
    return 0;
  }
  const pct = (v: number | null | undefined) => (v == null ? '-' : `${(v * 100).toFixed(0)}%`);
  console.log(`A: ${a!.experiment.id} "${a!.experiment.title}" on ${hardwareOf(a!.experiment)}`);
  console.log(`B: ${b!.experiment.id} "${b!.experiment.title}" on ${hardwareOf(b!.experiment)}\n`);
  console.log(
    textTable(
      ['L', 'task', 'engine', 'setting', 'A ms', 'B ms', 'B÷A', 'A pass', 'B pass', 'B−A', 'marks'],
      rows.map((r) => [
        String(r.length),
        r.task!,
        r.engine === 'autoregressive' ? 'AR' : r.engine === 'block_diffusion' ? 'block' : 'diffusion',
        r.setting!,
        r.a ? r.a.latencyMedianMs.toFixed(1) : '-',
        r.b ? r.b.latencyMedianMs.toFixed(1) : '-',
        r.latencyRatio === null ? '-' : `${r.latencyRatio.toFixed(2)}×`,
        pct(r.a?.passRate),
        pct(r.b?.passRate),
        r.passRateDelta === null ? '-' : `${r.passRateDelta >= 0 ? '+' : ''}${(r.passRateDelta * 100).toFixed(0)}`,
        r.marks,
      ]),
    ),
  );
  return 0;
}

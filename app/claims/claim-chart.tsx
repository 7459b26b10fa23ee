'use client';
// The one chart that decides a claim, drawn with the report's own chart frame (log length axis, markers per
// series, CSV/JSON/SVG/PNG actions).
import { ReferenceLine, YAxis } from 'recharts';
import type { ClaimChart as ClaimChartData } from '@/lib/harness/claims/types.ts';
import { ChartCard } from '../report/chart-card.tsx';
import { AR_COLOUR, DIFFUSION_COLOURS, LengthChart, Lines, type Series } from '../report/experiment-view.tsx';

const SHAPES = ['square', 'triangle', 'diamond'] as const;

export function ClaimChart({ id, chart, note }: { id: string; chart: ClaimChartData; note: string }) {
  const series: Series[] = chart.series.map((s, i) => ({
    key: s.key,
    engine: s.engine,
    setting: s.key,
    colour: s.engine === 'autoregressive' ? AR_COLOUR : DIFFUSION_COLOURS[i % DIFFUSION_COLOURS.length]!,
    dash: s.engine === 'autoregressive' ? undefined : '4 2',
    shape: s.engine === 'autoregressive' ? 'circle' : SHAPES[i % SHAPES.length]!,
  }));
  const rows = new Map<number, Record<string, unknown>>();
  for (const s of chart.series) {
    for (const p of s.points) {
      const row = rows.get(p.length) ?? { length: p.length };
      row[s.key] = p.value;
      if (p.low !== undefined && p.high !== undefined) row[`${s.key} err`] = [p.value - p.low, p.high - p.value];
      rows.set(p.length, row);
    }
  }
  const data = [...rows.values()].sort((a, b) => (a.length as number) - (b.length as number));
  const lengths = data.map((r) => r.length as number);
  const y = chart.logY ? (
    <YAxis scale="log" domain={['auto', 'auto']} allowDataOverflow label={{ value: chart.yLabel, angle: -90, position: 'insideLeft' }} />
  ) : (
    <YAxis domain={['auto', 'auto']} label={{ value: chart.yLabel, angle: -90, position: 'insideLeft' }} />
  );
  return (
    <ChartCard id={id} title={chart.title} note={note} data={data}>
      <LengthChart data={data} lengths={lengths} y={y}>
        {chart.reference && (
          <ReferenceLine y={chart.reference.y} stroke="currentColor" strokeDasharray="2 2" label={{ value: chart.reference.label, position: 'right' }} />
        )}
        <Lines series={series} errorKey />
      </LengthChart>
    </ChartCard>
  );
}

// Hand-built stored experiments for the claims' integration and end-to-end tests: one finished experiment per
// claim, tagged and shaped like its preset, with runs whose verdicts are known in advance:
//   1 holds (5× at equal pass rates), 2 holds (speedup ∝ L), 3 does not hold (NFE = L),
//   4 not enough evidence (no block-diffusion runs), 5 holds (diffusion behind on sort/add/expand only).
import { createFinishedExperiment, type Experiment } from '../../db/experiments.ts';
import type { RunInput } from '../../db/runs.ts';
import { captureEnvironment } from '../../env/environment.ts';
import { claimTitlePrefix, findClaim } from './registry.ts';

export const SEEDED_VERDICTS = {
  'fast-at-matched-quality': 'holds',
  'gap-widens': 'holds',
  'constant-steps': 'does not hold',
  'fixed-length': 'not enough evidence',
  'sequential-reasoning': 'holds',
} as const;

const AR = 'tiny-llama-ar';
const DIFFUSION = 'tiny-llama-diffusion';
const ITEMS = 30;

type Cell = {
  engine: 'autoregressive' | 'diffusion';
  setting: string;
  task: string;
  length: number;
  passed: (item: number) => boolean;
  totalMs: number;
  nfe: number;
  tokens?: number;
};

function runsOf(cells: Cell[]): Omit<RunInput, 'experimentId'>[] {
  return cells.flatMap((c) =>
    Array.from({ length: ITEMS }, (_, item) => ({
      engine: c.engine,
      modelId: c.engine === 'autoregressive' ? AR : DIFFUSION,
      modelSha256: 'seeded',
      taskId: c.task,
      itemId: `eval/${c.task}/${c.length}/s0/i${item}`,
      prompt: `${c.task}: seeded ${item}\n`,
      requestedLength: c.length,
      settings: { seed: 0 },
      outputText: 'x'.repeat(c.tokens ?? c.length),
      generatedTokens: c.tokens ?? c.length,
      ttftMs: 1,
      totalMs: c.totalMs,
      forwardPasses: c.nfe,
      passed: c.passed(item),
      cellKey: [c.engine, c.setting, c.task, c.length, item, 0].join('|'),
      setting: c.setting,
    })),
  );
}

const all = () => true;
const pair = (task: string, length: number, ar: Partial<Cell>, diffusion: Partial<Cell> & { setting: string }): Cell[] => [
  { engine: 'autoregressive', setting: 'greedy', task, length, passed: all, totalMs: 100, nfe: length + 1, ...ar },
  { engine: 'diffusion', task, length, passed: all, totalMs: 20, nfe: 1, ...diffusion },
];

const SEEDS: Record<keyof typeof SEEDED_VERDICTS, { spec: Record<string, unknown>; cells: Cell[] }> = {
  'fast-at-matched-quality': {
    spec: { tasks: ['code'], lengths: [8, 16], diffusion: { threshold: 0.9 } },
    cells: [8, 16].flatMap((L) => pair('code', L, {}, { setting: 'threshold=0.9' })),
  },
  'gap-widens': {
    spec: { tasks: ['copy'], lengths: [16, 32, 64], diffusion: { threshold: 0.9 } },
    cells: [16, 32, 64].flatMap((L) => pair('copy', L, { totalMs: 2 * L }, { setting: 'threshold=0.9', totalMs: 4 })),
  },
  'constant-steps': {
    spec: { tasks: ['reverse'], lengths: [16, 32, 64], diffusion: { steps: 'L' } },
    cells: [16, 32, 64].flatMap((L) => pair('reverse', L, {}, { setting: 'steps=L', nfe: L })),
  },
  'fixed-length': {
    spec: { tasks: ['copy'], lengths: [32], itemLengths: 'mixed', diffusion: { threshold: 0.9 } },
    cells: pair('copy', 32, { tokens: 4, nfe: 5 }, { setting: 'threshold=0.9', tokens: 4 }),
  },
  'sequential-reasoning': {
    spec: { tasks: ['copy', 'reverse', 'sort', 'add', 'expand'], lengths: [16], diffusion: { steps: 'L' } },
    cells: ['copy', 'reverse', 'sort', 'add', 'expand'].flatMap((task) =>
      pair(task, 16, {}, { setting: 'steps=L', nfe: 16, passed: ['copy', 'reverse'].includes(task) ? all : (i) => i < 10 }),
    ),
  },
};

/** Stores the five seeded experiments in the database of DATABASE_URL; returns them by claim id. */
export async function seedClaimExperiments(): Promise<Record<string, Experiment>> {
  const environment = captureEnvironment({ executionProvider: 'cpu', threads: 1 });
  const stored: Record<string, Experiment> = {};
  for (const [id, seed] of Object.entries(SEEDS)) {
    const claim = findClaim(id)!;
    const spec = { title: `${claimTitlePrefix(id)}${claim.quote}`, itemsPerLength: ITEMS, threads: 1, ...seed.spec };
    const config = { spec, models: { autoregressive: { id: AR, sha256: 'seeded' }, diffusion: { id: DIFFUSION, sha256: 'seeded' } } };
    stored[id] = await createFinishedExperiment({ title: spec.title, kind: 'sweep', config, environment }, runsOf(seed.cells));
  }
  return stored;
}

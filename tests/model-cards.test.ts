// Each bundled model card's compute section must list exactly the runs behind its own weights: the total it
// prints and the number of runs equal what its train_summary.json says (a partner's chain never stands in).
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { projectRoot } from '../lib/paths.ts';

interface Summary {
  kind: string;
  minutes: number;
  tokens_seen: number;
  total_compute?: { minutes: number; tokens: number };
  init?: { summary?: Summary } | null;
}

const chainLength = (summary: Summary): number => 1 + (summary.init?.summary ? chainLength(summary.init.summary) : 0);

const modelsDir = path.join(projectRoot(), 'models');
// Bundled models, and the records of earlier ones kept under models/baselines/.
const cards = ['', 'baselines']
  .flatMap((group) => readdirSync(path.join(modelsDir, group)).map((id) => path.join(group, id)))
  .filter((id) => existsSync(path.join(modelsDir, id, 'README.md')) && existsSync(path.join(modelsDir, id, 'train_summary.json')));

test('there are trained bundled models with cards', () => assert.ok(cards.length >= 2, cards.join(', ')));

for (const id of cards) {
  test(`${id}: the card's compute section is this model's own chain`, () => {
    const summary = JSON.parse(readFileSync(path.join(modelsDir, id, 'train_summary.json'), 'utf8')) as Summary;
    const card = readFileSync(path.join(modelsDir, id, 'README.md'), 'utf8');
    const line = /- \*\*([a-z_]+)\*\* \(this model\): ([\d.]+) CPU-minutes of training in total \(([\d,]+) tokens\), in (\d+) run\(s\):/.exec(card);
    assert.ok(line, 'the compute section names this model’s own total');
    const total = summary.total_compute ?? { minutes: summary.minutes, tokens: summary.tokens_seen };
    assert.equal(line[1], summary.kind);
    assert.equal(Number(line[2]), total.minutes);
    assert.equal(Number(line[3]!.replaceAll(',', '')), total.tokens);
    assert.equal(Number(line[4]), chainLength(summary));
    // Every run of the chain is listed under it, and no other model's total is presented as this model's.
    const section = card.slice(line.index, card.indexOf('\n\n', line.index));
    assert.equal((section.match(/^ {2}- /gm) ?? []).length, chainLength(summary), section);
    assert.equal((section.match(/\(this model\)/g) ?? []).length, 1);
  });
}

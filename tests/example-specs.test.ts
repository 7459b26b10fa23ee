// Every preset spec shipped in examples/ is a valid sweep spec, and each of its tasks and lengths has cells.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { expandCells, parseSpecText } from '../lib/harness/spec.ts';
import { projectRoot } from '../lib/paths.ts';

const dir = path.join(projectRoot(), 'examples');
const specs = readdirSync(dir).filter((f) => f.endsWith('.json'));

test('there are preset specs', () => assert.ok(specs.includes('article-hosted.json') && specs.includes('long-outputs.json'), specs.join(', ')));

for (const file of specs) {
  test(`examples/${file} parses and expands`, () => {
    const spec = parseSpecText(readFileSync(path.join(dir, file), 'utf8'));
    const cells = expandCells(spec);
    for (const task of spec.tasks)
      assert.ok(
        cells.some((c) => c.task === task),
        `${task} has cells`,
      );
    for (const length of spec.lengths)
      assert.ok(
        cells.some((c) => c.length === length),
        `length ${length} has cells`,
      );
  });
}

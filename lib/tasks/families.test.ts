// Every family: determinism, alphabet, length rule, train/eval disjointness, and (for the exact-match
// families) that the checker accepts the answer and rejects corrupted ones. Code execution is in code.test.ts.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { assertTokenText, isTokenText } from './alphabet.ts';
import { checkCompletions } from './check.ts';
import { generateCheckedRecord, generateRecord } from './generate.ts';
import { lengthSampler } from './length-mix.ts';
import { FAMILIES, findFamily, solvePrompt } from './registry.ts';
import { EVAL_SEED_OFFSET, MAX_SEED, streamSeed } from './splits.ts';
import type { TaskFamily, TaskRecord } from './types.ts';

/** Lengths worth testing for a family: both ends and a few in between. */
function sampleLengths(family: TaskFamily): number[] {
  const { minLength: lo, maxLength: hi } = family;
  return [...new Set([lo, lo + 1, 16, 37, 100, hi - 1, hi].filter((l) => l >= lo && l <= hi))];
}

/** Which answer lengths the family promises for a requested length. */
function answerLengthOk(record: TaskRecord): boolean {
  if (record.task === 'add') return record.answer.length === record.length || record.answer.length === record.length + 1;
  return record.answer.length === record.length;
}

test('the token alphabet is "\\n" plus printable ASCII', () => {
  assert.ok(isTokenText('copy: a~ Z\n'));
  assert.ok(!isTokenText('tab\there'));
  assert.ok(!isTokenText('caf\u00e9'));
  assert.throws(() => assertTokenText('x\u0000', 'answer'), /answer.*index 1/);
});

test('split seeds: train streams stay below 1e9, eval streams at or above it', () => {
  assert.equal(streamSeed(0, 'train'), 0);
  assert.equal(streamSeed(MAX_SEED, 'train'), MAX_SEED);
  assert.equal(streamSeed(0, 'eval'), EVAL_SEED_OFFSET);
  assert.ok(streamSeed(MAX_SEED, 'train') < streamSeed(0, 'eval'));
  assert.throws(() => streamSeed(MAX_SEED + 1, 'train'));
  assert.throws(() => streamSeed(-1, 'eval'));
});

for (const family of FAMILIES) {
  describe(`family ${family.name}`, () => {
    test('is registered and documents its range', () => {
      assert.equal(findFamily(family.name), family);
      assert.ok(family.minLength >= 1 && family.maxLength <= 1024 && family.description.length > 0);
    });

    test('records are deterministic for (length, seed, index, split)', () => {
      for (const length of sampleLengths(family)) {
        const a = generateRecord(family, length, 7, 3, 'train');
        assert.deepEqual(generateRecord(family, length, 7, 3, 'train'), a);
        assert.equal(a.task_id, `train/${family.name}/${length}/s7/i3`);
        assert.equal(a.task, family.name);
        assert.equal(a.seed, 7);
        assert.equal(a.length, length);
      }
      const length = Math.max(family.minLength, 24);
      const prompts = new Set(Array.from({ length: 20 }, (_, i) => generateRecord(family, length, 7, i, 'train').prompt));
      assert.equal(prompts.size, 20, 'different indexes give different items');
    });

    test('prompts and answers use the token alphabet and the documented shape', () => {
      const sampler = lengthSampler(family, 256, 1, 'train')!;
      for (let i = 0; i < 300; i++) {
        const record = generateCheckedRecord(family, sampler.draw(i), 1, i, i % 2 ? 'eval' : 'train');
        assertTokenText(record.prompt, `${record.task_id} prompt`);
        assertTokenText(record.answer, `${record.task_id} answer`);
        assert.ok(record.prompt.startsWith(`${family.name}: `) && record.prompt.endsWith('\n'), record.prompt);
        assert.ok(!record.answer.endsWith('\n'));
        assert.equal(record.prompt.indexOf('\n'), record.prompt.length - 1, 'the prompt is one line');
      }
    });

    test('answer length follows the requested length', () => {
      for (const length of sampleLengths(family)) {
        for (let i = 0; i < 5; i++) {
          const record = generateRecord(family, length, 11, i, 'eval');
          assert.ok(answerLengthOk(record), `${record.task_id}: answer has ${record.answer.length} characters`);
        }
      }
    });

    test('lengths outside the family range are refused', () => {
      assert.throws(() => generateRecord(family, family.minLength - 1, 0, 0, 'train'), /length must be/);
      assert.throws(() => generateRecord(family, family.maxLength + 1, 0, 0, 'train'), /length must be/);
    });

    test('train and eval records differ for the same seed and index', () => {
      // Long enough that the item space is huge (short code programs repeat by chance, see splits.ts).
      const length = family.name === 'code' ? 100 : 32;
      const train = new Set<string>();
      const evalPrompts = new Set<string>();
      for (let seed = 0; seed < 5; seed++) {
        for (let i = 0; i < 20; i++) {
          const t = generateRecord(family, length, seed, i, 'train');
          const e = generateRecord(family, length, seed, i, 'eval');
          assert.notEqual(t.task_id, e.task_id);
          train.add(t.prompt);
          evalPrompts.add(e.prompt);
        }
      }
      assert.equal([...evalPrompts].filter((p) => train.has(p)).length, 0, 'no eval prompt appears in train');
    });
  });
}

describe('exact-match checking', () => {
  const exactFamilies = FAMILIES.filter((f) => f.checkedBy === 'exact-match');

  test('accepts the answer and rejects corrupted completions, for every exact-match family', async () => {
    const records = exactFamilies.flatMap((family) => sampleLengths(family).map((length) => generateRecord(family, length, 5, 0, 'eval')));
    const flip = (text: string) => text.slice(0, -1) + (text.at(-1) === '0' ? '1' : '0');
    const variants: Array<[string, (answer: string) => unknown, boolean]> = [
      ['the answer', (a) => a, true],
      ['last character changed', flip, false],
      ['one character too many', (a) => a + a.at(-1), false],
      ['one character short', (a) => a.slice(0, -1), false],
      ['trailing newline (not trimmed)', (a) => a + '\n', false],
      ['leading space (not trimmed)', (a) => ' ' + a, false],
      ['undefined', () => undefined, false],
      ['a number', (a) => Number(a), false],
    ];
    for (const [label, make, expected] of variants) {
      const results = await checkCompletions(records.map((r) => ({ ...r, completion: make(r.answer) })));
      results.forEach((result, i) => {
        assert.equal(result.task_id, records[i]!.task_id);
        assert.equal(result.passed, expected, `${label}: ${records[i]!.task_id}`);
        if (!expected) assert.ok(result.error, 'failures say why');
      });
    }
  });

  test('the answers are right: reverse, sort and add checked independently', () => {
    const reversed = generateRecord(findFamily('reverse')!, 40, 2, 0, 'train');
    assert.equal([...reversed.prompt.slice('reverse: '.length, -1)].reverse().join(''), reversed.answer);
    const sorted = generateRecord(findFamily('sort')!, 40, 2, 0, 'train');
    assert.match(sorted.answer, /^0*1*2*3*4*5*6*7*8*9*$/);
    const sum = generateRecord(findFamily('add')!, 200, 2, 0, 'train');
    const [a, b] = sum.prompt.slice('add: '.length, -1).split('+') as [string, string];
    assert.equal(a.length, 200);
    assert.equal(b.length, 200);
    assert.ok(a[0] !== '0' && b[0] !== '0', 'no leading zeros');
    assert.equal(BigInt(sum.answer), BigInt(a) + BigInt(b));
  });

  test('expand: runs of 1..30, neighbours differ, decoded independently', () => {
    for (const length of [1, 30, 31, 64, 512, 1024]) {
      const record = generateRecord(findFamily('expand')!, length, 4, 1, 'eval');
      const runs = [...record.prompt.slice('expand: '.length, -1).matchAll(/([a-z])(\d+)/g)].map((m) => [m[1]!, Number(m[2])] as const);
      assert.equal(runs.map(([l, c]) => `${l}${c}`).join(''), record.prompt.slice('expand: '.length, -1), 'the prompt is only letter+count pairs');
      runs.forEach(([letter, count], i) => {
        assert.ok(count >= 1 && count <= 30, `count ${count}`);
        if (i > 0) assert.notEqual(letter, runs[i - 1]![0], 'neighbours differ');
      });
      let decoded = '';
      for (const [letter, count] of runs) for (let k = 0; k < count; k++) decoded += letter;
      assert.equal(decoded, record.answer);
      assert.equal(record.answer.length, length);
    }
    assert.equal(solvePrompt('expand: a3b12c7\n')?.answer, 'aaabbbbbbbbbbbbccccccc');
    assert.equal(solvePrompt('expand: a3b12c7'), null, 'no trailing newline, no expected answer');
  });
});

describe('solvePrompt: the expected answer of a typed task prompt', () => {
  for (const family of FAMILIES.filter((f) => f.checkedBy === 'exact-match')) {
    test(`${family.name}: every generated prompt solves to its record's answer`, () => {
      for (const length of sampleLengths(family)) {
        for (let index = 0; index < 5; index++) {
          const record = generateRecord(family, length, 11, index, 'eval');
          assert.deepEqual(solvePrompt(record.prompt), { task: family.name, answer: record.answer });
        }
      }
    });
  }

  test('prompts outside every exact-match format, and code prompts, have no expected answer', () => {
    for (const prompt of ['sort: 3141', 'sort: 31a1\n', 'copy: K3X9\n', 'add: 12-3\n', 'hello\n', 'sort: \n']) {
      assert.equal(solvePrompt(prompt), null, JSON.stringify(prompt));
    }
    assert.equal(solvePrompt(generateRecord(findFamily('code')!, 32, 0, 0, 'eval').prompt), null);
    assert.equal(solvePrompt('add: 77+55\n')?.answer, '132');
  });
});

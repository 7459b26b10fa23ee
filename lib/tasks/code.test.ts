// The code family: exact lengths, prompt/answer shape, expected outputs that agree with JavaScript,
// and checking by execution (canonical passes; wrong, broken or missing completions fail).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkCompletions } from './check.ts';
import { codeFamily } from './code.ts';
import { evaluateArithmetic, jsLiteral } from './code-values.ts';
import { generateRecord } from './generate.ts';
import type { TaskRecord } from './types.ts';

const PROMPT_SHAPE = /^code: f\((x|x,y|x,y,z|a|s)\) returns [a-z][ a-z0-9,]*\n$/;
const ANSWER_SHAPE = /^\((x|x,y|x,y,z|a|s)\)=>/;

function allLengths(seed: number): TaskRecord[] {
  const records: TaskRecord[] = [];
  for (let length = codeFamily.minLength; length <= codeFamily.maxLength; length++) records.push(generateRecord(codeFamily, length, seed, 0, 'train'));
  return records;
}

/** Runs a record's test against a completion in this process (trusted code only: our own canonical solutions). */
function runTrustedCheck(record: TaskRecord, completion: string): void {
  const check = new Function(`${record.test}\nreturn check;`)() as (candidate: unknown) => void;
  check(new Function(`return (${completion});`)());
}

test('the canonical solution has exactly `length` characters, for every length 8..256', () => {
  for (const seed of [0, 1, 2]) {
    for (const record of allLengths(seed)) {
      assert.equal(record.answer.length, record.length, record.task_id);
      assert.equal(record.canonical_solution, record.answer);
      assert.equal(record.entry_point, 'f');
      assert.match(record.prompt, PROMPT_SHAPE);
      assert.match(record.answer, ANSWER_SHAPE);
      assert.ok((record.test!.match(/^    \[/gm) ?? []).length >= 5, 'at least five test cases');
    }
  }
  assert.equal(generateRecord(codeFamily, 8, 0, 0, 'train').answer.length, 8, 'the shortest length is 8');
});

test('examples read as documented', () => {
  const seen = new Map<string, string>();
  for (let i = 0; i < 400; i++) {
    const record = generateRecord(codeFamily, 8 + (i % 60), 4, i, 'train');
    seen.set(record.prompt, record.answer);
  }
  // Each phrase maps to one fragment, wherever it appears.
  for (const [prompt, answer] of seen) {
    if (prompt.includes(', sum')) assert.ok(answer.includes('.reduce((t,v)=>t+v,0)'), prompt);
    if (prompt.includes(', sort')) assert.ok(answer.includes('.sort((p,q)=>p-q)'), prompt);
    const keepOver = prompt.match(/, keep over (\d+)/);
    if (keepOver) assert.ok(answer.includes(`.filter(v=>v>${keepOver[1]})`), prompt);
  }
});

test('arithmetic is evaluated with JavaScript precedence', () => {
  const rest = [
    { operator: '+', value: 3 },
    { operator: '*', value: 4 },
    { operator: '-', value: 5 },
    { operator: '%', value: 3 },
  ] as const;
  assert.equal(evaluateArithmetic(2, rest), 2 + 3 * 4 - (5 % 3));
  assert.equal(evaluateArithmetic(-7, [{ operator: '%', value: 4 }]), -7 % 4);
  assert.equal(jsLiteral([1, -2, 'ab']), '[1,-2,"ab"]');
  assert.equal(jsLiteral(NaN), 'NaN');
});

test('expected outputs agree with running the canonical solution in JavaScript', () => {
  for (const seed of [5, 6]) for (const record of allLengths(seed)) runTrustedCheck(record, record.answer);
});

test('checking runs the code: canonical passes, wrong, broken and missing completions fail', async () => {
  const records = [
    ...allLengths(9).filter((r) => r.length % 8 === 0),
    ...Array.from({ length: 10 }, (_, i) => generateRecord(codeFamily, 12 + i, 3, i, 'eval')),
  ];
  // Short programs stay far from 2^53, so "+1" always changes a number (and turns arrays into strings).
  const short = records.filter((r) => r.length <= 40);
  const cases = [
    ...records.map((r) => ({ ...r, completion: r.answer, want: true })),
    ...short.map((r) => ({ ...r, completion: `${r.answer}+1`, want: false })), // wrong but valid
    ...short.map((r) => ({ ...r, completion: `${r.answer})`, want: false })), // syntax error
    ...short.slice(0, 3).map((r) => ({ ...r, completion: '42', want: false })), // not a function
    ...short.slice(0, 3).map((r) => ({ ...r, completion: undefined, want: false })), // no completion
  ];
  const results = await checkCompletions(cases);
  results.forEach((result, i) => {
    const c = cases[i]!;
    assert.equal(result.task_id, c.task_id);
    assert.equal(result.passed, c.want, `${c.task_id} with ${JSON.stringify(c.completion)}: ${result.error}`);
    if (!c.want) assert.ok(result.error);
  });
  const syntaxError = results[records.length + short.length]!;
  assert.match(syntaxError.error!, /does not compile/);
});

test('a completion that is not the canonical text but behaves the same passes', async () => {
  const record = generateRecord(codeFamily, 20, 0, 0, 'train');
  const [result] = await checkCompletions([{ ...record, completion: `function (...args) { return (${record.answer})(...args); }` }]);
  assert.equal(result!.passed, true, result!.error);
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { missingNewlineHint } from './prompt-hint.ts';
import { solvePrompt } from './registry.ts';

test('a task prompt missing its newline gets a hint naming the task', () => {
  for (const [prompt, task] of [
    ['sort: 3141', 'sort'],
    ['copy: k3x9ab', 'copy'],
    ['reverse: abc', 'reverse'],
  ] as const) {
    assert.equal(solvePrompt(prompt), null); // the premise: without the newline it is not a task prompt
    assert.ok(solvePrompt(`${prompt}\n`));
    const hint = missingNewlineHint(prompt);
    assert.ok(hint, prompt);
    assert.match(hint, new RegExp(`a ${task} prompt without its trailing newline`));
    assert.ok(!hint.includes('\n'), 'one line');
  }
});

test('no hint for complete task prompts or for free text', () => {
  assert.equal(missingNewlineHint('sort: 3141\n'), null);
  assert.equal(missingNewlineHint('hello world'), null);
  assert.equal(missingNewlineHint('sort:'), null);
  assert.equal(missingNewlineHint(''), null);
});

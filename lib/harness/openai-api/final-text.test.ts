import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createCanvas } from './canvas.ts';
import { createFinalText, firstStop, stopPrefixLength } from './final-text.ts';

// A character tokenizer: id = char code; 0xD800 stands for a half character (decoded alone as U+FFFD).
const decode = (ids: readonly number[]) => String.fromCharCode(...ids).replace(/\uD800(?!\uDC00)/g, '\uFFFD');
const ids = (text: string) => [...text].map((c) => c.charCodeAt(0));

test('the first stop string is the earliest, and the longest among those starting there', () => {
  assert.deepEqual(firstStop('abcabc', ['c', 'bc']), { index: 1, stop: 'bc' });
  assert.deepEqual(firstStop('abc', ['x']), null);
  assert.equal(stopPrefixLength('hello wo', ['world', 'o!']), 2);
  assert.equal(stopPrefixLength('hello', ['world']), 0);
});

test('text is sent as it grows, the tail that may start a stop string held back, cut at the stop', () => {
  const text = createFinalText(decode, ['END']);
  const deltas = ['ab', 'abE', 'abEN', 'abENx', 'abENxE', 'abENxEND', 'abENxENDmore'].map((t) => text.update(ids(t), false));
  assert.deepEqual(
    deltas.map((d) => d.delta),
    ['ab', '', '', 'ENx', '', '', ''],
  );
  assert.equal(deltas[5]!.stopped, true);
  assert.equal(text.text, 'abENx');
  assert.equal(text.tokens, 8); // through the stop string, nothing after it
  assert.deepEqual(text.update(ids('abENxENDmore'), true), { delta: '', stopped: true });
});

test('a held-back tail is released when the output ends without the stop string; half characters wait', () => {
  const text = createFinalText(decode, ['\n\n']);
  assert.equal(text.update(ids('ok\n'), false).delta, 'ok');
  assert.equal(text.update([...ids('ok\n'), 0xd800], false).delta, '\n');
  assert.equal(text.update([...ids('ok\n'), 0xd800, 0xdc00], false).delta, '\uD800\uDC00');
  assert.deepEqual(text.update([...ids('ok\n'), 0xd800, 0xdc00, ...ids('!\n')], true), { delta: '!\n', stopped: false });
  assert.equal(text.tokens, 7);
});

test('the canvas shows masks and <eos>, and its final prefix stops at the first mask, <eos> or the cap', () => {
  const EOS = 1;
  const canvas = createCanvas(EOS);
  canvas.start(6, 6);
  assert.equal(canvas.render(), '······');
  canvas.commit([
    { position: 1, tokenId: 98, text: 'b' },
    { position: 4, tokenId: EOS, text: '<eos>' },
  ]);
  assert.equal(canvas.render(), '·b··∎·');
  assert.deepEqual(canvas.finalIds(null), []);
  canvas.commit([
    { position: 0, tokenId: 97, text: 'a' },
    { position: 3, tokenId: 100, text: 'd' },
  ]);
  assert.deepEqual(canvas.finalIds(null), [97, 98]);
  canvas.commit([{ position: 2, tokenId: 99, text: 'c' }]);
  assert.deepEqual(canvas.finalIds(null), [97, 98, 99, 100]);
  assert.deepEqual(canvas.finalIds(3), [97, 98, 99]);

  const blocks = createCanvas(EOS); // block diffusion reveals its canvas one block at a time
  blocks.start(8, 0);
  blocks.reveal(4);
  assert.equal(blocks.render(), '····');
  blocks.reveal(8);
  assert.equal(blocks.render(), '········');
});

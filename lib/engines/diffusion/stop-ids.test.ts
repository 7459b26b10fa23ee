import assert from 'node:assert/strict';
import { test } from 'node:test';
import { firstStopIndex, outputIsSettled } from './stop-ids.ts';

const MASK = 2;
const [EOS, EOT] = [1, 9]; // e.g. LLaDA's <|endoftext|> and <|eot_id|>

test('any stop id ends the output, whichever comes first', () => {
  assert.equal(firstStopIndex(Int32Array.from([5, 6, EOT, EOS, EOS]), [EOS, EOT]), 2);
  assert.equal(firstStopIndex(Int32Array.from([5, EOS, EOT]), [EOS, EOT]), 1);
  assert.equal(firstStopIndex(Int32Array.from([5, 6, 7, EOT]), [EOS, EOT], 3), -1, 'only before the limit');
  assert.equal(firstStopIndex(Int32Array.from([5, 6]), [EOS, EOT]), -1);
});

test('the output is settled once a stop id is committed with nothing masked before it', () => {
  assert.equal(outputIsSettled(Int32Array.from([5, EOT, MASK, MASK]), MASK, [EOS, EOT]), true);
  assert.equal(outputIsSettled(Int32Array.from([MASK, EOT, EOS]), MASK, [EOS, EOT]), false);
  assert.equal(outputIsSettled(Int32Array.from([5, EOT, MASK]), MASK, [EOS]), false, 'not a stop id for this model');
  assert.equal(outputIsSettled(Int32Array.from([5, EOS, MASK]), MASK, EOS), true, 'one id as a number');
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { generationDefaults, tokenIdList, withGenerationDefaults } from './generation-config.ts';
import { stopOnEos } from './sampling/stopping-criteria.ts';

test('generation_config.json: sampling defaults as transformers reads them', () => {
  assert.deepEqual(generationDefaults({ do_sample: true, temperature: 0.6, top_p: 0.9 }), { temperature: 0.6, topK: 50, topP: 0.9 });
  assert.deepEqual(generationDefaults({ do_sample: true, temperature: 0.7, top_k: 20, top_p: 0.8, max_new_tokens: 64 }), {
    temperature: 0.7,
    topK: 20,
    topP: 0.8,
    maxNewTokens: 64,
  });
  assert.deepEqual(generationDefaults({ do_sample: false, temperature: 0.6 }), { temperature: 0 }, 'no sampling: greedy');
  assert.deepEqual(generationDefaults({}), { temperature: 0 });
});

test('a request wins over the defaults; an undefined field does not erase one', () => {
  assert.deepEqual(withGenerationDefaults({ temperature: 0.6, topP: 0.9 }, { temperature: 0, topP: undefined }), { temperature: 0, topP: 0.9 });
});

test('several EOS ids: any one of them stops', () => {
  assert.deepEqual(tokenIdList([128001, 128008, 128009]), [128001, 128008, 128009]);
  assert.deepEqual(tokenIdList(2), [2]);
  assert.deepEqual(tokenIdList(null), []);
  const stop = stopOnEos([128001, 128009]);
  assert.equal(stop([5, 128009]), 'eos');
  assert.equal(stop([5, 128001]), 'eos');
  assert.equal(stop([5, 128008]), null);
  assert.equal(stop([]), null);
});

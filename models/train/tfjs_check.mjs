// Loads a model folder the way the app does and reports what it does, for parity.py to compare.
// Usage: node models/train/tfjs_check.mjs <models_root> <model_id> <cases.json>
// cases.json: {texts: [string], generate: [{prompt, max_new_tokens}]}. Prints one JSON object:
// tokenizer ids/decodes from @huggingface/transformers AND @huggingface/tokenizers, and (AR folders only)
// greedy continuations from AutoModelForCausalLM.generate with the folder's onnx/model.onnx (fp32).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { env, AutoTokenizer, AutoModelForCausalLM } from '@huggingface/transformers';
import { Tokenizer } from '@huggingface/tokenizers';

const [root, id, casesPath] = process.argv.slice(2);
env.allowRemoteModels = false;
env.allowLocalModels = true;
env.localModelPath = root.endsWith('/') ? root : root + '/';
const cases = JSON.parse(readFileSync(casesPath, 'utf8'));
const folder = join(root, id);
const config = JSON.parse(readFileSync(join(folder, 'config.json'), 'utf8'));

const tf = await AutoTokenizer.from_pretrained(id, { local_files_only: true });
const bare = new Tokenizer(
  JSON.parse(readFileSync(join(folder, 'tokenizer.json'), 'utf8')),
  JSON.parse(readFileSync(join(folder, 'tokenizer_config.json'), 'utf8')),
);
const tokenizer = cases.texts.map((text) => {
  const tfIds = tf.encode(text, { add_special_tokens: true });
  const bareIds = bare.encode(text).ids;
  return {
    transformers_ids: tfIds,
    tokenizers_ids: bareIds,
    transformers_decoded: tfIds.length ? tf.decode(tfIds, { skip_special_tokens: true }) : '',
    tokenizers_decoded: bareIds.length ? bare.decode(bareIds, { skip_special_tokens: true }) : '',
    // special tokens must vanish with skip_special_tokens and show without it
    with_specials_skipped: tf.decode([...tfIds, 1, 0, 2], { skip_special_tokens: true }),
    with_specials_kept: tf.decode([...tfIds, 1], { skip_special_tokens: false }),
  };
});

const generations = [];
let batched = null;
if (config.decoding === 'autoregressive') {
  const model = await AutoModelForCausalLM.from_pretrained(id, { local_files_only: true, dtype: 'fp32', device: 'cpu' });
  for (const g of cases.generate ?? []) {
    const inputs = tf(g.prompt);
    const out = await model.generate({ ...inputs, max_new_tokens: g.max_new_tokens, do_sample: false });
    const all = out.tolist()[0].map(Number);
    generations.push(all.slice(inputs.input_ids.dims[1]));
  }
  // All prompts at once: left padding (tokenizer_config padding_side) must not change any result.
  if ((cases.generate ?? []).length > 1) {
    const inputs = tf(cases.generate.map((g) => g.prompt), { padding: true });
    const maxNew = Math.max(...cases.generate.map((g) => g.max_new_tokens));
    const out = await model.generate({ ...inputs, max_new_tokens: maxNew, do_sample: false });
    const width = inputs.input_ids.dims[1];
    batched = out.tolist().map((row) => row.map(Number).slice(width));
  }
}
console.log(JSON.stringify({ tokenizer, generations, batched }));

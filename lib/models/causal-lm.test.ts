import assert from 'node:assert/strict';
import { test } from 'node:test';
import { inferDecoding } from './causal-lm.ts';

test('standard causal LMs are taken as autoregressive, with the reason', () => {
  const llama = inferDecoding({ model_type: 'llama', architectures: ['LlamaForCausalLM'] });
  assert.equal(llama?.decoding, 'autoregressive');
  assert.match(llama!.reason, /model_type "llama" and architectures LlamaForCausalLM/);
  assert.equal(inferDecoding({ model_type: 'qwen3' })?.decoding, 'autoregressive', 'architectures may be absent');
});

test('diffusion LMs and unknown architectures are not guessed', () => {
  assert.equal(inferDecoding({ model_type: 'llada', architectures: ['LLaDAModelLM'] }), null);
  assert.equal(inferDecoding({ model_type: 'Dream', architectures: ['DreamModel'] }), null);
  assert.equal(inferDecoding({ model_type: 'Fast_dLLM_Qwen', architectures: ['Fast_dLLM_QwenForCausalLM'] }), null);
  assert.equal(inferDecoding({ model_type: 'qwen2', architectures: ['Qwen2Model'] }), null, 'a base model without an LM head');
  assert.equal(inferDecoding({ architectures: ['LlamaForCausalLM'] }), null, 'no model_type');
});

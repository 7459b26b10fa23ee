import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { projectRoot } from '../paths.ts';
import { ChatFormatError, chatFormatOf, formatChatPrompt, readChatFormat } from './chat-format.ts';

// Llama 3's published chat template (tokenizer_config.json of Meta-Llama-3-8B-Instruct).
const LLAMA3_TEMPLATE =
  "{% set loop_messages = messages %}{% for message in loop_messages %}{% set content = '<|start_header_id|>' + message['role'] + '<|end_header_id|>\n\n'+ message['content'] | trim + '<|eot_id|>' %}{% if loop.index0 == 0 %}{% set content = bos_token + content %}{% endif %}{{ content }}{% endfor %}{% if add_generation_prompt %}{{ '<|start_header_id|>assistant<|end_header_id|>\n\n' }}{% endif %}";

const conversation = [
  { role: 'system', content: 'Be brief.' },
  { role: 'user', content: 'copy: abc' },
  { role: 'assistant', content: 'abc' },
  { role: 'user', content: ' sort: 312 ' },
];

test('a chat template is rendered with the messages, the generation prompt and the special tokens', () => {
  const format = chatFormatOf({ chat_template: LLAMA3_TEMPLATE, bos_token: '<|begin_of_text|>', eos_token: { content: '<|eot_id|>', special: true } });
  assert.deepEqual(format.specialTokens, { bos_token: '<|begin_of_text|>', eos_token: '<|eot_id|>' });
  assert.equal(
    formatChatPrompt(conversation, format),
    '<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nBe brief.<|eot_id|>' +
      '<|start_header_id|>user<|end_header_id|>\n\ncopy: abc<|eot_id|>' +
      '<|start_header_id|>assistant<|end_header_id|>\n\nabc<|eot_id|>' +
      '<|start_header_id|>user<|end_header_id|>\n\nsort: 312<|eot_id|>' +
      '<|start_header_id|>assistant<|end_header_id|>\n\n',
  );
});

test('a list of named templates uses the "default" one', () => {
  const format = chatFormatOf({
    chat_template: [
      { name: 'tool_use', template: 'tools' },
      { name: 'default', template: '{{ messages[0].content }}!' },
    ],
  });
  assert.equal(formatChatPrompt([{ role: 'user', content: 'hi' }], format), 'hi!');
});

test('a template that raises becomes a ChatFormatError', () => {
  const format = chatFormatOf({ chat_template: "{{ raise_exception('roles must alternate') }}" });
  assert.throws(
    () => formatChatPrompt([{ role: 'user', content: 'x' }], format),
    (e: unknown) => e instanceof ChatFormatError && /roles must alternate/.test((e as Error).message),
  );
});

test('without a template the prompt is the last user message, with a trailing newline added when missing', () => {
  const none = chatFormatOf({ eos_token: '<eos>' });
  assert.equal(none.template, null);
  assert.equal(formatChatPrompt(conversation, none), ' sort: 312 \n');
  assert.equal(
    formatChatPrompt(
      [
        { role: 'user', content: 'copy: ab\n' },
        { role: 'assistant', content: 'ab' },
      ],
      none,
    ),
    'copy: ab\n',
  );
  assert.throws(() => formatChatPrompt([{ role: 'system', content: 'hello' }], none), ChatFormatError);
});

test('the bundled models have no chat template', () => {
  for (const id of ['tiny-llama-ar', 'tiny-llama-diffusion']) {
    const format = readChatFormat(path.join(projectRoot(), 'models', id));
    assert.equal(format.template, null);
    assert.equal(format.specialTokens.eos_token, '<eos>');
  }
  assert.equal(readChatFormat('/nonexistent').template, null);
});

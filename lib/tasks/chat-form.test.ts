import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { checkCompletions } from './check.ts';
import { chatPrompt, extractAnswer, stripCodeFences } from './chat-form.ts';
import { generateRecord } from './generate.ts';
import { FAMILIES } from './registry.ts';

describe('chat forms', () => {
  test('every family turns its prompt into an instruction that ends with the input', () => {
    for (const family of FAMILIES) {
      const record = generateRecord(family, Math.min(16, family.maxLength), 0, 0, 'eval');
      const instruction = chatPrompt(family.name, record.prompt);
      const input = record.prompt.slice(family.name.length + 2, -1);
      assert.ok(instruction.endsWith(` only: ${input}`), `${family.name}: ${instruction}`);
      assert.ok(instruction.startsWith(family.chat.instruction));
      assert.ok(!instruction.includes('\n'));
    }
    assert.equal(chatPrompt('reverse', 'reverse: k3x9\n'), 'Reverse this string. Reply with the reversed string only: k3x9');
  });
  test('free text and foreign prompts are sent as they are', () => {
    assert.equal(chatPrompt('copy', 'hello there'), 'hello there');
    assert.equal(chatPrompt('nope', 'copy: x\n'), 'copy: x\n');
  });
  test('code fences and surrounding whitespace are removed', () => {
    assert.equal(stripCodeFences('  ```\nk3x9\n```  '), 'k3x9');
    assert.equal(stripCodeFences('```js\n(x)=>x+1\n```'), '(x)=>x+1');
    assert.equal(stripCodeFences('```(x)=>x```'), '(x)=>x');
    assert.equal(stripCodeFences('\n 9x3k \n'), '9x3k');
    assert.equal(stripCodeFences('a ``` b'), 'a ``` b');
  });
  test('code replies lose a name and a semicolon, then pass the unchanged checker in the sandbox', async () => {
    const record = generateRecord(
      FAMILIES.find((f) => f.name === 'code')!,
      12,
      0,
      0,
      'eval',
    );
    const reply = `\`\`\`javascript\nconst f = ${record.answer};\n\`\`\``;
    const completion = extractAnswer('code', reply);
    assert.equal(completion, record.answer);
    const [result] = await checkCompletions([{ ...record, completion }]);
    assert.equal(result!.passed, true, result!.error);
  });
  test('exact-match answers are only trimmed: a wrong answer stays wrong', async () => {
    const [ok, wrong] = await checkCompletions([
      { task_id: 'a', task: 'reverse', answer: '9x3k', completion: extractAnswer('reverse', '```\n9x3k\n```') },
      { task_id: 'b', task: 'reverse', answer: '9x3k', completion: extractAnswer('reverse', 'The answer is 9x3k') },
    ]);
    assert.equal(ok!.passed, true);
    assert.equal(wrong!.passed, false);
  });
});

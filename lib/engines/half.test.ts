import assert from 'node:assert/strict';
import { test } from 'node:test';
import { halfToFloat32 } from './half.ts';

test('float16 bit patterns convert exactly', () => {
  const bits = Uint16Array.of(0x0000, 0x8000, 0x3c00, 0xc000, 0x3555, 0x7bff, 0x0001, 0x0400, 0x7c00, 0xfc00, 0x7e00);
  const values = halfToFloat32(bits);
  assert.deepEqual(Array.from(values.subarray(0, 10)), [0, -0, 1, -2, 0.333251953125, 65504, 2 ** -24, 2 ** -14, Infinity, -Infinity]);
  assert.ok(Number.isNaN(values[10]));
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createDecodeQueue, QueueFullError } from './decode-queue.ts';

test('one decode at a time per model, a bounded wait queue, then refusal with a retry hint', async () => {
  const queue = createDecodeQueue({ concurrency: 1, maxWaiting: 2 });
  const order: string[] = [];
  const first = await queue.acquire('m');
  const second = queue.acquire('m').then((release) => (order.push('second'), release));
  const third = queue.acquire('m').then((release) => (order.push('third'), release));
  await assert.rejects(queue.acquire('m'), (e: unknown) => e instanceof QueueFullError && e.retryAfterSeconds >= 1);
  const other = await queue.acquire('other'); // another model has its own slot
  other();
  assert.deepEqual(queue.status('m'), { active: 1, waiting: 2 });
  first();
  (await second)();
  (await third)();
  assert.deepEqual(order, ['second', 'third']);
  assert.deepEqual(queue.status('m'), { active: 0, waiting: 0 });
});

test('a waiter that gives up leaves the queue', async () => {
  const queue = createDecodeQueue({ concurrency: 1, maxWaiting: 1 });
  const held = await queue.acquire('m');
  const controller = new AbortController();
  const waiting = queue.acquire('m', controller.signal);
  controller.abort();
  await assert.rejects(waiting);
  assert.deepEqual(queue.status('m'), { active: 1, waiting: 0 });
  held();
  assert.deepEqual(queue.status('m'), { active: 0, waiting: 0 });
});

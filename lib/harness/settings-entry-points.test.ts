// One settings schema: every entry point (engine, CLI flags, experiment spec, playground request) accepts and
// refuses exactly the same values of each decoding setting, and names the setting the way its caller does.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseArgs } from '../cli/args.ts';
import { DECODING_VALUE_FLAGS, readDecodingFlags } from '../cli/decoding-flags.ts';
import { decodingValueProblem, readDecodingFields, stepsSpecOf } from '../engines/decoding-schema.ts';
import { resolveSettings } from '../engines/settings.ts';
import type { DecodingSettings } from '../engines/types.ts';
import { FieldError } from '../user-error.ts';
import { parsePlaygroundRequest } from './playground.ts';
import { parseSpec } from './spec.ts';

type Setting = 'temperature' | 'topP' | 'topK' | 'seed' | 'threshold' | 'factor' | 'blockLength' | 'remasking' | 'schedule' | 'cache';

/** Values on both sides of each bound; the canvas is 64 long, so block lengths are divisors or not integers. */
const PROBES: Record<Setting, unknown[]> = {
  temperature: [0, 0.7, 10, 10.01, -0.1],
  topP: [1e-6, 0.5, 1, 0, 1.01],
  topK: [0, 40, 100_000, 100_001, 2.5, -1],
  seed: [0, 7, 0xffffffff, 0x100000000, 1.5, -1],
  threshold: [1e-7, 0.9, 0.999999, 0, 1, -0.5],
  factor: [0.001, 1, 100, 0, 100.5],
  blockLength: [1, 32, 64, 0, 2.5],
  remasking: ['low_confidence', 'margin', 'entropy', 'confident', ''],
  schedule: ['llada', 'dream', 'mdlm', ''],
  cache: ['none', 'dual', 'prefix', 'all'],
};

const CLI_FLAG: Record<Setting, string> = {
  temperature: 'temperature',
  topP: 'top-p',
  topK: 'top-k',
  seed: 'seed',
  threshold: 'threshold',
  factor: 'factor',
  blockLength: 'block',
  remasking: 'remasking',
  schedule: 'schedule',
  cache: 'cache',
};
const AR_ONLY = new Set<Setting>(['topP', 'topK']);
const SPEC_AR_FIELDS = new Set<Setting>(['temperature', 'topP', 'topK']);

const accepts = (run: () => unknown) => {
  try {
    run();
    return true;
  } catch (error) {
    assert.ok(error instanceof Error && (error as { name?: string }).name === 'UserError', `a user mistake, not a crash: ${String(error)}`);
    return false;
  }
};

const engine = (key: Setting, value: unknown) => () =>
  resolveSettings(AR_ONLY.has(key) ? 'autoregressive' : 'diffusion', { maxNewTokens: 64, [key]: value } as Partial<DecodingSettings>, 1, 1024);
const cli = (key: Setting, value: unknown) => () => readDecodingFlags(parseArgs([`--${CLI_FLAG[key]}`, String(value)], { values: DECODING_VALUE_FLAGS }));
const spec = (key: Setting, value: unknown) => () => {
  if (key === 'seed') return parseSpec({ tasks: ['copy'], lengths: [64], diffusion: {} }); // a spec's seed is the item seed, not a decoding field
  return parseSpec({ tasks: ['copy'], lengths: [64], [SPEC_AR_FIELDS.has(key) && AR_ONLY.has(key) ? 'autoregressive' : 'diffusion']: { [key]: value } });
};
const playground = (key: Setting, value: unknown) => () =>
  key === 'seed'
    ? parsePlaygroundRequest({ prompt: 'copy: ab\n', seed: value })
    : parsePlaygroundRequest({ prompt: 'copy: ab\n', [AR_ONLY.has(key) ? 'autoregressive' : 'diffusion']: { maxNewTokens: 64, [key]: value } });

describe('every entry point draws each setting’s bounds from the one schema', () => {
  for (const key of Object.keys(PROBES) as Setting[]) {
    test(key, () => {
      for (const value of PROBES[key]) {
        const expected = decodingValueProblem(key, value) === null;
        assert.equal(accepts(engine(key, value)), expected, `engine ${key}=${JSON.stringify(value)}`);
        if (key !== 'seed') assert.equal(accepts(spec(key, value)), expected, `spec ${key}=${JSON.stringify(value)}`);
        // An empty form input or flag means "the default" in the playground and the CLI.
        if (value === '') continue;
        assert.equal(accepts(playground(key, value)), expected, `playground ${key}=${JSON.stringify(value)}`);
        assert.equal(accepts(cli(key, value)), expected, `cli ${key}=${JSON.stringify(value)}`);
      }
    });
  }
});

test('errors name the setting as each caller spells it', () => {
  assert.throws(cli('threshold', 1), /--threshold must be a number in \(0, 1\)/);
  assert.throws(spec('threshold', 1), (e: Error) => e instanceof FieldError && e.field === 'diffusion.threshold');
  assert.throws(playground('topP', 0), (e: Error) => e instanceof FieldError && e.field === 'autoregressive.topP');
  assert.throws(engine('threshold', 1), /: threshold must be a number in \(0, 1\)/);
  assert.throws(
    () => readDecodingFields({ gen_length: 0 }, { names: { maxNewTokens: 'gen_length' } }),
    (e: Error) => e instanceof FieldError && e.field === 'gen_length',
  );
});

test('steps: "L", "L/N" or a positive integer, the same everywhere', () => {
  assert.deepEqual(stepsSpecOf('L')?.spec, { divisor: 1 });
  assert.deepEqual(stepsSpecOf(' L/4 ')?.spec, { divisor: 4 });
  assert.deepEqual(stepsSpecOf(16)?.spec, { absolute: 16 });
  assert.deepEqual(stepsSpecOf('16')?.spec, { absolute: 16 });
  for (const bad of ['L/0', 'L/x', 0, -4, 2.5, 'many', null, {}]) {
    assert.equal(stepsSpecOf(bad), null, JSON.stringify(bad));
    assert.throws(
      () => readDecodingFlags(parseArgs(['--steps', String(bad)], { values: DECODING_VALUE_FLAGS })),
      /--steps must be a positive integer, "L" or "L\/N"/,
    );
    assert.throws(() => parseSpec({ tasks: ['copy'], lengths: [8], diffusion: { steps: bad } }), /diffusion\.steps: must be a positive integer/);
    if (bad !== null) assert.throws(() => parsePlaygroundRequest({ prompt: 'x\n', diffusion: { steps: bad } }), /diffusion\.steps: must be a positive integer/);
  }
  assert.equal(parsePlaygroundRequest({ prompt: 'x\n', diffusion: { maxNewTokens: 32, steps: 'L/4' } }).diffusion.steps, 8);
});

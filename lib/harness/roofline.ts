// A roofline for this machine, measured with onnxruntime itself: the matmul peak (FLOP/s), the memory
// bandwidth (bytes/s), the fixed cost of one session.run call and of one more node, each from an ONNX graph built here
// (so no file and no Python is needed). The predictor (predictor.ts) turns a model size and decoding settings
// into both engines' latency with such a profile.
import * as ort from 'onnxruntime-node';
import type { SessionSettings } from '../engines/types.ts';
import { sessionOptions } from '../engines/session.ts';
import { median } from './stats.ts';
import type { HardwareProfile } from './predictor.ts';

// ── a minimal protobuf writer for ModelProto (only the fields these graphs need) ─────────────────────────
const varint = (n: number): number[] => {
  const out: number[] = [];
  let v = n;
  while (v > 0x7f) {
    out.push((v & 0x7f) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
  return out;
};
const field = (num: number, wire: number) => varint((num << 3) | wire);
const bytesField = (num: number, payload: number[]) => [...field(num, 2), ...varint(payload.length), ...payload];
const stringField = (num: number, text: string) => bytesField(num, [...new TextEncoder().encode(text)]);
const intField = (num: number, value: number) => [...field(num, 0), ...varint(value)];

/** ValueInfoProto for a float tensor whose dims are numbers (fixed) or names (dynamic). */
function floatTensor(name: string, dims: (number | string)[]): number[] {
  const shape = dims.flatMap((d) => bytesField(1, typeof d === 'number' ? intField(1, d) : stringField(2, d)));
  const tensorType = [...intField(1, 1), ...bytesField(2, shape)]; // elem_type FLOAT, shape
  return [...stringField(1, name), ...bytesField(2, bytesField(1, tensorType))];
}

type OnnxNode = { op: string; inputs: string[]; output: string };

function model(nodes: OnnxNode | OnnxNode[], inputs: [string, (number | string)[]][], output: [string, (number | string)[]]): Uint8Array {
  const nodeProtos = (Array.isArray(nodes) ? nodes : [nodes]).flatMap((node) =>
    bytesField(1, [...node.inputs.flatMap((i) => stringField(1, i)), ...stringField(2, node.output), ...stringField(4, node.op)]),
  );
  const graph = [
    ...nodeProtos,
    ...stringField(2, 'roofline'),
    ...inputs.flatMap(([n, d]) => bytesField(11, floatTensor(n, d))),
    ...bytesField(12, floatTensor(...output)),
  ];
  return Uint8Array.from([...intField(1, 8), ...bytesField(8, intField(2, 14)), ...bytesField(7, graph)]);
}

/** x → Neg → Neg → … → y on one float: n nodes of no work, so the time is the per-node cost. */
function negChain(n: number): OnnxNode[] {
  return Array.from({ length: n }, (_, i) => ({ op: 'Neg', inputs: [i === 0 ? 'X' : `t${i}`], output: i === n - 1 ? 'Y' : `t${i + 1}` }));
}

async function medianMs(session: ort.InferenceSession, feeds: Record<string, ort.Tensor>, repeats: number): Promise<number> {
  await session.run(feeds);
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const t0 = performance.now();
    await session.run(feeds);
    times.push(performance.now() - t0);
  }
  return median(times);
}

export interface MeasuredMachine extends HardwareProfile {
  matmulSize: number;
  bandwidthBytes: number;
}

/** Measures peak, bandwidth and per-call overhead on this machine with the given session options. */
export async function measureMachine(settings: SessionSettings, { matmulSize = 1024, bandwidthMiB = 256, repeats = 9 } = {}): Promise<MeasuredMachine> {
  const options = sessionOptions(settings);
  const n = matmulSize;
  const matmul = await ort.InferenceSession.create(
    model(
      { op: 'MatMul', inputs: ['A', 'B'], output: 'C' },
      [
        ['A', [n, n]],
        ['B', [n, n]],
      ],
      ['C', [n, n]],
    ),
    options,
  );
  const square = new ort.Tensor('float32', new Float32Array(n * n).fill(0.5), [n, n]);
  const matmulMs = await medianMs(matmul, { A: square, B: square }, repeats);
  const count = (bandwidthMiB * 1024 * 1024) / 4;
  const reduce = await ort.InferenceSession.create(model({ op: 'ReduceSum', inputs: ['X'], output: 'Y' }, [['X', [count]]], ['Y', [1]]), options);
  const big = new ort.Tensor('float32', new Float32Array(count).fill(1), [count]);
  const reduceMs = await medianMs(reduce, { X: big }, repeats);
  const identity = await ort.InferenceSession.create(model({ op: 'Identity', inputs: ['X'], output: 'Y' }, [['X', [1]]], ['Y', [1]]), options);
  const one = { X: new ort.Tensor('float32', new Float32Array(1), [1]) };
  const callMs = await medianMs(identity, one, 50);
  const chainLength = 200;
  const chain = await ort.InferenceSession.create(model(negChain(chainLength), [['X', [1]]], ['Y', [1]]), options);
  const nodeMs = Math.max(0, ((await medianMs(chain, one, 50)) - callMs) / chainLength);
  await Promise.all([matmul.release(), reduce.release(), identity.release(), chain.release()]);
  return {
    name: settings.executionProvider === 'cpu' ? 'this CPU (measured)' : `this ${settings.executionProvider} device (measured)`,
    kind: 'measured',
    peakFlops: (2 * n * n * n) / (matmulMs / 1000),
    bandwidthBytesPerSecond: (count * 4) / (reduceMs / 1000),
    perCallMs: callMs,
    perNodeMs: nodeMs,
    matmulSize: n,
    bandwidthBytes: count * 4,
  };
}

// Counts the parameters of an ONNX model by reading the dims of its floating-point initializers straight from
// the protobuf wire format (ModelProto.graph → GraphProto.initializer → TensorProto.dims/data_type), so any
// export can be described without a protobuf dependency or loading the model into a session.

const FLOAT_TYPES = new Set([1, 10, 11, 16]); // FLOAT, FLOAT16, DOUBLE, BFLOAT16

class WireReader {
  offset = 0;
  constructor(readonly bytes: Uint8Array, readonly end = bytes.length, start = 0) {
    this.offset = start;
  }
  done(): boolean {
    return this.offset >= this.end;
  }
  varint(): number {
    let value = 0;
    let scale = 1;
    for (;;) {
      if (this.offset >= this.end) throw new Error('truncated ONNX file');
      const byte = this.bytes[this.offset++]!;
      value += (byte & 0x7f) * scale; // multiplication, not shifts: values may exceed 32 bits
      if (byte < 0x80) return value;
      scale *= 128;
    }
  }
  /** Returns [fieldNumber, wireType]. */
  tag(): [number, number] {
    const key = this.varint();
    return [Math.floor(key / 8), key % 8];
  }
  /** Skips a field's value, or returns the bounds of a length-delimited one. */
  value(wireType: number): { start: number; end: number } | undefined {
    switch (wireType) {
      case 0:
        this.varint();
        return undefined;
      case 1:
        this.offset += 8;
        return undefined;
      case 5:
        this.offset += 4;
        return undefined;
      case 2: {
        const length = this.varint();
        const start = this.offset;
        this.offset += length;
        if (this.offset > this.end) throw new Error('truncated ONNX file');
        return { start, end: this.offset };
      }
      default:
        throw new Error(`not an ONNX file (wire type ${wireType})`);
    }
  }
}

function tensorElementCount(bytes: Uint8Array, start: number, end: number): { count: number; dataType: number } {
  const reader = new WireReader(bytes, end, start);
  let count = 1;
  let dataType = 0;
  while (!reader.done()) {
    const [field, wireType] = reader.tag();
    if (field === 1 && wireType === 0) count *= reader.varint();
    else if (field === 1 && wireType === 2) {
      const packed = reader.value(2)!;
      const dims = new WireReader(bytes, packed.end, packed.start);
      while (!dims.done()) count *= dims.varint();
    } else if (field === 2 && wireType === 0) dataType = reader.varint();
    else reader.value(wireType);
  }
  return { count, dataType };
}

/** Calls `visit` with each field of the model's main graph (GraphProto): 1 = node, 5 = initializer, ... */
function forEachGraphField(bytes: Uint8Array, visit: (field: number, bounds: { start: number; end: number }) => void): void {
  const model = new WireReader(bytes);
  let sawGraph = false;
  while (!model.done()) {
    const [field, wireType] = model.tag();
    const bounds = model.value(wireType);
    if (field !== 7 || !bounds) continue;
    sawGraph = true;
    const graph = new WireReader(bytes, bounds.end, bounds.start);
    while (!graph.done()) {
      const [graphField, graphWire] = graph.tag();
      const value = graph.value(graphWire);
      if (value) visit(graphField, value);
    }
  }
  if (!sawGraph) throw new Error('not an ONNX model: no graph found');
}

/** Number of floating-point weights stored as initializers in the model's main graph. */
export function countOnnxParameters(bytes: Uint8Array): number {
  let total = 0;
  forEachGraphField(bytes, (field, tensor) => {
    if (field !== 5) return;
    const { count, dataType } = tensorElementCount(bytes, tensor.start, tensor.end);
    if (FLOAT_TYPES.has(dataType)) total += count;
  });
  return total;
}

/** Nodes of the main graph that run (Constant nodes excluded: onnxruntime folds them), read from NodeProto.op_type. */
export function countOnnxNodes(bytes: Uint8Array): number {
  let nodes = 0;
  forEachGraphField(bytes, (field, node) => {
    if (field !== 1) return;
    const reader = new WireReader(bytes, node.end, node.start);
    let op = '';
    while (!reader.done()) {
      const [nodeField, nodeWire] = reader.tag();
      const value = reader.value(nodeWire);
      if (nodeField === 4 && value) op = new TextDecoder().decode(bytes.subarray(value.start, value.end));
    }
    if (op !== 'Constant') nodes++;
  });
  return nodes;
}

"""Saves an ONNX model with its weights inline or in external data files, as published ONNX folders do:
model.onnx + model.onnx_data (+ model.onnx_data_1, ... when one file would pass `chunk_bytes`). A protobuf
file cannot pass 2 GiB, so weights go external whenever they would; onnxruntime and transformers.js find the
files by the names recorded in each tensor (relative to the .onnx file).
"""
import os

import onnx
from onnx import TensorProto

PROTOBUF_LIMIT = 2**31 - 1
INLINE_MARGIN = 64 * 2**20  # room for the graph itself next to inline weights
MIN_EXTERNAL_BYTES = 1024  # small constants (shapes, eps) stay in the graph
ALIGN = 4096  # each tensor starts on a page boundary, so onnxruntime can map it


def data_file_names(onnx_name: str, count: int) -> list:
    """transformers.js' names for `count` data chunks of `onnx_name`."""
    return [f"{onnx_name}_data" + ("" if i == 0 else f"_{i}") for i in range(count)]


def save(model: onnx.ModelProto, path: str, external: str = "auto", chunk_bytes: int = 2 * 2**30) -> list:
    """external: "auto" (only past the protobuf limit), "always" or "never". Returns the data files written."""
    weight_bytes = sum(len(t.raw_data) for t in model.graph.initializer)
    if external == "never" or (external == "auto" and weight_bytes < PROTOBUF_LIMIT - INLINE_MARGIN):
        if weight_bytes >= PROTOBUF_LIMIT - INLINE_MARGIN:
            raise ValueError(f"{weight_bytes / 2**30:.1f} GiB of weights cannot be stored inline (protobuf's 2 GiB limit)")
        onnx.save(model, path)
        return []
    folder, name = os.path.split(path)
    for stale in [f for f in os.listdir(folder or ".") if f.startswith(name + "_data")]:
        os.remove(os.path.join(folder, stale))
    files, handle, offset = [], None, 0
    try:
        for tensor in model.graph.initializer:
            size = len(tensor.raw_data)
            if size < MIN_EXTERNAL_BYTES:
                continue
            offset += -offset % ALIGN
            if handle is None or (offset > 0 and offset + size > chunk_bytes):
                if handle:
                    handle.close()
                files.append(data_file_names(name, len(files) + 1)[-1])
                handle, offset = open(os.path.join(folder, files[-1]), "wb"), 0
            handle.seek(offset)
            handle.write(tensor.raw_data)
            del tensor.external_data[:]
            for key, value in (("location", files[-1]), ("offset", str(offset)), ("length", str(size))):
                entry = tensor.external_data.add()
                entry.key, entry.value = key, value
            tensor.data_location = TensorProto.EXTERNAL
            tensor.ClearField("raw_data")
            offset += size
    finally:
        if handle:
            handle.close()
    onnx.save(model, path)
    return files

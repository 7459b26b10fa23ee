"""Reads and writes Hugging Face checkpoints in the safetensors format with numpy only (no `safetensors`
package here): an 8-byte little-endian header length, a JSON header {name: {dtype, shape, data_offsets}},
then the raw little-endian tensor bytes. Sharded checkpoints list their files in model.safetensors.index.json.
"""
import json
import os
import struct

import numpy as np

# safetensors dtype -> numpy dtype; BF16 is read as its 16 raw bits and widened to float32 below.
_NUMPY = {"F32": np.float32, "F16": np.float16, "BF16": np.uint16, "I64": np.int64, "I32": np.int32,
          "U8": np.uint8, "I8": np.int8, "BOOL": np.bool_, "F64": np.float64}


def _bf16_to_f32(bits: np.ndarray) -> np.ndarray:
    return (bits.astype(np.uint32) << 16).view(np.float32)


def _f32_to_bf16(values: np.ndarray) -> np.ndarray:
    """Round to nearest even, as torch does when casting to bfloat16."""
    bits = np.ascontiguousarray(values, dtype=np.float32).view(np.uint32)
    rounding = ((bits >> 16) & 1) + 0x7FFF
    return ((bits + rounding) >> 16).astype(np.uint16)


def read_file(path: str) -> dict:
    """All tensors of one .safetensors file as float32 (floating types) or their own integer type."""
    with open(path, "rb") as f:
        (header_len,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(header_len))
        data = f.read()
    out = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        start, end = entry["data_offsets"]
        dtype = entry["dtype"]
        if dtype not in _NUMPY:
            raise ValueError(f"{path}: tensor {name} has unsupported dtype {dtype}")
        array = np.frombuffer(data[start:end], dtype=_NUMPY[dtype]).reshape(entry["shape"])
        if dtype == "BF16":
            array = _bf16_to_f32(array)
        elif dtype in ("F16", "F64"):
            array = array.astype(np.float32)
        out[name] = array
    return out


def read_checkpoint(folder: str) -> dict:
    """Every tensor of a checkpoint folder: model.safetensors, or the shards named by its index."""
    index = os.path.join(folder, "model.safetensors.index.json")
    if os.path.exists(index):
        with open(index) as f:
            files = sorted(set(json.load(f)["weight_map"].values()))
    elif os.path.exists(os.path.join(folder, "model.safetensors")):
        files = ["model.safetensors"]
    else:
        raise FileNotFoundError(f"{folder}: no model.safetensors or model.safetensors.index.json")
    tensors = {}
    for name in files:
        tensors.update(read_file(os.path.join(folder, name)))
    return tensors


def write_file(path: str, tensors: dict, dtype: str = "BF16") -> None:
    """Writes float32 arrays as `dtype` (BF16, F16 or F32), in name order, 8-byte aligned header."""
    header, blobs, offset = {"__metadata__": {"format": "pt"}}, [], 0
    for name in sorted(tensors):
        values = np.asarray(tensors[name], dtype=np.float32)
        raw = {"BF16": _f32_to_bf16, "F16": lambda v: v.astype("<f2"), "F32": lambda v: v.astype("<f4")}[dtype](values)
        blob = np.ascontiguousarray(raw).tobytes()
        header[name] = {"dtype": dtype, "shape": list(values.shape), "data_offsets": [offset, offset + len(blob)]}
        blobs.append(blob)
        offset += len(blob)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for blob in blobs:
            f.write(blob)


def write_checkpoint(folder: str, tensors: dict, shards: int, dtype: str = "BF16") -> None:
    """Splits the tensors over `shards` files named as transformers does, with the index when shards > 1."""
    names = sorted(tensors)
    if shards == 1:
        write_file(os.path.join(folder, "model.safetensors"), tensors, dtype)
        return
    weight_map, total = {}, 0
    for i in range(shards):
        file = f"model-{i + 1:05d}-of-{shards:05d}.safetensors"
        part = {n: tensors[n] for n in names[i::shards]}
        write_file(os.path.join(folder, file), part, dtype)
        weight_map.update({n: file for n in part})
        total += sum(np.asarray(v).size * (4 if dtype == "F32" else 2) for v in part.values())
    with open(os.path.join(folder, "model.safetensors.index.json"), "w") as f:
        json.dump({"metadata": {"total_size": total}, "weight_map": weight_map}, f, indent=2)

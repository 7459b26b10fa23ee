"""Exports a Hugging Face checkpoint folder (config.json + safetensors shards + tokenizer files) to the ONNX
layout transformers.js and `dlm` load, without `transformers`: one command per family,

    /usr/bin/python3 models/export/export.py llama --checkpoint ~/Llama-3.1-8B-Instruct --out models/llama-3.1-8b
    /usr/bin/python3 models/export/export.py qwen2 --checkpoint ~/Qwen2.5-7B-Instruct --out models/qwen2.5-7b
    /usr/bin/python3 models/export/export.py qwen3 --checkpoint ~/Qwen3-0.6B --out models/qwen3-0.6b
    /usr/bin/python3 models/export/export.py llada --checkpoint ~/LLaDA-8B-Instruct --out models/llada-8b
    /usr/bin/python3 models/export/export.py dream --checkpoint ~/Dream-v0-Instruct-7B --out models/dream-7b
    /usr/bin/python3 models/export/export.py fast_dllm_v2 --checkpoint ~/Fast_dLLM_v2_7B --out models/fast-dllm-v2-7b

writes <out>/onnx/model.onnx (fp32) and model_fp16.onnx (--dtype to choose), each with its weights in
model*.onnx_data files when they pass 2 GiB (--external always forces that; --chunk-mb splits the data as
model.onnx_data, model.onnx_data_1, ...), and copies config.json (plus the "transformers.js_config" entry that
names the data files), generation_config.json and the tokenizer files as published. Every export is checked
against the PyTorch forward (reference.py) through onnxruntime-node: a padded prefill and a cached step,
logits and presents; it fails past --tol (relative to the largest reference value) and writes the measured
differences to <out>/onnx/export_parity.json.

The diffusion families (diffusion_families.py) keep their published config.json too. LLaDA and Dream get a
plain graph (input_ids, attention_mask -> logits over the whole canvas), checked on a canvas with <mask>
tokens, alone and left-padded in a batch; Fast-dLLM v2 gets the KV-cache graph with its block-causal mask,
checked on a two-block prefill, a block on that cache and a partial block (diffusion_parity.py).
--cached-graph adds onnx/model_cached.onnx (fp32) to a LLaDA or Dream folder: the KV-cache interface on the
bidirectional network, which `dlm`'s diffusion engine uses for Fast-dLLM's prefix and dual caches.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile

import numpy as np
import onnx
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import diffusion_parity  # noqa: E402
import diffusion_reference  # noqa: E402
import external_data  # noqa: E402
import reference  # noqa: E402
from architecture import FAMILIES, check_weights, read_spec  # noqa: E402
from diffusion_families import DIFFUSION_FAMILIES  # noqa: E402
from onnx_graph import DTYPES, build_model  # noqa: E402
from safetensors_io import read_checkpoint  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
SUFFIX = {"fp32": "", "fp16": "_fp16"}  # transformers.js' file name per dtype
TOLERANCE = {"fp32": 1e-4, "fp16": 2e-2}
TOKENIZER_FILES = ("tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "vocab.json", "merges.txt",
                   "tokenizer.model", "added_tokens.json", "chat_template.jinja", "generation_config.json")


def parity_cases(spec, weights, dtype, gen):
    """(name, feeds, expected): a left-padded prefill of two rows, then two new tokens on its cache."""
    np_dtype = DTYPES[dtype][0]
    lengths = [6, 4]
    B, S = len(lengths), max(lengths)
    ids = torch.randint(0, spec.vocab_size, (B, S), generator=gen)
    attn = torch.zeros(B, S, dtype=torch.long)
    for b, n in enumerate(lengths):
        attn[b, S - n:] = 1
    pos = (attn.cumsum(-1) - 1).clamp(min=0)
    empty = np.zeros((B, spec.num_kv_heads, 0, spec.head_dim), dtype=np_dtype)
    with torch.no_grad():
        logits, presents = reference.forward(spec, weights, ids, attn, pos)
        feeds = {"input_ids": ids, "attention_mask": attn, "position_ids": pos}
        for i in range(spec.num_layers):
            feeds[f"past_key_values.{i}.key"] = feeds[f"past_key_values.{i}.value"] = empty
        yield "prefill", feeds, logits, presents, attn
        # The step reads the reference presents, rounded to the graph's dtype as its own would be.
        past = [(k.numpy().astype(np_dtype), v.numpy().astype(np_dtype)) for k, v in presents]
        past_t = [(torch.from_numpy(k.astype(np.float32)), torch.from_numpy(v.astype(np.float32))) for k, v in past]
        step_ids = torch.randint(0, spec.vocab_size, (B, 2), generator=gen)
        step_attn = torch.cat((attn, torch.ones(B, 2, dtype=torch.long)), dim=1)
        step_pos = pos[:, -1:] + torch.arange(1, 3)[None]
        logits, presents = reference.forward(spec, weights, step_ids, step_attn, step_pos, past_t)
        feeds = {"input_ids": step_ids, "attention_mask": step_attn, "position_ids": step_pos}
        for i, (k, v) in enumerate(past):
            feeds[f"past_key_values.{i}.key"], feeds[f"past_key_values.{i}.value"] = k, v
        yield "step", feeds, logits, presents, torch.ones(B, 2, dtype=torch.long)


def run_onnxruntime(onnx_path, cases, workdir):
    """Runs every case through onnxruntime-node (models/train/ort_run.mjs); returns {case: {output: array}}."""
    entries = []
    for name, feeds, *_ in cases:
        inputs = []
        for key, value in feeds.items():
            array = value.numpy() if isinstance(value, torch.Tensor) else value
            file = f"{name}.{key}.bin"
            np.ascontiguousarray(array).tofile(os.path.join(workdir, file))
            kind = {np.dtype(np.int64): "int64", np.dtype(np.float16): "float16"}.get(array.dtype, "float32")
            inputs.append({"name": key, "dtype": kind, "dims": list(array.shape), "file": file})
        entries.append({"name": name, "inputs": inputs, "outputs": ["logits"] + [k.replace("past_key_values", "present") for k in feeds if k.startswith("past_")]})
    with open(os.path.join(workdir, "cases.json"), "w") as f:
        json.dump(entries, f)
    subprocess.run(["node", os.path.join(REPO, "models", "train", "ort_run.mjs"), onnx_path, workdir], check=True,
                   stdout=subprocess.DEVNULL)
    with open(os.path.join(workdir, "out.json")) as f:
        results = json.load(f)
    out = {}
    for result in results:
        out[result["name"]] = {}
        for key, entry in result["outputs"].items():
            dtype = np.float16 if entry.get("type") == "float16" else np.float32
            out[result["name"]][key] = np.fromfile(os.path.join(workdir, entry["file"]), dtype=dtype).reshape(entry["dims"]).astype(np.float32)
    return out


def check_parity(spec, weights, dtype, onnx_path, seed=0, cases=None):
    """Largest |onnx - pytorch| over logits (real positions) and presents, relative to the reference's scale."""
    gen = torch.Generator().manual_seed(seed)
    cases = cases if cases is not None else list(parity_cases(spec, weights, dtype, gen))
    with tempfile.TemporaryDirectory() as workdir:
        got = run_onnxruntime(onnx_path, cases, workdir)
    report = {}
    for name, _, logits, presents, real in cases:
        keep = real.bool().numpy()
        diff = np.abs(got[name]["logits"][keep] - logits.numpy()[keep]).max()
        report[f"{name}.logits"] = float(diff / max(1.0, np.abs(logits.numpy()).max()))
        if not presents:
            continue
        worst = 0.0
        for i, (k, v) in enumerate(presents):
            for kind, ref in (("key", k), ("value", v)):
                d = np.abs(got[name][f"present.{i}.{kind}"] - ref.numpy()).max() / max(1.0, np.abs(ref.numpy()).max())
                worst = max(worst, float(d))
        report[f"{name}.presents"] = worst
    return report


def copy_published_files(checkpoint, out, data_files):
    """config.json as published, with transformers.js' entry naming each graph's data chunks."""
    with open(os.path.join(checkpoint, "config.json")) as f:
        config = json.load(f)
    tjs = dict(config.get("transformers.js_config") or {})
    tjs["use_external_data_format"] = {name: len(files) for name, files in data_files.items() if files} or False
    if any(name.endswith("_fp16.onnx") for name in data_files):
        tjs["kv_cache_dtype"] = {"fp16": "float16"}
    config["transformers.js_config"] = tjs
    with open(os.path.join(out, "config.json"), "w") as f:
        json.dump(config, f, indent=2)
    for name in TOKENIZER_FILES:
        source = os.path.join(checkpoint, name)
        if os.path.exists(source):
            shutil.copyfile(source, os.path.join(out, name))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("family", choices=sorted(FAMILIES) + list(DIFFUSION_FAMILIES))
    ap.add_argument("--checkpoint", required=True, help="folder with config.json and *.safetensors")
    ap.add_argument("--out", required=True, help="model folder to write (its name is the model id)")
    ap.add_argument("--dtype", nargs="+", choices=sorted(DTYPES), default=["fp32", "fp16"])
    ap.add_argument("--external", choices=("auto", "always", "never"), default="auto")
    ap.add_argument("--chunk-mb", type=int, default=2048, help="largest external data file")
    ap.add_argument("--tol-fp32", type=float, default=TOLERANCE["fp32"])
    ap.add_argument("--tol-fp16", type=float, default=TOLERANCE["fp16"])
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--cached-graph", action="store_true",
                    help="llada, dream: also onnx/model_cached.onnx (fp32, KV-cache interface) for block caching")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    diffusion = args.family in DIFFUSION_FAMILIES
    if diffusion:
        dspec, published, weights, _ = diffusion_reference.load(args.checkpoint, args.family)
        spec = dspec.decoder
        arrays = {name: tensor.numpy() for name, tensor in weights.items()}  # canonical names, as the builder wants
        graph_options = dict(attention=dspec.attention, block_size=dspec.block_size,
                             plain_positions=None if dspec.cached else dspec.positions)
        if args.cached_graph and dspec.cached:
            raise ValueError(f"--cached-graph: {args.family}'s only graph already has the KV-cache interface")
    else:
        if args.cached_graph:
            raise ValueError("--cached-graph is for the diffusion families llada and dream")
        with open(os.path.join(args.checkpoint, "config.json")) as f:
            spec = read_spec(args.family, json.load(f))
        arrays = read_checkpoint(args.checkpoint)
        check_weights(spec, arrays)
        weights = {k: torch.from_numpy(np.ascontiguousarray(v, dtype=np.float32)) for k, v in arrays.items()}
        graph_options = {}
    onnx_dir = os.path.join(args.out, "onnx")
    os.makedirs(onnx_dir, exist_ok=True)
    data_files, parity = {}, {}
    # (parity key, graph file, dtype, graph options): the graphs of each dtype, then the optional cached one.
    graphs = [(dtype, f"model{SUFFIX[dtype]}.onnx", dtype, graph_options) for dtype in args.dtype]
    if args.cached_graph:
        graphs.append(("cached_fp32", "model_cached.onnx", "fp32", dict(attention=dspec.attention)))
    for key, name, dtype, options in graphs:
        path = os.path.join(onnx_dir, name)
        model = build_model(spec, arrays, dtype, **options)
        data_files[name] = external_data.save(model, path, args.external, args.chunk_mb * 2**20)
        del model
        onnx.checker.check_model(path)
        cases = None
        if diffusion:
            cases = diffusion_parity.cases(dspec, published, weights, dtype, torch.Generator().manual_seed(0),
                                           cached_graph=key == "cached_fp32")
        parity[key] = check_parity(spec, weights, dtype, path, cases=cases)
        tol = args.tol_fp32 if dtype == "fp32" else args.tol_fp16
        worst = max(parity[key].values())
        size = sum(os.path.getsize(os.path.join(onnx_dir, f)) for f in [name, *data_files[name]])
        print(f"wrote {path} ({size / 2**20:.1f} MiB{', data in ' + ', '.join(data_files[name]) if data_files[name] else ''}); "
              f"parity vs PyTorch: max relative diff {worst:.2e} (tolerance {tol:g})")
        if worst > tol:
            raise SystemExit(f"{name}: parity with the PyTorch forward failed: {parity[key]}")
    copy_published_files(args.checkpoint, args.out, data_files)
    with open(os.path.join(onnx_dir, "export_parity.json"), "w") as f:
        json.dump({"family": args.family, "relative_max_abs_diff": parity}, f, indent=2)


if __name__ == "__main__":
    try:
        main()
    except (ValueError, FileNotFoundError) as error:  # a checkpoint this exporter cannot take: one line, exit 2
        print(f"export.py: {error}", file=sys.stderr)
        sys.exit(2)

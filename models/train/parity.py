"""PyTorch vs ONNX (onnxruntime-node) parity, plus the folder's tokenizer and transformers.js checks.

    /usr/bin/python3 models/train/parity.py --model-dir models/tiny-llama-ar

Random inputs at several lengths, with left padding in some rows; for AR a prefill with past length 0
followed by cached steps fed the PyTorch presents. Asserts max |logits diff| < --tol and writes
models/<id>/parity.json (the card quotes it). Also checks that both JS tokenizer libraries encode one id per
character like tokenizer.py and decode back exactly, and for AR that transformers.js greedy generation from
the folder equals decode.ar_generate. Block diffusion: the cached graph (onnx/model.onnx) with block-sized
cached steps too, and `block_reference`, the PyTorch sampler's tokens and NFE that the TS engine must equal.
"""
import argparse
import json
import os
import subprocess
import tempfile

import torch

import runtime
import tokenizer as tok
from data import eval_file, load_jsonl
from decode import ar_generate, block_diffusion_generate
from export_onnx import CACHED_ONNX, load_model

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))


def _write(dir_, name, t: torch.Tensor):
    file = name + ".bin"
    t = t.contiguous()
    t.numpy().tofile(os.path.join(dir_, file))
    return {"name": name, "dtype": "int64" if t.dtype == torch.long else "float32", "dims": list(t.shape),
            "file": file}


def _read(dir_, entry):
    return torch.from_numpy(__import__("numpy").fromfile(os.path.join(dir_, entry["file"]), dtype="float32")
                            ).reshape(entry["dims"])


def _random_batch(lengths, vocab, gen, pad_rows=True):
    """Rows of random tokens, left-padded to the longest; attention_mask marks the real tokens."""
    T = max(lengths)
    ids = torch.full((len(lengths), T), tok.PAD_ID, dtype=torch.long)
    attn = torch.zeros((len(lengths), T), dtype=torch.long)
    for b, n in enumerate(lengths):
        ids[b, T - n:] = torch.randint(4, vocab, (n,), generator=gen)
        attn[b, T - n:] = 1
    return ids, attn


def onnx_cases(model, cached, gen):
    """Yields (name, feeds dict of tensors, expected dict of tensors). cached: the KV-cache interface (the AR
    graph, the diffusion model's model_cached.onnx, the block model's model.onnx): a prefill, then steps on top
    of the presents (for a block model also a whole block of new positions)."""
    cfg = model.cfg
    with torch.no_grad():
        for lengths in ([1], [7, 7], [64, 50, 3], [300, 257]):
            ids, attn = _random_batch(lengths, cfg.vocab_size, gen)
            if not model.cfg.causal:
                ids[:, -max(1, lengths[-1] // 2):] = tok.MASK_ID  # masked canvas, as at inference
            if not cached:
                logits, _ = model(ids, attn)
                yield f"len{max(lengths)}", {"input_ids": ids, "attention_mask": attn}, {"logits": logits}
                continue
            B, L = ids.shape
            pos = (attn.cumsum(-1) - 1).clamp(min=0)
            empty = torch.zeros(B, cfg.num_key_value_heads, 0, cfg.head_dim)
            feeds = {"input_ids": ids, "attention_mask": attn, "position_ids": pos}
            for i in range(cfg.num_hidden_layers):
                feeds[f"past_key_values.{i}.key"] = empty
                feeds[f"past_key_values.{i}.value"] = empty
            logits, presents = model(ids, attn, pos)
            expected = {"logits": logits}
            for i, (k, v) in enumerate(presents):
                expected[f"present.{i}.key"], expected[f"present.{i}.value"] = k, v
            yield f"prefill{L}", feeds, expected
            # Then cached steps of 1 and 3 new tokens on top of the PyTorch presents.
            for step in (1, 3) + ((cfg.block_size,) if cfg.block_size else ()):
                new = torch.randint(4, cfg.vocab_size, (B, step), generator=gen)
                attn2 = torch.cat((attn, torch.ones(B, step, dtype=torch.long)), 1)
                pos2 = (attn2.cumsum(-1) - 1)[:, -step:]
                feeds2 = {"input_ids": new, "attention_mask": attn2, "position_ids": pos2}
                for i, (k, v) in enumerate(presents):
                    feeds2[f"past_key_values.{i}.key"], feeds2[f"past_key_values.{i}.value"] = k, v
                logits2, presents2 = model(new, attn2, pos2, presents)
                expected2 = {"logits": logits2}
                for i, (k, v) in enumerate(presents2):
                    expected2[f"present.{i}.key"], expected2[f"present.{i}.value"] = k, v
                yield f"prefill{L}+cached{step}", feeds2, expected2


def onnx_parity(model, model_dir, seed, onnx_file="model.onnx", cached=None):
    cached = model.cfg.causal if cached is None else cached
    gen = torch.Generator().manual_seed(seed)
    with tempfile.TemporaryDirectory() as d:
        cases, expected = [], {}
        for name, feeds, exp in onnx_cases(model, cached, gen):
            inputs = [_write(d, f"{name}.in.{k}", v) for k, v in feeds.items()]
            for entry, k in zip(inputs, feeds):
                entry["name"] = k
            cases.append({"name": name, "inputs": inputs, "outputs": list(exp)})
            expected[name] = exp
        with open(os.path.join(d, "cases.json"), "w") as f:
            json.dump(cases, f)
        onnx_path = os.path.join(os.path.abspath(model_dir), "onnx", onnx_file)
        subprocess.run(["node", os.path.join(HERE, "ort_run.mjs"), onnx_path, d], check=True, cwd=REPO,
                       stdout=subprocess.DEVNULL)
        with open(os.path.join(d, "out.json")) as f:
            results = json.load(f)
        report = {}
        for r in results:
            logits_diff, present_diff = 0.0, 0.0
            for out_name, entry in r["outputs"].items():
                diff = (_read(d, entry) - expected[r["name"]][out_name]).abs().max().item()
                if out_name == "logits":
                    logits_diff = diff
                else:
                    present_diff = max(present_diff, diff)
            report[r["name"]] = {"logits_max_abs_diff": logits_diff, **(
                {"present_max_abs_diff": present_diff} if cached else {})}
        return report


TEXTS = [
    "Copy the text.\nab c\n",
    "".join(chr(c) for c in range(32, 127)) + "\n",
    "x = a . b , c ' d n't  (  )  \n\n  trailing  ",
    "def f(x):\n    return [y for y in x if y != '<']\n",
    "literal <eos> and <mask> strings",
]


# Task-formatted prompts of different lengths, so a trained model stops at <eos> and batching needs padding.
GEN_PROMPTS = ["copy: k3x9\n", "reverse: hello42world\n", "sort: 93710284\n", "add: 123+456\n",
               "code: f(x) returns x times 2\n"]
GEN_TOKENS = 32


def _until_eos(ids):
    return ids[:ids.index(tok.EOS_ID)] if tok.EOS_ID in ids else ids


def js_checks(model, kind, model_dir):
    cases = {"texts": TEXTS, "generate": []}
    expected_gen = []
    if kind == "autoregressive":
        for prompt in GEN_PROMPTS:
            cases["generate"].append({"prompt": prompt, "max_new_tokens": GEN_TOKENS})
            expected_gen.append(ar_generate(model, [tok.encode(prompt)], GEN_TOKENS)[0])
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(cases, f)
    try:
        root = os.path.dirname(os.path.abspath(model_dir))
        out = subprocess.run(["node", os.path.join(HERE, "tfjs_check.mjs"), root, os.path.basename(
            os.path.abspath(model_dir)), f.name], check=True, cwd=REPO, capture_output=True, text=True)
    finally:
        os.unlink(f.name)
    got = json.loads(out.stdout.strip().splitlines()[-1])
    problems = []
    for text, t in zip(TEXTS, got["tokenizer"]):
        ids = tok.encode(text)
        for lib in ("transformers", "tokenizers"):
            if t[f"{lib}_ids"] != ids:
                problems.append(f"{lib} ids differ for {text!r}")
            if t[f"{lib}_decoded"] != tok.decode(ids):
                problems.append(f"{lib} decode differs for {text!r}: {t[f'{lib}_decoded']!r}")
        if t["with_specials_skipped"] != tok.decode(ids):
            problems.append(f"specials not skipped for {text!r}")
        if t["with_specials_kept"] != tok.decode(ids, skip_special_tokens=False) + tok.EOS:
            problems.append(f"specials not kept for {text!r}")
    gen_equal = []
    for exp, js in zip(expected_gen, got["generations"]):
        gen_equal.append(_until_eos(js) == exp)
        if not gen_equal[-1]:
            problems.append(f"transformers.js greedy {js} != PyTorch {exp}")
    for exp, js in zip(expected_gen, got["batched"] or []):
        gen_equal.append(_until_eos(js) == exp)
        if not gen_equal[-1]:
            problems.append(f"transformers.js batched greedy {js} != PyTorch {exp}")
    return {"tokenizer_texts_checked": len(TEXTS), "transformers_js_generations": len(gen_equal),
            "transformers_js_greedy_equal": all(gen_equal) if gen_equal else None,
            "transformers_js_samples": [{"prompt": p, "completion": tok.decode(e)}
                                        for p, e in zip(GEN_PROMPTS, expected_gen)],
            "problems": problems}


# ---------------------------------------------------------------------------------------------------------------
# Block diffusion reference: what decode.block_diffusion_generate produces, for the TS engine's test to equal.
# parity.json["block_reference"] = {
#   "rules": str,                       # the sampler in words (the same as decode.block_diffusion_generate)
#   "block_size": int, "mask_token_id": int, "eos_token_id": int, "diffusion_logits": "shifted",
#   "cases": [{
#     "task": str, "task_id": str,      # held-out item of `dlm tasks generate --split eval` (its answer unused)
#     "prompt": str, "prompt_ids": [int],
#     "max_new_tokens": int,            # the cap (64 or 128; a multiple of block_size here)
#     "setting": str,                   # "steps=cap" | "steps=cap/4" | "threshold=0.9" | "factor=1.0"
#     "steps": int | null,              # total steps = steps_per_block * blocks of the cap; null for threshold/factor
#     "steps_per_block": int | null,    # LLaDA count schedule per block; null for threshold/factor
#     "threshold": float | null, "factor": float | null,
#     "token_ids": [int],               # output: tokens before the first <eos>, trimmed to the cap
#     "text": str,                      # token_ids decoded
#     "nfe": int,                       # forwards: prefill + every step + one clean forward per non-final block
#     "blocks": int,                    # blocks decoded
#     "stop": "eos" | "max_tokens"}]}
BLOCK_REFERENCE_ITEMS = [("copy", 20), ("copy", 60), ("reverse", 30), ("sort", 16), ("expand", 50), ("expand", 120)]
BLOCK_REFERENCE_CAPS = (64, 128)
BLOCK_RULES = (
    "prefill: one forward over the prompt (position ids 0..p-1, no past) -> cache, carry = its last row. Block j "
    "(positions p+jB..p+jB+B-1) starts as B <mask>; each step runs the B current tokens with past = cache; block "
    "position 0 is predicted by carry, position i >= 1 by the step's row i-1; proposal = argmax of the logits "
    "without <mask> (ties: lowest id), confidence = its softmax probability (float64); commit by the rule (count: "
    "LLaDA's even split of B over steps_per_block, remainder to the first steps; threshold: every masked position "
    "with confidence > threshold, at least the top one; factor: the top n while (n+1)(1-c_n) < factor, at least "
    "one; ranking by confidence, ties to the leftmost position); committed tokens never change; the block ends "
    "when no mask is left. Then, if the block holds no <eos> and another block fits the cap rounded up to whole "
    "blocks: one forward over the clean block with past = cache, its K/V appended to the cache, carry = its last "
    "row. Stop after the block holding an <eos> (no clean forward for it) or after the last block of the cap. "
    "Output = tokens before the first <eos>, trimmed to the cap. NFE counts every forward.")


def block_settings(block_size: int, cap: int):
    blocks = -(-cap // block_size)
    return [("steps=cap", {"steps_per_block": cap // blocks}),
            ("steps=cap/4", {"steps_per_block": cap // 4 // blocks}),
            ("threshold=0.9", {"threshold": 0.9}), ("factor=1.0", {"factor": 1.0})]


def block_reference(model, seed: int = 0) -> dict:
    B = model.cfg.block_size
    cases = []
    for task, length in BLOCK_REFERENCE_ITEMS:
        record = load_jsonl(eval_file([length], 1, seed, task=task))[0]
        ids = tok.encode(record["prompt"])
        for cap in BLOCK_REFERENCE_CAPS:
            blocks = -(-cap // B)
            for name, kw in block_settings(B, cap):
                r = block_diffusion_generate(model, ids, cap, **kw)
                spb = kw.get("steps_per_block")
                cases.append({"task": task, "task_id": record["task_id"], "prompt": record["prompt"],
                              "prompt_ids": ids, "max_new_tokens": cap, "setting": name,
                              "steps": spb * blocks if spb else None, "steps_per_block": spb,
                              "threshold": kw.get("threshold"), "factor": kw.get("factor"),
                              "token_ids": r["tokens"], "text": tok.decode(r["tokens"]), "nfe": r["nfe"],
                              "blocks": r["blocks"], "stop": r["stop"]})
    return {"rules": BLOCK_RULES, "block_size": B, "mask_token_id": tok.MASK_ID, "eos_token_id": tok.EOS_ID,
            "diffusion_logits": model.cfg.diffusion_logits, "cases": cases}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model-dir", required=True)
    ap.add_argument("--tol", type=float, default=1e-4)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=1)
    args = ap.parse_args()
    runtime.configure(args.threads)
    model, kind = load_model(args.model_dir)
    cases = onnx_parity(model, args.model_dir, args.seed, cached=kind != "diffusion")
    if kind == "diffusion" and os.path.exists(os.path.join(args.model_dir, "onnx", CACHED_ONNX)):
        # The block-caching graph: a refresh over the canvas, then windows on top of its keys and values.
        cached = onnx_parity(model, args.model_dir, args.seed, CACHED_ONNX, cached=True)
        cases.update({f"{CACHED_ONNX}:{name}": c for name, c in cached.items()})
    worst = max(c["logits_max_abs_diff"] for c in cases.values())
    js = js_checks(model, kind, args.model_dir)
    report = {"kind": kind, "runtime": "onnxruntime-node", "tolerance": args.tol,
              "max_abs_logits_diff": worst, "cases": cases, **js}
    if kind == "block_diffusion":
        report["block_reference"] = block_reference(model)
    with open(os.path.join(args.model_dir, "parity.json"), "w") as f:
        json.dump(report, f, indent=2)
    print(json.dumps(report, indent=2))
    assert worst < args.tol, f"ONNX logits differ by {worst} >= {args.tol}"
    assert not js["problems"], js["problems"]


if __name__ == "__main__":
    main()

"""PyTorch vs ONNX (onnxruntime-node) parity, plus the folder's tokenizer and transformers.js checks.

    /usr/bin/python3 models/train/parity.py --model-dir models/tiny-llama-ar

Random inputs at several lengths, with left padding in some rows; for AR a prefill with past length 0
followed by cached steps fed the PyTorch presents. Asserts max |logits diff| < --tol and writes
models/<id>/parity.json (the card quotes it). Also checks that both JS tokenizer libraries encode one id per
character like tokenizer.py and decode back exactly, and for AR that transformers.js greedy generation from
the folder equals decode.ar_generate.
"""
import argparse
import json
import os
import subprocess
import tempfile

import torch

import runtime
import tokenizer as tok
from decode import ar_generate
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
    graph, and the diffusion model's model_cached.onnx): a prefill, then steps on top of the presents."""
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
            for step in (1, 3):
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


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model-dir", required=True)
    ap.add_argument("--tol", type=float, default=1e-4)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=1)
    args = ap.parse_args()
    runtime.configure(args.threads)
    model, kind = load_model(args.model_dir)
    cases = onnx_parity(model, args.model_dir, args.seed)
    if kind == "diffusion" and os.path.exists(os.path.join(args.model_dir, "onnx", CACHED_ONNX)):
        # The block-caching graph: a refresh over the canvas, then windows on top of its keys and values.
        cached = onnx_parity(model, args.model_dir, args.seed, CACHED_ONNX, cached=True)
        cases.update({f"{CACHED_ONNX}:{name}": c for name, c in cached.items()})
    worst = max(c["logits_max_abs_diff"] for c in cases.values())
    js = js_checks(model, kind, args.model_dir)
    report = {"kind": kind, "runtime": "onnxruntime-node", "tolerance": args.tol,
              "max_abs_logits_diff": worst, "cases": cases, **js}
    with open(os.path.join(args.model_dir, "parity.json"), "w") as f:
        json.dump(report, f, indent=2)
    print(json.dumps(report, indent=2))
    assert worst < args.tol, f"ONNX logits differ by {worst} >= {args.tol}"
    assert not js["problems"], js["problems"]


if __name__ == "__main__":
    main()

"""Held-out evaluation at temperature 0, scored by the task suite (`dlm tasks check`).

    OMP_WAIT_POLICY=PASSIVE /usr/bin/python3 models/train/evaluate.py --model-dir models/tiny-llama-ar

Every task at lengths 8, 32, 64, 128, 256 (eval split; add at 255, its longest); n per cell is --n-short for <= 64 and --n-128 /
--n-256 above, to keep time bounded. Writes models/<id>/eval.json, which card.py turns into the table.
AR: greedy, max new tokens = answer length + 8. Diffusion: LLaDA low-confidence remasking with
steps = block = L, L = the cell's answer length (add: K+1 digits; code: the record's `length`).
Block diffusion: decode.block_diffusion_generate (KV cache, one token per step, i.e. steps per block = block
size), max new tokens = answer length + 8 as AR (rounded up to whole blocks inside, output trimmed to it).
"""
import argparse
import json
import os
import tempfile
import time
from collections import defaultdict

import torch

import runtime
import tokenizer as tok
from data import dlm, eval_file, load_jsonl
from decode import ar_generate, block_diffusion_generate, diffusion_generate
from export_onnx import load_model

AR_EXTRA_TOKENS = 8


def canvas_length(record: dict) -> int:
    """Diffusion canvas: the answer length of the cell; a K-digit sum may carry into K+1 digits."""
    return record["length"] + 1 if record["task"] == "add" else record["length"]


def complete(model, kind: str, records: list[dict], batch_size: int = 32) -> list[str]:
    """Decoded completions in the order of `records`."""
    out = [None] * len(records)
    prompts = [tok.encode(r["prompt"]) for r in records]
    if kind == "block_diffusion":  # one prompt at a time (the sampler keeps one cache)
        for i, r in enumerate(records):
            cap = len(tok.encode(r["answer"])) + AR_EXTRA_TOKENS
            B = model.cfg.block_size  # whole blocks must fit the context after the prompt
            cap = min(cap, (model.cfg.max_position_embeddings - len(prompts[i])) // B * B)
            out[i] = tok.decode(block_diffusion_generate(model, prompts[i], cap)["tokens"])
        return out
    if kind == "autoregressive":
        groups = {0: list(range(len(records)))}
    else:
        groups = defaultdict(list)
        for i, r in enumerate(records):
            groups[canvas_length(r)].append(i)
    for key, idx in groups.items():
        idx = sorted(idx, key=lambda i: len(prompts[i]))  # similar lengths together: less padding
        for s in range(0, len(idx), batch_size):
            chunk = idx[s:s + batch_size]
            batch = [prompts[i] for i in chunk]
            if kind == "autoregressive":
                new = max(len(tok.encode(records[i]["answer"])) for i in chunk) + AR_EXTRA_TOKENS
                gen = ar_generate(model, batch, new)
            else:
                gen = diffusion_generate(model, batch, gen_length=key)
            for i, g in zip(chunk, gen):
                out[i] = tok.decode(g)
    return out


def check(records: list[dict], completions: list[str]) -> list[bool]:
    """Scores through the suite: one JSON line per record on stdout, matched back by task_id."""
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as f:
        for r, c in zip(records, completions):
            f.write(json.dumps({**r, "completion": c}) + "\n")
    try:
        res = dlm("tasks", "check", "--file", f.name, capture_output=True)
    finally:
        os.unlink(f.name)
    passed = {}
    for line in res.stdout.splitlines():
        line = line.strip()
        if line.startswith("{"):
            row = json.loads(line)
            passed[row["task_id"]] = bool(row["passed"])
    missing = [r["task_id"] for r in records if r["task_id"] not in passed]
    assert not missing, f"dlm tasks check returned no result for {missing[:3]}..."
    return [passed[r["task_id"]] for r in records]


def pass_rates(records, passed) -> dict[tuple[str, int], tuple[int, int]]:
    cells = defaultdict(lambda: [0, 0])
    for r, p in zip(records, passed):
        cells[(r["task"], r["length"])][0] += int(p)
        cells[(r["task"], r["length"])][1] += 1
    return {k: tuple(v) for k, v in cells.items()}


def evaluate(model, kind, records, batch_size=32):
    completions = complete(model, kind, records, batch_size)
    passed = check(records, completions)
    return pass_rates(records, passed), completions, passed


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model-dir", required=True)
    ap.add_argument("--lengths", default="8,16,32,64,128,256")
    ap.add_argument("--n-short", type=int, default=50, help="items per task at lengths <= 64")
    ap.add_argument("--n-128", type=int, default=20)
    ap.add_argument("--n-256", type=int, default=10)
    ap.add_argument("--seed", type=int, default=0, help="eval-split seed passed to the suite")
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--out", help="default: <model-dir>/eval.json")
    args = ap.parse_args()
    runtime.configure(args.threads)
    model, kind = load_model(args.model_dir)
    lengths = [int(x) for x in args.lengths.split(",")]
    n_for = lambda L: args.n_short if L <= 64 else (args.n_128 if L <= 128 else args.n_256)
    records = []
    for L in lengths:
        recs = load_jsonl(eval_file([L], n_for(L), args.seed))
        if L > 255 and not any(r["task"] == "add" for r in recs):
            recs += load_jsonl(eval_file([255], n_for(L), args.seed, task="add"))  # add's longest
        records += recs
    t0 = time.time()
    cells, completions, passed = evaluate(model, kind, records, args.batch_size)
    seconds = time.time() - t0
    rows = [{"task": t, "length": L, "n": n, "passed": p, "pass_rate": p / n}
            for (t, L), (p, n) in sorted(cells.items())]
    report = {
        "model_dir": os.path.basename(os.path.abspath(args.model_dir)), "kind": kind,
        "decoding": ({"method": "greedy", "max_new_tokens": f"answer length + {AR_EXTRA_TOKENS}"}
                     if kind == "autoregressive" else
                     {"method": "block diffusion (exact KV cache of finished blocks), low-confidence remasking",
                      "temperature": 0, "block_size": model.cfg.block_size, "steps_per_block": "= block_size",
                      "max_new_tokens": f"answer length + {AR_EXTRA_TOKENS} (rounded up to whole blocks, "
                                        "output trimmed to it)"}
                     if kind == "block_diffusion" else
                     {"method": "LLaDA low-confidence remasking", "temperature": 0,
                      "gen_length": "answer length (add: K+1, code: record length)",
                      "steps": "= gen_length", "block_length": "= gen_length"}),
        "split": "eval", "seed": args.seed, "seconds": round(seconds, 1), "cells": rows,
        "failures_sample": [{"task_id": r["task_id"], "completion": c, "answer": r["answer"]}
                            for r, c, p in zip(records, completions, passed) if not p][:20],
    }
    out = args.out or os.path.join(args.model_dir, "eval.json")
    with open(out, "w") as f:
        json.dump(report, f, indent=2)
    for row in rows:
        print(f"{row['task']:>8} L={row['length']:<4} n={row['n']:<3} pass={row['pass_rate']:.3f}")
    print(f"wrote {out} ({seconds:.0f}s)")


if __name__ == "__main__":
    main()

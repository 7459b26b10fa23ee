"""A prepared GPU run: the bundled pair's length sweep with the recipe's PyTorch decoders on CUDA, as a labelled
reference, written as JSON that `npx dlm import FILE` stores as an experiment with the GPU's environment.

The lent GPU machine has CUDA PyTorch 2.x and Python but no Node and no network. `scripts/gpu-run/run.sh` runs
this first, then the app's ONNX engines from the bundle that `npm run gpu:pack` builds into .gpu-run/ (carried),
which also holds the items (.gpu-run/gpu-items.jsonl, made by `npx dlm tasks generate` here). By hand:

    python3 models/train/gpu_bench.py --device cuda --items .gpu-run/gpu-items.jsonl --out $OUT/gpu-pytorch.json
    npx dlm import gpu-pytorch.json                                                  # back here

A CPU dry run (`--device cpu --quick`) exercises the same code here. AR decoding uses a KV cache; both are warmed
up and timed with the device synchronised; medians over --repeats; at lengths past the answer (latency-only
rows) AR is forced to the full length and diffusion decodes the whole canvas. These are PyTorch numbers, not the
app's ONNX engines: the file says so, and the imported experiment keeps that label.
"""
import argparse
import json
import os
import platform
import statistics
import subprocess
import time

import torch

import runtime
import tokenizer as tok
from data import REPO, load_jsonl
from decode import ar_generate, diffusion_generate
from export_onnx import load_model
from train import file_sha256


def git(*args: str) -> str | None:
    try:
        return subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None


def synchronize(device: str) -> None:
    if device.startswith("cuda"):
        torch.cuda.synchronize()


def timed(fn, device: str):
    synchronize(device)
    t0 = time.perf_counter()
    out = fn()
    synchronize(device)
    return out, (time.perf_counter() - t0) * 1000


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--device", default="cuda")
    ap.add_argument("--items", default=os.path.join(REPO, "models", "train", "data", "gpu-items.jsonl"))
    ap.add_argument("--lengths", default="16,64,256,512")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--quick", action="store_true", help="CPU dry run: two items, lengths 16 and 64")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--ar-model", default="tiny-llama-ar")
    ap.add_argument("--diffusion-model", default="tiny-llama-diffusion")
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    runtime.configure(args.threads)
    lengths = [16, 64] if args.quick else [int(x) for x in args.lengths.split(",")]
    items = load_jsonl(args.items)
    models = {}
    for kind, folder in (("autoregressive", args.ar_model), ("diffusion", args.diffusion_model)):
        path = os.path.join(REPO, "models", folder)
        model, decoding = load_model(path)
        assert decoding == kind, f"{folder} is {decoding}"
        models[kind] = {"id": folder, "sha256": file_sha256(os.path.join(path, "onnx", "model.onnx")), "model": model.to(args.device)}

    runs = []
    for L in lengths:
        # Items whose answer fills the canvas where the suite has them; past the longest, the longest items
        # (latency-only: AR is forced to L tokens, diffusion decodes all L positions).
        answer_lengths = sorted({r["length"] for r in items})
        fits = [r for r in items if r["length"] == L]
        latency_only = not fits
        chosen = (fits or [r for r in items if r["length"] == answer_lengths[-1]])[: 2 if args.quick else 4]
        settings = [("autoregressive", "greedy", {})]
        settings += [("diffusion", "steps=L", {"steps": L}), ("diffusion", "steps=L/4", {"steps": max(1, L // 4)})]
        for engine, label, extra in settings:
            model = models[engine]["model"]
            for r in chosen:
                prompt = tok.encode(r["prompt"])
                if engine == "autoregressive":
                    run = lambda: ar_generate(model, [prompt], L, min_new_tokens=L if latency_only else 0)
                else:
                    run = lambda: diffusion_generate(model, [prompt], gen_length=L, steps=extra["steps"])
                run()  # warm-up (kernels, allocator)
                times, out = [], None
                for _ in range(args.repeats):
                    out, ms = timed(run, args.device)
                    times.append(ms)
                text = tok.decode(out[0])
                nfe = (len(out[0]) + 1 if engine == "autoregressive" else extra["steps"])
                runs.append({
                    "engine": engine, "modelId": models[engine]["id"], "modelSha256": models[engine]["sha256"],
                    "task": r["task"], "itemId": r["task_id"], "prompt": r["prompt"], "answer": r["answer"],
                    "length": L, "setting": label, "latencyOnly": latency_only,
                    "settings": {"maxNewTokens": L, "temperature": 0, **extra, "runtime": "pytorch"},
                    "output": text, "generatedTokens": len(out[0]), "ttftMs": None,
                    "totalMs": statistics.median(times), "forwardPasses": nfe,
                    "timings": {"repeats": [{"totalMs": t} for t in times]},
                })
            print(f"L={L} {engine} {label}: median {statistics.median([x['totalMs'] for x in runs[-len(chosen):]]):.1f} ms", flush=True)

    gpu = torch.cuda.get_device_name(0) if args.device.startswith("cuda") else None
    report = {
        "format": "dlm-import/1",
        "title": f"GPU reference run (PyTorch {torch.__version__}, {gpu or args.device})",
        "runtime": "pytorch",
        "note": "The recipe's PyTorch decoders (AR greedy with a KV cache, LLaDA low-confidence remasking), not the app's ONNX engines.",
        "environment": {
            "gitSha": git("rev-parse", "HEAD") or "unknown", "gitDirty": bool(git("status", "--porcelain")),
            "node": "n/a (PyTorch run)", "onnxruntime": f"n/a (PyTorch {torch.__version__})",
            "cpuModel": platform.processor() or platform.machine(), "cpuCores": os.cpu_count() or 0,
            "gpuModel": gpu, "executionProvider": "cuda" if gpu else "cpu", "threads": args.threads,
            "os": f"{platform.system()} {platform.release()} {platform.machine()}",
        },
        "runs": runs,
    }
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, "w") as f:
        json.dump(report, f, indent=2)
    print(f"wrote {args.out} ({len(runs)} runs)")


if __name__ == "__main__":
    main()

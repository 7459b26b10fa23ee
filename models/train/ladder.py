"""A size ladder: the bundled pair's architecture at about 10 M, 50 M and 200 M parameters, with random weights,
for latency-only sweeps (how the diffusion/AR speedup moves with model size on this machine). Never trained,
never committed: written on demand into models/ladder/ (git-ignored), which `dlm models` lists through
DLM_MODELS_DIR=models/ladder.

    OMP_WAIT_POLICY=PASSIVE /usr/bin/python3 models/train/ladder.py [--sizes 10m,50m,200m] [--out models/ladder]

Each size gives an AR folder (KV-cache graph) and a diffusion folder (plain graph + model_cached.onnx), with the
same weights (the same seed), the bundled tokenizer and "diffusion_logits": "aligned". Outputs are meaningless;
only their timing is.
"""
import argparse
import os

import torch

import runtime
from export_onnx import CACHED_ONNX, export_onnx, write_metadata
from model import ModelConfig, TinyLlama

# hidden, layers, heads (head dim 64), SwiGLU width: parameter counts in the card of each folder.
SIZES = {
    "10m": dict(hidden_size=320, num_hidden_layers=8, num_attention_heads=5, num_key_value_heads=5, head_dim=64, intermediate_size=864),
    "50m": dict(hidden_size=640, num_hidden_layers=10, num_attention_heads=10, num_key_value_heads=10, head_dim=64, intermediate_size=1728),
    "200m": dict(hidden_size=1024, num_hidden_layers=16, num_attention_heads=16, num_key_value_heads=16, head_dim=64, intermediate_size=2816),
}


def export_size(name: str, out_dir: str, seed: int) -> None:
    for kind in ("autoregressive", "diffusion"):
        folder = os.path.join(out_dir, f"ladder-{name}-{'ar' if kind == 'autoregressive' else 'diffusion'}")
        torch.manual_seed(seed)
        model = TinyLlama(ModelConfig(causal=kind == "autoregressive", **SIZES[name])).eval()
        write_metadata(folder, model.cfg, kind)
        export_onnx(model, kind, os.path.join(folder, "onnx", "model.onnx"))
        if kind == "diffusion":
            export_onnx(model, kind, os.path.join(folder, "onnx", CACHED_ONNX), cached=True)
        with open(os.path.join(folder, "README.md"), "w") as f:
            f.write(f"# {os.path.basename(folder)}\n\nRandom weights ({model.num_params():,} parameters, seed {seed}) from "
                    f"models/train/ladder.py, for latency-only sweeps. Its outputs mean nothing.\n")
        print(f"wrote {folder} ({model.num_params():,} params)", flush=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="10m,50m,200m")
    ap.add_argument("--out", default=os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "ladder"))
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=1)
    args = ap.parse_args()
    runtime.configure(args.threads)
    for name in args.sizes.split(","):
        if name not in SIZES:
            raise SystemExit(f"--sizes: unknown size {name!r} (expected {', '.join(SIZES)})")
        export_size(name, args.out, args.seed)


if __name__ == "__main__":
    main()

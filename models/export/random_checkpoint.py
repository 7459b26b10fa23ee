"""Builds a small random-weight checkpoint in a published family's layout, for testing the exporter and the
engines without a hub: config.json and generation_config.json shaped like the published ones (Llama 3.1
Instruct: GQA, "llama3" RoPE scaling, three EOS ids, untied head; Qwen2.5: q/k/v biases; Qwen3: q/k norms,
head_dim != hidden / heads, tied embeddings), bf16 safetensors in two shards with their index, and the tokenizer files given.

    /usr/bin/python3 models/export/random_checkpoint.py llama --tokenizer DIR --out /tmp/llama-ckpt

Weights are scaled so the logits spread over several units (greedy choices are not near-ties between two
runtimes), and the head's rows past the tokenizer's vocabulary are zero, as in trained checkpoints whose
padded rows never win.
"""
import argparse
import json
import os
import shutil
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from architecture import expected_shapes, read_spec  # noqa: E402
from safetensors_io import write_checkpoint  # noqa: E402

SMALL = dict(hidden_size=32, num_hidden_layers=2, num_attention_heads=4, num_key_value_heads=2, intermediate_size=64)

CONFIGS = {
    "llama": dict(
        architectures=["LlamaForCausalLM"], model_type="llama", vocab_size=128256, head_dim=8,
        max_position_embeddings=131072, rms_norm_eps=1e-5, rope_theta=500000.0, hidden_act="silu",
        rope_scaling={"factor": 8.0, "low_freq_factor": 1.0, "high_freq_factor": 4.0,
                      "original_max_position_embeddings": 8192, "rope_type": "llama3"},
        attention_bias=False, mlp_bias=False, tie_word_embeddings=False, bos_token_id=128000,
        eos_token_id=[128001, 128008, 128009], torch_dtype="bfloat16", use_cache=True),
    "qwen2": dict(  # Qwen2.5: biases on q/k/v, untied head in the 7B
        architectures=["Qwen2ForCausalLM"], model_type="qwen2", vocab_size=152064, max_position_embeddings=32768,
        rms_norm_eps=1e-6, rope_theta=1000000.0, rope_scaling=None, hidden_act="silu", tie_word_embeddings=False,
        bos_token_id=151643, eos_token_id=151645, torch_dtype="bfloat16", use_cache=True, sliding_window=131072,
        use_sliding_window=False),
    "qwen3": dict(
        architectures=["Qwen3ForCausalLM"], model_type="qwen3", vocab_size=151936, head_dim=16,
        max_position_embeddings=40960, rms_norm_eps=1e-6, rope_theta=1000000.0, rope_scaling=None,
        hidden_act="silu", attention_bias=False, tie_word_embeddings=True, bos_token_id=151643,
        eos_token_id=151645, torch_dtype="bfloat16", use_cache=True, sliding_window=None, use_sliding_window=False),
}
GENERATION = {
    "llama": {"bos_token_id": 128000, "do_sample": True, "eos_token_id": [128001, 128008, 128009],
              "temperature": 0.6, "top_p": 0.9},
    "qwen2": {"bos_token_id": 151643, "do_sample": True, "eos_token_id": [151645, 151643], "pad_token_id": 151643,
              "repetition_penalty": 1.05, "temperature": 0.7, "top_k": 20, "top_p": 0.8},
    "qwen3": {"bos_token_id": 151643, "do_sample": True, "eos_token_id": [151645, 151643], "pad_token_id": 151643,
              "temperature": 0.6, "top_k": 20, "top_p": 0.95},
}


def tokenizer_size(tokenizer_dir: str) -> int:
    with open(os.path.join(tokenizer_dir, "tokenizer.json")) as f:
        tok = json.load(f)
    return max([*tok["model"]["vocab"].values(), *(t["id"] for t in tok["added_tokens"])]) + 1


def random_weights(spec, config, used_vocab: int, rng) -> dict:
    weights = {}
    for name, shape in expected_shapes(spec).items():
        if name.endswith("norm.weight") or "layernorm" in name:
            weights[name] = 1.0 + 0.1 * rng.standard_normal(shape)
        elif name.endswith(".bias"):
            weights[name] = 0.1 * rng.standard_normal(shape)
        elif name in ("model.embed_tokens.weight", "lm_head.weight"):
            weights[name] = 0.7 * rng.standard_normal(shape)  # logits ~ N(0, 0.7^2 * hidden): a clear argmax
            weights[name][used_vocab:] = 0.0
        elif name.endswith(("o_proj.weight", "down_proj.weight")):
            # Layers write strongly into the residual stream, so the next token is not just the input token
            # again (a tied head scores a token's own embedding highest).
            weights[name] = 4.0 * rng.standard_normal(shape) / np.sqrt(shape[1])
        else:
            weights[name] = rng.standard_normal(shape) / np.sqrt(shape[1])
    return {k: v.astype(np.float32) for k, v in weights.items()}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("family", choices=sorted(CONFIGS))
    ap.add_argument("--tokenizer", required=True, help="folder with tokenizer.json (+ tokenizer_config.json)")
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    config = {**CONFIGS[args.family], **SMALL}
    spec = read_spec(args.family, config)
    os.makedirs(args.out, exist_ok=True)
    weights = random_weights(spec, config, tokenizer_size(args.tokenizer), np.random.default_rng(args.seed))
    write_checkpoint(args.out, weights, shards=2, dtype="BF16")
    with open(os.path.join(args.out, "config.json"), "w") as f:
        json.dump(config, f, indent=2)
    with open(os.path.join(args.out, "generation_config.json"), "w") as f:
        json.dump(GENERATION[args.family], f, indent=2)
    for name in ("tokenizer.json", "tokenizer_config.json"):
        if os.path.exists(os.path.join(args.tokenizer, name)):
            shutil.copyfile(os.path.join(args.tokenizer, name), os.path.join(args.out, name))
    print(f"wrote {args.out}: random {args.family} checkpoint, {sum(w.size for w in weights.values()):,} parameters")


if __name__ == "__main__":
    main()

"""Builds a small random-weight checkpoint in a published family's layout, for testing the exporter and the
engines without a hub: config.json and generation_config.json shaped like the published ones (Llama 3.1
Instruct: GQA, "llama3" RoPE scaling, three EOS ids, untied head; Qwen2.5: q/k/v biases; Qwen3: q/k norms,
head_dim != hidden / heads, tied embeddings), bf16 safetensors in two shards with their index, and the tokenizer files given.

    /usr/bin/python3 models/export/random_checkpoint.py llama --tokenizer DIR --out /tmp/llama-ckpt

The diffusion families (llada, dream, fast_dllm_v2) get their published config.json shapes too (LLaDA-8B's
OLMo-style keys and model.transformer.* names; Dream-v0-7B and Fast_dLLM_v2_7B on Qwen2.5-7B's), hidden 64
and 2 layers: see diffusion_families.py.

Weights are scaled so the logits spread over several units (greedy choices are not near-ties between two
runtimes), and the rows of ids the tokenizer lacks are zero, as in trained checkpoints whose padded rows never
win (a diffusion model's head row of its <mask> token too: a trained one never predicts it).
"""
import argparse
import json
import os
import shutil
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from architecture import expected_shapes, read_spec  # noqa: E402
from diffusion_families import DIFFUSION_FAMILIES, llada_name, read_diffusion_spec  # noqa: E402
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
_QWEN25_7B = dict(  # Qwen2.5-7B-Instruct's config, the base of Dream-v0-7B and Fast_dLLM_v2_7B
    vocab_size=152064, max_position_embeddings=32768, rms_norm_eps=1e-6, rope_theta=1000000.0, rope_scaling=None,
    hidden_act="silu", tie_word_embeddings=False, bos_token_id=151643, torch_dtype="bfloat16",
    sliding_window=131072, use_sliding_window=False, max_window_layers=28, attention_dropout=0.0, initializer_range=0.02)
SMALL_DIFFUSION = dict(hidden_size=64, num_hidden_layers=2, num_attention_heads=4, num_key_value_heads=2,
                       intermediate_size=128)
CONFIGS.update({
    "llada": dict(  # GSAI-ML/LLaDA-8B-Instruct, d_model 4096 -> 64, 32 layers -> 2
        activation_type="silu", alibi=False, alibi_bias_max=8.0, architectures=["LLaDAModelLM"],
        attention_dropout=0.0, attention_layer_norm=False, attention_layer_norm_with_affine=True,
        auto_map={"AutoConfig": "configuration_llada.LLaDAConfig", "AutoModelForCausalLM": "modeling_llada.LLaDAModelLM",
                  "AutoModel": "modeling_llada.LLaDAModelLM"},
        bias_for_layer_norm=False, block_group_size=1, block_type="llama", d_model=64, embedding_dropout=0.0,
        embedding_size=126464, eos_token_id=126081, flash_attention=False, include_bias=False, include_qkv_bias=False,
        init_cutoff_factor=None, init_device="meta", init_fn="mitchell", init_std=0.02, input_emb_norm=False,
        layer_norm_type="rms", layer_norm_with_affine=True, mask_token_id=126336, max_sequence_length=4096,
        mlp_hidden_size=128, mlp_ratio=4, model_type="llada", multi_query_attention=None, n_heads=4, n_kv_heads=4,
        n_layers=2, pad_token_id=126081, precision="amp_bf16", residual_dropout=0.0, rms_norm_eps=1e-5, rope=True,
        rope_full_precision=True, rope_theta=500000.0, scale_logits=False, transformers_version="4.46.3",
        use_cache=False, vocab_size=126464, weight_tying=False),
    "dream": dict(  # Dream-org/Dream-v0-Instruct-7B
        _QWEN25_7B, **SMALL_DIFFUSION, architectures=["DreamModel"], model_type="Dream",
        auto_map={"AutoConfig": "configuration_dream.DreamConfig", "AutoModel": "modeling_dream.DreamModel"},
        eos_token_id=151643, pad_token_id=151643, mask_token_id=151666, use_cache=False),
    "fast_dllm_v2": dict(  # Efficient-Large-Model/Fast_dLLM_v2_7B
        _QWEN25_7B, **SMALL_DIFFUSION, architectures=["Fast_dLLM_QwenForCausalLM"], model_type="Fast_dLLM_Qwen",
        auto_map={"AutoConfig": "configuration.Fast_dLLM_QwenConfig", "AutoModelForCausalLM": "modeling.Fast_dLLM_QwenForCausalLM"},
        eos_token_id=151645, bd_size=32, use_cache=True),
})
GENERATION = {
    "llama": {"bos_token_id": 128000, "do_sample": True, "eos_token_id": [128001, 128008, 128009],
              "temperature": 0.6, "top_p": 0.9},
    "qwen2": {"bos_token_id": 151643, "do_sample": True, "eos_token_id": [151645, 151643], "pad_token_id": 151643,
              "repetition_penalty": 1.05, "temperature": 0.7, "top_k": 20, "top_p": 0.8},
    "qwen3": {"bos_token_id": 151643, "do_sample": True, "eos_token_id": [151645, 151643], "pad_token_id": 151643,
              "temperature": 0.6, "top_k": 20, "top_p": 0.95},
    "llada": {"bos_token_id": 126080, "eos_token_id": 126081, "pad_token_id": 126081},
    "dream": {"bos_token_id": 151643, "eos_token_id": 151643, "pad_token_id": 151643, "mask_token_id": 151666},
    "fast_dllm_v2": {"bos_token_id": 151643, "do_sample": True, "eos_token_id": [151645, 151643], "pad_token_id": 151643,
                     "repetition_penalty": 1.05, "temperature": 0.7, "top_k": 20, "top_p": 0.8},
}


def unused_rows(tokenizer_dir: str, vocab_size: int) -> np.ndarray:
    """[vocab] bool: ids the tokenizer does not have (padding rows, gaps)."""
    with open(os.path.join(tokenizer_dir, "tokenizer.json")) as f:
        tok = json.load(f)
    unused = np.ones(vocab_size, dtype=bool)
    ids = [i for i in [*tok["model"]["vocab"].values(), *(t["id"] for t in tok["added_tokens"])] if i < vocab_size]
    unused[ids] = False
    return unused


def random_weights(spec, config, unused, rng, never=()) -> dict:
    """`never`: ids whose head row is zero too (the <mask> token, which a trained model never predicts)."""
    weights = {}
    for name, shape in expected_shapes(spec).items():
        if name.endswith("norm.weight") or "layernorm" in name:
            weights[name] = 1.0 + 0.1 * rng.standard_normal(shape)
        elif name.endswith(".bias"):
            weights[name] = 0.1 * rng.standard_normal(shape)
        elif name in ("model.embed_tokens.weight", "lm_head.weight"):
            weights[name] = 0.7 * rng.standard_normal(shape)  # logits ~ N(0, 0.7^2 * hidden): a clear argmax
            weights[name][unused] = 0.0
        elif name.endswith(("o_proj.weight", "down_proj.weight")):
            # Layers write strongly into the residual stream, so the next token is not just the input token
            # again (a tied head scores a token's own embedding highest).
            weights[name] = 4.0 * rng.standard_normal(shape) / np.sqrt(shape[1])
        else:
            weights[name] = rng.standard_normal(shape) / np.sqrt(shape[1])
    if "lm_head.weight" in weights:
        weights["lm_head.weight"][list(never)] = 0.0
    return {k: v.astype(np.float32) for k, v in weights.items()}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("family", choices=sorted(CONFIGS))
    ap.add_argument("--tokenizer", required=True, help="folder with tokenizer.json (+ tokenizer_config.json)")
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--bd-size", type=int, help="fast_dllm_v2: block size (published: 32)")
    args = ap.parse_args()
    never = []
    if args.family in DIFFUSION_FAMILIES:
        config = dict(CONFIGS[args.family])
        if args.bd_size and args.family == "fast_dllm_v2":
            config["bd_size"] = args.bd_size
        dspec = read_diffusion_spec(args.family, config)
        spec, never = dspec.decoder, [dspec.mask_token_id]
    else:
        config = {**CONFIGS[args.family], **SMALL}
        spec = read_spec(args.family, config)
    os.makedirs(args.out, exist_ok=True)
    unused = unused_rows(args.tokenizer, spec.vocab_size)
    weights = random_weights(spec, config, unused, np.random.default_rng(args.seed), never)
    if args.family == "llada":
        weights = {llada_name(name): value for name, value in weights.items()}
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

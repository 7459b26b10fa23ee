"""Write a model folder in the Hugging Face / transformers.js layout and export its ONNX graph.

    /usr/bin/python3 models/train/export_onnx.py --model-dir models/tiny-llama-ar
    /usr/bin/python3 models/train/export_onnx.py --model-dir models/tmp-ar --random-init autoregressive

Reads models/<id>/pytorch_model.bin + config.json (written by train.py) unless --random-init is given.
AR graph: input_ids, attention_mask, position_ids, past_key_values.{i}.key/value -> logits, present.{i}.*
(optimum's names, so transformers.js can run its own generate loop). Diffusion graph: input_ids,
attention_mask -> logits at every position; and a second diffusion graph, onnx/model_cached.onnx, with the
AR graph's interface on the bidirectional network (explicit position ids, cached keys/values of other
positions in, the current tokens' keys/values out), for block-wise KV caching (Fast-dLLM's prefix and dual
cache). Keys are cached after RoPE, so cached positions may come in any order.
Block diffusion: onnx/model.onnx is that cached graph (the n new positions attend to all past positions and
bidirectionally to each other: one block on top of the exact cache of the prompt and the finished blocks);
config.json adds "block_size" and "diffusion_logits": "shifted".
"""
import argparse
import json
import os
import warnings

import torch

import runtime
import tokenizer as tok
from model import ModelConfig, TinyLlama

OPSET = 14
CACHED_ONNX = "model_cached.onnx"  # diffusion only: the same weights with the KV-cache interface
KINDS = ("autoregressive", "diffusion", "block_diffusion")
DIFFUSION_KINDS = ("diffusion", "block_diffusion")  # the kinds with <mask> and a logits convention


def hf_config(cfg: ModelConfig, kind: str) -> dict:
    out = {
        "model_type": "llama",
        "architectures": ["LlamaForCausalLM"],
        "hidden_size": cfg.hidden_size,
        "num_hidden_layers": cfg.num_hidden_layers,
        "num_attention_heads": cfg.num_attention_heads,
        "num_key_value_heads": cfg.num_key_value_heads,
        "head_dim": cfg.head_dim,
        "intermediate_size": cfg.intermediate_size,
        "vocab_size": cfg.vocab_size,
        "max_position_embeddings": cfg.max_position_embeddings,
        "rms_norm_eps": cfg.rms_norm_eps,
        "rope_theta": cfg.rope_theta,
        "rope_scaling": None,
        "hidden_act": "silu",
        "attention_bias": False,
        "mlp_bias": False,
        "tie_word_embeddings": False,
        "torch_dtype": "float32",
        "use_cache": kind != "diffusion",
        "bos_token_id": None,  # no BOS: prompts are fed exactly as tokenized
        "eos_token_id": tok.EOS_ID,
        "pad_token_id": tok.PAD_ID,
        "decoding": kind,
        "is_causal": kind == "autoregressive",
    }
    if kind in DIFFUSION_KINDS:
        out["mask_token_id"] = tok.MASK_ID
        out["diffusion_logits"] = cfg.diffusion_logits
    if kind == "block_diffusion":
        out["block_size"] = cfg.block_size
    return out


def model_config_from_hf(hf: dict) -> ModelConfig:
    return ModelConfig(
        vocab_size=hf["vocab_size"], hidden_size=hf["hidden_size"], num_hidden_layers=hf["num_hidden_layers"],
        num_attention_heads=hf["num_attention_heads"], num_key_value_heads=hf["num_key_value_heads"],
        head_dim=hf["head_dim"], intermediate_size=hf["intermediate_size"],
        max_position_embeddings=hf["max_position_embeddings"], rms_norm_eps=hf["rms_norm_eps"],
        rope_theta=hf["rope_theta"], causal=hf["decoding"] == "autoregressive",
        # Folders written before the field existed are LLaDA-style; a present but unknown value is refused.
        diffusion_logits=hf.get("diffusion_logits", "aligned") if hf["decoding"] in DIFFUSION_KINDS else "aligned",
        block_size=hf["block_size"] if hf["decoding"] == "block_diffusion" else 0)


def generation_config(kind: str) -> dict:
    out = {"eos_token_id": tok.EOS_ID, "pad_token_id": tok.PAD_ID, "do_sample": False}
    if kind in DIFFUSION_KINDS:
        out["mask_token_id"] = tok.MASK_ID
    return out


# HF Llama parameter names, so the state dict also loads into transformers' LlamaForCausalLM.
def to_hf_state_dict(model: TinyLlama) -> dict:
    return {(k if k.startswith("lm_head.") else "model." + k): v for k, v in model.state_dict().items()}


def from_hf_state_dict(sd: dict) -> dict:
    return {k[len("model."):] if k.startswith("model.") else k: v for k, v in sd.items()}


def write_metadata(model_dir: str, cfg: ModelConfig, kind: str) -> None:
    """config.json, generation_config.json and the tokenizer files (train.py writes these too)."""
    os.makedirs(model_dir, exist_ok=True)
    with open(os.path.join(model_dir, "config.json"), "w") as f:
        json.dump(hf_config(cfg, kind), f, indent=2)
    with open(os.path.join(model_dir, "generation_config.json"), "w") as f:
        json.dump(generation_config(kind), f, indent=2)
    tok.write_hf_files(model_dir, cfg.max_position_embeddings)


def save_weights(model: TinyLlama, model_dir: str) -> None:
    torch.save(to_hf_state_dict(model), os.path.join(model_dir, "pytorch_model.bin"))


def load_model(model_dir: str) -> tuple[TinyLlama, str]:
    with open(os.path.join(model_dir, "config.json")) as f:
        hf = json.load(f)
    model = TinyLlama(model_config_from_hf(hf))
    sd = torch.load(os.path.join(model_dir, "pytorch_model.bin"), map_location="cpu")
    model.load_state_dict(from_hf_state_dict(sd))
    return model.eval(), hf["decoding"]


class _CachedGraph(torch.nn.Module):
    """input_ids, attention_mask, position_ids, past K/V -> logits, present K/V (past + current). The AR export;
    on a bidirectional model, the diffusion engine's cached graph."""
    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, input_ids, attention_mask, position_ids, *past_flat):
        past = [(past_flat[2 * i], past_flat[2 * i + 1]) for i in range(len(past_flat) // 2)]
        logits, presents = self.model(input_ids, attention_mask, position_ids, past)
        return (logits, *[t for kv in presents for t in kv])


class _DiffusionGraph(torch.nn.Module):
    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, input_ids, attention_mask):
        return self.model(input_ids, attention_mask)[0]


def export_onnx(model: TinyLlama, kind: str, path: str, cached: bool | None = None) -> None:
    """cached: the KV-cache interface (default for AR and block diffusion; for diffusion, the second graph)."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    cfg = model.cfg
    model = model.eval()
    B, T = 2, 5
    ids = torch.randint(4, cfg.vocab_size, (B, T))
    if cached is None:
        cached = kind != "diffusion"
    if cached:
        P = 3  # trace with a non-empty past; past length 0 works at run time (Concat with an empty tensor)
        attn = torch.ones(B, P + T, dtype=torch.long)
        pos = torch.arange(P, P + T)[None].expand(B, T).contiguous()
        past, in_names, out_names = [], ["input_ids", "attention_mask", "position_ids"], ["logits"]
        axes = {"input_ids": {0: "batch_size", 1: "sequence_length"},
                "attention_mask": {0: "batch_size", 1: "total_sequence_length"},
                "position_ids": {0: "batch_size", 1: "sequence_length"},
                "logits": {0: "batch_size", 1: "sequence_length"}}
        for i in range(cfg.num_hidden_layers):
            for kv in ("key", "value"):
                past.append(torch.randn(B, cfg.num_key_value_heads, P, cfg.head_dim))
                name, out = f"past_key_values.{i}.{kv}", f"present.{i}.{kv}"
                in_names.append(name)
                out_names.append(out)
                axes[name] = {0: "batch_size", 2: "past_sequence_length"}
                axes[out] = {0: "batch_size", 2: "total_sequence_length"}
        graph, args = _CachedGraph(model), (ids, attn, pos, *past)
    else:
        attn = torch.ones(B, T, dtype=torch.long)
        in_names, out_names = ["input_ids", "attention_mask"], ["logits"]
        axes = {"input_ids": {0: "batch_size", 1: "sequence_length"},
                "attention_mask": {0: "batch_size", 1: "sequence_length"},
                "logits": {0: "batch_size", 1: "sequence_length"}}
        graph, args = _DiffusionGraph(model), (ids, attn)
    # torch 1.13 warns about shape inference of constants on every export; the graph is checked below.
    warnings.filterwarnings("ignore", message="The shape inference of prim::Constant")
    # ...and about g.op in custom symbolics (model.reshape_keeping_batch_and_length), which torch 2.x keeps.
    warnings.filterwarnings("ignore", message=".*_graph_op' is deprecated")
    with torch.no_grad():
        torch.onnx.export(graph, args, path, input_names=in_names, output_names=out_names,
                          dynamic_axes=axes, opset_version=OPSET, do_constant_folding=True)
    import onnx  # only needed here; checks the graph is well formed and has no external data

    onnx.checker.check_model(onnx.load(path))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model-dir", required=True)
    ap.add_argument("--random-init", choices=KINDS, help="export a freshly initialised model (for tests)")
    ap.add_argument("--block-size", type=int, default=32, help="with --random-init block_diffusion")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=1)
    args = ap.parse_args()
    runtime.configure(args.threads)
    if args.random_init:
        torch.manual_seed(args.seed)
        kind = args.random_init
        model = TinyLlama(ModelConfig(
            causal=kind == "autoregressive", diffusion_logits="shifted" if kind == "block_diffusion" else "aligned",
            block_size=args.block_size if kind == "block_diffusion" else 0)).eval()
        write_metadata(args.model_dir, model.cfg, kind)
        save_weights(model, args.model_dir)
    else:
        model, kind = load_model(args.model_dir)
        write_metadata(args.model_dir, model.cfg, kind)
    path = os.path.join(args.model_dir, "onnx", "model.onnx")
    export_onnx(model, kind, path)
    print(f"wrote {path} ({os.path.getsize(path) / 1e6:.2f} MB, {kind}, {model.num_params()} params)")
    if kind == "diffusion":
        cached_path = os.path.join(args.model_dir, "onnx", CACHED_ONNX)
        export_onnx(model, kind, cached_path, cached=True)
        print(f"wrote {cached_path} ({os.path.getsize(cached_path) / 1e6:.2f} MB, KV-cache interface for block caching)")


if __name__ == "__main__":
    main()

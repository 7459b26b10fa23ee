"""The published decoder architectures the exporter knows, read from a checkpoint's config.json.

LLaMA (Llama 2/3/3.1+, with the "llama3" RoPE frequency scaling), Qwen2/Qwen2.5 (biases on q/k/v) and Qwen3
(per-head RMSNorm on q and k before RoPE) share one decoder: RMSNorm, rotary positions (rotate-half
convention), grouped-query attention, SwiGLU MLP. Parameter names are transformers' published ones, e.g.
model.layers.0.self_attn.q_proj.weight ([out, in], as torch.nn.Linear stores them).
"""
import math
from dataclasses import dataclass

import numpy as np

# family -> (model_type values accepted, q/k/v biases always on (else: config "attention_bias"), q/k norms)
FAMILIES = {
    "llama": ({"llama"}, False, False),
    "qwen2": ({"qwen2"}, True, False),
    "qwen3": ({"qwen3"}, False, True),
}


@dataclass
class DecoderSpec:
    family: str
    vocab_size: int
    hidden_size: int
    num_layers: int
    num_heads: int
    num_kv_heads: int
    head_dim: int
    intermediate_size: int
    rms_norm_eps: float
    qkv_bias: bool
    o_bias: bool
    mlp_bias: bool
    qk_norm: bool
    tie_word_embeddings: bool
    inv_freq: np.ndarray  # [head_dim / 2] float32, RoPE scaling applied

    @property
    def kv_groups(self) -> int:
        return self.num_heads // self.num_kv_heads


def rope_inv_freq(config: dict, head_dim: int) -> np.ndarray:
    theta = float(config.get("rope_theta", 10000.0))
    inv = 1.0 / theta ** (np.arange(0, head_dim, 2, dtype=np.float64) / head_dim)
    scaling = config.get("rope_scaling") or {}
    kind = scaling.get("rope_type", scaling.get("type", "default"))
    if kind == "default":
        return inv.astype(np.float32)
    if kind == "linear":
        return (inv / scaling["factor"]).astype(np.float32)
    if kind == "llama3":  # Llama 3.1+: long wavelengths slowed by `factor`, a smooth blend in between
        factor, low, high = scaling["factor"], scaling["low_freq_factor"], scaling["high_freq_factor"]
        old_context = scaling["original_max_position_embeddings"]
        wavelen = 2 * math.pi / inv
        scaled = np.where(wavelen > old_context / low, inv / factor, inv)
        smooth = (old_context / wavelen - low) / (high - low)
        blended = (1 - smooth) * scaled / factor + smooth * scaled
        medium = (wavelen >= old_context / high) & (wavelen <= old_context / low)
        return np.where(medium, blended, scaled).astype(np.float32)
    raise ValueError(f'config.json: rope_scaling type "{kind}" is not supported by this exporter (default, linear, llama3)')


def read_spec(family: str, config: dict) -> DecoderSpec:
    if family not in FAMILIES:
        raise ValueError(f"unknown family {family!r}: one of {', '.join(FAMILIES)}")
    model_types, qkv_bias, qk_norm = FAMILIES[family]
    if config.get("model_type") not in model_types:
        raise ValueError(f'config.json: model_type "{config.get("model_type")}" is not a {family} checkpoint '
                         f'(expected {" or ".join(sorted(model_types))})')
    if config.get("hidden_act", "silu") != "silu":
        raise ValueError(f'config.json: hidden_act "{config["hidden_act"]}" is not supported (silu only)')
    heads = config["num_attention_heads"]
    kv_heads = config.get("num_key_value_heads") or heads
    if heads % kv_heads:
        raise ValueError("config.json: num_attention_heads must be a multiple of num_key_value_heads")
    head_dim = config.get("head_dim") or config["hidden_size"] // heads
    attention_bias = bool(config.get("attention_bias", False))
    return DecoderSpec(
        family=family, vocab_size=config["vocab_size"], hidden_size=config["hidden_size"],
        num_layers=config["num_hidden_layers"], num_heads=heads, num_kv_heads=kv_heads, head_dim=head_dim,
        intermediate_size=config["intermediate_size"], rms_norm_eps=float(config["rms_norm_eps"]),
        qkv_bias=qkv_bias or attention_bias, o_bias=attention_bias and family != "qwen2",
        mlp_bias=bool(config.get("mlp_bias", False)), qk_norm=qk_norm,
        tie_word_embeddings=bool(config.get("tie_word_embeddings", False)),
        inv_freq=rope_inv_freq(config, head_dim))


def expected_shapes(spec: DecoderSpec) -> dict:
    """Every parameter the checkpoint must hold, by its published name, with its shape."""
    H, D, I = spec.hidden_size, spec.head_dim, spec.intermediate_size
    shapes = {"model.embed_tokens.weight": (spec.vocab_size, H), "model.norm.weight": (H,)}
    if not spec.tie_word_embeddings:
        shapes["lm_head.weight"] = (spec.vocab_size, H)
    for i in range(spec.num_layers):
        p = f"model.layers.{i}."
        shapes[p + "input_layernorm.weight"] = (H,)
        shapes[p + "post_attention_layernorm.weight"] = (H,)
        for name, out in (("q", spec.num_heads * D), ("k", spec.num_kv_heads * D), ("v", spec.num_kv_heads * D)):
            shapes[p + f"self_attn.{name}_proj.weight"] = (out, H)
            if spec.qkv_bias:
                shapes[p + f"self_attn.{name}_proj.bias"] = (out,)
        shapes[p + "self_attn.o_proj.weight"] = (H, spec.num_heads * D)
        if spec.o_bias:
            shapes[p + "self_attn.o_proj.bias"] = (H,)
        if spec.qk_norm:
            shapes[p + "self_attn.q_norm.weight"] = (D,)
            shapes[p + "self_attn.k_norm.weight"] = (D,)
        for name, shape in (("gate", (I, H)), ("up", (I, H)), ("down", (H, I))):
            shapes[p + f"mlp.{name}_proj.weight"] = shape
            if spec.mlp_bias:
                shapes[p + f"mlp.{name}_proj.bias"] = (shape[0],)
    return shapes


def check_shapes(expected: dict, weights: dict, family: str, tolerated=lambda name: False) -> None:
    """Refuses a checkpoint with a missing, misshaped or unexpected parameter, naming the first one. Rotary
    buffers (recomputed) and the names `tolerated` accepts are not unexpected."""
    for name, shape in expected.items():
        if name not in weights:
            raise ValueError(f"checkpoint: {name} missing")
        if tuple(weights[name].shape) != shape:
            raise ValueError(f"checkpoint: {name} has shape {tuple(weights[name].shape)}, config.json implies {shape}")
    extra = [n for n in weights if n not in expected and not n.endswith("rotary_emb.inv_freq") and not tolerated(n)]
    if extra:
        raise ValueError(f"checkpoint: unexpected parameter {extra[0]} for {family}")


def check_weights(spec: DecoderSpec, weights: dict) -> None:
    """Refuses a checkpoint with a missing, misshaped or unexpected parameter, naming the first one."""
    # Tied checkpoints sometimes still carry lm_head.weight (a copy).
    check_shapes(expected_shapes(spec), weights, spec.family, lambda name: name == "lm_head.weight")

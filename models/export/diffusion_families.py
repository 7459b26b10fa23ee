"""The published diffusion LMs the exporter knows, read from a checkpoint's config.json as published:

- LLaDA (model_type "llada", GSAI-ML/LLaDA-8B-*): OLMo-style config keys (d_model, n_heads, n_kv_heads,
  n_layers, mlp_hidden_size, embedding_size, rope_theta, weight_tying) and parameter names
  (model.transformer.wte, .blocks.N.{attn_norm,q_proj,k_proj,v_proj,attn_out,ff_norm,ff_proj,up_proj,ff_out},
  .ln_f, .ff_out = the head). A Llama block (ff_proj is the SwiGLU gate), bidirectional attention, RoPE at
  the token's index, logits aligned (row i scores position i). Mask token 126336.
- Dream (model_type "Dream", Dream-org/Dream-v0-*-7B): Qwen2.5's layout and names (q/k/v biases), attention
  not causal, positions counted over non-padding tokens; logits shifted (row i scores position i + 1, as
  Dream's generation_utils shifts them). Mask token from config "mask_token_id" (151666).
- Fast-dLLM v2 (model_type "Fast_dLLM_Qwen", Efficient-Large-Model/Fast_dLLM_v2_*): Qwen2.5's layout and names,
  "bd_size" (32) tokens per block; at inference a token sees every token of its own block and of earlier
  blocks, blocks counted from absolute index 0 (the prompt included); logits shifted (its "token shift").
  Mask token 151665 ("|<MASK>|", generate()'s default; the config has no key for it).

Each is mapped onto the shared decoder (architecture.DecoderSpec, Llama/Qwen2 parameter names), so the graph
builder and reference forward serve them all; LLaDA's names are renamed on the way (`canonical_weights`).
"""
from dataclasses import dataclass

from architecture import DecoderSpec, check_shapes, expected_shapes, read_spec, rope_inv_freq

DIFFUSION_FAMILIES = ("llada", "dream", "fast_dllm_v2")
MODEL_TYPES = {"llada": "llada", "dream": "Dream", "fast_dllm_v2": "Fast_dLLM_Qwen"}
FAST_DLLM_MASK_ID = 151665  # Fast_dLLM_QwenForCausalLM.generate(mask_id=151665)
LLADA_MASK_ID = 126336


@dataclass
class DiffusionSpec:
    family: str
    decoder: DecoderSpec  # in canonical (Llama/Qwen2) names
    attention: str  # reference.ATTENTION: "bidirectional" or "block_causal"
    block_size: int  # block_causal only
    positions: str  # plain graphs: "index" (LLaDA) or "nonpad_count" (Dream); "input" with a KV cache
    logits: str  # "aligned" (row i scores position i) or "shifted" (row i scores position i + 1)
    mask_token_id: int
    cached: bool  # the graph has the KV-cache interface (past_key_values.* / present.*)


# LLaDA's name for each canonical parameter, per block / outside the blocks.
_LLADA_BLOCK = {
    "input_layernorm.weight": "attn_norm.weight", "post_attention_layernorm.weight": "ff_norm.weight",
    "self_attn.q_proj": "q_proj", "self_attn.k_proj": "k_proj", "self_attn.v_proj": "v_proj",
    "self_attn.o_proj": "attn_out", "mlp.gate_proj": "ff_proj", "mlp.up_proj": "up_proj", "mlp.down_proj": "ff_out",
}
_LLADA_TOP = {"model.embed_tokens.weight": "model.transformer.wte.weight", "model.norm.weight": "model.transformer.ln_f.weight",
              "lm_head.weight": "model.transformer.ff_out.weight"}


def llada_name(canonical: str) -> str:
    if canonical in _LLADA_TOP:
        return _LLADA_TOP[canonical]
    _, _, layer, rest = canonical.split(".", 3)  # model.layers.N.<rest>
    for ours, theirs in _LLADA_BLOCK.items():
        if rest.startswith(ours):
            return f"model.transformer.blocks.{layer}.{theirs}{rest[len(ours):]}"
    raise KeyError(canonical)


def _refuse(config: dict, key: str, allowed, what: str):
    if config.get(key, allowed[0]) not in allowed:
        raise ValueError(f'config.json: {key} {config.get(key)!r} is not supported ({what})')


def _llada_decoder(config: dict) -> DecoderSpec:
    _refuse(config, "block_type", ("llama",), "llama blocks only")
    _refuse(config, "layer_norm_type", ("rms",), "RMSNorm only")
    _refuse(config, "activation_type", ("silu",), "SwiGLU with silu only")
    _refuse(config, "rope", (True,), "RoPE only")
    for flag in ("alibi", "attention_layer_norm", "include_bias", "bias_for_layer_norm", "input_emb_norm", "scale_logits"):
        _refuse(config, flag, (False, None), "not used by the published LLaDA")
    heads = config["n_heads"]
    kv_heads = config.get("n_kv_heads") or heads
    if heads % kv_heads:
        raise ValueError("config.json: n_heads must be a multiple of n_kv_heads")
    hidden = config["d_model"]
    head_dim = hidden // heads
    tied = bool(config.get("weight_tying", False))
    return DecoderSpec(
        family="llada", vocab_size=config.get("embedding_size") or config["vocab_size"], hidden_size=hidden,
        num_layers=config["n_layers"], num_heads=heads, num_kv_heads=kv_heads, head_dim=head_dim,
        intermediate_size=config.get("mlp_hidden_size") or config.get("mlp_ratio", 4) * hidden,
        rms_norm_eps=float(config.get("rms_norm_eps", 1e-5)), qkv_bias=bool(config.get("include_qkv_bias", False)),
        o_bias=False, mlp_bias=False, qk_norm=False, tie_word_embeddings=tied,
        inv_freq=rope_inv_freq({"rope_theta": config.get("rope_theta", 10000.0)}, head_dim))


def read_diffusion_spec(family: str, config: dict) -> DiffusionSpec:
    if family not in DIFFUSION_FAMILIES:
        raise ValueError(f"unknown diffusion family {family!r}: one of {', '.join(DIFFUSION_FAMILIES)}")
    if config.get("model_type") != MODEL_TYPES[family]:
        raise ValueError(f'config.json: model_type "{config.get("model_type")}" is not a {family} checkpoint '
                         f'(expected {MODEL_TYPES[family]})')
    if family == "llada":
        return DiffusionSpec(family, _llada_decoder(config), "bidirectional", 0, "index", "aligned",
                             int(config.get("mask_token_id", LLADA_MASK_ID)), cached=False)
    # Dream and Fast-dLLM v2 are Qwen2.5 underneath: same names, q/k/v biases, no o_proj bias.
    decoder = read_spec("qwen2", {**config, "model_type": "qwen2"})
    decoder.family = family
    if family == "dream":
        if "mask_token_id" not in config:
            raise ValueError("config.json: Dream needs mask_token_id")
        return DiffusionSpec(family, decoder, "bidirectional", 0, "nonpad_count", "shifted", int(config["mask_token_id"]),
                             cached=False)
    block_size = int(config.get("bd_size", 32))
    return DiffusionSpec(family, decoder, "block_causal", block_size, "input", "shifted", FAST_DLLM_MASK_ID, cached=True)


def published_shapes(spec: DiffusionSpec) -> dict:
    """Every parameter the published checkpoint holds, by its published name, with its shape."""
    shapes = expected_shapes(spec.decoder)
    if spec.family != "llada":
        return shapes
    return {llada_name(name): shape for name, shape in shapes.items()}


def check_published_weights(spec: DiffusionSpec, weights: dict) -> None:
    # A tied checkpoint may still carry its output projection (a copy), under either family's name.
    tied_copy = {"lm_head.weight", "model.transformer.ff_out.weight"} if spec.decoder.tie_word_embeddings else set()
    check_shapes(published_shapes(spec), weights, spec.family, lambda name: name in tied_copy)


def canonical_weights(spec: DiffusionSpec, weights: dict) -> dict:
    """The checkpoint's tensors under the shared decoder's names (LLaDA renamed; the others as they are)."""
    if spec.family != "llada":
        return weights
    return {name: weights[llada_name(name)] for name in expected_shapes(spec.decoder)}

"""The decoder's forward in plain PyTorch (float32), straight from the published parameter names: the
reference every exported graph is checked against. Mirrors transformers' eager Llama/Qwen2/Qwen3 attention:
RMSNorm in float32, RoPE with the rotate-half convention, keys/values cached after RoPE, grouped heads
repeated, an additive mask that is causal over (past + new) positions and hides padded keys.

The diffusion families change only the mask (`attention`): "bidirectional" (LLaDA, Dream: every key that is
not padding) or "block_causal" (Fast-dLLM v2's eval mask: the token at absolute index q sees index k when
q // block_size >= k // block_size, so one block on a block-aligned cache sees all of it and itself).
"""
import torch

from architecture import DecoderSpec


def rms_norm(x: torch.Tensor, weight: torch.Tensor, eps: float) -> torch.Tensor:
    return weight * (x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps))


def rotate_half(x: torch.Tensor) -> torch.Tensor:
    half = x.shape[-1] // 2
    return torch.cat((-x[..., half:], x[..., :half]), dim=-1)


def linear(x, weights, name):
    y = x @ weights[name + ".weight"].T
    bias = weights.get(name + ".bias")
    return y if bias is None else y + bias


ATTENTION = ("causal", "bidirectional", "block_causal")


def allowed_keys(attention: str, past_len: int, total: int, attention_mask, block_size: int = 0):
    """[B, 1, S, T] bool: may new token i (absolute index past_len + i) attend to key j."""
    query_idx = torch.arange(past_len, total)[:, None]
    key_idx = torch.arange(total)[None]
    if attention == "causal":
        pattern = key_idx <= query_idx
    elif attention == "bidirectional":
        pattern = torch.ones(total - past_len, total, dtype=torch.bool)
    elif attention == "block_causal":
        pattern = torch.div(key_idx, block_size, rounding_mode="floor") <= torch.div(query_idx, block_size, rounding_mode="floor")
    else:
        raise ValueError(f"attention {attention!r}: one of {', '.join(ATTENTION)}")
    return pattern[None, None] & attention_mask.bool()[:, None, None]


def forward(spec: DecoderSpec, weights: dict, input_ids, attention_mask, position_ids, past=None,
            attention: str = "causal", block_size: int = 0):
    """-> (logits [B, S, V], presents [(key, value)] each [B, kv_heads, past + S, head_dim])."""
    B, S = input_ids.shape
    D = spec.head_dim
    past = past or [None] * spec.num_layers
    total = attention_mask.shape[1]
    past_len = total - S
    freqs = position_ids[..., None].float() * torch.from_numpy(spec.inv_freq)[None, None]
    emb = torch.cat((freqs, freqs), dim=-1)
    cos, sin = emb.cos()[:, None], emb.sin()[:, None]  # [B, 1, S, D]
    allowed = allowed_keys(attention, past_len, total, attention_mask, block_size)
    mask = torch.zeros(allowed.shape).masked_fill(~allowed, torch.finfo(torch.float32).min)

    h = weights["model.embed_tokens.weight"][input_ids]
    presents = []
    for i in range(spec.num_layers):
        p = f"model.layers.{i}."
        x = rms_norm(h, weights[p + "input_layernorm.weight"], spec.rms_norm_eps)
        q = linear(x, weights, p + "self_attn.q_proj").view(B, S, spec.num_heads, D)
        k = linear(x, weights, p + "self_attn.k_proj").view(B, S, spec.num_kv_heads, D)
        v = linear(x, weights, p + "self_attn.v_proj").view(B, S, spec.num_kv_heads, D)
        if spec.qk_norm:
            q = rms_norm(q, weights[p + "self_attn.q_norm.weight"], spec.rms_norm_eps)
            k = rms_norm(k, weights[p + "self_attn.k_norm.weight"], spec.rms_norm_eps)
        q, k, v = q.transpose(1, 2), k.transpose(1, 2), v.transpose(1, 2)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        if past[i] is not None:
            k = torch.cat((past[i][0], k), dim=2)
            v = torch.cat((past[i][1], v), dim=2)
        presents.append((k, v))
        k_rep = k.repeat_interleave(spec.kv_groups, dim=1)
        v_rep = v.repeat_interleave(spec.kv_groups, dim=1)
        scores = (q @ k_rep.transpose(2, 3)) / D ** 0.5 + mask
        attn = torch.softmax(scores, dim=-1) @ v_rep
        h = h + linear(attn.transpose(1, 2).reshape(B, S, spec.num_heads * D), weights, p + "self_attn.o_proj")
        x = rms_norm(h, weights[p + "post_attention_layernorm.weight"], spec.rms_norm_eps)
        gate = linear(x, weights, p + "mlp.gate_proj")
        h = h + linear(torch.nn.functional.silu(gate) * linear(x, weights, p + "mlp.up_proj"), weights, p + "mlp.down_proj")
    h = rms_norm(h, weights["model.norm.weight"], spec.rms_norm_eps)
    head = weights["model.embed_tokens.weight"] if spec.tie_word_embeddings else weights["lm_head.weight"]
    return h @ head.T, presents

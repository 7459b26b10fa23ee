"""The diffusion families' forwards in plain PyTorch (float32), as their published modeling files run them:
the reference their exported graphs and the sampler transcriptions (diffusion_samplers.py) use.

- LLaDA (modeling_llada.py, LLaDALlamaBlock), written here in LLaDA's own parameter names: RMSNorm, q/k/v,
  RoPE at positions 0..T-1 (the token's index), attention over every key, attn_out; ff_norm, silu(ff_proj) *
  up_proj, ff_out; ln_f, then transformer.ff_out (or wte when weight_tying). The published forward ignores
  attention_mask; here padded keys are hidden, which is the same whenever the mask is all ones.
- Dream (modeling_dream.py): the Qwen2 decoder with a non-causal mask; positions are Dream's tok_idx:
  cumsum(attention_mask) - 1, padded positions 1 (0..T-1 when nothing is padded).
- Fast-dLLM v2 (Fast_dLLM_QwenModel at inference): the Qwen2 decoder with its eval_mask (block-causal by
  absolute index, blocks of bd_size) on top of a KV cache, positions = absolute indices.
Logits come back as the model returns them (no shift); the samplers apply each family's convention.
"""
import json
import os

import numpy as np
import torch

import reference
from diffusion_families import DiffusionSpec, canonical_weights, check_published_weights, read_diffusion_spec
from reference import linear, rms_norm, rotate_half
from safetensors_io import read_checkpoint


def llada_forward(spec: DiffusionSpec, weights: dict, input_ids, attention_mask):
    """weights by LLaDA's published names -> logits [B, T, embedding_size]."""
    d = spec.decoder
    B, T = input_ids.shape
    D = d.head_dim
    freqs = torch.arange(T, dtype=torch.float32)[:, None] * torch.from_numpy(d.inv_freq)[None]
    emb = torch.cat((freqs, freqs), dim=-1)
    cos, sin = emb.cos()[None, None], emb.sin()[None, None]  # [1, 1, T, D]
    hidden = ~attention_mask.bool()[:, None, None, :]
    mask = torch.zeros(hidden.shape).masked_fill(hidden, torch.finfo(torch.float32).min)
    x = weights["model.transformer.wte.weight"][input_ids]
    for i in range(d.num_layers):
        p = f"model.transformer.blocks.{i}."
        h = rms_norm(x, weights[p + "attn_norm.weight"], d.rms_norm_eps)
        q = linear(h, weights, p + "q_proj").view(B, T, d.num_heads, D).transpose(1, 2)
        k = linear(h, weights, p + "k_proj").view(B, T, d.num_kv_heads, D).transpose(1, 2)
        v = linear(h, weights, p + "v_proj").view(B, T, d.num_kv_heads, D).transpose(1, 2)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        k = k.repeat_interleave(d.kv_groups, dim=1)
        v = v.repeat_interleave(d.kv_groups, dim=1)
        att = torch.softmax(q @ k.transpose(2, 3) / D ** 0.5 + mask, dim=-1) @ v
        x = x + linear(att.transpose(1, 2).reshape(B, T, d.num_heads * D), weights, p + "attn_out")
        h = rms_norm(x, weights[p + "ff_norm.weight"], d.rms_norm_eps)
        gate = linear(h, weights, p + "ff_proj")
        x = x + linear(torch.nn.functional.silu(gate) * linear(h, weights, p + "up_proj"), weights, p + "ff_out")
    x = rms_norm(x, weights["model.transformer.ln_f.weight"], d.rms_norm_eps)
    head = weights["model.transformer.wte.weight" if d.tie_word_embeddings else "model.transformer.ff_out.weight"]
    return x @ head.T


def dream_positions(attention_mask):
    """Dream's tok_idx: each token's count of non-padding tokens before it; padding gets 1."""
    positions = attention_mask.long().cumsum(-1) - 1
    return positions.masked_fill(attention_mask == 0, 1)


def dream_forward(spec: DiffusionSpec, weights: dict, input_ids, attention_mask):
    """weights by Dream's (Qwen2) names -> logits [B, T, V], unshifted."""
    logits, _ = reference.forward(spec.decoder, weights, input_ids, attention_mask, dream_positions(attention_mask),
                                  attention="bidirectional")
    return logits


def fast_dllm_forward(spec: DiffusionSpec, weights: dict, input_ids, past=None):
    """One call of Fast_dLLM_QwenModel at inference: input_ids at absolute indices past..past+S-1 on the cache
    `past` ([(key, value)], keys after RoPE) -> (logits [B, S, V] unshifted, presents = past + these tokens)."""
    B, S = input_ids.shape
    past_len = 0 if past is None else past[0][0].shape[2]
    attention_mask = torch.ones(B, past_len + S, dtype=torch.long)
    positions = torch.arange(past_len, past_len + S)[None].expand(B, S)
    return reference.forward(spec.decoder, weights, input_ids, attention_mask, positions, past,
                             attention="block_causal", block_size=spec.block_size)


def plain_forward(spec: DiffusionSpec, published: dict, canonical: dict, input_ids, attention_mask):
    """The whole-canvas forward of LLaDA or Dream (what their exported graphs compute)."""
    if spec.family == "llada":
        return llada_forward(spec, published, input_ids, attention_mask)
    return dream_forward(spec, canonical, input_ids, attention_mask)


def load(checkpoint: str, family: str = None):
    """(spec, published weights, canonical weights) of a checkpoint folder, float32 torch tensors; the family
    is found from config.json's model_type when not given."""
    with open(os.path.join(checkpoint, "config.json")) as f:
        config = json.load(f)
    if family is None:
        by_type = {"llada": "llada", "Dream": "dream", "Fast_dLLM_Qwen": "fast_dllm_v2"}
        if config.get("model_type") not in by_type:
            raise ValueError(f'config.json: model_type "{config.get("model_type")}" is not LLaDA, Dream or Fast-dLLM v2')
        family = by_type[config["model_type"]]
    spec = read_diffusion_spec(family, config)
    arrays = read_checkpoint(checkpoint)
    check_published_weights(spec, arrays)
    published = {k: torch.from_numpy(np.ascontiguousarray(v, dtype=np.float32)) for k, v in arrays.items()}
    return spec, published, canonical_weights(spec, published), arrays

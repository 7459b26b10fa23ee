"""Parity cases for the diffusion graphs, in export.py's form (name, feeds, expected logits, expected presents,
real positions), each expected output from the family's published forward (diffusion_reference.py):

- LLaDA / Dream (plain graph): a canvas of prompt tokens and <mask> tokens, once alone and once in a batch
  of two where the second row is left-padded (Dream's positions then count non-padding tokens only).
- Fast-dLLM v2 (KV-cache graph): a block-aligned prompt of two blocks (block-causal inside one call), one
  block of prompt tail + <mask> tokens on that cache (the denoising step: all visible), and a prompt that
  ends inside a block (a partial last block, no cache).
- LLaDA / Dream's optional second graph, onnx/model_cached.onnx (the KV-cache interface on the bidirectional
  network, for Fast-dLLM's prefix and dual caches): the whole canvas with no past (logits as the published
  forward's, keys/values after RoPE), then a window of it whose past is every other position's keys/values,
  which must score the window exactly as the whole-canvas forward did.
"""
import numpy as np
import torch

import diffusion_reference as dref
import reference
from onnx_graph import DTYPES


def _canvas(spec, gen, batch, length, masked):
    ids = torch.randint(0, spec.decoder.vocab_size, (batch, length), generator=gen)
    ids[:, length - masked:] = spec.mask_token_id
    return ids


def plain_cases(spec, published, canonical, dtype, gen):
    with torch.no_grad():
        ids = _canvas(spec, gen, 1, 12, 8)
        attn = torch.ones_like(ids)
        yield "canvas", {"input_ids": ids, "attention_mask": attn}, \
            dref.plain_forward(spec, published, canonical, ids, attn), [], attn
        ids = _canvas(spec, gen, 2, 10, 6)
        attn = torch.ones_like(ids)
        attn[1, :3] = 0
        yield "padded", {"input_ids": ids, "attention_mask": attn}, \
            dref.plain_forward(spec, published, canonical, ids, attn), [], attn


def cached_cases(spec, published, canonical, dtype, gen):
    np_dtype = DTYPES[dtype][0]
    d, bs = spec.decoder, spec.block_size

    def feeds_for(ids, past):
        B, S = ids.shape
        past_len = 0 if past is None else past[0][0].shape[2]
        feeds = {"input_ids": ids, "attention_mask": torch.ones(B, past_len + S, dtype=torch.long),
                 "position_ids": torch.arange(past_len, past_len + S)[None].expand(B, S).contiguous()}
        for i in range(d.num_layers):
            for j, kind in enumerate(("key", "value")):
                feeds[f"past_key_values.{i}.{kind}"] = (np.zeros((B, d.num_kv_heads, 0, d.head_dim), dtype=np_dtype)
                                                        if past is None else past[i][j])
        return feeds

    with torch.no_grad():
        prompt = torch.randint(0, d.vocab_size, (2, 2 * bs), generator=gen)
        logits, presents = dref.fast_dllm_forward(spec, canonical, prompt)
        yield "prefill", feeds_for(prompt, None), logits, presents, torch.ones(2, 2 * bs, dtype=torch.long)
        # The step reads the reference cache rounded to the graph's dtype, as the graph's own would be.
        past = [(k.numpy().astype(np_dtype), v.numpy().astype(np_dtype)) for k, v in presents]
        past_t = [(torch.from_numpy(k.astype(np.float32)), torch.from_numpy(v.astype(np.float32))) for k, v in past]
        block = _canvas(spec, gen, 2, bs, bs - 3)
        logits, presents = dref.fast_dllm_forward(spec, canonical, block, past_t)
        yield "block", feeds_for(block, past), logits, presents, torch.ones(2, bs, dtype=torch.long)
        partial = torch.randint(0, d.vocab_size, (1, bs + 5), generator=gen)
        logits, presents = dref.fast_dllm_forward(spec, canonical, partial)
        yield "partial", feeds_for(partial, None), logits, presents, torch.ones(1, bs + 5, dtype=torch.long)


def window_cases(spec, published, canonical, dtype, gen):
    np_dtype = DTYPES[dtype][0]
    d = spec.decoder
    with torch.no_grad():
        ids = _canvas(spec, gen, 1, 12, 8)
        ones = torch.ones_like(ids)
        positions = torch.arange(12)[None]
        want = dref.plain_forward(spec, published, canonical, ids, ones)
        _, presents = reference.forward(d, canonical, ids, ones, positions, attention="bidirectional")
        feeds = {"input_ids": ids, "attention_mask": ones, "position_ids": positions}
        for i in range(d.num_layers):
            for kind in ("key", "value"):
                feeds[f"past_key_values.{i}.{kind}"] = np.zeros((1, d.num_kv_heads, 0, d.head_dim), dtype=np_dtype)
        yield "refresh", feeds, want, presents, ones
        lo, hi = 4, 8  # the window; the rest comes from the cache, rounded to the graph's dtype
        outside = [(torch.cat((k[:, :, :lo], k[:, :, hi:]), 2), torch.cat((v[:, :, :lo], v[:, :, hi:]), 2)) for k, v in presents]
        past = [(k.numpy().astype(np_dtype), v.numpy().astype(np_dtype)) for k, v in outside]
        feeds = {"input_ids": ids[:, lo:hi], "attention_mask": torch.ones(1, 12, dtype=torch.long),
                 "position_ids": positions[:, lo:hi]}
        for i, (k, v) in enumerate(past):
            feeds[f"past_key_values.{i}.key"], feeds[f"past_key_values.{i}.value"] = k, v
        expected = [(torch.cat((ko, k[:, :, lo:hi]), 2), torch.cat((vo, v[:, :, lo:hi]), 2))
                    for (ko, vo), (k, v) in zip(outside, presents)]
        yield "window", feeds, want[:, lo:hi], expected, torch.ones(1, hi - lo, dtype=torch.long)


def cases(spec, published, canonical, dtype, gen, cached_graph=False):
    if cached_graph:
        return list(window_cases(spec, published, canonical, dtype, gen))
    return list((cached_cases if spec.cached else plain_cases)(spec, published, canonical, dtype, gen))

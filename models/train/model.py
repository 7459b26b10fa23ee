"""LLaMA-style decoder used by every kind; `causal` is the only switch between AR and diffusion.

Block diffusion (BD3-LM) uses the bidirectional network (`causal=False`) with `block_size` > 0: its training and
whole-canvas forwards pass an explicit `allowed` mask built here (block-causal, see `block_causal_allowed` and
`block_diffusion_allowed`); with a KV cache one block at a time needs no mask beyond the bidirectional one.

No I/O here. Shapes and conventions follow HF Llama (rotate-half RoPE, K/V cached after RoPE, cache as
[batch, kv_heads, length, head_dim]) so the ONNX export reads like an optimum export to transformers.js.
"""
from dataclasses import dataclass, asdict

import torch
import torch.nn as nn
import torch.nn.functional as F

# How a diffusion model's logits line up with the canvas. "aligned" (LLaDA, MDLM): the output at position i
# predicts token i. "shifted" (Dream, DiffuLLaMA: adapted from an AR model, whose head is kept): the output at
# position i-1 predicts token i. Declared in config.json as "diffusion_logits".
LOGIT_CONVENTIONS = ("aligned", "shifted")

# Added to the scores of keys a query may not see. Finite, so a fully masked row (a padding query) gives a
# near-uniform softmax rather than NaN, in PyTorch and in onnxruntime alike; exp() of it is exactly 0.
MASKED_SCORE = -1e9


@dataclass
class ModelConfig:
    vocab_size: int = 100
    hidden_size: int = 128
    num_hidden_layers: int = 4
    num_attention_heads: int = 4
    num_key_value_heads: int = 4
    head_dim: int = 32
    intermediate_size: int = 384
    max_position_embeddings: int = 1024
    rms_norm_eps: float = 1e-5
    rope_theta: float = 10000.0
    causal: bool = True
    diffusion_logits: str = "aligned"  # one of LOGIT_CONVENTIONS; only diffusion models read it
    block_size: int = 0  # block diffusion: answer positions per block (0 = not a block model)

    def to_dict(self) -> dict:
        return asdict(self)


def align_logits(logits, convention: str):
    """Logits [B, T, V] re-indexed so that row i predicts token i. Dream's rule for "shifted":
    [logits[:, :1], logits[:, :-1]]; position 0 (always prompt) keeps its own row."""
    if convention == "aligned":
        return logits
    if convention == "shifted":
        return torch.cat((logits[:, :1], logits[:, :-1]), dim=1)
    raise ValueError(f"diffusion_logits must be one of {LOGIT_CONVENTIONS}, got {convention!r}")


def block_ids(prompt_len: int, length: int, block_size: int):
    """Block index of each canvas position [length]: -1 for the prompt (one clean block that every block sees),
    j for answer block j = positions [prompt_len + j*B, prompt_len + (j+1)*B)."""
    idx = torch.arange(length)
    return torch.where(idx < prompt_len, torch.full_like(idx, -1),
                       torch.div(idx - prompt_len, block_size, rounding_mode="floor"))


def block_causal_allowed(prompt_len: int, length: int, block_size: int):
    """[length, length] bool, query row i may see key j: every position sees all positions of its own block and
    of earlier blocks (bidirectional inside a block, the prompt included; causal across blocks)."""
    b = block_ids(prompt_len, length, block_size)
    return b[None, :] <= b[:, None]


def block_diffusion_allowed(prompt_len: int, length: int, block_size: int):
    """BD3-LM's vectorised training mask over x_0 (the clean canvas, `length`) followed by x_t (a noisy copy of
    the answer region only, `length - prompt_len` positions, a whole number of blocks):
      clean -> clean: block-causal; clean -> noisy: never;
      noisy block j -> clean: the prompt and clean blocks < j; noisy -> noisy: its own block (bidirectional).
    So each noisy block sees exactly what it sees at inference (cache of finished blocks + itself)."""
    b = block_ids(prompt_len, length, block_size)
    nb = b[prompt_len:]
    clean_row = torch.cat((b[None, :] <= b[:, None], torch.zeros(length, len(nb), dtype=torch.bool)), 1)
    noisy_row = torch.cat((b[None, :] < nb[:, None], nb[None, :] == nb[:, None]), 1)
    return torch.cat((clean_row, noisy_row), 0)


class RMSNorm(nn.Module):
    def __init__(self, dim: int, eps: float):
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(dim))

    def forward(self, x):
        return self.weight * (x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps))


def rotate_half(x, half: int):
    # `half` is passed in, not read from x.shape: a traced shape read becomes Shape/Gather/Div nodes in ONNX.
    # (A MatMul by a signed permutation instead of Split/Neg/Concat was tried: no faster per AR step.)
    return torch.cat((-x[..., half:], x[..., :half]), dim=-1)


class _ReshapeKeepingBatchAndLength(torch.autograd.Function):
    """x [B, T, ...] -> [B, T, *tail]. Exported as one Reshape to (0, 0, *tail[:-1], -1) (0 = keep that input dim),
    where a traced view(B, T, ...) on dynamic axes builds a Shape/Gather/Unsqueeze/Concat chain for its target
    shape: ~20 extra nodes per layer, each a few microseconds of every AR step. Same values either way."""

    @staticmethod
    def forward(ctx, x, tail):
        return x.reshape(x.shape[0], x.shape[1], *tail)

    @staticmethod
    def symbolic(g, x, tail):
        # The last dim as -1 (it follows from the others): torch's ONNX shape inference asserts on 0s without one.
        return g.op("Reshape", x, g.op("Constant", value_t=torch.tensor([0, 0, *tail[:-1], -1], dtype=torch.int64)))


def reshape_keeping_batch_and_length(x, *tail: int):
    if torch.onnx.is_in_onnx_export():
        return _ReshapeKeepingBatchAndLength.apply(x, tail)
    return x.reshape(x.shape[0], x.shape[1], *tail)


class Rotary(nn.Module):
    """cos/sin from position ids, computed on the fly so any position (and ONNX dynamic shapes) works."""

    def __init__(self, head_dim: int, theta: float):
        super().__init__()
        inv_freq = 1.0 / (theta ** (torch.arange(0, head_dim, 2, dtype=torch.float32) / head_dim))
        self.register_buffer("inv_freq", inv_freq, persistent=False)

    def forward(self, position_ids):
        freqs = position_ids.to(torch.float32)[..., None] * self.inv_freq  # [B, T, hd/2]
        emb = torch.cat((freqs, freqs), dim=-1)
        return emb.cos()[:, None], emb.sin()[:, None]  # [B, 1, T, hd] broadcast over heads


class Attention(nn.Module):
    def __init__(self, cfg: ModelConfig):
        super().__init__()
        self.n_heads, self.n_kv, self.hd = cfg.num_attention_heads, cfg.num_key_value_heads, cfg.head_dim
        self.q_proj = nn.Linear(cfg.hidden_size, self.n_heads * self.hd, bias=False)
        self.k_proj = nn.Linear(cfg.hidden_size, self.n_kv * self.hd, bias=False)
        self.v_proj = nn.Linear(cfg.hidden_size, self.n_kv * self.hd, bias=False)
        self.o_proj = nn.Linear(self.n_heads * self.hd, cfg.hidden_size, bias=False)

    def forward(self, x, cos, sin, bias, past=None):
        q = reshape_keeping_batch_and_length(self.q_proj(x), self.n_heads, self.hd).transpose(1, 2)
        k = reshape_keeping_batch_and_length(self.k_proj(x), self.n_kv, self.hd).transpose(1, 2)
        v = reshape_keeping_batch_and_length(self.v_proj(x), self.n_kv, self.hd).transpose(1, 2)
        half = self.hd // 2
        q = (q * cos + rotate_half(q, half) * sin) * (self.hd ** -0.5)  # scale q, not the T x T scores
        k = k * cos + rotate_half(k, half) * sin
        if past is not None:
            k = torch.cat((past[0], k), dim=2)
            v = torch.cat((past[1], v), dim=2)
        present = (k, v)
        if self.n_kv != self.n_heads:  # grouped-query attention: share each K/V head across a group
            rep = self.n_heads // self.n_kv
            k, v = k.repeat_interleave(rep, dim=1), v.repeat_interleave(rep, dim=1)
        scores = q @ k.transpose(-2, -1)
        if bias is not None:
            scores = scores + bias
        y = F.softmax(scores, dim=-1) @ v
        y = reshape_keeping_batch_and_length(y.transpose(1, 2), self.n_heads * self.hd)
        return self.o_proj(y), present


class MLP(nn.Module):
    def __init__(self, cfg: ModelConfig):
        super().__init__()
        self.gate_proj = nn.Linear(cfg.hidden_size, cfg.intermediate_size, bias=False)
        self.up_proj = nn.Linear(cfg.hidden_size, cfg.intermediate_size, bias=False)
        self.down_proj = nn.Linear(cfg.intermediate_size, cfg.hidden_size, bias=False)

    def forward(self, x):
        return self.down_proj(F.silu(self.gate_proj(x)) * self.up_proj(x))


class Block(nn.Module):
    def __init__(self, cfg: ModelConfig):
        super().__init__()
        self.input_layernorm = RMSNorm(cfg.hidden_size, cfg.rms_norm_eps)
        self.self_attn = Attention(cfg)
        self.post_attention_layernorm = RMSNorm(cfg.hidden_size, cfg.rms_norm_eps)
        self.mlp = MLP(cfg)

    def forward(self, x, cos, sin, bias, past=None):
        a, present = self.self_attn(self.input_layernorm(x), cos, sin, bias, past)
        x = x + a
        x = x + self.mlp(self.post_attention_layernorm(x))
        return x, present


class TinyLlama(nn.Module):
    def __init__(self, cfg: ModelConfig):
        super().__init__()
        self.cfg = cfg
        self.embed_tokens = nn.Embedding(cfg.vocab_size, cfg.hidden_size)
        self.layers = nn.ModuleList(Block(cfg) for _ in range(cfg.num_hidden_layers))
        self.norm = RMSNorm(cfg.hidden_size, cfg.rms_norm_eps)
        self.lm_head = nn.Linear(cfg.hidden_size, cfg.vocab_size, bias=False)
        self.rotary = Rotary(cfg.head_dim, cfg.rope_theta)
        self.apply(self._init_weights)
        # GPT-2 style: shrink the residual-branch outputs so the stack starts near identity.
        for name, p in self.named_parameters():
            if name.endswith("o_proj.weight") or name.endswith("down_proj.weight"):
                nn.init.normal_(p, mean=0.0, std=0.02 / (2 * cfg.num_hidden_layers) ** 0.5)

    @staticmethod
    def _init_weights(m):
        if isinstance(m, (nn.Linear, nn.Embedding)):
            nn.init.normal_(m.weight, mean=0.0, std=0.02)

    def num_params(self) -> int:
        return sum(p.numel() for p in self.parameters())

    def forward(self, input_ids, attention_mask=None, position_ids=None, past_key_values=None, allowed=None):
        """Returns (logits [B, T, V], presents: list of (key, value) per layer).

        attention_mask covers past + current tokens (1 = real, 0 = padding), as in HF; None means no padding
        (the AR training batches are right-padded, which causality already hides). position_ids default to
        the count of real tokens before each one, so left padding does not shift positions. allowed: an extra
        bool mask broadcastable to [B, 1, T, past + T] (query, key), e.g. block-causal; never in the ONNX graphs.
        """
        B, T = input_ids.shape
        past_len = 0 if past_key_values is None else past_key_values[0][0].shape[2]
        if position_ids is None:
            if attention_mask is None:
                position_ids = torch.arange(past_len, past_len + T, device=input_ids.device)[None].expand(B, T)
            else:
                position_ids = (attention_mask.long().cumsum(-1) - 1).clamp(min=0)[:, -T:]
        extra_allowed = allowed
        # allowed[b, 0, i, j]: query i may look at key j. Padded keys never; AR adds causality, measured on
        # storage index so it also holds with left padding and a cache. One additive bias for all layers.
        allowed = None
        if attention_mask is not None:
            allowed = attention_mask.bool()[:, None, None, :]
        if self.cfg.causal:
            # 0..past+T-1 built from a tensor's shape so ONNX keeps it dynamic
            ref = attention_mask[0] if attention_mask is not None else torch.ones(past_len + T, dtype=torch.long, device=input_ids.device)
            key_idx = torch.ones_like(ref).cumsum(0) - 1
            causal = (key_idx[None, :] <= key_idx[-T:][:, None])[None, None]
            allowed = causal if allowed is None else allowed & causal
        if extra_allowed is not None:
            extra_allowed = extra_allowed.to(input_ids.device)
            allowed = extra_allowed if allowed is None else allowed & extra_allowed
        bias = None
        if allowed is not None:
            bias = torch.zeros(allowed.shape, dtype=torch.float32, device=input_ids.device).masked_fill(~allowed, MASKED_SCORE)
        cos, sin = self.rotary(position_ids)
        x = self.embed_tokens(input_ids)
        presents = []
        for i, layer in enumerate(self.layers):
            x, present = layer(x, cos, sin, bias, None if past_key_values is None else past_key_values[i])
            presents.append(present)
        return self.lm_head(self.norm(x)), presents

"""Temperature-0 decoding in PyTorch, with the rules the TypeScript engines use through ONNX.

AR: greedy with a KV cache, stop at <eos> or max_new_tokens.
Diffusion: LLaDA `generate()` with low-confidence remasking; canvas = prompt + L <mask>, L/steps per step.
Batches are left-padded; the model ignores padded keys and counts positions from the first real token,
so padding does not change any item's result.
"""
import torch

from model import align_logits
from tokenizer import PAD_ID, EOS_ID, MASK_ID


def _left_pad(prompts, extra: int = 0, fill: int = PAD_ID):
    T = max(len(p) for p in prompts)
    ids = torch.full((len(prompts), T + extra), fill, dtype=torch.long)
    attn = torch.zeros((len(prompts), T + extra), dtype=torch.long)
    for b, p in enumerate(prompts):
        ids[b, T - len(p):T] = torch.tensor(p)
        attn[b, T - len(p):] = 1
    return ids, attn, T


def _until_eos(tokens):
    out = []
    for t in tokens:
        if t == EOS_ID:
            break
        out.append(t)
    return out


@torch.no_grad()
def ar_generate(model, prompts: list[list[int]], max_new_tokens: int, min_new_tokens: int = 0) -> list[list[int]]:
    """Greedy decoding of a batch of prompts; returns the new tokens of each, without the <eos>.
    <eos> is never chosen before min_new_tokens (exact-length timing)."""
    device = next(model.parameters()).device
    ids, attn, _ = _left_pad(prompts)
    ids, attn = ids.to(device), attn.to(device)
    logits, past = model(ids, attn)
    done = torch.zeros(len(prompts), dtype=torch.bool, device=device)
    out = []
    for step in range(max_new_tokens):
        last = logits[:, -1]
        if step < min_new_tokens:
            last = last.clone()
            last[:, EOS_ID] = float("-inf")
        nxt = last.argmax(-1)
        nxt = torch.where(done, torch.full_like(nxt, EOS_ID), nxt)
        out.append(nxt)
        done |= nxt == EOS_ID
        if bool(done.all()):
            break
        attn = torch.cat((attn, torch.ones((len(prompts), 1), dtype=torch.long, device=device)), dim=1)
        logits, past = model(nxt[:, None], attn, past_key_values=past)
    gen = torch.stack(out, 1).tolist() if out else [[] for _ in prompts]
    return [_until_eos(g) for g in gen]


def num_transfer_tokens(n_masked: int, steps: int) -> list[int]:
    """LLaDA's get_num_transfer_tokens: split n masks evenly over steps, the remainder to the first steps."""
    base, rem = divmod(n_masked, steps)
    return [base + (1 if i < rem else 0) for i in range(steps)]


@torch.no_grad()
def diffusion_generate(model, prompts: list[list[int]], gen_length: int, steps: int | None = None,
                       block_length: int | None = None) -> list[list[int]]:
    """LLaDA generate() at temperature 0 with low-confidence remasking, for prompts sharing gen_length.

    Each step predicts argmax tokens (never <mask>) at the masked positions of the current block and commits
    the k most confident (ties go to the leftmost position); committed tokens are never re-masked. Returns the tokens
    after the prompt up to the first <eos>.
    """
    steps = gen_length if steps is None else steps
    block_length = gen_length if block_length is None else block_length
    assert gen_length % block_length == 0, "gen_length must be a multiple of block_length"
    num_blocks = gen_length // block_length
    assert steps % num_blocks == 0, "steps must be a multiple of the number of blocks"
    steps_per_block = steps // num_blocks
    device = next(model.parameters()).device
    x, attn, P = _left_pad(prompts, extra=gen_length, fill=PAD_ID)
    x[:, P:] = MASK_ID
    attn[:, P:] = 1
    x, attn = x.to(device), attn.to(device)
    B = x.shape[0]
    for blk in range(num_blocks):
        start, end = P + blk * block_length, P + (blk + 1) * block_length
        # Every item's block starts fully masked, so the schedule is the same for the whole batch.
        schedule = num_transfer_tokens(block_length, steps_per_block)
        for k in schedule:
            if k == 0:
                continue
            logits, _ = model(x, attn)
            logits = align_logits(logits, model.cfg.diffusion_logits)
            probs = torch.softmax(logits[:, start:end].double(), dim=-1)
            probs_no_mask = probs.clone()
            probs_no_mask[..., MASK_ID] = -1.0  # <mask> is never proposed (it would commit nothing)
            conf, pred = probs_no_mask.max(-1)  # confidence = the proposed token's probability
            still_masked = x[:, start:end] == MASK_ID
            conf = torch.where(still_masked, conf, torch.full_like(conf, -1.0))
            # Stable sort: among equal confidences the leftmost position wins (deterministic, easy to mirror).
            order = torch.sort(conf, dim=-1, descending=True, stable=True).indices[:, :k]
            rows = torch.arange(B, device=device)[:, None].expand_as(order)
            block = x[:, start:end]
            block[rows, order] = pred[rows, order]
            x[:, start:end] = block
    return [_until_eos(row) for row in x[:, P:].tolist()]

"""Temperature-0 decoding in PyTorch, with the rules the TypeScript engines use through ONNX.

AR: greedy with a KV cache, stop at <eos> or max_new_tokens.
Diffusion: LLaDA `generate()` with low-confidence remasking; canvas = prompt + L <mask>, L/steps per step.
Block diffusion (BD3-LM / Fast-dLLM v2 / SDAR): blocks of the model's block_size decoded one after another with
an exact KV cache of the finished ones, each in parallel with the same unmasking rules; one prompt at a time.
Batches are left-padded; the model ignores padded keys and counts positions from the first real token,
so padding does not change any item's result.
"""
import torch

from model import align_logits, block_causal_allowed
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


# ---------------------------------------------------------------------------------------------------------------
# Block diffusion. The TypeScript engine mirrors these rules token for token (parity.json's block_reference).

def select_positions_to_commit(confidences: list[float], masked: list[int], count: int | None = None,
                               threshold: float | None = None, factor: float | None = None) -> list[int]:
    """Which still-masked block positions to commit, most confident first; ties go to the leftmost position.
    count: exactly that many (LLaDA's schedule); threshold: every one above it, at least one (Fast-dLLM);
    factor: the top n while (n + 1)(1 - c_n) < factor, at least one (Fast-dLLM's factor rule).
    The same rule as lib/engines/diffusion/unmasking-policy.ts."""
    ranked = sorted(masked, key=lambda i: (-confidences[i], i))
    if count is not None:
        return ranked[:max(0, count)]
    if threshold is not None:
        confident = [i for i in ranked if confidences[i] > threshold]
        return confident or ranked[:1]
    n = 1
    while n < len(ranked) and (n + 2) * (1 - confidences[ranked[n]]) < factor:
        n += 1
    return ranked[:n]


def _propose(rows):
    """rows [B, V] (row i predicts block position i) -> (argmax token never <mask>, its softmax probability),
    in float64 like the TS engine (ties: the lowest token id)."""
    logits = rows.double()
    probs = torch.softmax(logits, dim=-1)
    logits = logits.clone()
    logits[:, MASK_ID] = float("-inf")
    pred = logits.argmax(-1)
    conf = probs.gather(-1, pred[:, None])[:, 0]
    return pred.tolist(), conf.tolist()


def _block_rule_args(block_size, steps_per_block, threshold, factor):
    if threshold is not None and factor is not None:
        raise ValueError("give either a threshold or a factor, not both")
    if threshold is None and factor is None:
        steps_per_block = block_size if steps_per_block is None else steps_per_block
        if not 1 <= steps_per_block <= block_size:
            raise ValueError(f"steps_per_block must be in [1, {block_size}], got {steps_per_block}")
        return num_transfer_tokens(block_size, steps_per_block)
    return None  # threshold / factor: step until the block has no mask left


def _fill_block(block: list[int], predict, schedule, threshold, factor) -> int:
    """Unmasks one block in place; predict(block) -> logits rows [B, V] for its positions. Returns forwards run."""
    nfe = 0
    while MASK_ID in block and (schedule is None or nfe < len(schedule)):
        pred, conf = _propose(predict(block))
        nfe += 1
        masked = [i for i, t in enumerate(block) if t == MASK_ID]
        count = schedule[nfe - 1] if schedule is not None else None
        for i in select_positions_to_commit(conf, masked, count, threshold, factor):
            block[i] = pred[i]
    return nfe


def _block_plan(model, prompt, max_new_tokens):
    B = model.cfg.block_size
    assert B > 0, "not a block-diffusion model (config block_size is 0)"
    n_blocks = -(-max_new_tokens // B)  # the cap rounded up to whole blocks
    if len(prompt) + n_blocks * B > model.cfg.max_position_embeddings:
        raise ValueError(f"prompt ({len(prompt)}) + {n_blocks} blocks of {B} exceed the context "
                         f"({model.cfg.max_position_embeddings})")
    return B, n_blocks


def _block_result(answer, max_new_tokens, nfe, blocks):
    tokens = _until_eos(answer)[:max_new_tokens]
    return {"tokens": tokens, "nfe": nfe, "blocks": blocks,
            "stop": "eos" if EOS_ID in answer[:max_new_tokens] else "max_tokens"}


@torch.no_grad()
def block_diffusion_generate(model, prompt: list[int], max_new_tokens: int, steps_per_block: int | None = None,
                             threshold: float | None = None, factor: float | None = None) -> dict:
    """The block sampler with an exact KV cache, temperature 0, shifted logits. Returns {"tokens" (up to the
    first <eos>, at most max_new_tokens), "nfe" (every forward: prefill, steps, clean block forwards), "blocks"
    (blocks decoded), "stop" ("eos" or "max_tokens")}.

    1. prefill: one forward over the prompt, no past -> cache = its K/V, carry = its last row's logits.
    2. block j (positions p + jB ..): starts as B <mask>; each step runs the block's current tokens with
       past = cache; block position 0 is predicted by carry, position i >= 1 by the step's row i-1; the
       unmasking rule commits some masked positions (committed tokens never change). When no mask is left
       and another block follows: one forward over the clean block with past = cache, its K/V appended to the
       cache, carry = its last row.
    3. stop after the block that holds an <eos> (no clean forward for it), or after ceil(cap / B) blocks;
       output = tokens before the first <eos>, trimmed to the cap.
    """
    B, n_blocks = _block_plan(model, prompt, max_new_tokens)
    schedule = _block_rule_args(B, steps_per_block, threshold, factor)
    p = len(prompt)
    logits, cache = model(torch.tensor([prompt]), position_ids=torch.arange(p)[None])
    carry, nfe, answer = logits[0, -1:], 1, []
    for j in range(n_blocks):
        pos = torch.arange(p + j * B, p + (j + 1) * B)[None]
        block = [MASK_ID] * B

        def predict(tokens):
            out, _ = model(torch.tensor([tokens]), position_ids=pos, past_key_values=cache)
            return torch.cat((carry, out[0, :-1]), 0)
        nfe += _fill_block(block, predict, schedule, threshold, factor)
        answer += block
        if EOS_ID in block or j == n_blocks - 1:
            break
        out, cache = model(torch.tensor([block]), position_ids=pos, past_key_values=cache)
        carry, nfe = out[0, -1:], nfe + 1
    return _block_result(answer, max_new_tokens, nfe, len(answer) // B)


@torch.no_grad()
def block_diffusion_generate_nocache(model, prompt: list[int], max_new_tokens: int,
                                     steps_per_block: int | None = None, threshold: float | None = None,
                                     factor: float | None = None) -> dict:
    """The same sampler without a cache: every step recomputes the whole canvas (prompt + finished blocks +
    the current one) under the block-causal mask and reads row q-1 for position q. Must give the same tokens
    as block_diffusion_generate (selftest); its nfe counts only these whole-canvas forwards."""
    B, n_blocks = _block_plan(model, prompt, max_new_tokens)
    schedule = _block_rule_args(B, steps_per_block, threshold, factor)
    p = len(prompt)
    nfe, answer = 0, []
    for j in range(n_blocks):
        block = [MASK_ID] * B
        n = p + (j + 1) * B
        allowed = block_causal_allowed(p, n, B)

        def predict(tokens):
            out, _ = model(torch.tensor([prompt + answer + tokens]), allowed=allowed)
            return out[0, n - B - 1:n - 1]
        nfe += _fill_block(block, predict, schedule, threshold, factor)
        answer += block
        if EOS_ID in block:
            break
    return _block_result(answer, max_new_tokens, nfe, len(answer) // B)

"""Training objectives: batch building + loss for the AR, the masked-diffusion and the block-diffusion model.

A batch arrives as a list of (prompt_ids, answer_ids) pairs; each kind turns it into tensors here, so
both models train on exactly the same records in the same order.
"""
import torch
import torch.nn.functional as F

from model import align_logits, block_diffusion_allowed
from tokenizer import PAD_ID, EOS_ID, MASK_ID

IGNORE = -100


def ar_batch(pairs):
    """Right-padded prompt + answer + <eos>; targets are the next token, counted on answer + <eos> only."""
    seqs = [p + a + [EOS_ID] for p, a in pairs]
    T = max(len(s) for s in seqs) - 1
    inputs = torch.full((len(seqs), T), PAD_ID, dtype=torch.long)
    targets = torch.full((len(seqs), T), IGNORE, dtype=torch.long)
    mask = torch.zeros((len(seqs), T), dtype=torch.long)
    for b, ((p, _), s) in enumerate(zip(pairs, seqs)):
        n = len(s) - 1
        inputs[b, :n] = torch.tensor(s[:-1])
        mask[b, :n] = 1
        # Position len(p)-1 (the prompt's final "\n") predicts the first answer token.
        targets[b, len(p) - 1:n] = torch.tensor(s[len(p):])
    return {"input_ids": inputs, "attention_mask": mask, "targets": targets}


def ar_loss(model, batch):
    # No attention_mask: padding is on the right, so causality already hides it from every real token.
    logits, _ = model(batch["input_ids"])
    return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), batch["targets"].reshape(-1), ignore_index=IGNORE)


def mask_rates(B: int, gen: torch.Generator, t_min: float = 1e-3, stratified: bool = False):
    """t per example in [t_min, 1], shape [B, 1]. Stratified (MDLM): one uniform draw per stratum
    [b/B, (b+1)/B), shuffled, so each batch covers the whole range and the 1/t-weighted loss varies less."""
    u = torch.rand((B, 1), generator=gen)
    if stratified:
        u = (torch.randperm(B, generator=gen)[:, None] + u) / B
    return t_min + (1 - t_min) * u


def diffusion_batch(pairs, gen: torch.Generator, t_min: float = 1e-3, stratified: bool = False):
    """prompt + answer + <eos> slack, answer+slack masked with probability t ~ U(t_min, 1) per example.

    As in LLaDA's SFT, every sequence is filled with <eos> up to one common length, so there is no padding
    (and no compute spent on it); that length is the batch's longest prompt+answer plus s <eos>, s uniform
    in 0..max(8, longest answer). So the model learns to fill any canvas at least as long as the answer with
    trailing <eos>, and an exactly-sized canvas (as in our evals) stays in distribution.
    """
    B = len(pairs)
    longest = max(len(p) + len(a) for p, a in pairs)
    s = int(torch.randint(0, max(8, max(len(a) for _, a in pairs)) + 1, (1,), generator=gen))
    T = longest + s
    clean = torch.full((B, T), EOS_ID, dtype=torch.long)
    gen_region = torch.zeros((B, T), dtype=torch.bool)  # answer + slack: the part that is ever masked
    for b, (p, a) in enumerate(pairs):
        clean[b, :len(p) + len(a)] = torch.tensor(p + a)
        gen_region[b, len(p):] = True
    t = mask_rates(B, gen, t_min, stratified)
    masked = (torch.rand((B, T), generator=gen) < t) & gen_region
    noisy = torch.where(masked, torch.full_like(clean, MASK_ID), clean)
    return {"input_ids": noisy, "attention_mask": torch.ones((B, T), dtype=torch.long), "targets": clean,
            "masked": masked, "t": t, "gen_len": gen_region.sum(1)}


def diffusion_loss(model, batch, logits_convention: str = "aligned"):
    """LLaDA SFT loss: per example sum over masked tokens of CE / t, divided by the answer+slack length.
    With "shifted" logits the prediction for token i is read from row i-1 (Dream / DiffuLLaMA)."""
    logits, _ = model(batch["input_ids"])  # no padding in these batches, so no attention_mask
    logits = align_logits(logits, logits_convention)
    masked = batch["masked"]
    ce = F.cross_entropy(logits[masked], batch["targets"][masked], reduction="none")
    weight = (1.0 / batch["t"].expand_as(masked)[masked]) / batch["gen_len"][:, None].expand_as(masked)[masked]
    return (ce * weight).sum() / masked.shape[0]


def block_diffusion_batch(pairs, gen: torch.Generator, block_size: int, t_min: float = 1e-3,
                          stratified: bool = False):
    """BD3-LM's vectorised batch: the clean canvas x_0 followed by a noisy copy x_t of its answer region.

    Prompts are left-padded to a common length P, so every example's answer region starts at P and the block
    layout (and the attention mask) is the same for the whole batch; padded keys are hidden and positions count
    from each example's first real token. The answer region is every answer filled with <eos> to one common
    length A = the longest answer + 1 rounded up to a multiple of block_size, so each example has at least one
    <eos> and the model learns to end inside a block and fill the rest of it with <eos>. Each (example, block)
    gets its own rate t ~ U(t_min, 1) (stratified over all of them when set); a block's tokens are masked with
    probability t. The noisy copy reuses the clean positions' position ids.
    """
    Bt = len(pairs)
    P = max(len(p) for p, _ in pairs)
    A = -(-(max(len(a) for _, a in pairs) + 1) // block_size) * block_size
    n_blocks, L = A // block_size, P + A
    clean = torch.full((Bt, L), EOS_ID, dtype=torch.long)
    attn = torch.ones((Bt, L), dtype=torch.long)
    for b, (p, a) in enumerate(pairs):
        clean[b, :P - len(p)] = PAD_ID
        attn[b, :P - len(p)] = 0
        clean[b, P - len(p):P + len(a)] = torch.tensor(p + a)
    pos = (attn.cumsum(-1) - 1).clamp(min=0)
    t = mask_rates(Bt * n_blocks, gen, t_min, stratified).view(Bt, n_blocks)
    t_tok = t.repeat_interleave(block_size, dim=1)  # [Bt, A]: each answer position's block rate
    masked = torch.rand((Bt, A), generator=gen) < t_tok
    noisy = torch.where(masked, torch.full_like(masked, MASK_ID, dtype=torch.long), clean[:, P:])
    return {"input_ids": torch.cat((clean, noisy), 1), "position_ids": torch.cat((pos, pos[:, P:]), 1),
            "attention_mask": attn, "key_mask": torch.cat((attn, torch.ones((Bt, A), dtype=torch.long)), 1),
            "allowed": block_diffusion_allowed(P, L, block_size), "prompt_len": P, "block_size": block_size,
            "targets": clean[:, P:], "masked": masked, "t": t_tok}


def block_prediction_rows(prompt_len: int, answer_len: int, block_size: int) -> torch.Tensor:
    """Row of the vectorised sequence (x_0 of length prompt_len + answer_len, then x_t) whose shifted logits
    predict each answer position k: the noisy row of k-1 inside a block; for the first position of a block,
    the clean stream's last row before it (the previous block's last token, or the prompt's last token)."""
    k = torch.arange(answer_len)
    L = prompt_len + answer_len
    return torch.where(k % block_size == 0, prompt_len + k - 1, L + k - 1)


def block_diffusion_forward(model, batch):
    """Logits [Bt, P + 2A, V] of the whole vectorised sequence (clean rows first, then noisy rows)."""
    logits, _ = model(batch["input_ids"], batch["key_mask"], batch["position_ids"], allowed=batch["allowed"])
    return logits


def block_diffusion_loss(model, batch):
    """MDLM/LLaDA loss per block: sum over masked answer positions of CE / t_block, divided by the answer region
    length, averaged over the batch. Shifted logits only (the model keeps the AR head)."""
    logits = block_diffusion_forward(model, batch)
    masked, targets = batch["masked"], batch["targets"]
    rows = block_prediction_rows(batch["prompt_len"], targets.shape[1], batch["block_size"])
    pred = logits[:, rows]  # [Bt, A, V]
    ce = F.cross_entropy(pred[masked], targets[masked], reduction="none")
    weight = 1.0 / batch["t"][masked] / targets.shape[1]
    return (ce * weight).sum() / masked.shape[0]

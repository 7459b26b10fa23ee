"""Training objectives: batch building + loss for the AR and the masked-diffusion model.

A batch arrives as a list of (prompt_ids, answer_ids) pairs; each kind turns it into tensors here, so
both models train on exactly the same records in the same order.
"""
import torch
import torch.nn.functional as F

from model import align_logits
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

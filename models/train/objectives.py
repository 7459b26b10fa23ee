"""Training objectives: batch building + loss for the AR and the masked-diffusion model.

A batch arrives as a list of (prompt_ids, answer_ids) pairs; each kind turns it into tensors here, so
both models train on exactly the same records in the same order.
"""
import torch
import torch.nn.functional as F

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
    logits, _ = model(batch["input_ids"], batch["attention_mask"])
    return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), batch["targets"].reshape(-1), ignore_index=IGNORE)


def diffusion_batch(pairs, gen: torch.Generator, eps: float = 1e-3):
    """prompt + answer + <eos> x slack, answer+slack masked with probability t ~ U(eps, 1) per example.

    Slack is uniform in 0..max(8, len(answer)): the model learns to fill any canvas at least as long as the
    answer with trailing <eos> (and slack 0 keeps an exactly-sized canvas in distribution, as in our evals).
    """
    B = len(pairs)
    slack = [int(torch.randint(0, max(8, len(a)) + 1, (1,), generator=gen)) for _, a in pairs]
    seqs = [p + a + [EOS_ID] * s for (p, a), s in zip(pairs, slack)]
    T = max(len(s) for s in seqs)
    clean = torch.full((B, T), PAD_ID, dtype=torch.long)
    attn = torch.zeros((B, T), dtype=torch.long)
    gen_region = torch.zeros((B, T), dtype=torch.bool)  # answer + slack: the part that is ever masked
    for b, ((p, _), s) in enumerate(zip(pairs, seqs)):
        clean[b, :len(s)] = torch.tensor(s)
        attn[b, :len(s)] = 1
        gen_region[b, len(p):len(s)] = True
    t = eps + (1 - eps) * torch.rand((B, 1), generator=gen)
    masked = (torch.rand((B, T), generator=gen) < t) & gen_region
    noisy = torch.where(masked, torch.full_like(clean, MASK_ID), clean)
    return {"input_ids": noisy, "attention_mask": attn, "targets": clean, "masked": masked, "t": t,
            "gen_len": gen_region.sum(1)}


def diffusion_loss(model, batch):
    """LLaDA SFT loss: per example sum over masked tokens of CE / t, divided by the answer+slack length."""
    logits, _ = model(batch["input_ids"], batch["attention_mask"])
    masked = batch["masked"]
    ce = F.cross_entropy(logits[masked], batch["targets"][masked], reduction="none")
    weight = (1.0 / batch["t"].expand_as(masked)[masked]) / batch["gen_len"][:, None].expand_as(masked)[masked]
    return (ce * weight).sum() / masked.shape[0]

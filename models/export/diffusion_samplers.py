"""The published samplers of LLaDA, Dream and Fast-dLLM v2, transcribed over the PyTorch forward of a checkpoint
folder (diffusion_reference.py), for token-for-token equality tests of our engines. Prints one JSON object:
{"family", "alg", "prompt_ids", "generated_ids", "forwards"}; generated_ids are the canvas after the prompt.

    OMP_WAIT_POLICY=PASSIVE /usr/bin/python3 models/export/diffusion_samplers.py --checkpoint CKPT \\
        --prompt-ids '[126080, 1, 2]' --gen-length 16 --steps 16 --block-length 8 [--alg ...]

- LLaDA (generate.py generate(): temperature 0, cfg 0, low-confidence remasking; --alg low_confidence):
  models/train/llada_reference.llada_generate on this forward (logits aligned). gen_length must be a multiple
  of block_length and steps a multiple of the block count.
- Dream (generation_utils.py diffusion_generate(); --alg origin | maskgit_plus | topk_margin | entropy, --eps,
  --alg-temp, --temperature, --top-p, --top-k; no blocks): gen_length is max_new_tokens; logits shifted by
  Dream's rule. "origin", sampling (temperature > 0) and alg_temp > 0 draw from torch's global generator,
  seeded with --seed as the published code would be; alg_temp 0 with temperature 0 is deterministic.
- Fast-dLLM v2 (Fast_dLLM_QwenForCausalLM.generate() without the sub-block cache: --block-length (default
  config bd_size), --small-block-length (8), --threshold (1, i.e. one token per step), --temperature,
  --top-p, --stop-token (151645), --steps (no limit)): blocks at absolute positions, the prompt's whole
  blocks prefilled into the KV cache, each finished block appended and its last row's argmax taken as the next
  block's first token; output cut after the first stop token, as published.
"""
import argparse
import json
import os
import sys
from types import SimpleNamespace

import torch
import torch.distributions as dists
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "train"))
import diffusion_reference as dref  # noqa: E402

DREAM_ALGS = ("origin", "maskgit_plus", "topk_margin", "entropy")


class Counted:
    """A forward that counts its calls (one call = one NFE)."""
    def __init__(self, fn):
        self.fn, self.calls = fn, 0

    def __call__(self, *args, **kwargs):
        self.calls += 1
        return self.fn(*args, **kwargs)


# --- LLaDA -------------------------------------------------------------------------------------------------

class _RecipeModel:
    """What models/train/llada_reference.llada_generate calls: model(x)[0] -> logits, model.cfg.diffusion_logits."""
    cfg = SimpleNamespace(diffusion_logits="aligned")

    def __init__(self, forward):
        self.forward = forward

    def __call__(self, x):
        return (self.forward(x),)


def llada_generate(forward, prompt, gen_length, steps, block_length, mask_id):
    from llada_reference import llada_generate as recipe_llada_generate  # the recipe's transcription, reused

    return recipe_llada_generate(_RecipeModel(forward), prompt, steps, gen_length, block_length, mask_id)


# --- Dream -------------------------------------------------------------------------------------------------

def top_p_logits(logits, top_p):
    sorted_logits, sorted_indices = torch.sort(logits, descending=True)
    cumulative = torch.cumsum(F.softmax(sorted_logits, dim=-1), dim=-1)
    remove = cumulative > top_p
    remove[..., 1:] = remove[..., :-1].clone()  # keep the first token past the threshold
    remove[..., 0] = False
    mask = torch.zeros_like(logits, dtype=torch.bool).scatter_(-1, sorted_indices, remove)
    return logits.masked_fill(mask, torch.finfo(logits.dtype).min)


def top_k_logits(logits, top_k):
    top_k = min(top_k, logits.size(-1))
    return logits.masked_fill(logits < torch.topk(logits, top_k)[0][..., -1, None], torch.finfo(logits.dtype).min)


def sample_tokens(logits, temperature=0.0, top_p=None, top_k=None, margin_confidence=False, neg_entropy=False):
    """Dream's sample_tokens: (confidence, token) per row; the confidence is the token's probability, or the
    top-1 minus top-2 margin, or the negative entropy."""
    if temperature > 0:
        logits = logits / temperature
    if top_p is not None and top_p < 1:
        logits = top_p_logits(logits, top_p)
    if top_k is not None:
        logits = top_k_logits(logits, top_k)
    probs = torch.softmax(logits, dim=-1)
    if temperature > 0:
        try:
            x0 = dists.Categorical(probs=probs).sample()
            confidence = torch.gather(probs, -1, x0.unsqueeze(-1)).squeeze(-1)
        except Exception:  # as published: fall back to the argmax
            confidence, x0 = probs.max(dim=-1)
    else:
        confidence, x0 = probs.max(dim=-1)
    if margin_confidence:
        sorted_probs, _ = torch.sort(probs, dim=-1, descending=True)
        confidence = sorted_probs[:, 0] - sorted_probs[:, 1]
    if neg_entropy:
        confidence = torch.sum(probs * torch.log(probs + 1e-10), dim=-1)
    return confidence, x0


def dream_generate(forward, input_ids, attention_mask, max_new_tokens, steps, mask_id, eps=1e-3, alg="origin",
                   alg_temp=None, temperature=0.0, top_p=None, top_k=None):
    """Dream's _sample: the canvas is the prompt then max_new_tokens masks; each of `steps` steps (timesteps
    linspace(1, eps, steps + 1)) commits about (1 - s/t) of the remaining masks, all of them at the last."""
    if alg not in DREAM_ALGS:
        raise ValueError(f"alg {alg!r}: one of {', '.join(DREAM_ALGS)}")
    max_length = input_ids.shape[1] + max_new_tokens
    x = F.pad(input_ids, (0, max_length - input_ids.shape[1]), value=mask_id)
    attention_mask = F.pad(attention_mask, (0, max_length - attention_mask.shape[1]), value=1)
    timesteps = torch.linspace(1, eps, steps + 1)
    for i in range(steps):
        mask_index = x == mask_id
        logits = forward(x, attention_mask)
        logits = torch.cat([logits[:, :1], logits[:, :-1]], dim=1)  # row i - 1 predicts position i
        mask_logits = logits[mask_index]
        t, s = timesteps[i], timesteps[i + 1]
        if alg == "origin":
            p_transfer = 1 - s / t if i < steps - 1 else 1
            x0 = torch.zeros_like(x[mask_index], dtype=torch.long) + mask_id
            transfer = torch.rand(*x0.shape) < p_transfer
            _, x0[transfer] = sample_tokens(mask_logits[transfer], temperature=temperature, top_p=top_p, top_k=top_k)
            x[mask_index] = x0.clone()
            continue
        confidence, x0 = sample_tokens(mask_logits, temperature=temperature, top_p=top_p, top_k=top_k,
                                       margin_confidence=alg == "topk_margin", neg_entropy=alg == "entropy")
        num_mask_token = mask_index.sum() / mask_index.shape[0]
        number_transfer_tokens = int(num_mask_token * (1 - s / t)) if i < steps - 1 else int(num_mask_token)
        full_confidence = torch.full_like(x, -torch.inf, dtype=logits.dtype)
        full_confidence[mask_index] = confidence
        if number_transfer_tokens > 0:
            if alg_temp is None or alg_temp == 0:
                _, transfer_index = torch.topk(full_confidence, number_transfer_tokens)
            else:
                full_confidence = F.softmax(full_confidence / alg_temp, dim=-1)
                transfer_index = torch.multinomial(full_confidence, num_samples=number_transfer_tokens)
            x_ = torch.zeros_like(x, dtype=torch.long) + mask_id
            x_[mask_index] = x0.clone()
            rows = torch.arange(x.size(0)).unsqueeze(1).expand_as(transfer_index)
            x[rows, transfer_index] = x_[rows, transfer_index]
    return x


# --- Fast-dLLM v2 ------------------------------------------------------------------------------------------

def sample_with_top_p(logits, top_p=0.95, temperature=1.0):
    """Fast-dLLM v2's sampler: the argmax at temperature 0, else nucleus sampling (batch 1)."""
    if temperature <= 0:
        p_1t = torch.softmax(logits, dim=-1)
        return p_1t.argmax(dim=-1), p_1t
    probs = F.softmax(logits / temperature, dim=-1)
    sorted_probs, sorted_indices = torch.sort(probs, descending=True)
    remove = torch.cumsum(sorted_probs, dim=-1) > top_p
    remove[..., 1:] = remove[..., :-1].clone()
    remove[..., 0] = 0
    probs[torch.zeros_like(probs, dtype=torch.bool).scatter_(-1, sorted_indices, remove)] = 0
    p_1t = probs / torch.sum(probs, dim=-1, keepdim=True)
    return torch.multinomial(p_1t[0], num_samples=1).unsqueeze(0).squeeze(-1), p_1t


def _stop_settled(x_t, prompt_length, stop_token, mask_id):
    """A stop token is in the answer with no mask before it."""
    if stop_token not in x_t[:, prompt_length:]:
        return False
    stop_idx = (x_t[:, prompt_length:] == stop_token).nonzero()[0][1]
    return (x_t[:, prompt_length:prompt_length + stop_idx] == mask_id).sum() == 0


def fast_dllm_generate(forward, input_ids, max_new_tokens, mask_id, block_size, small_block_size=8, threshold=1.0,
                       stop_token=151645, top_p=0.95, temperature=0.0, steps=None):
    """forward(ids, past) -> (logits, presents): one call at the cache's end (diffusion_reference.fast_dllm_forward)."""
    num_blocks = max_new_tokens // block_size
    original_input_length = input_ids.shape[1]
    step_count = 0
    past = None
    if input_ids.shape[1] > block_size:  # the prompt's whole blocks go into the cache at once
        logits, past = forward(input_ids[:, :input_ids.shape[1] // block_size * block_size], None)
        if input_ids.shape[1] % block_size == 0:
            input_ids = torch.cat([input_ids, logits[:, -1:, :].argmax(dim=-1)], dim=1)
    num_small_blocks = block_size // small_block_size
    for _ in range(num_blocks):
        if stop_token in input_ids[:, original_input_length:]:
            break
        prompt_length = input_ids.shape[1]
        x_t = torch.cat([input_ids, torch.full((1, block_size - prompt_length % block_size), mask_id)], dim=1)
        while True:
            if steps is not None and step_count >= steps:
                break
            if _stop_settled(x_t, prompt_length, stop_token, mask_id):
                break
            if (x_t[:, -block_size:] == mask_id).sum() == 0:  # block done: into the cache, next block's first token
                logits, past = forward(x_t[:, -block_size:], past)
                step_count += 1
                x_t = torch.cat([x_t, logits[:, -1:, :].argmax(dim=-1)], dim=1)
                break
            for small in range(num_small_blocks):
                start = -block_size + small * small_block_size
                end = None if block_size == (small + 1) * small_block_size else start + small_block_size
                while True:
                    if steps is not None and step_count >= steps:
                        break
                    mask_idx = x_t[:, -block_size:] == mask_id
                    if mask_idx[:, start:end].sum() == 0:
                        break
                    if _stop_settled(x_t, prompt_length, stop_token, mask_id):
                        break
                    logits, _ = forward(x_t[:, -block_size:], past)  # the cache is read, not extended
                    logits = torch.cat([logits[:, :1, :], logits[:, :-1, :]], dim=1)[:, start:end]  # token shift
                    step_count += 1
                    x_1, p_1t = sample_with_top_p(logits, top_p=top_p, temperature=temperature)
                    x1_p = torch.squeeze(torch.gather(p_1t, dim=-1, index=torch.unsqueeze(x_1, -1)), -1)
                    x1_p = torch.where(mask_idx[:, start:end], x1_p, -torch.inf)
                    unmask_idx = x1_p > threshold
                    unmask_idx[torch.arange(x_1.shape[0]), x1_p.argmax(dim=-1)] = True
                    unmask_idx = unmask_idx & mask_idx[:, start:end]
                    x_t[:, start:end][unmask_idx] = x_1[unmask_idx]
        input_ids = x_t
    if stop_token in input_ids[:, original_input_length:]:
        stop_idx = (input_ids[:, original_input_length:] == stop_token).nonzero()[0][1]
        input_ids = input_ids[:, :stop_idx + original_input_length + 1]
    return input_ids


# --- CLI ---------------------------------------------------------------------------------------------------

def run(args) -> dict:
    spec, published, canonical, _ = dref.load(args.checkpoint)
    prompt = torch.tensor([json.loads(args.prompt_ids)], dtype=torch.long)
    if prompt.numel() == 0:
        raise ValueError("--prompt-ids: at least one token")
    torch.manual_seed(args.seed)
    if spec.family == "llada":
        if args.alg not in (None, "low_confidence"):
            raise ValueError(f"--alg {args.alg!r}: LLaDA's transcription is low_confidence (temperature 0) only")
        block_length = args.block_length or args.gen_length
        if args.gen_length % block_length or args.steps % (args.gen_length // block_length):
            raise ValueError("--gen-length must be a multiple of --block-length, --steps of the number of blocks")
        forward = Counted(lambda x: dref.llada_forward(spec, published, x, torch.ones_like(x)))
        out = llada_generate(forward, prompt, args.gen_length, args.steps, block_length, spec.mask_token_id)
        alg = "low_confidence"
    elif spec.family == "dream":
        if args.block_length:
            raise ValueError("--block-length: Dream's diffusion_generate has no blocks")
        alg = args.alg or "origin"
        forward = Counted(lambda x, mask: dref.dream_forward(spec, canonical, x, mask))
        out = dream_generate(forward, prompt, torch.ones_like(prompt), args.gen_length, args.steps, spec.mask_token_id,
                             eps=args.eps, alg=alg, alg_temp=args.alg_temp, temperature=args.temperature,
                             top_p=args.top_p, top_k=args.top_k)
    else:
        if args.alg not in (None, "threshold"):
            raise ValueError(f"--alg {args.alg!r}: Fast-dLLM v2's generate() has one rule (threshold)")
        alg = "threshold"
        block_length = args.block_length or spec.block_size
        forward = Counted(lambda x, past: dref.fast_dllm_forward(spec, canonical, x, past))
        out = fast_dllm_generate(forward, prompt, args.gen_length, spec.mask_token_id, block_length,
                                 small_block_size=args.small_block_length, threshold=args.threshold,
                                 stop_token=args.stop_token, top_p=args.top_p if args.top_p is not None else 0.95,
                                 temperature=args.temperature, steps=args.steps)
    return {"family": spec.family, "alg": alg, "prompt_ids": prompt[0].tolist(),
            "generated_ids": out[0, prompt.shape[1]:].tolist(), "forwards": forward.calls}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--checkpoint", required=True, help="checkpoint folder: config.json + *.safetensors")
    ap.add_argument("--prompt-ids", required=True, help="JSON list of token ids")
    ap.add_argument("--gen-length", type=int, required=True, help="LLaDA gen_length, Dream / Fast-dLLM max_new_tokens")
    ap.add_argument("--steps", type=int, help="LLaDA, Dream: sampling steps (required); Fast-dLLM v2: a cap")
    ap.add_argument("--block-length", type=int, help="LLaDA block_length (default gen_length); Fast-dLLM v2 block_size")
    ap.add_argument("--alg", help="Dream: " + " | ".join(DREAM_ALGS) + "; LLaDA: low_confidence; Fast-dLLM v2: threshold")
    ap.add_argument("--eps", type=float, default=1e-3)
    ap.add_argument("--alg-temp", type=float)
    ap.add_argument("--temperature", type=float, default=0.0)
    ap.add_argument("--top-p", type=float)
    ap.add_argument("--top-k", type=int)
    ap.add_argument("--small-block-length", type=int, default=8)
    ap.add_argument("--threshold", type=float, default=1.0)
    ap.add_argument("--stop-token", type=int, default=151645)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=1)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    try:
        with open(os.path.join(args.checkpoint, "config.json")) as f:
            family = json.load(f).get("model_type")
        if family in ("llada", "Dream") and args.steps is None:
            raise ValueError("--steps is required for LLaDA and Dream")
        with torch.no_grad():
            result = run(args)
    except (ValueError, FileNotFoundError, json.JSONDecodeError) as error:
        print(f"diffusion_samplers.py: {error}", file=sys.stderr)
        sys.exit(2)
    print(json.dumps(result))


if __name__ == "__main__":
    main()

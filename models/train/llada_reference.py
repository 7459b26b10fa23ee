"""LLaDA's generate() in PyTorch on our weights: the outside reference `npm run bench:engines` times the diffusion
engine against (issue 11: the engine should be at least 2x faster at every (length, steps)).

    OMP_WAIT_POLICY=PASSIVE /usr/bin/python3 models/train/llada_reference.py --model models/tiny-llama-diffusion \
        --threads 1 --configs 16:16,64:64,64:16,256:64 --prompts '["copy: ab\\n"]' --repeats 5

Transcribed from the algorithm of GSAI-ML/LLaDA generate.py at temperature 0, cfg 0, low-confidence remasking:
each step runs the whole canvas, takes argmax tokens and their softmax probability at every position, sets
positions after the current block to -inf, keeps only masked positions and commits the top-k. The one change is
for a "shifted" head (ours, adapted from an AR model): the logits are first re-indexed by Dream's rule, as the
engine does. Unlike the recipe's decode.diffusion_generate (which scores only the block, in float64), this keeps
LLaDA's own work per step, since that is what is being timed. Prints one JSON object on stdout.
"""
import argparse
import json
import statistics
import time

import torch
import torch.nn.functional as F

import runtime
import tokenizer as tok
from decode import num_transfer_tokens
from export_onnx import load_model
from model import align_logits


@torch.no_grad()
def llada_generate(model, prompt: torch.Tensor, steps: int, gen_length: int, block_length: int,
                   mask_id: int) -> torch.Tensor:
    x = torch.full((1, prompt.shape[1] + gen_length), mask_id, dtype=torch.long)
    x[:, :prompt.shape[1]] = prompt
    assert gen_length % block_length == 0 and steps % (gen_length // block_length) == 0
    num_blocks = gen_length // block_length
    steps_per_block = steps // num_blocks
    for b in range(num_blocks):
        end = prompt.shape[1] + (b + 1) * block_length
        # LLaDA's get_num_transfer_tokens (batch 1 here): the block's masks split evenly, remainder first.
        num_transfer = num_transfer_tokens(int((x[:, end - block_length:end] == mask_id).sum()), steps_per_block)
        for i in range(steps_per_block):
            mask_index = x == mask_id
            logits = align_logits(model(x)[0], model.cfg.diffusion_logits)
            x0 = torch.argmax(logits, dim=-1)  # temperature 0: LLaDA's Gumbel noise returns the logits as they are
            p = F.softmax(logits, dim=-1)
            x0_p = torch.gather(p, -1, x0.unsqueeze(-1)).squeeze(-1)
            x0_p[:, end:] = -float("inf")
            x0 = torch.where(mask_index, x0, x)
            confidence = torch.where(mask_index, x0_p, torch.full_like(x0_p, -float("inf")))
            transfer = torch.zeros_like(x0, dtype=torch.bool)
            _, select = torch.topk(confidence[0], k=num_transfer[i])
            transfer[0, select] = True
            x[transfer] = x0[transfer]
    return x


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", required=True, help="a diffusion model folder (config.json + pytorch_model.bin)")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--configs", default="16:16,64:64,64:16,256:64", help="gen_length:steps pairs; one block each")
    ap.add_argument("--prompts", required=True, help="JSON list of prompts, one per config, or one for all")
    ap.add_argument("--repeats", type=int, default=5)
    args = ap.parse_args()
    runtime.configure(args.threads)
    model, decoding = load_model(args.model)
    assert decoding == "diffusion", f"{args.model} is {decoding}"
    mask_id = tok.MASK_ID
    configs = [tuple(int(v) for v in c.split(":")) for c in args.configs.split(",")]
    prompts = json.loads(args.prompts)
    results = []
    for n, (length, steps) in enumerate(configs):
        prompt = torch.tensor([tok.encode(prompts[n if len(prompts) > 1 else 0])])
        run = lambda: llada_generate(model, prompt, steps, length, length, mask_id)
        out = run()  # warm-up: allocator and kernels
        times = []
        for _ in range(args.repeats):
            t0 = time.perf_counter()
            out = run()
            times.append((time.perf_counter() - t0) * 1000)
        results.append({"length": length, "steps": steps, "medianMs": statistics.median(times), "ms": times,
                        "tokenIds": out[0, prompt.shape[1]:].tolist()})
    print(json.dumps({"torch": torch.__version__, "threads": args.threads, "results": results}))


if __name__ == "__main__":
    main()

"""Train one model of the family (AR, masked diffusion or block diffusion) on the task suite's data.

    OMP_WAIT_POLICY=PASSIVE /usr/bin/python3 models/train/train.py --kind autoregressive \
        --out models/tiny-llama-ar --max-steps N --threads 1 --seed 0

Generates data through `dlm tasks generate` into models/train/data/ if missing, trains with AdamW,
warmup + cosine decay, grad clipping and token-budget batches, checkpoints to
models/train/checkpoints/<id>/ every few minutes and resumes from there when re-run with the same command.
Logs models/<id>/training_log.csv; at the end writes the weights, config and tokenizer into models/<id>/.
"""
import argparse
import csv
import hashlib
import json
import math
import os
import random
import shlex
import sys
import time
from dataclasses import dataclass, asdict, fields

import torch

import runtime
import data
import objectives
from evaluate import evaluate
from export_onnx import write_metadata, save_weights, from_hf_state_dict
from model import LOGIT_CONVENTIONS, ModelConfig, TinyLlama

HERE = os.path.dirname(os.path.abspath(__file__))
KINDS = ("autoregressive", "diffusion", "block_diffusion")


@dataclass
class TrainConfig:
    kind: str = "autoregressive"
    out: str = "models/tiny-llama-ar"
    # Start from a model folder's weights (fresh optimiser): AR continuation, or AR-to-diffusion adaptation
    # (the causal mask is dropped, the weights are kept). Its compute is added to this run's in the summary.
    init_from: str = ""
    diffusion_logits: str = "aligned"  # "shifted" keeps an AR head's meaning (Dream / DiffuLLaMA)
    block_size: int = 32  # block_diffusion only: answer positions per block (BD3-LM)
    seed: int = 0
    threads: int = 1
    max_steps: int = 20000
    max_minutes: float = 0.0  # 0 = no wall-clock cap
    # data (from the task suite)
    n_train: int = 120000  # records per task (x5 tasks), lengths ~ 1/L up to max_length
    max_length: int = 256
    mix_knee: int = 64  # above it, thin the 1/L mix to knee^p / L^(1+p) (see data.keep_for_mix)
    mix_power: float = 2.0
    task_weights: str = ""  # e.g. "sort=2,add=0.5": records of a task repeated / thinned per epoch
    monitor_lengths: str = "8,32,64"
    monitor_n: int = 8
    # batches: token budget so a step costs about the same at any length
    token_budget: int = 4096
    max_batch: int = 128
    # optimisation
    lr: float = 2e-3
    min_lr_ratio: float = 0.05
    warmup_steps: int = 300
    weight_decay: float = 0.1
    beta2: float = 0.95
    grad_clip: float = 1.0
    # diffusion masking: t ~ U(t_min, 1), stratified across the batch (MDLM) when set
    t_min: float = 1e-3
    stratified_t: int = 0
    # bookkeeping
    log_every: int = 50
    eval_every: int = 1000
    ckpt_minutes: float = 5.0


def lr_at(cfg: TrainConfig, step: int, elapsed_s: float) -> float:
    """Linear warmup, then cosine to min_lr. Progress is the larger of the step and the wall-clock fraction,
    so a run stopped by --max-minutes still ends annealed (it only differs when the clock binds)."""
    if step < cfg.warmup_steps:
        return cfg.lr * (step + 1) / cfg.warmup_steps
    progress = (step - cfg.warmup_steps) / max(1, cfg.max_steps - cfg.warmup_steps)
    if cfg.max_minutes > 0:
        progress = max(progress, elapsed_s / (60 * cfg.max_minutes))
    progress = min(1.0, progress)
    return cfg.lr * (cfg.min_lr_ratio + (1 - cfg.min_lr_ratio) * 0.5 * (1 + math.cos(math.pi * progress)))


def make_optimizer(model, cfg: TrainConfig):
    # No decay on norms and embeddings-as-lookup: decaying gains/rows of a tiny vocab only hurts.
    decay = [p for n, p in model.named_parameters() if p.dim() >= 2 and "embed_tokens" not in n]
    no_decay = [p for n, p in model.named_parameters() if not (p.dim() >= 2 and "embed_tokens" not in n)]
    return torch.optim.AdamW([{"params": decay, "weight_decay": cfg.weight_decay},
                              {"params": no_decay, "weight_decay": 0.0}], lr=cfg.lr, betas=(0.9, cfg.beta2))


class Log:
    """training_log.csv; on resume, rows past the checkpoint are dropped (they will be redone)."""

    def __init__(self, path: str, eval_cols: list[str], resume_step: int | None):
        self.path = path
        self.cols = ["step", "elapsed_s", "lr", "train_loss", "tokens_seen"] + eval_cols
        rows = []
        if resume_step is not None and os.path.exists(path):
            with open(path) as f:
                rows = [r for r in csv.DictReader(f) if int(r["step"]) <= resume_step]
        with open(path, "w", newline="") as f:
            w = csv.DictWriter(f, self.cols)
            w.writeheader()
            w.writerows(rows)

    def write(self, row: dict) -> None:
        with open(self.path, "a", newline="") as f:
            csv.DictWriter(f, self.cols).writerow({k: row.get(k, "") for k in self.cols})


def save_checkpoint(path, model, opt, step, elapsed, tokens, batches, gen, cfg, sessions, init):
    state = {"model": model.state_dict(), "optimizer": opt.state_dict(), "step": step, "elapsed_s": elapsed,
             "sessions": sessions, "tokens_seen": tokens, "init": init, "data": batches.state(), "torch_rng": torch.get_rng_state(),
             "python_rng": random.getstate(), "mask_rng": gen.get_state(), "train_config": asdict(cfg)}
    tmp = path + ".tmp"
    torch.save(state, tmp)
    os.replace(tmp, path)  # atomic: a kill mid-write never leaves a broken checkpoint


def parse_args() -> TrainConfig:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    for f in fields(TrainConfig):
        kw = {"kind": {"choices": KINDS}, "diffusion_logits": {"choices": LOGIT_CONVENTIONS}}.get(f.name, {})
        ap.add_argument("--" + f.name.replace("_", "-"), type=f.type, default=f.default, **kw)
    cfg = TrainConfig(**vars(ap.parse_args()))
    if cfg.kind == "block_diffusion" and (cfg.diffusion_logits != "shifted" or cfg.block_size < 1):
        ap.error("block_diffusion needs --diffusion-logits shifted and --block-size >= 1")
    return cfg


def file_sha256(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def describe_init(model_dir: str) -> dict:
    """Which weights a run starts from and the compute that made them (their own chain included)."""
    weights = os.path.join(model_dir, "pytorch_model.bin")
    with open(os.path.join(model_dir, "train_summary.json")) as f:
        prior = json.load(f)
    compute = prior.get("total_compute") or {"minutes": prior["minutes"], "tokens": prior["tokens_seen"]}
    return {"model_dir": os.path.relpath(os.path.abspath(model_dir), data.REPO), "kind": prior["kind"],
            "pytorch_model_sha256": file_sha256(weights), "steps": prior["steps"],
            "total_compute": compute, "summary": prior}


def main():
    cfg = parse_args()
    runtime.configure(cfg.threads)
    model_id = os.path.basename(os.path.abspath(cfg.out))
    ckpt_dir = os.path.join(HERE, "checkpoints", model_id)
    ckpt_path = os.path.join(ckpt_dir, "latest.pt")
    os.makedirs(ckpt_dir, exist_ok=True)
    os.makedirs(cfg.out, exist_ok=True)

    train_path = data.train_file(cfg.n_train, cfg.max_length, cfg.seed)
    monitor_lengths = [int(x) for x in cfg.monitor_lengths.split(",")]
    monitor_path = data.eval_file(monitor_lengths, cfg.monitor_n, cfg.seed)
    records = [r for r in data.load_jsonl(train_path, ("task_id", "task", "prompt", "answer", "length"))
               if data.keep_for_mix(r, cfg.mix_knee, cfg.mix_power)]
    records = data.apply_task_weights(records, data.parse_task_weights(cfg.task_weights))
    pairs = data.encode_records(records)
    monitor = data.load_jsonl(monitor_path)
    tasks = sorted({r["task"] for r in monitor})
    eval_cols = [f"eval_{t}_{L}" for t in tasks for L in monitor_lengths]

    torch.manual_seed(cfg.seed)
    random.seed(cfg.seed)
    model_cfg = ModelConfig(causal=cfg.kind == "autoregressive",
                            diffusion_logits=cfg.diffusion_logits if cfg.kind != "autoregressive" else "aligned",
                            block_size=cfg.block_size if cfg.kind == "block_diffusion" else 0)
    model = TinyLlama(model_cfg)  # same seed -> same initial weights for both kinds
    opt = make_optimizer(model, cfg)
    batches = data.Batches(pairs, cfg.seed, cfg.token_budget, cfg.max_batch)
    gen = torch.Generator().manual_seed(cfg.seed + 1)  # diffusion masking noise
    step, elapsed, tokens = 0, 0.0, 0
    resumed = os.path.exists(ckpt_path)
    init = None
    if cfg.init_from and not resumed:
        init = describe_init(cfg.init_from)  # before training overwrites a folder it may share with --out
        sd = torch.load(os.path.join(cfg.init_from, "pytorch_model.bin"), map_location="cpu")
        model.load_state_dict(from_hf_state_dict(sd))
        print(f"initialised from {cfg.init_from} (sha256 {init['pytorch_model_sha256'][:12]})", flush=True)
    if resumed:
        st = torch.load(ckpt_path, map_location="cpu")
        model.load_state_dict(st["model"])
        opt.load_state_dict(st["optimizer"])
        step, elapsed, tokens = st["step"], st["elapsed_s"], st["tokens_seen"]
        batches.load_state(st["data"])
        torch.set_rng_state(st["torch_rng"])
        random.setstate(st["python_rng"])
        gen.set_state(st["mask_rng"])
        init = st.get("init")
        print(f"resumed {ckpt_path} at step {step} ({elapsed / 60:.1f} min)", flush=True)
    command = "OMP_WAIT_POLICY=PASSIVE /usr/bin/python3 models/train/train.py " + " ".join(
        shlex.quote(a) for a in sys.argv[1:])
    # One entry per invocation, so a run resumed with other settings (threads, caps) says so in its summary.
    # Checkpoints written before this list existed have none; their summary then shows only the last command.
    sessions = st.get("sessions", []) if resumed else []
    current = {"command": command, "threads": cfg.threads, "from_step": step, "from_minutes": round(elapsed / 60, 1)}

    def sessions_now():
        return sessions + [{**current, "to_step": step, "to_minutes": round(elapsed / 60, 1)}]
    log = Log(os.path.join(cfg.out, "training_log.csv"), eval_cols, step if resumed else None)
    print(f"{cfg.kind}: {model.num_params()} params, {len(pairs)} train records, "
          f"{len(monitor)} monitor records", flush=True)

    def monitor_eval():
        model.eval()
        cells, _, _ = evaluate(model, cfg.kind, monitor)
        model.train()
        return {f"eval_{t}_{L}": round(p / n, 4) for (t, L), (p, n) in cells.items()}

    def out_of_time():
        return cfg.max_minutes > 0 and elapsed >= 60 * cfg.max_minutes

    model.train()
    t_mark, last_ckpt, loss_acc, loss_n = time.time(), time.time(), 0.0, 0
    while step < cfg.max_steps and not out_of_time():
        lr = lr_at(cfg, step, elapsed)
        for g in opt.param_groups:
            g["lr"] = lr
        batch_pairs = [pairs[i] for i in batches.next()]
        if cfg.kind == "autoregressive":
            batch = objectives.ar_batch(batch_pairs)
            loss = objectives.ar_loss(model, batch)
        elif cfg.kind == "block_diffusion":
            batch = objectives.block_diffusion_batch(batch_pairs, gen, cfg.block_size, cfg.t_min, bool(cfg.stratified_t))
            loss = objectives.block_diffusion_loss(model, batch)
        else:
            batch = objectives.diffusion_batch(batch_pairs, gen, cfg.t_min, bool(cfg.stratified_t))
            loss = objectives.diffusion_loss(model, batch, cfg.diffusion_logits)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), cfg.grad_clip)
        opt.step()
        step += 1
        tokens += int(batch["attention_mask"].sum())
        loss_acc, loss_n = loss_acc + loss.item(), loss_n + 1
        now = time.time()
        elapsed, t_mark = elapsed + (now - t_mark), now
        final = step >= cfg.max_steps or out_of_time()
        if step % cfg.log_every == 0 or final or step % cfg.eval_every == 0:
            row = {"step": step, "elapsed_s": round(elapsed, 1), "lr": f"{lr:.3e}",
                   "train_loss": round(loss_acc / loss_n, 5), "tokens_seen": tokens}
            loss_acc, loss_n = 0.0, 0
            if step % cfg.eval_every == 0 or final:
                row.update(monitor_eval())  # its time counts: --max-minutes is a wall-clock cap
                now = time.time()
                elapsed, t_mark = elapsed + (now - t_mark), now
            log.write(row)
            print(json.dumps(row), flush=True)
        if final or time.time() - last_ckpt > 60 * cfg.ckpt_minutes:
            save_checkpoint(ckpt_path, model, opt, step, elapsed, tokens, batches, gen, cfg, sessions_now(), init)
            last_ckpt = time.time()

    model.eval()
    write_metadata(cfg.out, model_cfg, cfg.kind)
    save_weights(model, cfg.out)
    summary = {"kind": cfg.kind, "params": model.num_params(), "steps": step, "minutes": round(elapsed / 60, 1),
               "stopped_by": "max_steps" if step >= cfg.max_steps else "max_minutes",
               "tokens_seen": tokens, "epochs_started": batches.epoch + 1, "train_records": len(pairs),
               "short_token_share": round(sum(n for n, r in zip(batches.lengths, records)
                                              if r["length"] <= cfg.mix_knee) / sum(batches.lengths), 3),
               "train_file": os.path.relpath(train_path, data.REPO),
               "monitor_file": os.path.relpath(monitor_path, data.REPO),
               "command": command, "sessions": sessions_now(), "init": init,
               # everything that went into these weights: this run plus the chain it started from
               "total_compute": {
                   "minutes": round(elapsed / 60 + (init["total_compute"]["minutes"] if init else 0), 1),
                   "tokens": tokens + (init["total_compute"]["tokens"] if init else 0)},
               "train_config": asdict(cfg), "model_config": model_cfg.to_dict(),
               "torch": torch.__version__}
    with open(os.path.join(cfg.out, "train_summary.json"), "w") as f:
        json.dump(summary, f, indent=2)
    print(f"done: {step} steps, {elapsed / 60:.1f} min; weights in {cfg.out}", flush=True)


if __name__ == "__main__":
    main()

"""Task data from the TypeScript suite (`dlm tasks generate`), tokenised and cut into length-bucketed batches.

The suite is the single source of truth for tasks: this file only calls its CLI, reads the JSONL and
decides the batch order. The order depends only on (seed, epoch), never on the model kind, so the AR and the
diffusion run see the same records in the same order.
"""
import json
import os
import random
import subprocess

import tokenizer as tok

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
DATA_DIR = os.path.join(HERE, "data")
DLM = ["node", os.path.join(REPO, "bin", "dlm.mjs")]  # what `npx dlm` runs, without npx's start-up cost


def dlm(*args: str, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([*DLM, *args], cwd=REPO, check=True, text=True, **kw)


def generate(path: str, *, n: int, seed: int, split: str, max_length: int | None = None,
             lengths: list[int] | None = None) -> str:
    """Runs `dlm tasks generate --task all` into `path` unless it already exists (written atomically)."""
    if os.path.exists(path):
        return path
    os.makedirs(os.path.dirname(path), exist_ok=True)
    args = ["tasks", "generate", "--task", "all", "--n", str(n), "--seed", str(seed), "--split", split]
    if max_length is not None:
        args += ["--max-length", str(max_length)]
    if lengths is not None:
        args += ["--lengths", ",".join(map(str, lengths))]
    tmp = path + ".tmp"
    dlm(*args, "--out", tmp)
    os.replace(tmp, path)
    return path


def train_file(n: int, max_length: int, seed: int) -> str:
    return generate(os.path.join(DATA_DIR, f"train-n{n}-max{max_length}-seed{seed}.jsonl"),
                    n=n, seed=seed, split="train", max_length=max_length)


def eval_file(lengths: list[int], n: int, seed: int) -> str:
    """Held-out items (the suite's eval split draws from a seed range disjoint from train)."""
    tag = "-".join(map(str, lengths))
    return generate(os.path.join(DATA_DIR, f"eval-len{tag}-n{n}-seed{seed}.jsonl"),
                    n=n, seed=seed, split="eval", lengths=lengths)


def load_jsonl(path: str) -> list[dict]:
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def encode_records(records: list[dict]) -> list[tuple[list[int], list[int]]]:
    return [(tok.encode(r["prompt"]), tok.encode(r["answer"])) for r in records]


class Batches:
    """Epoch-wise batch order with a token budget per batch, resumable from (epoch, index).

    Each epoch shuffles all records, sorts windows of them by length (so a batch wastes little padding),
    packs each window into batches of at most `token_budget` padded tokens and shuffles the batches.
    """

    def __init__(self, pairs, seed: int, token_budget: int, max_batch: int, window: int = 4096):
        self.lengths = [len(p) + len(a) + 1 for p, a in pairs]
        self.seed, self.token_budget, self.max_batch, self.window = seed, token_budget, max_batch, window
        self.epoch, self.index = 0, 0
        self._order = self._plan(0)

    def _plan(self, epoch: int) -> list[list[int]]:
        rng = random.Random(f"{self.seed}-{epoch}")
        idx = list(range(len(self.lengths)))
        rng.shuffle(idx)
        batches = []
        for w in range(0, len(idx), self.window):
            chunk = sorted(idx[w:w + self.window], key=lambda i: self.lengths[i])
            cur, longest = [], 0
            for i in chunk:
                longest2 = max(longest, self.lengths[i])
                if cur and (longest2 * (len(cur) + 1) > self.token_budget or len(cur) >= self.max_batch):
                    batches.append(cur)
                    cur, longest2 = [], self.lengths[i]
                cur.append(i)
                longest = longest2
            if cur:
                batches.append(cur)
        rng.shuffle(batches)
        return batches

    def next(self) -> list[int]:
        if self.index >= len(self._order):
            self.epoch, self.index = self.epoch + 1, 0
            self._order = self._plan(self.epoch)
        batch = self._order[self.index]
        self.index += 1
        return batch

    def state(self) -> dict:
        return {"epoch": self.epoch, "index": self.index}

    def load_state(self, state: dict) -> None:
        self.epoch, self.index = state["epoch"], state["index"]
        self._order = self._plan(self.epoch)

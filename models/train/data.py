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
             lengths: list[int] | None = None, task: str = "all") -> str:
    """Runs `dlm tasks generate` into `path` unless it already exists (written atomically)."""
    if os.path.exists(path):
        return path
    os.makedirs(os.path.dirname(path), exist_ok=True)
    args = ["tasks", "generate", "--task", task, "--n", str(n), "--seed", str(seed), "--split", split]
    if max_length is not None:
        args += ["--max-length", str(max_length)]
    if lengths is not None:
        args += ["--lengths", ",".join(map(str, lengths))]
    tmp = f"{path}.{os.getpid()}.tmp"  # two trainings may start at once
    dlm(*args, "--out", tmp, stderr=subprocess.DEVNULL)  # it notes skipped lengths there
    os.replace(tmp, path)
    return path


def train_file(n: int, max_length: int, seed: int) -> str:
    """`n` records per task, lengths drawn by the suite with P(L) ~ 1/L up to max_length."""
    return generate(os.path.join(DATA_DIR, f"train-n{n}-max{max_length}-seed{seed}.jsonl"),
                    n=n, seed=seed, split="train", max_length=max_length)


def eval_file(lengths: list[int], n: int, seed: int, task: str = "all") -> str:
    """Held-out items (the suite's eval split draws from a seed range disjoint from train). With "all",
    the suite skips a task whose range ends below a length (add stops at 255 digits)."""
    tag = "-".join(map(str, lengths))
    return generate(os.path.join(DATA_DIR, f"eval-{task}-len{tag}-n{n}-seed{seed}.jsonl"),
                    n=n, seed=seed, split="eval", lengths=lengths, task=task)


def load_jsonl(path: str, fields: tuple[str, ...] | None = None) -> list[dict]:
    """All records, or only `fields` of each (the training file is large; code tests are not needed)."""
    out = []
    with open(path) as f:
        for line in f:
            if line.strip():
                r = json.loads(line)
                out.append(r if fields is None else {k: r[k] for k in fields})
    return out


def keep_for_mix(record: dict, knee: int, power: float) -> bool:
    """Thins the suite's P(L) ~ 1/L above `knee` to P(L) ~ knee^power / L^(1+power).

    Cost per record grows with L, so under 1/L items longer than 64 would take ~70% of the compute while
    the quality bars are at <= 64; with knee 64 and power 2 about 60% of the tokens are at L <= 64 and
    every length still appears. The choice per record is a hash of its task_id: the same for both kinds.
    """
    L = record["length"]
    if L <= knee:
        return True
    u = random.Random(record["task_id"]).random()
    return u < (knee / L) ** power


def parse_task_weights(spec: str) -> dict[str, float]:
    """"sort=2,add=0.5" -> {"sort": 2.0, "add": 0.5}; tasks not named keep weight 1."""
    out = {}
    for part in filter(None, (p.strip() for p in spec.split(","))):
        name, _, value = part.partition("=")
        out[name.strip()] = float(value)
    return out


def apply_task_weights(records: list[dict], weights: dict[str, float]) -> list[dict]:
    """Repeats each record of a task floor(w) times, plus once more with probability frac(w) (a hash of its
    task_id, so the choice is the same for every run with the same weights)."""
    if not weights:
        return records
    out = []
    for r in records:
        w = weights.get(r["task"], 1.0)
        copies = int(w) + (random.Random(r["task_id"] + "|w").random() < w - int(w))
        out.extend([r] * copies)
    return out


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

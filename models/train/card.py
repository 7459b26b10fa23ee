"""Model cards (README.md) for the matched pair, filled from the files the other steps wrote.

    /usr/bin/python3 models/train/card.py models/tiny-llama-ar models/tiny-llama-diffusion

Reads config.json, train_summary.json (train.py), eval.json (evaluate.py), parity.json (parity.py) and
eval_engines.json (`npm run models:eval`: the same cells re-measured through the app's ONNX engines) of
every folder given; no number is typed by hand. Each card also shows its partner's budget and results.
"""
import argparse
import json
import math
import os

from train import file_sha256

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

LENGTHS = [8, 16, 32, 64, 128, 256]
TASK_ORDER = ["copy", "reverse", "sort", "add", "code"]
DIFFUSION_KINDS = ("diffusion", "block_diffusion")


def read(folder, name):
    path = os.path.join(folder, name)
    if not os.path.exists(path):
        return None
    with open(path) as f:
        return json.load(f)


def wilson_text(passed: int, n: int, z: float = 1.959963984540054) -> str:
    """The Wilson 95% interval of a pass rate, as the app's statistics compute it (lib/harness/stats.ts)."""
    if n == 0:
        return "n/a"
    p = passed / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return f"{100 * max(0.0, centre - half):.0f}–{100 * min(1.0, centre + half):.0f}%"


def eval_table(ev) -> str:
    if ev is None:
        return "_Not evaluated yet: run `models/train/evaluate.py`._\n"
    columns = sorted(set(LENGTHS) | {c["length"] for c in ev["cells"] if c["length"] not in LENGTHS
                                       and not any(L >= c["length"] for L in LENGTHS)})
    # A cell whose length is not a column (add's 255) goes in the next column up, labelled with its length.
    cells = {}
    for c in ev["cells"]:
        col = min(L for L in columns if L >= c["length"])
        cells[(c["task"], col)] = c
    lengths = [L for L in columns if any(k[1] == L for k in cells)]
    tasks = [t for t in TASK_ORDER if any(k[0] == t for k in cells)]
    tasks += sorted({t for t, _ in cells} - set(tasks))
    rows = ["| task | " + " | ".join(f"L={L}" for L in lengths) + " |",
            "|---|" + "---:|" * len(lengths)]
    for t in tasks:
        row = []
        for L in lengths:
            c = cells.get((t, L))
            label = "" if c is None or c["length"] == L else f"(L={c['length']}) "
            row.append("-" if c is None else f"{label}{100 * c['pass_rate']:.0f}% ({c['passed']}/{c['n']}; "
                                             f"{wilson_text(c['passed'], c['n'])})")
        rows.append(f"| {t} | " + " | ".join(row) + " |")
    return "\n".join(rows) + "\n"


def engine_eval_table(ee) -> str:
    """The engines' cells in eval_table's shape; cells that do not fit the context are listed below it."""
    if ee is None:
        return "_Not measured through the engines yet: run `npm run models:eval`._\n"
    cells = [{"task": c["task"], "length": c["length"], "n": c["n"], "passed": c["passed"], "pass_rate": c["passRate"]}
             for c in ee["cells"] if not c.get("skipped")]
    skipped = [f"- {c['task']} at L={c['length']}: not run ({c['skipped']}; the PyTorch evaluation below has no "
               f"such check and ran it past the declared context)" for c in ee["cells"] if c.get("skipped")]
    return eval_table({"cells": cells}) + ("\n" + "\n".join(skipped) + "\n" if skipped else "")


def engine_variant_tables(ee) -> str:
    """Every extra decoding setting measured through the engines (diffusion: steps = L/4, threshold, blocks)."""
    if ee is None or not ee.get("variants"):
        return ""
    out = []
    default = "steps=L" if ee["engine"] == "diffusion" else "greedy"
    for name, variant in ee["variants"].items():
        if name == default:
            continue
        cells = [c for c in variant["cells"] if not c.get("skipped")]
        nfe = ", ".join(f"L={c['length']}: {c['medianForwardPasses']}" for c in cells if c["task"] == "copy")
        out.append(f"#### {name}: {variant['describe']}\n\n" + engine_eval_table({"cells": variant["cells"]})
                   + (f"\nMedian NFE (forward passes) on copy: {nfe}.\n" if nfe else ""))
    return "\n".join(out)


def engine_eval_meta(ee) -> str:
    if ee is None:
        return ""
    env = ee["environment"]
    ns = sorted({(c["length"], c["n"]) for c in ee["cells"] if not c.get("skipped")})
    return (f"Re-measured through the app's ONNX engines (`lib/engines`, onnxruntime-node {env['onnxruntime']}, "
            f"{ee['hardware']}: {env['cpuModel']}) by `npm run models:eval` on {ee['measuredAt'][:10]}, git "
            f"{env['gitSha'][:10]}: {ee['decoding']}. Same decoding rules and item streams as the PyTorch table (which may hold only the first items of each cell: its own line gives the counts). Items per cell: " + ", ".join(f"L={L}: {n}" for L, n in ns) +
            f". This table is the one the app's numbers agree with; the PyTorch table below is the recipe's own.")


def decoding_text(ev, kind) -> str:
    if kind == "autoregressive":
        return "greedy (temperature 0) with a KV cache, stop at `<eos>`, max new tokens = answer length + 8"
    if kind == "block_diffusion":
        return ("block diffusion at temperature 0 (`decode.block_diffusion_generate`): blocks of "
                f"{ev['decoding'].get('block_size', '?')} decoded one after another on an exact KV cache of the "
                "prompt and the finished blocks, one token committed per step (the most confident; ties go to the "
                "leftmost position), committed tokens never re-masked; stop after the block holding `<eos>`; max "
                "new tokens = answer length + 8 (rounded up to whole blocks, output trimmed to it)")
    return ("LLaDA `generate()` at temperature 0 with low-confidence remasking: canvas = prompt + L `<mask>`, "
            "steps = block length = L (one token committed per step, the most confident one; ties go to the "
            "leftmost position), committed tokens never re-masked; L = the cell's answer length (add: K+1, "
            "code: the record's `length`); output = tokens before the first `<eos>`")


def session_text(session) -> str:
    return (f"steps {session['from_step']:,}→{session['to_step']:,} ({session['from_minutes']}→"
            f"{session['to_minutes']} min) with {session['threads']} thread(s): `{session['command']}`")


def compute_chain(summary) -> list[dict]:
    """The training runs that made these weights, oldest first (a run started from another model's weights
    records that model's summary under "init")."""
    chain, s = [], summary
    while s:
        chain.append(s)
        s = (s.get("init") or {}).get("summary")
    return chain[::-1]


def total_compute(summary) -> dict:
    if summary.get("total_compute"):
        return summary["total_compute"]
    return {"minutes": summary["minutes"], "tokens": summary["tokens_seen"]}


def budget_lines(own_kind, summaries) -> str:
    """This model's own chain of runs (exactly the runs behind its weights), then its partners' totals only."""
    own = summaries.get(own_kind)
    if not own:
        return f"- **{own_kind}**: not trained yet."
    total = total_compute(own)
    lines = [f"- **{own_kind}** (this model): {total['minutes']} CPU-minutes of training in total "
             f"({total['tokens']:,} tokens), in {len(compute_chain(own))} run(s):"]
    for run in compute_chain(own):
        init = run.get("init")
        start = (f"from `{init['model_dir']}` (pytorch_model.bin SHA-256 `{init['pytorch_model_sha256'][:16]}…`, "
                 f"{init['kind']})" if init else "from random initialisation")
        lines.append(f"  - {run['kind']}, {start}: {run['steps']:,} steps, {run['minutes']} min, "
                     f"{run['tokens_seen']:,} tokens (stopped by {run['stopped_by']})")
        for session in run.get("sessions", []):
            lines.append(f"    - {session_text(session)}")
    for kind, s in summaries.items():
        if kind == own_kind or not s:
            continue
        other = total_compute(s)
        diff = total["minutes"] - other["minutes"]
        lines.append(f"- for comparison, the bundled **{kind}** partner: {other['minutes']} CPU-minutes in total "
                     f"({other['tokens']:,} tokens; this model has {abs(diff):.1f} min {'more' if diff >= 0 else 'less'})"
                     f" — its own card lists its runs.")
    return "\n".join(lines)


def baseline_section(folder, kind) -> str:
    """The from-scratch diffusion model kept beside the adapted one, so a reader sees what adaptation bought."""
    # Kept as a record (card, evaluations, summary) under models/baselines/; its weights are in git history.
    scratch = os.path.join(os.path.dirname(os.path.abspath(folder)), "baselines", "tiny-llama-diffusion-scratch")
    if kind != "diffusion" or not os.path.isdir(scratch) or os.path.abspath(scratch) == os.path.abspath(folder):
        return ""
    ee, summary = read(scratch, "eval_engines.json"), read(scratch, "train_summary.json")
    total = total_compute(summary) if summary else None
    spent = f"{total['minutes']} CPU-minutes, {total['tokens']:,} tokens" if total else "see its card"
    return (f"\n### Baseline: the same network trained from scratch (`tiny-llama-diffusion-scratch`)\n\n"
            f"The previous bundled diffusion model, kept as the from-scratch baseline (its record is in "
            f"`models/baselines/`; its weights are in git history, see that folder's README): random initialisation, "
            f"aligned logits (LLaDA), the same objective without the shift, {spent}. Through the engines, "
            f"steps = L (measured when it was bundled; its card has the details):\n\n" + engine_eval_table(ee))


def card(folder, partners) -> str:
    cfg = read(folder, "config.json")
    kind = cfg["decoding"]
    model_id = os.path.basename(os.path.abspath(folder))
    summary, ev, parity = read(folder, "train_summary.json"), read(folder, "eval.json"), read(folder, "parity.json")
    engines_ev = read(folder, "eval_engines.json")
    summaries = {kind: summary}
    partner_ids = []
    for p in partners:
        pc, ps = read(p, "config.json"), read(p, "train_summary.json")
        partner_ids.append(os.path.basename(os.path.abspath(p)))
        if pc and pc["decoding"] not in summaries:  # a partner never stands in for this model's own runs
            summaries[pc["decoding"]] = ps
    params = summary["params"] if summary else None
    tc = summary["train_config"] if summary else {}
    other = ", ".join(f"`{p}`" for p in partner_ids) or "its partner"
    what = ("an autoregressive (causal) decoder that writes the answer left to right" if kind == "autoregressive"
            else "a block-diffusion model (BD3-LM / Fast-dLLM v2 style): it writes the answer block after block, "
                 "causal across blocks with an exact KV cache, and fills each block of `<mask>` tokens in parallel"
            if kind == "block_diffusion"
            else "a masked-diffusion (bidirectional) model that fills a canvas of `<mask>` tokens in parallel, "
                 "LLaDA style")
    objective = (
        "next-token cross-entropy on the answer tokens plus one `<eos>`; prompt tokens are not in the loss."
        if kind == "autoregressive" else
        f"BD3-LM block diffusion in its vectorised form: sequence = clean canvas x_0 (prompt + answer region) "
        f"followed by a noisy copy x_t of the answer region, which is every answer filled with `<eos>` to the "
        f"batch's longest answer + 1 rounded up to a multiple of the block size ({cfg.get('block_size')}), so the "
        f"model learns to end inside a block; each answer block gets its own t ~ U({tc.get('t_min', 0.001):g}, 1)"
        f"{' (stratified over all blocks of the batch)' if tc.get('stratified_t') else ''} and its tokens are "
        "replaced by `<mask>` with probability t. Attention: clean tokens block-causal among clean tokens (the "
        "prompt is one bidirectional block every block sees); noisy block j sees the prompt, clean blocks < j and "
        "itself (bidirectional); the noisy copy reuses the clean position ids. Logits are **shifted** (kept from "
        "the AR head): a masked position is predicted by the noisy row before it, or for a block's first position "
        "by the clean stream's last row before the block. Loss = sum over masked positions of CE / t, divided by "
        "the answer region's length, averaged over the batch."
        if kind == "block_diffusion" else
        "MDLM/LLaDA masked diffusion: sequence = prompt + answer + `<eos>` slack (every sequence of a batch "
        "is filled with `<eos>` up to the longest prompt+answer plus s, s uniform in 0..max(8, longest "
        f"answer)); t ~ U({tc.get('t_min', 0.001):g}, 1) per example"
        f"{', stratified across the batch (one stratum per example, MDLM)' if tc.get('stratified_t') else ''}; "
        "each answer/slack token is replaced by `<mask>` with "
        "probability t, the prompt never; loss = sum over masked positions of CE / t, divided by the number "
        "of answer+slack tokens (the `<eos>` slack is in the loss), averaged over the batch."
        + (" Logits are **shifted** (Dream, DiffuLLaMA): the output at position i-1 predicts the token at "
           "position i, so an AR model's next-token head keeps its meaning; `config.json` declares "
           "`\"diffusion_logits\": \"shifted\"` and the engines, `dlm` and the recipe's decoder read it."
           if cfg.get("diffusion_logits") == "shifted" else
           " Logits are **aligned** (LLaDA): the output at position i predicts the token at position i "
           "(`\"diffusion_logits\": \"aligned\"` in `config.json`)."))
    adaptation = ""
    init = (summary or {}).get("init")
    # The run that turned AR weights into a diffusion model, wherever it sits in this model's chain of runs.
    adapt_run = next((r for r in compute_chain(summary) if r["kind"] == kind
                      and (r.get("init") or {}).get("kind") == "autoregressive"), None) if summary else None
    if adapt_run and kind in DIFFUSION_KINDS:
        start = adapt_run["init"]
        adaptation = (f"\n\n**Adapted from an AR model** (as Dream 7B from Qwen2.5 and DiffuLLaMA from LLaMA 2): "
                      f"training started from `{start['model_dir']}`'s weights (pytorch_model.bin SHA-256 "
                      f"`{start['pytorch_model_sha256']}`, {start['steps']:,} steps of its last run), with the causal "
                      f"mask removed at once (no annealing) and a fresh optimiser. Its compute is counted below.")
        partner_weights = os.path.join(REPO, start["model_dir"], "pytorch_model.bin")
        if os.path.exists(partner_weights) and file_sha256(partner_weights) != start["pytorch_model_sha256"]:
            partner_summary = read(os.path.join(REPO, start["model_dir"]), "train_summary.json") or {}
            adaptation += (f" That checkpoint is the AR model at {start['total_compute']['minutes']} CPU-minutes; the "
                           f"bundled `{os.path.basename(start['model_dir'])}` trained on after it, to "
                           f"{total_compute(partner_summary)['minutes'] if partner_summary else '?'} CPU-minutes, "
                           f"so its weights differ from the starting point.")
        if init and init is not adapt_run["init"] and init.get("kind") == kind:
            adaptation += (f" The adapted model was then **continued** from its own weights (SHA-256 "
                           f"`{init['pytorch_model_sha256']}`) with a fresh optimiser; all runs are counted below.")
    elif init:
        adaptation = (f"\n\n**Continued** from `{init['model_dir']}` (pytorch_model.bin SHA-256 "
                      f"`{init['pytorch_model_sha256']}`) with a fresh optimiser; all runs are counted below.")
    chains = [compute_chain(s) for s in summaries.values() if s]
    # Adapted: somewhere in a chain a diffusion-kind run started from AR weights (later continuations keep it so).
    adapted = any(a["kind"] == "autoregressive" and b["kind"] in DIFFUSION_KINDS for c in chains for a, b in zip(c, c[1:]))
    mixes = {json.dumps({k: (s.get("train_config") or {}).get(k) for k in ("max_length", "mix_knee", "task_weights")},
                        sort_keys=True) for s in summaries.values() if s}
    minutes = {total_compute(s)["minutes"] for s in summaries.values() if s}
    pairing = "same architecture, parameter count and tokenizer"
    pairing += ("; the diffusion model starts from the AR model's trained weights (AR-to-diffusion adaptation), "
                "and the attention mask, the objective and the logits convention differ" if adapted else
                "; only the attention mask and the training objective differ")
    pairing += ("; they are **not** matched in training data or compute: their latest runs used different length "
                "mixes or task weights, and their total training minutes differ (the Compute section below has "
                "each total)" if len(mixes) > 1 or len(minutes) > 1 else "; same data, data order and compute")
    parity_text = "_Not checked yet: run `models/train/parity.py`._"
    if parity:
        js = ("; transformers.js `AutoModelForCausalLM` greedy generation from this folder equals the PyTorch "
              f"greedy output: **{parity['transformers_js_greedy_equal']}** "
              f"({parity['transformers_js_generations']} prompts)" if kind == "autoregressive" else "")
        parity_text = (f"Max |logits difference| between PyTorch and onnxruntime-node over random inputs "
                       f"({len(parity['cases'])} cases: several lengths, left padding"
                       f"{', prefill with past length 0 then cached steps of 1 and 3 tokens' if kind == 'autoregressive' else ''}): "
                       f"**{parity['max_abs_logits_diff']:.2e}** (tolerance {parity['tolerance']:.0e}). "
                       f"Tokenizer: both `@huggingface/transformers` and `@huggingface/tokenizers` encode one id "
                       f"per character and decode back exactly on {parity['tokenizer_texts_checked']} test "
                       f"strings{js}. Problems: {parity['problems'] or 'none'}.")
    arch = [
        ("layers", cfg["num_hidden_layers"]), ("hidden size", cfg["hidden_size"]),
        ("attention heads / KV heads", f"{cfg['num_attention_heads']} / {cfg['num_key_value_heads']}"),
        ("head dim", cfg["head_dim"]), ("MLP", f"SwiGLU, intermediate {cfg['intermediate_size']}"),
        ("norm", f"RMSNorm (eps {cfg['rms_norm_eps']}), pre-norm"),
        ("positions", f"rotary, rotate-half (HF Llama), theta {cfg['rope_theta']:g}"),
        ("context", cfg["max_position_embeddings"]), ("vocabulary", cfg["vocab_size"]),
        ("attention", "causal" if kind == "autoregressive" else
         f"block-causal: bidirectional inside a block of {cfg.get('block_size')}, causal across blocks"
         if kind == "block_diffusion" else "bidirectional (the only difference)"),
        ("biases / tied embeddings", "none / no"), ("parameters", f"{params:,}" if params else "-"),
    ]
    arch_table = "| | |\n|---|---|\n" + "\n".join(f"| {k} | {v} |" for k, v in arch)
    data_text = "_Not trained yet._"
    if summary:
        data_text = (
            f"Generated by the app's task suite (the single source of truth), never by this recipe: "
            f"`npx dlm tasks generate --task all --n {tc['n_train']} --max-length {tc['max_length']} "
            f"--seed {tc['seed']} --split train` ({tc['n_train']} records per task, lengths drawn with "
            f"P(L) ~ 1/L). Above L = {tc['mix_knee']} the recipe keeps a record with probability "
            f"({tc['mix_knee']}/L)^{tc['mix_power']:g} (a hash of its task_id), so "
            f"{100 * summary['short_token_share']:.0f}% of the tokens are at L <= {tc['mix_knee']}, where the "
            f"quality bars are: {summary['train_records']:,} records kept"
            f"{(' after task weights ' + tc['task_weights'] + ' (a weight w repeats a record floor(w) times plus once more with probability frac(w))') if tc.get('task_weights') else ''}, "
            f"{summary['epochs_started']} epoch(s) started. Batches hold up to {tc['token_budget']} "
            f"prompt+answer tokens (at most {tc['max_batch']} records), bucketed by length; the order "
            f"depends only on the seed and the records kept, so runs with the same data settings see the same "
            f"records in the same order.")
    opt_text = ""
    if summary:
        opt_text = (f"AdamW (beta2 {tc['beta2']}, weight decay {tc['weight_decay']} on matrices), peak lr "
                    f"{tc['lr']:g}, {tc['warmup_steps']} warmup steps then cosine to {tc['min_lr_ratio']:g} x "
                    f"peak over {tc['max_steps']} steps or {tc['max_minutes']:g} minutes of wall clock, whichever is "
                    f"further along (a resume with a larger budget re-stretches it), gradient clipping {tc['grad_clip']}, seed {tc['seed']}.")
    ev_meta = ""
    if ev:
        ns = sorted({(c["length"], c["n"]) for c in ev["cells"]})
        ev_meta = (f"Held-out eval split (suite seed {ev['seed']}, streams disjoint from training), scored by "
                   f"`npx dlm tasks check` (code answers are run against their tests in the sandbox). Items "
                   f"per cell: " + ", ".join(f"L={L}: {n}" for L, n in ns) + f". Decoding: "
                   f"{decoding_text(ev, kind)}. Evaluation took {ev['seconds']:.0f} s.")
    command = summary["command"] if summary else "(see models/train/README.md)"
    canvas_limit = ("" if kind in ("autoregressive", "block_diffusion") else
                    " The `<eos>` slack in training is at most max(8, the longest answer in the batch), so a "
                    "canvas much longer than the answer (e.g. 64 positions for an 8-digit sort) is out of "
                    "distribution and scores far lower; `npx dlm eval --model " + model_id + " --task sort "
                    "--lengths 8 --max-tokens 64` measures it.")
    graph_text = ('The ONNX graph takes `input_ids`, `attention_mask`, `position_ids` and `past_key_values.{i}.key/value` ([batch, kv_heads, past, head_dim]) and returns `logits` and `present.{i}.key/value`, the names transformers.js uses, so `AutoModelForCausalLM.from_pretrained` can run it.' if kind == 'autoregressive' else "The ONNX graph has the same KV-cache interface (`input_ids`, `attention_mask`, `position_ids`, `past_key_values.{i}.key/value` in; `logits`, `present.{i}.key/value` out); the new positions attend to every cached position and bidirectionally to each other, so one call runs a block on top of the exact cache of the prompt and the finished blocks. `parity.json` holds `block_reference`, the PyTorch sampler's tokens and forward counts that the TypeScript engine must equal." if kind == 'block_diffusion' else 'The ONNX graph takes `input_ids` and `attention_mask` and returns `logits` at every position (dynamic batch and length).')
    return f"""# {model_id}

A tiny character-level LLaMA-style model for the Diffusion Playground: {what}. It is one half of a
matched pair with {other}: {pairing}. It solves the app's synthetic tasks (copy, reverse, sort, add,
code) and exists to compare the two decoding styles on equal terms, not to be a useful language model.

## Architecture

{arch_table}

`config.json` uses LlamaConfig keys (`model_type: "llama"`) plus `"decoding": "{kind}"`{' and `mask_token_id`' if kind == 'diffusion' else ', `mask_token_id`, `block_size` and `diffusion_logits`' if kind == 'block_diffusion' else ''}.
Files: `onnx/model.onnx` (fp32, opset 14),
`pytorch_model.bin` (HF Llama parameter names), tokenizer files, `generation_config.json`,
`training_log.csv`, `train_summary.json`, `eval.json`, `eval_engines.json`, `parity.json`.

{graph_text}

## Tokenizer

One token per character: 0 `<pad>`, 1 `<eos>`, 2 `<mask>`, 3 `<unk>`, 4 `"\\n"`, then printable ASCII
32..126 in order (100 ids). `tokenizer.json` is a BPE model without merges, no pre-tokenizer and a `Fuse`
decoder, so it encodes and decodes exactly in `@huggingface/transformers` and `@huggingface/tokenizers`
(special tokens are skipped with `skip_special_tokens`). No BOS is added; prompts end with `"\\n"` and the
answer follows.

## Training

Objective: {objective}{adaptation}

Data: {data_text}

Optimisation: {opt_text}

Command (resumes from `models/train/checkpoints/{model_id}/` if re-run):

```
{command}
```

Compute (CPU only, the 2-core machine, one thread per run unless stated; a diffusion model adapted from the
AR model counts the AR model's training too):

{budget_lines(kind, summaries)}

Learning curve: `training_log.csv` in this folder (step, elapsed_s, lr, train_loss, tokens_seen, and
every {tc.get('eval_every', '?')} steps the held-out pass rate per task at lengths {tc.get('monitor_lengths', '?')}
on {tc.get('monitor_n', '?')} items per cell).

## Evaluation

Pass rates (with Wilson 95% intervals) on held-out items at temperature 0, every task at answer lengths 8 to 256, failures included.

### Through the ONNX engines

{engine_eval_meta(engines_ev)}

{engine_eval_table(engines_ev)}
{engine_variant_tables(engines_ev)}{baseline_section(folder, kind)}
### In PyTorch (the recipe's evaluation)

{ev_meta}

{eval_table(ev)}
## ONNX parity

{parity_text}

## Intended use and limits

For the Diffusion Playground's side-by-side comparisons and for teaching. It only knows the five task
formats above (prompts like `copy: k3x9\\n`); anything else gives meaningless output. Lengths above 64
were deliberately rare in training (see Data), so expect accuracy to fall with length; the table above
has the measured rates, failures included.{canvas_limit} Generated code must be run only in a sandbox. Trained from scratch on synthetic data; no
third-party weights or data.
"""


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("model_dirs", nargs="*", default=["models/tiny-llama-ar", "models/tiny-llama-diffusion"])
    args = ap.parse_args()
    for d in args.model_dirs:
        text = card(d, [p for p in args.model_dirs if p != d])
        with open(os.path.join(d, "README.md"), "w") as f:
            f.write(text)
        print(f"wrote {os.path.join(d, 'README.md')}")


if __name__ == "__main__":
    main()

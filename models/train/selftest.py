"""Fast checks of the recipe's invariants on random weights (seconds, no data, no node):

    OMP_WAIT_POLICY=PASSIVE /usr/bin/python3 models/train/selftest.py
"""
import torch

import runtime
import tokenizer as tok
from decode import (ar_generate, block_diffusion_generate, block_diffusion_generate_nocache, diffusion_generate,
                    num_transfer_tokens, select_positions_to_commit)
from model import ModelConfig, TinyLlama, align_logits, block_causal_allowed
from objectives import (ar_batch, ar_loss, block_diffusion_batch, block_diffusion_forward, block_diffusion_loss,
                        block_prediction_rows, diffusion_batch, diffusion_loss, mask_rates)


def close(a, b, tol=1e-5):
    return (a - b).abs().max().item() < tol


def main():
    runtime.configure(1)
    torch.manual_seed(0)
    text = "".join(chr(c) for c in range(32, 127)) + "\n"
    assert tok.decode(tok.encode(text)) == text and len(tok.encode(text)) == len(text)
    assert tok.VOCAB_SIZE == 100 and tok.encode("\n") == [4] and tok.encode(" ") == [5]

    ar, dm = TinyLlama(ModelConfig(causal=True)), TinyLlama(ModelConfig(causal=False))
    assert ar.num_params() == dm.num_params(), "the pair must have exactly the same parameter count"
    x = torch.randint(4, 100, (1, 12))
    for m in (ar, dm):
        m.eval()
        # Left padding changes nothing for the real tokens.
        padded = torch.cat((torch.zeros(1, 5, dtype=torch.long), x), 1)
        mask = torch.cat((torch.zeros(1, 5, dtype=torch.long), torch.ones(1, 12, dtype=torch.long)), 1)
        assert close(m(x)[0], m(padded, mask)[0][:, 5:])
    # Causality: AR logits at position i ignore later tokens; diffusion's do not.
    y = x.clone()
    y[0, -1] = (y[0, -1] + 1 - 4) % 96 + 4
    assert close(ar(x)[0][:, :-1], ar(y)[0][:, :-1]) and not close(dm(x)[0][:, :-1], dm(y)[0][:, :-1])
    # KV cache: prefill + one step equals the full forward.
    full = ar(x)[0]
    _, past = ar(x[:, :-1])
    step, _ = ar(x[:, -1:], torch.ones(1, 12, dtype=torch.long), past_key_values=past)
    assert close(full[:, -1], step[:, -1])
    # AR training path (no mask, right padding) equals the masked path on real tokens.
    b = ar_batch([([10, 11, 4], [12, 13]), ([10, 4], [12])])
    assert close(ar(b["input_ids"])[0][1, :3], ar(b["input_ids"], b["attention_mask"])[0][1, :3])
    assert b["targets"][0].tolist() == [-100, -100, 12, 13, tok.EOS_ID]
    assert torch.isfinite(ar_loss(ar, b))
    gen = torch.Generator().manual_seed(0)
    db = diffusion_batch([([10, 11, 4], [12, 13]), ([10, 4], [12] * 9)], gen)
    assert not db["masked"][:, :2].any(), "the prompt is never masked"
    assert torch.isfinite(diffusion_loss(dm, db))
    # LLaDA schedule and decoding shapes.
    assert num_transfer_tokens(10, 4) == [3, 3, 2, 2] and sum(num_transfer_tokens(7, 7)) == 7
    out = diffusion_generate(dm, [[10, 4], [10, 11, 12, 4]], gen_length=8, steps=4, block_length=4)
    assert len(out) == 2 and all(len(o) <= 8 for o in out)
    one = diffusion_generate(dm, [[10, 11, 12, 4]], gen_length=8, steps=4, block_length=4)
    assert one[0] == out[1], "batching with left padding must not change a result"
    g2 = ar_generate(ar, [[10, 4], [10, 11, 12, 4]], 6)
    assert ar_generate(ar, [[10, 11, 12, 4]], 6)[0] == g2[1]
    # Shifted logits (Dream): row i of the aligned view is the model's row i-1; row 0 is kept.
    raw = torch.arange(2 * 4 * 3, dtype=torch.float32).view(2, 4, 3)
    shifted = align_logits(raw, "shifted")
    assert torch.equal(shifted[:, 1:], raw[:, :-1]) and torch.equal(shifted[:, 0], raw[:, 0])
    assert torch.equal(align_logits(raw, "aligned"), raw)
    # Stratified t covers every stratum of [t_min, 1] once per batch.
    t = mask_rates(8, torch.Generator().manual_seed(0), t_min=0.1, stratified=True)
    strata = sorted(((t.view(-1) - 0.1) / 0.9 * 8).floor().long().tolist())
    assert strata == list(range(8)) and float(t.min()) >= 0.1
    # AR-to-diffusion adaptation: every AR weight loads (strictly) into the bidirectional model; only the mask
    # differs, so the outputs do too (each position now also sees the tokens after it).
    adapted = TinyLlama(ModelConfig(causal=False, diffusion_logits="shifted")).eval()
    adapted.load_state_dict(ar.state_dict())
    seq = torch.randint(4, 100, (1, 9))
    assert not close(adapted(seq)[0], ar(seq)[0])
    sdb = diffusion_batch([([10, 11, 4], [12, 13, 14])], torch.Generator().manual_seed(1), 0.5, True)
    assert torch.isfinite(diffusion_loss(adapted, sdb, "shifted"))
    shifted_out = diffusion_generate(adapted, [[10, 11, 12, 4]], gen_length=6, steps=6)
    assert len(shifted_out[0]) <= 6
    block_checks(ar)
    print(f"selftest ok ({ar.num_params()} params per model)")


def block_checks(ar):
    """Block diffusion: the vectorised training forward equals the sampler's cached, block-by-block forwards,
    and the cached sampler equals the whole-canvas one."""
    Bs = 4
    bd = TinyLlama(ModelConfig(causal=False, diffusion_logits="shifted", block_size=Bs)).eval()
    bd.load_state_dict(ar.state_dict())  # adapted from AR weights, as train.py --init-from does
    pairs = [([10, 11, 12, 4], [20, 21, 22, 23, 24, 25]), ([13, 4], [26, 27])]
    batch = block_diffusion_batch(pairs, torch.Generator().manual_seed(2), Bs, 0.3, True)
    P, A = batch["prompt_len"], batch["targets"].shape[1]
    assert (P, A) == (4, 8) and batch["masked"].any(), "answer region = longest answer + 1 rounded up to blocks"
    assert batch["targets"][1].tolist() == [26, 27] + [tok.EOS_ID] * 6
    t = batch["t"].view(2, 2, Bs)
    assert (t == t[..., :1]).all() and not (t[:, 0, 0] == t[:, 1, 0]).all(), "one rate per block"
    assert block_prediction_rows(4, 8, 4).tolist() == [3, 12, 13, 14, 7, 16, 17, 18]
    with torch.no_grad():
        vec = block_diffusion_forward(bd, batch)
        L = P + A
        for b, (p, _) in enumerate(pairs):
            pad = P - len(p)
            clean = batch["input_ids"][b, pad:L]
            # The clean stream equals one forward of the (unpadded) clean canvas under the block-causal mask.
            whole, _ = bd(clean[None], allowed=block_causal_allowed(len(p), len(clean), Bs))
            assert close(vec[b, pad:L], whole[0]), "clean stream != block-causal forward"
            # Each noisy block equals a cached forward over it on top of the prompt and the clean blocks before
            # it, run one by one as the sampler does (prefill, then one clean forward per block).
            _, cache = bd(clean[None, :len(p)])
            for j in range(A // Bs):
                lo, hi = len(p) + j * Bs, len(p) + (j + 1) * Bs
                pos = torch.arange(lo, hi)[None]
                noisy = batch["input_ids"][b, L + j * Bs:L + (j + 1) * Bs]
                out, _ = bd(noisy[None], position_ids=pos, past_key_values=cache)
                assert close(vec[b, L + j * Bs:L + (j + 1) * Bs], out[0]), f"noisy block {j} != its cached forward"
                _, cache = bd(clean[None, lo:hi], position_ids=pos, past_key_values=cache)
    loss = block_diffusion_loss(bd, batch)
    assert torch.isfinite(loss) and loss.item() > 0
    loss.backward()  # the mask and the row gather are differentiable paths
    # Unmasking rules, as the TS engine's selectPositionsToCommit.
    conf = [0.5, 0.9, 0.9, 0.2, 0.97]
    assert select_positions_to_commit(conf, [0, 1, 2, 3], count=2) == [1, 2]
    assert select_positions_to_commit(conf, [0, 3], threshold=0.8) == [0]
    assert select_positions_to_commit(conf, [0, 1, 2, 4], threshold=0.85) == [4, 1, 2]
    assert select_positions_to_commit(conf, [0, 1, 2, 4], factor=1.0) == [4, 1, 2]  # 4*(1-0.5)=2 >= 1 stops
    # The cached sampler equals the whole-canvas one, token for token, in every mode.
    big = TinyLlama(ModelConfig(causal=False, diffusion_logits="shifted", block_size=Bs)).eval()
    for prompt in ([10, 11, 4], [30, 31, 32, 33, 34, 4]):
        for kw in ({}, {"steps_per_block": 2}, {"threshold": 0.02}, {"factor": 1.0}):
            for m in (bd, big):
                cached = block_diffusion_generate(m, prompt, 10, **kw)
                plain = block_diffusion_generate_nocache(m, prompt, 10, **kw)
                assert cached["tokens"] == plain["tokens"], (kw, cached, plain)
                assert len(cached["tokens"]) <= 10 and cached["blocks"] <= 3
    # NFE: prefill + steps + one clean forward per block that another block follows.
    r = block_diffusion_generate(big, [10, 11, 4], 8)
    assert r["nfe"] == 1 + Bs * r["blocks"] + (r["blocks"] - 1), r
    r = block_diffusion_generate(big, [10, 11, 4], 8, steps_per_block=2)
    assert r["nfe"] == 1 + 2 * r["blocks"] + (r["blocks"] - 1), r


if __name__ == "__main__":
    main()

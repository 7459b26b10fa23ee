"""Fast checks of the recipe's invariants on random weights (seconds, no data, no node):

    OMP_WAIT_POLICY=PASSIVE /usr/bin/python3 models/train/selftest.py
"""
import torch

import runtime
import tokenizer as tok
from decode import ar_generate, diffusion_generate, num_transfer_tokens
from model import ModelConfig, TinyLlama, align_logits
from objectives import ar_batch, ar_loss, diffusion_batch, diffusion_loss, mask_rates


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
    print(f"selftest ok ({ar.num_params()} params per model)")


if __name__ == "__main__":
    main()

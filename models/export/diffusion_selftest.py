"""Checks of the diffusion families' reference forwards and samplers that need no tokenizer or Node:

- LLaDA's forward, written in LLaDA's parameter names, equals the training recipe's TinyLlama (an independent
  implementation) run bidirectionally at index positions, with GQA and a padded row; the renamed weights
  (canonical names) give the same through the shared decoder;
- Dream's forward equals TinyLlama bidirectional at Dream's positions (biases zero, TinyLlama has none), and
  with biases a left-padded row scores its real positions as the same row unpadded (RoPE only sees offsets,
  so the positions rule itself is checked literally);
- Fast-dLLM v2's block-causal forward equals TinyLlama with the recipe's block-causal mask (prompt length 0:
  blocks from index 0), a block run on the cache equals the same rows of one whole call, and a block on the
  cache is bidirectional (its first row depends on its last token);
- config refusals; the samplers fill every mask, keep the prompt, and repeat themselves on greedy settings;
  Fast-dLLM v2 at threshold 1 commits one token per forward.

    OMP_WAIT_POLICY=PASSIVE /usr/bin/python3 models/export/diffusion_selftest.py
"""
import os
import sys

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "train"))
import diffusion_reference as dref  # noqa: E402
import diffusion_samplers as samplers  # noqa: E402
import reference  # noqa: E402
from diffusion_families import canonical_weights, check_published_weights, llada_name, read_diffusion_spec  # noqa: E402

DIMS = dict(vocab_size=300, hidden_size=64, num_hidden_layers=2, num_attention_heads=4, num_key_value_heads=2,
            head_dim=16, intermediate_size=96)
QWEN_CONFIG = dict(**DIMS, rms_norm_eps=1e-6, rope_theta=10000.0, hidden_act="silu", tie_word_embeddings=False)


def recipe_model(block_size=0):
    """TinyLlama (models/train/model.py), bidirectional, random weights of a readable scale, and its weights
    under the canonical names."""
    from export_onnx import to_hf_state_dict
    from model import ModelConfig, TinyLlama

    torch.manual_seed(0)
    model = TinyLlama(ModelConfig(**DIMS, max_position_embeddings=512, rms_norm_eps=1e-6, causal=False,
                                  block_size=block_size)).eval()
    for p in model.parameters():
        torch.nn.init.normal_(p, std=0.3)
    return model, {k: v.detach().float() for k, v in to_hf_state_dict(model).items()}


def close(a, b, what, tol=1e-4):
    diff = (a - b).abs().max().item()
    assert diff < tol * max(1.0, b.abs().max().item()), f"{what}: max diff {diff:.3g}"


def check_llada():
    model, canonical = recipe_model()
    config = {"model_type": "llada", "d_model": 64, "n_heads": 4, "n_kv_heads": 2, "n_layers": 2, "mlp_hidden_size": 96,
              "vocab_size": 300, "embedding_size": 300, "rope_theta": 10000.0, "rms_norm_eps": 1e-6,
              "block_type": "llama", "layer_norm_type": "rms", "activation_type": "silu", "rope": True,
              "weight_tying": False, "mask_token_id": 299}
    spec = read_diffusion_spec("llada", config)
    published = {llada_name(k): v for k, v in canonical.items()}
    check_published_weights(spec, published)
    ids = torch.randint(0, 300, (2, 9))
    attn = torch.ones_like(ids)
    attn[1, :2] = 0
    index = torch.arange(9)[None].expand(2, 9)
    with torch.no_grad():
        got = dref.llada_forward(spec, published, ids, attn)
        want, _ = model(ids, attn, index)
        keep = attn.bool()
        close(got[keep], want[keep], "LLaDA forward vs TinyLlama (bidirectional, index positions)")
        shared, _ = reference.forward(spec.decoder, canonical_weights(spec, published), ids, attn, index,
                                      attention="bidirectional")
        close(shared[keep], got[keep], "LLaDA forward vs the shared decoder on renamed weights")
        later = ids.clone()
        later[:, -1] = (later[:, -1] + 1) % 300
        assert (dref.llada_forward(spec, published, later, attn)[:, 0] - got[:, 0]).abs().max() > 1e-4, \
            "LLaDA: the first row must see the last token (bidirectional)"
    for bad, message in (({"block_type": "sequential"}, "block_type"), ({"model_type": "llama"}, "not a llada"),
                         ({"alibi": True}, "alibi")):
        try:
            read_diffusion_spec("llada", {**config, **bad})
            raise AssertionError(f"accepted {bad}")
        except ValueError as error:
            assert message in str(error), error
    try:
        check_published_weights(spec, {k: v for k, v in published.items() if "blocks.1.up_proj" not in k})
        raise AssertionError("a checkpoint without up_proj was accepted")
    except ValueError as error:
        assert "model.transformer.blocks.1.up_proj.weight missing" in str(error), error


def qwen_weights(canonical, spec, biases: bool):
    weights = dict(canonical)
    gen = torch.Generator().manual_seed(1)
    for i in range(spec.decoder.num_layers):
        for name, out in (("q", spec.decoder.num_heads * 16), ("k", spec.decoder.num_kv_heads * 16),
                          ("v", spec.decoder.num_kv_heads * 16)):
            weights[f"model.layers.{i}.self_attn.{name}_proj.bias"] = (0.3 * torch.randn(out, generator=gen) if biases
                                                                       else torch.zeros(out))
    return weights


def check_dream():
    model, canonical = recipe_model()
    spec = read_diffusion_spec("dream", {**QWEN_CONFIG, "model_type": "Dream", "mask_token_id": 299})
    ids = torch.randint(0, 300, (2, 8))
    attn = torch.ones_like(ids)
    attn[1, :3] = 0
    assert dref.dream_positions(attn).tolist() == [list(range(8)), [1, 1, 1, 0, 1, 2, 3, 4]], "Dream's tok_idx"
    with torch.no_grad():
        got = dref.dream_forward(spec, qwen_weights(canonical, spec, biases=False), ids, attn)
        want, _ = model(ids, attn, dref.dream_positions(attn))
        keep = attn.bool()
        close(got[keep], want[keep], "Dream forward vs TinyLlama (bidirectional, Dream's positions)")
        weights = qwen_weights(canonical, spec, biases=True)
        padded = dref.dream_forward(spec, weights, ids, attn)
        alone = dref.dream_forward(spec, weights, ids[1:, 3:], torch.ones(1, 5, dtype=torch.long))
        close(padded[1, 3:], alone[0], "Dream: a left-padded row scores like the row unpadded")
    try:
        read_diffusion_spec("dream", {**QWEN_CONFIG, "model_type": "Dream"})
        raise AssertionError("a Dream config without mask_token_id was accepted")
    except ValueError as error:
        assert "mask_token_id" in str(error)


def check_fast_dllm():
    from model import block_causal_allowed

    bs = 4
    model, canonical = recipe_model(block_size=bs)
    spec = read_diffusion_spec("fast_dllm_v2", {**QWEN_CONFIG, "model_type": "Fast_dLLM_Qwen", "bd_size": bs})
    assert spec.block_size == bs and spec.mask_token_id == 151665 and spec.cached
    ids = torch.randint(0, 300, (1, 2 * bs + 2))
    with torch.no_grad():
        got, _ = dref.fast_dllm_forward(spec, qwen_weights(canonical, spec, biases=False), ids)
        length = ids.shape[1]
        want, _ = model(ids, None, torch.arange(length)[None], allowed=block_causal_allowed(0, length, bs)[None, None])
        close(got, want, "Fast-dLLM v2 forward vs TinyLlama with the block-causal mask")
        weights = qwen_weights(canonical, spec, biases=True)
        whole, _ = dref.fast_dllm_forward(spec, weights, ids[:, :2 * bs])
        _, past = dref.fast_dllm_forward(spec, weights, ids[:, :bs])
        step, _ = dref.fast_dllm_forward(spec, weights, ids[:, bs:2 * bs], past)
        close(step, whole[:, bs:], "Fast-dLLM v2: a block on the cache equals those rows of one whole call")
        changed = ids[:, bs:2 * bs].clone()
        changed[:, -1] = (changed[:, -1] + 1) % 300
        step2, _ = dref.fast_dllm_forward(spec, weights, changed, past)
        assert (step2[:, 0] - step[:, 0]).abs().max() > 1e-4, "a block on the cache must be bidirectional"
        first_block, _ = dref.fast_dllm_forward(spec, weights, torch.cat((ids[:, :bs], changed), 1))
        close(first_block[:, :bs], whole[:, :bs], "block 0 must not see block 1")


def check_samplers():
    _, canonical = recipe_model()
    llada_spec = read_diffusion_spec("llada", {"model_type": "llada", "d_model": 64, "n_heads": 4, "n_kv_heads": 2,
                                               "n_layers": 2, "mlp_hidden_size": 96, "vocab_size": 300,
                                               "rope_theta": 10000.0, "mask_token_id": 299})
    published = {llada_name(k): v for k, v in canonical.items()}
    prompt = torch.tensor([[3, 17, 42, 5]])
    with torch.no_grad():
        forward = samplers.Counted(lambda x: dref.llada_forward(llada_spec, published, x, torch.ones_like(x)))
        out = samplers.llada_generate(forward, prompt.clone(), 8, 4, 4, 299)
        assert forward.calls == 4 and (out[:, :4] == prompt).all() and not (out == 299).any(), out

        dream_spec = read_diffusion_spec("dream", {**QWEN_CONFIG, "model_type": "Dream", "mask_token_id": 299})
        weights = qwen_weights(canonical, dream_spec, biases=True)
        dream = lambda x, mask: dref.dream_forward(dream_spec, weights, x, mask)  # noqa: E731
        for alg in samplers.DREAM_ALGS:
            torch.manual_seed(0)
            runs = [samplers.dream_generate(dream, prompt.clone(), torch.ones_like(prompt), 6, 3, 299, alg=alg)
                    for _ in range(2)]
            assert (runs[0][:, :4] == prompt).all() and not (runs[0] == 299).any(), (alg, runs[0])
            if alg != "origin":
                assert torch.equal(runs[0], runs[1]), f"Dream {alg} at temperature 0 must repeat itself"

        fast_spec = read_diffusion_spec("fast_dllm_v2", {**QWEN_CONFIG, "model_type": "Fast_dLLM_Qwen", "bd_size": 4})
        weights = qwen_weights(canonical, fast_spec, biases=True)
        fast = samplers.Counted(lambda x, past: dref.fast_dllm_forward(fast_spec, weights, x, past))
        long_prompt = torch.tensor([[3, 17, 42, 5, 9, 11]])  # one whole block cached, two tokens in the first block
        out = samplers.fast_dllm_generate(fast, long_prompt.clone(), 8, 299, 4, small_block_size=2, stop_token=-1)
        # block 1: 2 masks, block 2: 3 masks (its first token came from block 1's clean forward); one token
        # per denoising forward at threshold 1, plus the prefill and one clean forward per block.
        assert out.shape[1] == 6 + 2 + 1 + 3 + 1 and not (out == 299).any(), out
        assert fast.calls == 1 + (2 + 1) + (3 + 1), fast.calls


if __name__ == "__main__":
    torch.set_num_threads(1)
    np.random.seed(0)
    check_llada()
    check_dream()
    check_fast_dllm()
    check_samplers()
    print("diffusion export selftest: ok")

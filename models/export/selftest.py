"""Checks of the exporter's parts that need no tokenizer or Node (run by lib/engines/published-models.test.ts):

- reference.py (written from the published architectures) equals the training recipe's TinyLlama, an
  independent implementation that loads into transformers' LlamaForCausalLM, on a GQA config with padding;
- safetensors round trip (BF16 rounding, F16, F32, shards + index) and refusal of a wrong checkpoint;
- the "llama3" RoPE scaling keeps high frequencies, divides low ones by `factor` and blends in between.

    /usr/bin/python3 models/export/selftest.py
"""
import os
import sys
import tempfile

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "train"))
import reference  # noqa: E402
from architecture import check_weights, read_spec, rope_inv_freq  # noqa: E402
from safetensors_io import read_checkpoint, write_checkpoint  # noqa: E402


def check_reference_against_recipe():
    from export_onnx import to_hf_state_dict
    from model import ModelConfig, TinyLlama

    torch.manual_seed(0)
    dims = dict(vocab_size=100, hidden_size=64, num_hidden_layers=2, num_attention_heads=4, num_key_value_heads=2,
                head_dim=16, intermediate_size=96, max_position_embeddings=256)
    model = TinyLlama(ModelConfig(**dims, causal=True)).eval()
    for p in model.parameters():
        torch.nn.init.normal_(p, std=0.3)
    spec = read_spec("llama", {**dims, "model_type": "llama", "rms_norm_eps": model.cfg.rms_norm_eps,
                               "rope_theta": model.cfg.rope_theta})
    weights = {k: v.detach().float() for k, v in to_hf_state_dict(model).items()}
    check_weights(spec, weights)
    ids = torch.randint(0, 100, (2, 7))
    attn = torch.ones(2, 7, dtype=torch.long)
    attn[1, :3] = 0
    pos = (attn.cumsum(-1) - 1).clamp(min=0)
    with torch.no_grad():
        want, want_kv = model(ids, attn, pos)
        got, got_kv = reference.forward(spec, weights, ids, attn, pos)
        keep = attn.bool()
        assert (want[keep] - got[keep]).abs().max() < 1e-4, "prefill logits differ from TinyLlama"
        step = torch.randint(0, 100, (2, 1))
        attn2 = torch.cat((attn, torch.ones(2, 1, dtype=torch.long)), 1)
        want2, _ = model(step, attn2, pos[:, -1:] + 1, want_kv)
        got2, _ = reference.forward(spec, weights, step, attn2, pos[:, -1:] + 1, got_kv)
        assert (want2 - got2).abs().max() < 1e-4, "cached step logits differ from TinyLlama"


def check_safetensors():
    rng = np.random.default_rng(0)
    tensors = {"a.weight": rng.standard_normal((3, 5)).astype(np.float32), "b.bias": np.float32([1.0, -2.5, 3.0e-3])}
    with tempfile.TemporaryDirectory() as d:
        for dtype, tol in (("F32", 0), ("F16", 1e-3), ("BF16", 8e-3)):
            write_checkpoint(d, tensors, shards=2 if dtype == "BF16" else 1, dtype=dtype)
            back = read_checkpoint(d)
            for k, v in tensors.items():
                assert back[k].shape == v.shape and np.all(np.abs(back[k] - v) <= tol * np.abs(v) + 1e-12), (dtype, k)
        assert os.path.exists(os.path.join(d, "model.safetensors.index.json")), "two BF16 shards and their index"
    spec = read_spec("qwen3", {"model_type": "qwen3", "vocab_size": 10, "hidden_size": 8, "num_hidden_layers": 1,
                               "num_attention_heads": 2, "num_key_value_heads": 1, "head_dim": 4,
                               "intermediate_size": 16, "rms_norm_eps": 1e-6, "tie_word_embeddings": True})
    try:
        check_weights(spec, {})
        raise AssertionError("an empty checkpoint was accepted")
    except ValueError as error:
        assert "model.embed_tokens.weight missing" in str(error)
    try:
        read_spec("qwen3", {"model_type": "llama"})
        raise AssertionError("a llama config was taken for qwen3")
    except ValueError as error:
        assert "not a qwen3 checkpoint" in str(error)


def check_llama3_rope():
    plain = rope_inv_freq({"rope_theta": 500000.0}, 128)
    scaled = rope_inv_freq({"rope_theta": 500000.0, "rope_scaling": {
        "rope_type": "llama3", "factor": 8.0, "low_freq_factor": 1.0, "high_freq_factor": 4.0,
        "original_max_position_embeddings": 8192}}, 128)
    wavelen = 2 * np.pi / plain
    high, low = wavelen < 8192 / 4, wavelen > 8192
    assert np.allclose(scaled[high], plain[high]) and np.allclose(scaled[low], plain[low] / 8)
    mid = ~high & ~low
    assert mid.any() and np.all((scaled[mid] < plain[mid]) & (scaled[mid] > plain[mid] / 8))


if __name__ == "__main__":
    torch.set_num_threads(1)
    check_reference_against_recipe()
    check_safetensors()
    check_llama3_rope()
    print("export selftest: ok")

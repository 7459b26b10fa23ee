"""Writes the decoder as an ONNX graph node by node (onnx.helper, no tracing), in the optimum/transformers.js
interface for text generation with a KV cache:

    input_ids [B, S], attention_mask [B, past + S], position_ids [B, S],
    past_key_values.{i}.key/value [B, kv_heads, past, head_dim]
      -> logits [B, S, vocab], present.{i}.key/value [B, kv_heads, past + S, head_dim]

Diffusion LMs change the attention pattern (`attention`, see reference.ATTENTION: "bidirectional" for
LLaDA/Dream, "block_causal" with `block_size` for Fast-dLLM v2, by absolute index past + i) and may drop the
cache (`plain_positions` given): input_ids [B, T], attention_mask [B, T] -> logits [B, T, vocab], positions
computed inside, "index" (0..T-1, LLaDA) or "nonpad_count" (cumsum(attention_mask) - 1, padding 1: Dream).

dtype "fp32" or "fp16" (weights, cache and logits in that type). As in transformers' half-precision forward,
RMSNorm and the attention softmax run in float32 inside an fp16 graph (Cast islands), so activations that
overflow float16 when squared do not turn into inf.
"""
import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

from architecture import DecoderSpec

OPSET = 17
DTYPES = {"fp32": (np.float32, TensorProto.FLOAT), "fp16": (np.float16, TensorProto.FLOAT16)}


class _Builder:
    def __init__(self, dtype: str):
        self.np_dtype, self.onnx_dtype = DTYPES[dtype]
        self.nodes, self.initializers, self.count = [], [], 0

    def op(self, op_type, *inputs, name=None, **attrs):
        self.count += 1
        out = name or f"{op_type.lower()}_{self.count}"
        self.nodes.append(helper.make_node(op_type, list(inputs), [out], name=f"{op_type}_{self.count}", **attrs))
        return out

    def const(self, name, array):
        self.initializers.append(numpy_helper.from_array(np.ascontiguousarray(array), name))
        return name

    def ints(self, name, values):
        return self.const(name, np.array(values, dtype=np.int64))

    def weight(self, name, array):
        return self.const(name, np.asarray(array, dtype=np.float32).astype(self.np_dtype))

    def to_float(self, x):
        return x if self.onnx_dtype == TensorProto.FLOAT else self.op("Cast", x, to=TensorProto.FLOAT)

    def to_dtype(self, x):
        return x if self.onnx_dtype == TensorProto.FLOAT else self.op("Cast", x, to=self.onnx_dtype)


def build_model(spec: DecoderSpec, weights: dict, dtype: str = "fp32", attention: str = "causal", block_size: int = 0,
                plain_positions: str = None) -> onnx.ModelProto:
    """weights: the checkpoint's float32 arrays by published name (see architecture.expected_shapes)."""
    cached = plain_positions is None
    g = _Builder(dtype)
    H, D, Hq, Hkv = spec.hidden_size, spec.head_dim, spec.num_heads, spec.num_kv_heads
    g.ints("axes_0", [0])
    g.ints("axes_1", [1])
    g.ints("axes_2", [2])
    g.ints("axes_12", [1, 2])
    g.ints("axis3", [3])
    g.ints("half_lo", [0])
    g.ints("half_mid", [D // 2])
    g.ints("half_hi", [D])
    g.ints("shape_q", [0, 0, Hq, D])
    g.ints("shape_kv", [0, 0, Hkv, D])
    g.ints("shape_merge", [0, 0, Hq * D])
    if spec.kv_groups > 1:
        g.ints("shape_rep", [0, Hq, -1, D])
        g.ints("expand_rep", [1, 1, spec.kv_groups, 1, 1])
    g.ints("one", 1)
    g.const("eps", np.array(spec.rms_norm_eps, dtype=np.float32))
    g.const("f_one", np.array(1.0, dtype=np.float32))
    g.const("scale", np.array(1.0 / np.sqrt(D), dtype=np.float32))
    g.const("mask_keep", np.array(0.0, dtype=np.float32))
    g.const("mask_hide", np.array(np.finfo(np.float32).min, dtype=np.float32))
    g.const("inv_freq", spec.inv_freq.astype(np.float32))

    def linear(x, name):
        y = g.op("MatMul", x, g.weight(name + ".weight_t", weights[name + ".weight"].T))
        bias = weights.get(name + ".bias")
        return y if bias is None else g.op("Add", y, g.weight(name + ".bias", bias))

    def rms_norm(x, weight_name):
        xf = g.to_float(x)
        var = g.op("ReduceMean", g.op("Mul", xf, xf), axes=[-1], keepdims=1)
        normed = g.op("Mul", xf, g.op("Div", "f_one", g.op("Sqrt", g.op("Add", var, "eps"))))
        return g.op("Mul", g.weight(weight_name, weights[weight_name]), g.to_dtype(normed))

    def rope(x, cos, sin):
        lo = g.op("Slice", x, "half_lo", "half_mid", "axis3")
        hi = g.op("Slice", x, "half_mid", "half_hi", "axis3")
        rotated = g.op("Concat", g.op("Neg", hi), lo, axis=3)
        return g.op("Add", g.op("Mul", x, cos), g.op("Mul", rotated, sin))

    # Lengths: S new tokens, T = past + S (attention_mask's width), past = T - S.
    S = g.op("Shape", "input_ids", start=1, end=2)
    T = g.op("Shape", "attention_mask", start=1, end=2)
    past_len = g.op("Squeeze", g.op("Sub", T, S), "axes_0")
    total = g.op("Squeeze", T, "axes_0")
    # Additive mask [B, 1, S, T]: key j is visible to new token i (index past + i) when the pattern allows it
    # (causal: j <= past + i) and j is not padding.
    key_pos = g.op("Range", g.ints("zero", 0), total, "one")
    query_pos = g.op("Range", past_len, total, "one")
    not_pad = g.op("Cast", g.op("Unsqueeze", "attention_mask", "axes_12"), to=TensorProto.BOOL)
    if attention == "bidirectional":
        allowed = not_pad
    else:
        if attention == "block_causal":  # block of the key <= block of the query, blocks from absolute index 0
            key_pos = g.op("Div", key_pos, g.ints("block_size", block_size))
            query_pos = g.op("Div", query_pos, "block_size")
        elif attention != "causal":
            raise ValueError(f"attention {attention!r} is not causal, bidirectional or block_causal")
        pattern = g.op("LessOrEqual", g.op("Unsqueeze", key_pos, "axes_0"), g.op("Unsqueeze", query_pos, "axes_1"))
        allowed = g.op("And", pattern, not_pad)
    mask = g.op("Where", allowed, "mask_keep", "mask_hide")
    # RoPE tables from the positions, computed in float32: [B, 1, S, D].
    if cached:
        positions = "position_ids"
    elif plain_positions == "index":
        positions = g.op("Unsqueeze", g.op("Range", "zero", total, "one"), "axes_0")
    elif plain_positions == "nonpad_count":
        counted = g.op("Sub", g.op("CumSum", "attention_mask", g.ints("axis_1", 1)), "one")
        positions = g.op("Where", g.op("Equal", "attention_mask", g.ints("zero_1", [0])), "one", counted)
    else:
        raise ValueError(f"plain_positions {plain_positions!r} is not index or nonpad_count")
    freqs = g.op("Mul", g.op("Unsqueeze", g.op("Cast", positions, to=TensorProto.FLOAT), "axes_2"), "inv_freq")
    emb = g.op("Concat", freqs, freqs, axis=-1)
    cos = g.op("Unsqueeze", g.to_dtype(g.op("Cos", emb)), "axes_1")
    sin = g.op("Unsqueeze", g.to_dtype(g.op("Sin", emb)), "axes_1")

    h = g.op("Gather", g.weight("model.embed_tokens.weight", weights["model.embed_tokens.weight"]), "input_ids", axis=0)
    for i in range(spec.num_layers):
        p = f"model.layers.{i}."
        x = rms_norm(h, p + "input_layernorm.weight")
        q = g.op("Reshape", linear(x, p + "self_attn.q_proj"), "shape_q")
        k = g.op("Reshape", linear(x, p + "self_attn.k_proj"), "shape_kv")
        v = g.op("Reshape", linear(x, p + "self_attn.v_proj"), "shape_kv")
        if spec.qk_norm:  # Qwen3: RMSNorm over each head's vector, before RoPE
            q = rms_norm(q, p + "self_attn.q_norm.weight")
            k = rms_norm(k, p + "self_attn.k_norm.weight")
        q = rope(g.op("Transpose", q, perm=[0, 2, 1, 3]), cos, sin)
        k = rope(g.op("Transpose", k, perm=[0, 2, 1, 3]), cos, sin)
        v = g.op("Transpose", v, perm=[0, 2, 1, 3])
        if cached:
            k = g.op("Concat", f"past_key_values.{i}.key", k, axis=2, name=f"present.{i}.key")
            v = g.op("Concat", f"past_key_values.{i}.value", v, axis=2, name=f"present.{i}.value")
        if spec.kv_groups > 1:  # grouped-query attention: KV head j serves query heads j*g .. j*g + g - 1
            k = g.op("Reshape", g.op("Expand", g.op("Unsqueeze", k, "axes_2"), "expand_rep"), "shape_rep")
            v = g.op("Reshape", g.op("Expand", g.op("Unsqueeze", v, "axes_2"), "expand_rep"), "shape_rep")
        scores = g.op("MatMul", q, g.op("Transpose", k, perm=[0, 1, 3, 2]))
        scores = g.op("Add", g.op("Mul", g.to_float(scores), "scale"), mask)
        probs = g.to_dtype(g.op("Softmax", scores, axis=-1))
        attn = g.op("Transpose", g.op("MatMul", probs, v), perm=[0, 2, 1, 3])
        h = g.op("Add", h, linear(g.op("Reshape", attn, "shape_merge"), p + "self_attn.o_proj"))
        x = rms_norm(h, p + "post_attention_layernorm.weight")
        gate = linear(x, p + "mlp.gate_proj")
        act = g.op("Mul", g.op("Mul", gate, g.op("Sigmoid", gate)), linear(x, p + "mlp.up_proj"))
        h = g.op("Add", h, linear(act, p + "mlp.down_proj"))
    x = rms_norm(h, "model.norm.weight")
    head = weights["model.embed_tokens.weight" if spec.tie_word_embeddings else "lm_head.weight"]
    g.op("MatMul", x, g.weight("lm_head.weight_t", head.T), name="logits")

    kv_in = ["batch_size", Hkv, "past_sequence_length", D]
    kv_out = ["batch_size", Hkv, "total_sequence_length", D]
    inputs = [
        helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch_size", "sequence_length"]),
        helper.make_tensor_value_info("attention_mask", TensorProto.INT64,
                                      ["batch_size", "total_sequence_length" if cached else "sequence_length"]),
    ]
    if cached:
        inputs.append(helper.make_tensor_value_info("position_ids", TensorProto.INT64, ["batch_size", "sequence_length"]))
    outputs = [helper.make_tensor_value_info("logits", g.onnx_dtype, ["batch_size", "sequence_length", spec.vocab_size])]
    for i in range(spec.num_layers if cached else 0):
        for kind in ("key", "value"):
            inputs.append(helper.make_tensor_value_info(f"past_key_values.{i}.{kind}", g.onnx_dtype, kv_in))
            outputs.append(helper.make_tensor_value_info(f"present.{i}.{kind}", g.onnx_dtype, kv_out))
    graph = helper.make_graph(g.nodes, f"{spec.family}_decoder_{dtype}", inputs, outputs, g.initializers)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)], producer_name="dlm-export")
    model.ir_version = 8  # onnxruntime and transformers.js both read IR 8 / opset 17
    return model

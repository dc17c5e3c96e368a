"""Every block in PyTorch's names and layouts: files written in PyTorch's layout load and give PyTorch's outputs.

Each test writes a .safetensors file the way a PyTorch module's state dict
would be saved (its names and layouts, made here with numpy), loads it with
`safetensors.numpy.load_file` into a nodegrad block with
`load_state_dict(state, layout="torch")`, and compares the block's output in
float64 with the module's forward written in numpy from PyTorch's
documented definitions (tests/torch_reference.py); the recurrent layers also
compare their final states (h_n, c_n) in PyTorch's (num_layers, N, H) layout.
"""

import numpy as np
import pytest
from safetensors.numpy import load_file, save_file

import autograd as ag
import nodes as nd
from tests import torch_reference as ref

RNG = np.random.default_rng(0)


def written_and_read(tmp_path, state):
    """The state as a file written in PyTorch's layout gives it back: saved and loaded with safetensors."""
    path = tmp_path / "module.safetensors"
    save_file({k: np.require(v, requirements="C") for k, v in state.items()}, str(path))
    return load_file(str(path))


def random_state(shapes):
    return {key: RNG.standard_normal(shape) for key, shape in shapes.items()}


def run(output, feeds, training=False):
    graph = ag.Graph(output)
    if not training:
        graph.eval()
    return graph.forward(feeds, grad=False)


def test_linear(tmp_path):
    state = written_and_read(tmp_path, random_state({"weight": (3, 5), "bias": (3,)}))
    with ag.default_dtype(np.float64):
        x = ag.Input("x", shape=(None, 5))
        layer = nd.Linear(5, 3, name="fc")
    layer.load_state_dict(state, layout="torch")
    values = RNG.standard_normal((4, 5))
    np.testing.assert_allclose(run(layer(x), {x: values}), ref.linear(state, values), rtol=1e-12, atol=1e-12)
    np.testing.assert_array_equal(layer.state_dict(layout="torch")["weight"], state["weight"])


@pytest.mark.parametrize("stride, padding, dilation, groups", [(1, 2, 1, 1), (2, 1, 1, 2), (1, 2, 2, 3)])
def test_conv2d_with_oihw_weights_on_nchw_images(tmp_path, stride, padding, dilation, groups):
    c_in, c_out, k = 6, 12, 3
    state = written_and_read(tmp_path, random_state({"weight": (c_out, c_in // groups, k, k), "bias": (c_out,)}))
    with ag.default_dtype(np.float64):
        x = ag.Input("x", shape=(None, 9, 8, c_in))
        layer = nd.Conv2d(c_in, c_out, k, stride=stride, padding=padding, dilation=dilation, groups=groups,
                          name="conv")
    layer.load_state_dict(state, layout="torch")
    images = RNG.standard_normal((2, c_in, 9, 8))  # NCHW, as PyTorch takes them
    ours = run(layer(x), {x: images.transpose(0, 2, 3, 1)}).transpose(0, 3, 1, 2)
    expected = ref.conv2d(state, images, stride=stride, padding=padding, dilation=dilation, groups=groups)
    np.testing.assert_allclose(ours, expected, rtol=1e-11, atol=1e-11)


def test_layer_norm(tmp_path):
    state = written_and_read(tmp_path, random_state({"weight": (6,), "bias": (6,)}))
    with ag.default_dtype(np.float64):
        x = ag.Input("x", shape=(None, 4, 6))
        layer = nd.LayerNorm(6, name="ln")
    layer.load_state_dict(state, layout="torch")
    values = RNG.standard_normal((3, 4, 6)) * 3 + 1
    np.testing.assert_allclose(run(layer(x), {x: values}), ref.layer_norm(state, values), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("images", [False, True], ids=["BatchNorm1d", "BatchNorm2d"])
def test_batch_norm_in_eval_mode_uses_the_running_statistics(tmp_path, images):
    c = 5
    state = random_state({"weight": (c,), "bias": (c,), "running_mean": (c,)})
    state["running_var"] = RNG.random(c) + 0.5
    state["num_batches_tracked"] = np.array(12, dtype=np.int64)
    state = written_and_read(tmp_path, state)
    with ag.default_dtype(np.float64):
        x = ag.Input("x", shape=(None, 4, 3, c) if images else (None, c))
        layer = nd.BatchNorm(c, name="bn")
    layer.load_state_dict(state, layout="torch")
    if images:
        values = RNG.standard_normal((2, c, 4, 3))
        ours = run(layer(x), {x: values.transpose(0, 2, 3, 1)}).transpose(0, 3, 1, 2)
    else:
        values = RNG.standard_normal((7, c))
        ours = run(layer(x), {x: values})
    np.testing.assert_allclose(ours, ref.batch_norm_eval(state, values), rtol=1e-12, atol=1e-12)
    exported = layer.state_dict(layout="torch")
    assert sorted(exported) == sorted(state)
    assert exported["num_batches_tracked"].dtype == np.int64 and exported["num_batches_tracked"] == 0


def test_embeddings_take_nn_embedding_weights(tmp_path):
    state = written_and_read(tmp_path, random_state({"weight": (7, 4)}))
    with ag.default_dtype(np.float64):
        table = nd.Embedding(7, 4, name="embed")
        positions = nd.PositionalEmbedding(7, 4, name="positions")
    table.load_state_dict(state, layout="torch")
    positions.load_state_dict(state, layout="torch")
    ids = ag.Input("ids", shape=(None, 3), dtype=np.int64)
    np.testing.assert_array_equal(run(table(ids), {ids: np.array([[6, 0, 2]])}), state["weight"][[[6, 0, 2]]])
    x = ag.Input("x", shape=(None, 7, 4), dtype=np.float64)
    tokens = RNG.standard_normal((2, 7, 4))
    np.testing.assert_allclose(run(positions(x), {x: tokens}), tokens + state["weight"], rtol=1e-15)


def attention_state(dim, key_bias):
    state = random_state({"in_proj_weight": (3 * dim, dim), "in_proj_bias": (3 * dim,),
                          "out_proj.weight": (dim, dim), "out_proj.bias": (dim,)})
    if not key_bias:
        state["in_proj_bias"][dim : 2 * dim] = 0
    return state


@pytest.mark.parametrize("key_bias", [False, True], ids=["zero key bias", "key bias"])
def test_multi_head_attention_from_the_packed_in_proj(tmp_path, key_bias):
    dim, heads = 8, 2
    state = written_and_read(tmp_path, attention_state(dim, key_bias))
    with ag.default_dtype(np.float64):
        x = ag.Input("x", shape=(None, 5, dim))
        attn = nd.MultiHeadSelfAttention(dim, heads, name="attn")
    attn.load_state_dict(state, layout="torch")
    tokens = RNG.standard_normal((3, 5, dim))
    # PyTorch's output with the key bias it holds: the softmax cancels it, so ours needs none.
    np.testing.assert_allclose(run(attn(x), {x: tokens}), ref.multihead_attention(state, tokens, heads),
                               rtol=1e-11, atol=1e-12)
    exported = attn.state_dict(layout="torch")
    np.testing.assert_array_equal(exported["in_proj_weight"], state["in_proj_weight"])
    np.testing.assert_array_equal(exported["in_proj_bias"][dim : 2 * dim], 0)


def test_transformer_block_as_a_norm_first_encoder_layer(tmp_path):
    dim, heads, hidden = 8, 4, 16
    shapes = {"linear1.weight": (hidden, dim), "linear1.bias": (hidden,), "linear2.weight": (dim, hidden),
              "linear2.bias": (dim,)}
    for norm in ("norm1", "norm2"):
        shapes.update({f"{norm}.weight": (dim,), f"{norm}.bias": (dim,)})
    state = random_state(shapes)
    state.update({f"self_attn.{k}": v for k, v in attention_state(dim, key_bias=True).items()})
    state = written_and_read(tmp_path, state)
    with ag.default_dtype(np.float64):
        x = ag.Input("x", shape=(None, 6, dim))
        block = nd.TransformerBlock(dim, heads, hidden, name="block")
    block.load_state_dict(state, layout="torch")
    tokens = RNG.standard_normal((2, 6, dim))
    np.testing.assert_allclose(run(block(x), {x: tokens}), ref.encoder_layer_norm_first(state, tokens, heads),
                               rtol=1e-10, atol=1e-11)


def test_a_patch_embedding_takes_a_strided_conv(tmp_path):
    state = written_and_read(tmp_path, random_state({"proj.weight": (5, 1, 7, 7), "proj.bias": (5,)}))
    with ag.default_dtype(np.float64):
        x = ag.Input("x", shape=(None, 28, 28))
        embed = nd.PatchEmbedding(28, 7, dim=5, name="patch_embed")
    embed.load_state_dict(state, layout="torch")
    images = RNG.random((2, 28, 28))
    maps = ref.conv2d(state, images[:, None], stride=7, prefix="proj.")  # (N, dim, 4, 4)
    expected = maps.reshape(2, 5, 16).transpose(0, 2, 1)  # .flatten(2).transpose(1, 2)
    np.testing.assert_allclose(run(embed(x), {x: images}), expected, rtol=1e-12, atol=1e-12)


def test_a_missing_or_misshapen_tensor_is_refused_by_its_pytorch_name_and_nothing_changes():
    with ag.default_dtype(np.float64):
        block = nd.TransformerBlock(8, 2, 16, name="block")
    before = block.state_dict()
    state = block.state_dict(layout="torch")
    del state["norm2.bias"]
    with pytest.raises(ag.CheckpointError, match=r"missing 'norm2.bias'; not expected none"):
        block.load_state_dict(state, layout="torch")
    state = block.state_dict(layout="torch")
    state["self_attn.in_proj_weight"] = np.zeros((8, 8))
    with pytest.raises(ag.CheckpointError, match=r"'self_attn.in_proj_weight' has shape \(8, 8\), expected \(24, 8\)"):
        block.load_state_dict(state, layout="torch")
    state = {k: v + 1 for k, v in block.state_dict(layout="torch").items()}
    state["linear1.weight"] = state["linear1.weight"].T  # an (in, out) weight where PyTorch keeps (out, in)
    with pytest.raises(ag.CheckpointError, match=r"'linear1.weight' has shape \(8, 16\), expected \(16, 8\)"):
        block.load_state_dict(state, layout="torch")
    after = block.state_dict()
    assert all(np.array_equal(before[k], after[k]) for k in before)


def test_round_trip_through_pytorch_layout_for_every_block():
    with ag.default_dtype(np.float64):
        blocks = [nd.Linear(3, 4, name="a"), nd.Conv2d(4, 6, 3, groups=2, name="b"), nd.BatchNorm(3, name="c"),
                  nd.LayerNorm((2, 3), name="d"), nd.Embedding(5, 2, name="e"), nd.PositionalEmbedding(4, 2, name="f"),
                  nd.MultiHeadSelfAttention(4, 2, name="g"), nd.TransformerBlock(4, 2, 8, name="h"),
                  nd.PatchEmbedding(8, 4, 3, name="i"), nd.VisionTransformer(8, 4, 4, 1, 2, 8, 3, name="j"),
                  nd.RNN(3, 4, num_layers=2, name="k"), nd.LSTM(3, 4, num_layers=2, bias=False, name="l"),
                  nd.GRU(3, 4, num_layers=2, fused=True, name="m"), nd.LSTMCell(3, 4, name="n")]
    for block in blocks:
        original = {k: v + RNG.standard_normal(v.shape) for k, v in block.state_dict().items()}
        block.load_state_dict(original)
        block.load_state_dict(block.state_dict(layout="torch"), layout="torch")
        back = block.state_dict()
        assert back.keys() == original.keys()
        for key in original:
            np.testing.assert_array_equal(back[key], original[key], err_msg=f"{block.name}.{key}")


# -- recurrent layers: nn.RNN, nn.LSTM, nn.GRU (batch_first=True) -------------------------------------------
#: kind: (the block, the gate blocks stacked in the rows, the reference, the state's parts)
RECURRENT = {"RNN": (nd.RNN, 1, ref.rnn, ("h",)), "LSTM": (nd.LSTM, 4, ref.lstm, ("h", "c")),
             "GRU": (nd.GRU, 3, ref.gru, ("h",))}
FEATURES, HIDDEN, LAYERS, STEPS, BATCH = 3, 4, 2, 5, 3


def torch_recurrent_shapes(gates, bias, layers=LAYERS):
    """nn.RNN/LSTM/GRU(FEATURES, HIDDEN, layers, bias=bias).state_dict()'s keys, in its order, and shapes."""
    shapes = {}
    for k in range(layers):
        shapes[f"weight_ih_l{k}"] = (gates * HIDDEN, FEATURES if k == 0 else HIDDEN)
        shapes[f"weight_hh_l{k}"] = (gates * HIDDEN, HIDDEN)
        if bias:
            shapes.update({f"bias_ih_l{k}": (gates * HIDDEN,), f"bias_hh_l{k}": (gates * HIDDEN,)})
    return shapes


def recurrent_outputs(block, parts, sequences, initial):
    """The block's outputs (N, T, H) and final state parts, each (num_layers, N, H), from the given initial state."""
    with ag.default_dtype(np.float64):
        x = ag.Input("x", shape=(None, STEPS, FEATURES))
        starts = [ag.Input(f"{p}0", shape=(LAYERS, None, HIDDEN)) for p in parts]
    out, final = block(x, state=tuple(starts) if len(parts) > 1 else starts[0], return_state=True)
    final = final if isinstance(final, tuple) else (final,)
    values = ag.Graph(out, *final).eval().forward({x: sequences, **dict(zip(starts, initial))}, grad=False)
    return values[0], values[1:]


@pytest.mark.parametrize("fused", [False, True], ids=["wired", "fused"])
@pytest.mark.parametrize("bias", [True, False], ids=["bias", "no bias"])
@pytest.mark.parametrize("kind", sorted(RECURRENT))
def test_recurrent_layers_take_pytorchs_state_dict_and_give_its_outputs_and_final_states(tmp_path, kind, bias,
                                                                                         fused):
    make, gates, forward, parts = RECURRENT[kind]
    shapes = torch_recurrent_shapes(gates, bias)
    with ag.default_dtype(np.float64):
        block = make(FEATURES, HIDDEN, num_layers=LAYERS, bias=bias, fused=fused, name="rnn")
    exported = block.state_dict(layout="torch")
    assert [(k, v.shape) for k, v in exported.items()] == list(shapes.items())
    state = written_and_read(tmp_path, {k: 0.5 * v for k, v in random_state(shapes).items()})
    block.load_state_dict(state, layout="torch")
    sequences = RNG.standard_normal((BATCH, STEPS, FEATURES))
    initial = [0.5 * RNG.standard_normal((LAYERS, BATCH, HIDDEN)) for _ in parts]
    out, final = recurrent_outputs(block, parts, sequences, initial)
    expected_out, expected_final = forward(state, sequences, *initial, num_layers=LAYERS)
    expected_final = expected_final if isinstance(expected_final, tuple) else (expected_final,)
    np.testing.assert_allclose(out, expected_out, rtol=1e-10, atol=1e-12)
    for part, got, want in zip(parts, final, expected_final):
        np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-12, err_msg=f"{part}_n")
    exported = block.state_dict(layout="torch")
    assert exported.keys() == state.keys()
    assert all(np.array_equal(exported[k], state[k]) for k in state)
    # Exported to a file in PyTorch's layout and read back into another block: the same outputs.
    with ag.default_dtype(np.float64):
        other = make(FEATURES, HIDDEN, num_layers=LAYERS, bias=bias, fused=not fused, name="other")
    other.load_state_dict(written_and_read(tmp_path, exported), layout="torch")
    other_out, other_final = recurrent_outputs(other, parts, sequences, initial)
    np.testing.assert_allclose(other_out, out, rtol=1e-12, atol=1e-14)
    for got, want in zip(other_final, final):
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("kind", sorted(RECURRENT))
def test_a_recurrent_cell_takes_the_pytorch_cells_state_dict(kind):
    make, gates, forward, parts = RECURRENT[kind]
    cell_class = {"RNN": nd.RNNCell, "LSTM": nd.LSTMCell, "GRU": nd.GRUCell}[kind]
    state = {k[: -len("_l0")]: v for k, v in random_state(torch_recurrent_shapes(gates, True, layers=1)).items()}
    with ag.default_dtype(np.float64):
        cell = cell_class(FEATURES, HIDDEN, name="cell")
        x = ag.Input("x", shape=(None, FEATURES))
        starts = [ag.Input(f"{p}0", shape=(None, HIDDEN)) for p in parts]
    assert {k: v.shape for k, v in cell.state_dict(layout="torch").items()} == {k: v.shape for k, v in state.items()}
    cell.load_state_dict(state, layout="torch")
    new = cell(x, tuple(starts) if len(parts) > 1 else starts[0])
    new = new if isinstance(new, tuple) else (new,)
    inputs, initial = RNG.standard_normal((BATCH, FEATURES)), [RNG.standard_normal((BATCH, HIDDEN)) for _ in parts]
    values = ag.Graph(*new).forward({x: inputs, **dict(zip(starts, initial))}, grad=False)
    values = values if isinstance(values, tuple) else (values,)
    # nn.LSTMCell/GRUCell/RNNCell: one step of a one-layer module, the same names without _l0
    _, expected = forward({f"{k}_l0": v for k, v in state.items()}, inputs[:, None], *(a[None] for a in initial))
    expected = expected if isinstance(expected, tuple) else (expected,)
    for got, want in zip(values, expected):
        np.testing.assert_allclose(got, want[0], rtol=1e-10, atol=1e-12)


def test_a_recurrent_state_dict_that_does_not_fit_is_refused_by_its_pytorch_name_and_nothing_changes():
    with ag.default_dtype(np.float64):
        block = nd.LSTM(FEATURES, HIDDEN, num_layers=LAYERS, name="lstm")
        plain = nd.GRU(FEATURES, HIDDEN, bias=False, name="gru")
    before = block.state_dict()
    state = block.state_dict(layout="torch")
    del state["bias_hh_l1"]
    with pytest.raises(ag.CheckpointError, match=r"missing 'bias_hh_l1'; not expected none"):
        block.load_state_dict(state, layout="torch")
    state = {k: v + 1 for k, v in block.state_dict(layout="torch").items()}
    state["weight_ih_l0"] = state["weight_ih_l0"].T  # (F, 4H): x W where PyTorch keeps (4H, F) for x W^T
    with pytest.raises(ag.CheckpointError, match=r"'weight_ih_l0' has shape \(3, 16\), expected \(16, 3\)"):
        block.load_state_dict(state, layout="torch")
    state = {k: v + 1 for k, v in block.state_dict(layout="torch").items()}
    state["weight_hh_l1"] = state["weight_hh_l1"][: 3 * HIDDEN]  # a GRU's three gate blocks, not an LSTM's four
    with pytest.raises(ag.CheckpointError, match=r"'weight_hh_l1' has shape \(12, 4\), expected \(16, 4\)"):
        block.load_state_dict(state, layout="torch")
    after = block.state_dict()
    assert all(np.array_equal(before[k], after[k]) for k in before)
    with_biases = random_state(torch_recurrent_shapes(3, bias=True, layers=1))
    with pytest.raises(ag.CheckpointError, match=r"missing none; not expected 'bias_ih_l0', 'bias_hh_l0'"):
        plain.load_state_dict(with_biases, layout="torch")

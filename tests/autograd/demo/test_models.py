"""The demo's models in PyTorch's layout: round trips, and the outputs of the PyTorch modules they describe.

The PyTorch modules (named in each builder's docstring) are written out in
numpy (tests/torch_reference.py; the LSTM's and GRU's from nn.LSTM's and
nn.GRU's equations); their state dicts are made here, in
PyTorch's names and layouts, and saved as .safetensors files.
"""

import numpy as np
import pytest
from safetensors.numpy import load_file, save_file

import autograd as ag
from autograd.demo import models
from tests import torch_reference as ref

IMAGES = np.random.default_rng(1).random((3, 28, 28))


def build(name, seed=0):
    with ag.default_dtype(np.float64):
        return models.build(name, seed=seed)


def logits(model, images=IMAGES):
    return ag.Graph(model.logits).eval().forward({model.image: images}, grad=False)


def perturbed(state, seed):
    """Every float array moved, so that no value is left at its initial one (running variances stay positive)."""
    rng = np.random.default_rng(seed)
    return {k: np.abs(v + 0.1 * rng.standard_normal(v.shape)) if "running_var" in k
            else v + 0.1 * rng.standard_normal(v.shape) if v.dtype.kind == "f" else v for k, v in state.items()}


@pytest.mark.parametrize("name", sorted(models.BUILDERS))
def test_round_trip_through_pytorch_layout_and_through_a_safetensors_file(tmp_path, name):
    model = build(name)
    model.load_state_dict(perturbed(model.state_dict(), seed=2))
    expected_state, expected_logits = model.state_dict(), logits(model)

    other = build(name, seed=5)
    other.load_state_dict(model.state_dict(layout="torch"), layout="torch")
    assert all(np.array_equal(other.state_dict()[k], v) for k, v in expected_state.items())
    np.testing.assert_array_equal(logits(other), expected_logits)

    path = tmp_path / f"{name}.safetensors"
    ag.Graph(model.logits).save(path)
    assert sorted(load_file(str(path))) == sorted(expected_state)  # the file's keys are the state dict's
    third = build(name, seed=7)
    ag.Graph(third.logits).load(path)
    np.testing.assert_array_equal(logits(third), expected_logits)


def torch_state(name, seed=3):
    """A state dict in the PyTorch module's names and layouts (shapes from the model's export), random values."""
    shapes = {k: v.shape for k, v in build(name).state_dict(layout="torch").items()}
    rng = np.random.default_rng(seed)
    state = {k: 0.2 * rng.standard_normal(shape) for k, shape in shapes.items()}
    for key in state:
        if key.endswith("running_var"):
            state[key] = rng.random(shapes[key]) + 0.5
        if key.endswith("num_batches_tracked"):
            state[key] = np.array(100, dtype=np.int64)
    return state


def mlp_forward(state, images):
    x = images.reshape(len(images), -1)
    x = ref.relu(ref.linear(state, x, "fc1."))
    x = ref.relu(ref.linear(state, x, "fc2."))
    return ref.linear(state, x, "classifier.")


def cnn_forward(state, images):
    x = images[:, None]  # images.unsqueeze(1): NCHW
    for block in ("conv1", "conv2"):
        x = ref.conv2d(state, x, padding=2, prefix=f"{block}.conv.")
        x = ref.max_pool2(ref.relu(ref.batch_norm_eval(state, x, prefix=f"{block}.bn.")))
    x = x.reshape(len(x), -1)  # flatten(1) of NCHW: channel first
    x = ref.relu(ref.linear(state, x, "fc1."))  # dropout is the identity in eval mode
    return ref.linear(state, x, "classifier.")


def vit_forward(state, images):
    maps = ref.conv2d(state, images[:, None], stride=7, prefix="patch_embed.proj.")
    x = maps.reshape(len(images), 64, 16).transpose(0, 2, 1) + state["positions.weight"]
    for block in ("block1", "block2"):
        x = ref.encoder_layer_norm_first(state, x, heads=4, prefix=f"{block}.")
    return ref.linear(state, x.mean(axis=1), "head.")


def recurrent_forward(kind):
    """classifier(rnn(images)[0][:, -1]) with the images' rows as the steps, from a zero initial state."""

    def forward(state, images):
        layer = {k[len(kind) + 1:]: v for k, v in state.items() if k.startswith(kind + ".")}
        zeros = np.zeros((1, len(images), layer["weight_hh_l0"].shape[1]))
        out, _ = getattr(ref, kind)(layer, images, *[zeros] * (2 if kind == "lstm" else 1))
        return ref.linear(state, out[:, -1], "classifier.")

    return forward


@pytest.mark.parametrize("name, forward", [("mlp", mlp_forward), ("cnn", cnn_forward), ("vit", vit_forward),
                                           ("lstm", recurrent_forward("lstm")), ("gru", recurrent_forward("gru"))])
def test_a_pytorch_state_dict_gives_the_pytorch_modules_outputs(tmp_path, name, forward):
    path = tmp_path / "module.safetensors"
    save_file(torch_state(name), str(path))
    state = load_file(str(path))
    model = build(name)
    model.load_state_dict(state, layout="torch")
    expected = forward(state, IMAGES)
    np.testing.assert_allclose(logits(model), expected, rtol=1e-10, atol=1e-10 * np.abs(expected).max())


def test_the_cnn_refuses_a_state_dict_of_another_shape_naming_the_tensor():
    model = build("cnn")
    before = model.state_dict()
    state = torch_state("cnn")
    state["fc1.weight"] = state["fc1.weight"][:, :100]
    with pytest.raises(ag.CheckpointError, match=r"'fc1.weight' has shape \(128, 100\), expected \(128, 1568\)"):
        model.load_state_dict(state, layout="torch")
    assert all(np.array_equal(model.state_dict()[k], v) for k, v in before.items())


def test_a_conv_block_pooled_before_its_relu_gives_the_same_values_and_gradients():
    """Max pooling and ReLU commute, and a window whose maximum is not positive sends no gradient either way."""
    x = np.random.default_rng(0).standard_normal((3, 12, 12, 2))
    results = []
    for pool_first in (False, True):
        with ag.default_dtype(np.float64):
            image = ag.Input("image", shape=(None, 12, 12, 2), requires_grad=True)
            out = models.conv_block(image, 2, 4, name="block", rng=np.random.default_rng(1), padding=0,
                                    pool_first=pool_first)
            graph = ag.Graph(out)
        value = graph.forward(image=x)
        assert (value == 0).mean() > 0.05  # windows with no positive maximum are there
        graph.backward(seed=np.random.default_rng(2).standard_normal(value.shape), update=False)
        results.append((value, image.grad, *(p.grad for p in graph.parameters)))
    for got, want in zip(*results, strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)

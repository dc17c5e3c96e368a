import numpy as np

import autograd as ag
import nodes as nd
from benchmarks.vit_numpy import NumpyViT
from tests.nodes.gradcases import GradCase, randn


def tiny_vit(x):
    vit = nd.VisionTransformer(
        image_size=4, patch_size=2, dim=4, depth=1, heads=2, mlp_hidden=4, classes=3, rng=np.random.default_rng(0)
    )
    return vit(x)


CASES = [GradCase("vision-transformer-tiny", tiny_vit, (randn(2, 16),))]


def _benchmark_model(dtype):
    with ag.default_dtype(dtype):
        images = ag.Input("images", shape=(None, 784))
        labels = ag.Input("labels", shape=(None,), dtype=np.int64)
        vit = nd.VisionTransformer(rng=np.random.default_rng(0), gelu_approximate="tanh")  # as benchmarks/vit.py
        graph = ag.Graph(nd.softmax_cross_entropy(vit(images), labels), rule=ag.Adam(1e-3))
    return graph, vit


def test_parameter_names_are_scoped():
    graph, vit = _benchmark_model(np.float32)
    names = [p.name for p in graph.parameters]
    assert sorted(names) == sorted(p.name for p in vit.parameters())
    assert vit.name.startswith("vit")  # unnamed: "vit", or "vit_1"... after other unnamed ones
    for name in ("patch_embed.proj.weight", "positions.positions", "block1.attn.q.weight",
                 "block2.fc2.bias", "block2.ln1.gamma", "head.weight"):
        assert f"{vit.name}.{name}" in names
    block = 4 * 64 * 64 + 3 * 64 + 4 * 64 + 2 * 64 * 128 + 128 + 64  # attention, 2 layer norms, MLP
    assert graph.parameter_count == (49 * 64 + 64) + 16 * 64 + 2 * block + (64 * 10 + 10)


def test_the_benchmark_reference_computes_the_same_gradients_and_steps():
    # benchmarks/vit.py times nodegrad against NumpyViT: both must train the same model.
    graph, _ = _benchmark_model(np.float64)
    reference = NumpyViT({p.name.split(".", 1)[1]: p.value for p in graph.parameters}, dtype=np.float64)
    rng = np.random.default_rng(1)
    x, y = rng.random((6, 784)), rng.integers(0, 10, 6)
    loss = graph.forward(images=x, labels=y)
    graph.backward(update=False)
    ref_loss, ref_grads = reference.loss_and_grads(x, y)
    np.testing.assert_allclose(loss, ref_loss, rtol=1e-12)
    assert len(ref_grads) == len(graph.parameters)
    for p in graph.parameters:
        np.testing.assert_allclose(p.grad, ref_grads[p.name.split(".", 1)[1]], rtol=1e-8, atol=1e-12, err_msg=p.name)
    for _ in range(3):
        graph.step(images=x, labels=y)
        reference.train_step(x, y)
    for p in graph.parameters:
        np.testing.assert_allclose(p.value, reference.params[p.name.split(".", 1)[1]], rtol=1e-7, atol=1e-10)

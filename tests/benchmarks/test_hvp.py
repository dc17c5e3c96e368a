"""The HVP benchmark times a correct product: it equals a finite difference of gradients; its row has its keys."""

import numpy as np

import autograd as ag
from benchmarks import bench, hvp


def _gradient(sizes, weights, xb, yb):
    graph, images, labels, loss, params = hvp.build(sizes, dtype=np.float64)
    for p, w in zip(params, weights):
        p.value[...] = w
    graph.forward({images: xb, labels: yb})
    return ag.grad(loss, params)


def test_the_hvp_equals_a_finite_difference_of_the_gradients():
    sizes, rng = (6, 5, 3), np.random.default_rng(0)
    xb, yb = rng.standard_normal((4, 6)), rng.integers(0, 3, 4)
    graph, images, labels, loss, params = hvp.build(sizes, dtype=np.float64)
    weights = [p.value.copy() for p in params]
    vectors = [rng.standard_normal(w.shape) for w in weights]
    graph.forward({images: xb, labels: yb})
    products = ag.hvp(loss, params, vectors)
    eps = 1e-6
    plus = _gradient(sizes, [w + eps * v for w, v in zip(weights, vectors)], xb, yb)
    minus = _gradient(sizes, [w - eps * v for w, v in zip(weights, vectors)], xb, yb)
    for product, a, b in zip(products, plus, minus):
        np.testing.assert_allclose(product, (a - b) / (2 * eps), rtol=1e-6, atol=1e-8)
    assert any(np.abs(p).max() > 1e-3 for p in products)  # not a vacuous comparison of zeros


def test_the_row_has_its_keys_and_formats():
    row = hvp.run(sizes=(8, 4, 3), batch=5, repeats=2)
    assert set(row) == {"name", "step", "hvp", "hvp_with_forward", "hvp_ratio"}
    assert row["hvp_ratio"] == row["hvp"] / row["step"]
    assert "hvp/step" in bench._format_row(row) and "hvp" in bench.ROWS

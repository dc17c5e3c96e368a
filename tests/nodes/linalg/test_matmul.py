import numpy as np
import pytest

import nodes as nd
from autograd import Graph, Input, Parameter, ShapeError, default_dtype
from tests.nodes.gradcases import GradCase, randn
from tests.nodes.helpers import evaluate

CASES = [
    GradCase("matmul-2d", nd.matmul, (randn(3, 4), randn(4, 5, seed=1))),
    GradCase("matmul-batched-3d-shared-weight", nd.matmul, (randn(2, 3, 4), randn(4, 5, seed=1))),
    GradCase("matmul-batched-both", nd.matmul, (randn(2, 3, 4), randn(2, 4, 5, seed=1))),
    GradCase("matmul-broadcast-batch", nd.matmul, (randn(2, 1, 3, 4), randn(3, 4, 2, seed=1))),
    GradCase("matmul-shared-left", nd.matmul, (randn(3, 4), randn(2, 4, 5, seed=1))),
    GradCase("matmul-vector-right", nd.matmul, (randn(3, 4), randn(4, seed=1))),
    GradCase("matmul-vector-left", nd.matmul, (randn(4), randn(4, 5, seed=1))),
    GradCase("matmul-vector-vector", nd.matmul, (randn(4), randn(4, seed=1))),
    GradCase("matmul-batched-vector-right", nd.matmul, (randn(2, 3, 4), randn(4, seed=1))),
    GradCase("matmul-vector-left-batched", nd.matmul, (randn(4), randn(2, 4, 5, seed=1))),
    GradCase("matmul-operator-same-node", lambda a: a @ nd.transpose(a), (randn(3, 4),)),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_values_and_static_shapes_match_numpy(case):
    expected = case.factory(*[Input(f"x{k}", shape=np.shape(a)) for k, a in enumerate(case.arrays)])
    got = evaluate(case.factory, *case.arrays)
    np.testing.assert_allclose(got, _numpy(case), rtol=1e-12)
    assert expected.shape == got.shape


def _numpy(case):
    if len(case.arrays) == 1:
        a = case.arrays[0]
        return a @ a.T
    return case.arrays[0] @ case.arrays[1]


def test_mismatched_inner_sizes_are_refused_when_wired():
    with pytest.raises(ShapeError, match="inner sizes"):
        nd.matmul(Input("a", shape=(None, 3)), Input("b", shape=(4, 5)))


def _wired(a, b):
    """matmul of an input `a` and a parameter `b`, after a forward pass (both need gradients)."""
    with default_dtype(np.float64):
        x = Input("a", shape=a.shape, requires_grad=True)
        f = nd.matmul(x, Parameter(b, name="b"))
    graph = Graph(f)
    graph.forward(a=a)
    return graph, x, f


@pytest.mark.parametrize("contiguous_g", [True, False])
def test_a_stack_times_one_matrix_is_differentiated_as_one_2d_product(contiguous_g):
    a, b = randn(2, 3, 4), randn(4, 5, seed=1)
    g = randn(2, 3, 5, seed=2) if contiguous_g else randn(3, 2, 5, seed=2).transpose(1, 0, 2)
    _, _, f = _wired(a, b)
    ga, gb = f.backward(g)
    # The rows A (6, 4) times b: dG/db = A^T G is b's shape already, nothing is left to sum.
    assert gb.shape == (4, 5)
    np.testing.assert_allclose(gb, sum(a[i].T @ g[i] for i in range(2)), rtol=1e-12)
    np.testing.assert_allclose(ga, np.stack([g[i] @ b.T for i in range(2)]), rtol=1e-12)


def test_a_matrix_shared_by_a_batch_gets_one_addend_per_entry_summed_by_the_engine():
    a, b = randn(3, 4), randn(2, 4, 5, seed=1)
    graph, x, f = _wired(a, b)
    g = np.ones((2, 3, 5))
    ga, _ = f.backward(g)
    assert ga.shape == (2, 3, 4)  # the broadcast batch shape
    graph.backward(update=False)
    np.testing.assert_allclose(x.grad, g[0] @ b[0].T + g[1] @ b[1].T, rtol=1e-12)

import numpy as np
import pytest

import nodes as nd
from autograd import Input, ShapeError
from tests.gradcases import GradCase, randn, run
from tests.nodes.math.helpers import assert_keeps_float32, evaluate

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
def test_gradcheck(case):
    run(case)


@pytest.mark.parametrize("case", CASES, ids=str)
def test_keeps_float32(case):
    assert_keeps_float32(case)


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

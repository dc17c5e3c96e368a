"""Average pooling's options as PyTorch defines them: ceil mode and count_include_pad."""

import numpy as np
import pytest

import nodes as nd
from tests.nodes.conv.pool_reference import forward, reference_avg
from tests.nodes.gradcases import GradCase, randn

CASES = [
    GradCase("avg_pool-ceil-include-pad", lambda x: nd.avg_pool2d(x, 3, stride=2, padding=1, ceil_mode=True),
             (randn(2, 6, 5, 2),)),
    GradCase("avg_pool-exclude-pad", lambda x: nd.avg_pool2d(x, 3, stride=1, padding=1, count_include_pad=False),
             (randn(1, 4, 5, 2),)),
    GradCase("avg_pool-ceil-exclude-pad", lambda x: nd.avg_pool2d(x, 2, ceil_mode=True, count_include_pad=False),
             (randn(1, 5, 3, 2),)),
]


@pytest.mark.parametrize("k, s, p, ceil", [(2, 2, 0, False), (2, 2, 0, True), (3, 2, 1, True), (3, 1, 1, False),
                                           (3, 2, 1, False), (2, 3, 1, True)])
@pytest.mark.parametrize("count_include_pad", [True, False])
def test_avg_pool_values_match_the_definition(k, s, p, ceil, count_include_pad):
    x = randn(2, 7, 8, 3)
    (y,) = forward(lambda v: nd.avg_pool2d(v, k, stride=s, padding=p, ceil_mode=ceil,
                                            count_include_pad=count_include_pad), x)
    np.testing.assert_allclose(y, reference_avg(x, k, s, p, ceil, count_include_pad), rtol=1e-13)


def test_count_include_pad_known_values():
    # A 3x3 image of ones, 3x3 windows, stride 1, padding 1: a corner window holds 4 ones of 9
    # positions, an edge window 6, the centre 9.
    ones = np.ones((1, 3, 3, 1))
    (included,) = forward(lambda v: nd.avg_pool2d(v, 3, stride=1, padding=1), ones)
    (excluded,) = forward(lambda v: nd.avg_pool2d(v, 3, stride=1, padding=1, count_include_pad=False), ones)
    np.testing.assert_allclose(included[0, :, :, 0], [[4 / 9, 6 / 9, 4 / 9], [6 / 9, 1, 6 / 9], [4 / 9, 6 / 9, 4 / 9]])
    np.testing.assert_allclose(excluded[0, :, :, 0], np.ones((3, 3)))

"""Mask helpers: fixed arrays and fed nodes told apart, shapes and dtypes checked."""

import numpy as np
import pytest

from autograd import Input, ShapeError
from nodes.common.masks import check_mask_shape, checked_mask, split_mask


def test_split_mask_tells_a_fixed_array_from_a_node():
    assert split_mask(None, " softmax") == (None, None)
    node = Input("m", dtype=bool)
    assert split_mask(node, " softmax") == (None, node)
    fixed, fed = split_mask([[True, False]], " softmax")
    assert fed is None and fixed.dtype == bool and fixed.tolist() == [[True, False]]


def test_split_mask_refuses_a_non_boolean_array():
    with pytest.raises(TypeError, match="a softmax mask must be a boolean array or node"):
        split_mask(np.ones((2, 2)), " softmax")
    with pytest.raises(TypeError, match="an attention mask"):
        split_mask([[1, 0]], "n attention")


def test_check_mask_shape_at_wiring():
    check_mask_shape(None, (None, 3, 4), "scores")
    check_mask_shape((3, 4), (None, 3, 4), "scores")
    check_mask_shape((None, 1, 4), (None, 3, 4), "scores")
    with pytest.raises(ShapeError, match=r"mask of shape \(2, 4\) does not broadcast to the scores \(N, 3, 4\)"):
        check_mask_shape((2, 4), (None, 3, 4), "scores")


def test_checked_mask_on_fed_values():
    mask = np.array([True, False, True])
    assert checked_mask(mask, (2, 3), "input") is mask
    with pytest.raises(ValueError, match="the input mask must be boolean"):
        checked_mask(np.array([1, 0, 1]), (2, 3), "input")
    with pytest.raises(ValueError, match=r"mask of shape \(2,\) does not broadcast to the input \(2, 3\)"):
        checked_mask(np.array([True, False]), (2, 3), "input")

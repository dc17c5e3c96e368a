"""Axis normalisation: negative axes from the end, out-of-range and repeated axes refused."""

import numpy as np
import pytest

from autograd import ShapeError
from nodes.common.axes import normalise_axes, normalise_axis


@pytest.mark.parametrize("axis, ndim, expected", [(0, 3, 0), (2, 3, 2), (-1, 3, 2), (-3, 3, 0), (np.int64(-2), 4, 2)])
def test_normalise_axis(axis, ndim, expected):
    got = normalise_axis(axis, ndim)
    assert got == expected and type(got) is int


@pytest.mark.parametrize("axis, ndim", [(3, 3), (-4, 3), (0, 0)])
def test_normalise_axis_refuses_an_axis_out_of_range(axis, ndim):
    with pytest.raises(ShapeError, match=f"axis {axis} is out of range for {ndim} axes"):
        normalise_axis(axis, ndim)


@pytest.mark.parametrize(
    "axis, ndim, expected",
    [
        (None, 3, (0, 1, 2)),
        (None, 0, ()),
        (1, 3, (1,)),
        (-1, 3, (2,)),
        ((2, 0), 3, (0, 2)),
        ([-1, 0], 4, (0, 3)),
        ((), 2, ()),
    ],
)
def test_normalise_axes(axis, ndim, expected):
    assert normalise_axes(axis, ndim) == expected


def test_normalise_axes_refuses_out_of_range_and_repeated_axes():
    with pytest.raises(ShapeError, match="axis 3 is out of range for 3 axes"):
        normalise_axes((0, 3), 3)
    with pytest.raises(ShapeError, match="repeats"):
        normalise_axes((1, 1), 3)
    with pytest.raises(ShapeError, match="repeats"):
        normalise_axes((-1, 2), 3)  # the same axis, named two ways

"""Axis arguments checked against an array's number of axes and made non-negative."""

import numpy as np

from autograd import ShapeError


def normalise_axis(axis, ndim):
    """`axis` as an int in [0, ndim), counting a negative axis from the end as numpy does.

    Raises ShapeError when `axis` is not one of the `ndim` axes.
    """
    if not -ndim <= axis < ndim:
        raise ShapeError(f"axis {axis} is out of range for {ndim} axes")
    return int(axis) % ndim


def normalise_axes(axis, ndim):
    """A sorted tuple of distinct axes in [0, ndim) from an int, a sequence of ints, or None (every axis).

    Raises ShapeError for an axis out of range or one named twice (-1 and
    ndim - 1 are the same axis).
    """
    if axis is None:
        return tuple(range(ndim))
    if isinstance(axis, (int, np.integer)):
        return (normalise_axis(axis, ndim),)
    out = tuple(sorted(normalise_axis(a, ndim) for a in axis))
    if len(set(out)) != len(out):
        raise ShapeError(f"axis {axis} repeats an axis")
    return out

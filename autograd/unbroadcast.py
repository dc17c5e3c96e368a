"""Undo numpy broadcasting on an addend: sum it back to the input's shape.

This is done once, in the engine, for every addend, so nodes can return
addends in the broadcast shape of their output.
"""

import math

import numpy as np

from .errors import ShapeError
from .vectors import ones


def unbroadcast(addend, shape):
    """Sum `addend` over the axes that broadcasting added or stretched.

    Raises ShapeError when `addend` cannot have come from broadcasting an
    array of `shape`.
    """
    addend = np.asarray(addend)
    extra = addend.ndim - len(shape)
    if extra == 1 and addend.ndim == 2 and addend.shape[1:] == shape and addend.flags.c_contiguous \
            and addend.dtype.kind == "f":
        return ones(addend.shape[0], addend.dtype) @ addend  # the bias of a row batch: the common case
    if extra < 0:
        raise ShapeError(f"addend of shape {addend.shape} has fewer axes than {shape}")
    if extra:
        lead = addend.shape[:extra]
        rest = addend.shape[extra:]
        if addend.flags.c_contiguous and addend.dtype.kind == "f" and len(rest) > 0:
            # A BLAS matrix-vector product sums the leading axes many times
            # faster than .sum(0) on tall arrays (one row of ones times A).
            n = math.prod(lead)
            addend = (ones(n, addend.dtype) @ addend.reshape(n, math.prod(rest))).reshape(rest)
        else:
            addend = addend.sum(axis=tuple(range(extra)))
    stretched = tuple(i for i, (a, s) in enumerate(zip(addend.shape, shape)) if s == 1 and a != 1)
    if stretched:
        addend = addend.sum(axis=stretched, keepdims=True)
    if addend.shape != tuple(shape):
        raise ShapeError(f"addend of shape {addend.shape} does not reduce to {tuple(shape)}")
    return addend

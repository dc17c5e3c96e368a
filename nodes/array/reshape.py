"""Reshaping without moving data: reshape and flatten."""

import math

import numpy as np

from autograd import Node, ShapeError
from autograd.errors import static_shape
from nodes.common.shapes import infer_with_stand_ins


class Reshape(Node):
    """f = x reshaped to `shape` (numpy's C order).   Backward: dG/dx = g reshaped to x's shape.

    `shape` follows numpy (one entry may be -1, inferred from the size) with
    one addition: None copies the input's size at that position, so
    `reshape(x, (None, None, heads, dim))` splits the last axis of a
    (batch, time, width) input whatever the batch and time sizes are.
    """

    op = "reshape"

    def __init__(self, x, shape, name=None):
        shape = (shape,) if isinstance(shape, int) else tuple(shape)
        if sum(d == -1 for d in shape if d is not None) > 1:
            raise ValueError(f"reshape to {shape}: at most one axis may be -1")
        self.target = shape
        super().__init__(x, name=name)

    def infer_shape(self, x):
        if any(d is None and i >= len(x) for i, d in enumerate(self.target)):
            raise ShapeError(f"reshape of {static_shape(x)} to {self.target}: None copies an axis the input lacks")
        if None not in x:
            return self._resolve(x)
        # Unknown axes (the batch): resolve with stand-in sizes.
        try:
            return infer_with_stand_ins(self._resolve, x)
        except ShapeError:
            # Only some sizes of the unknown axes fit. With a -1 in the target
            # the -1 absorbs them (for example (N, D) -> (-1, T, D)); the other
            # target sizes are known.
            if -1 not in self.target:
                return None
            return tuple(x[i] if d is None else (None if d == -1 else d) for i, d in enumerate(self.target))

    def _resolve(self, x):
        """The output shape for a fully known input shape `x`."""
        out = [x[i] if d is None else d for i, d in enumerate(self.target)]
        size = math.prod(x)
        known = math.prod(d for d in out if d != -1)
        if -1 in out:
            if known == 0 or size % known:
                raise ShapeError(f"cannot reshape {static_shape(x)} (size {size}) to {self.target}")
            out[out.index(-1)] = size // known
        elif known != size:
            raise ShapeError(f"cannot reshape {static_shape(x)} (size {size}) to {self.target} (size {known})")
        return tuple(out)

    def forward(self, x):
        if self.keep:
            self.in_shape = x.shape
        shape = tuple(x.shape[i] if d is None else d for i, d in enumerate(self.target))
        return np.reshape(x, shape)

    def backward(self, g):
        return (np.reshape(g, self.in_shape),)

    def vjp(self, g):
        """dG/dx = g reshaped to x's shape (a ReshapeLike node, so the batch size may change)."""
        return (ReshapeLike(g, self.inputs[0]),)


class Flatten(Node):
    """f = x reshaped from (N, d1, d2, ...) to (N, d1 * d2 * ...), keeping the batch axis.

    Backward: dG/dx = g reshaped to x's shape.
    """

    op = "flatten"

    def infer_shape(self, x):
        if len(x) < 1:
            raise ShapeError("flatten needs an input with a batch axis")
        rest = x[1:]
        return (x[0], None if None in rest else math.prod(rest))

    def forward(self, x):
        if self.keep:
            self.in_shape = x.shape
        return np.reshape(x, (x.shape[0], -1))

    def backward(self, g):
        return (np.reshape(g, self.in_shape),)

    def vjp(self, g):
        """dG/dx = g reshaped to x's shape."""
        return (ReshapeLike(g, self.inputs[0]),)


class ReshapeLike(Node):
    """f = a reshaped to the shape of `like` (read at every pass): the adjoint of a reshape.

    Backward: dG/da = g reshaped to a's shape; `like` gets none.
    """

    op = "reshape_like"

    def infer_shape(self, a, like):
        return like

    def forward(self, a, like):
        if self.keep:
            self.in_shape = a.shape
        return np.reshape(a, like.shape)

    def backward(self, g):
        return np.reshape(g, self.in_shape), None

    def vjp(self, g):
        """dG/da = g reshaped to a's shape."""
        return ReshapeLike(g, self.inputs[0]), None


def reshape(x, shape, name=None):
    """`x` reshaped to `shape`, where None copies the input's size at that position (see Reshape)."""
    return Reshape(x, shape, name=name)


def flatten(x, name=None):
    """(N, d1, d2, ...) -> (N, d1 * d2 * ...), keeping the batch axis (see Flatten)."""
    return Flatten(x, name=name)

"""The nodes around a recurrence that carry no gradient: the zero state, the mask from lengths, weight copies."""

import numpy as np

from autograd import Node, ShapeError
from autograd.errors import static_shape


class ZeroState(Node):
    """f = zeros (N, width) in the dtype of `like`, N being the batch size of `like`.

    The initial state of a recurrence that is given none: it follows the
    batch size of whatever batch is fed. Backward: none (the node is not
    differentiable; `like` only lends its batch size and dtype).
    """

    op = "zeros"
    differentiable = False

    def __init__(self, like, width, name=None):
        self.width = int(width)
        super().__init__(like, name=name)

    def infer_shape(self, like):
        if len(like) < 1:
            raise ShapeError(f"the zero state takes its batch size from a node with a batch axis, "
                             f"got {static_shape(like)}")
        return (like[0], self.width)

    def forward(self, like):
        dtype = like.dtype if like.dtype.kind == "f" else np.dtype(np.float32)
        return np.zeros((like.shape[0], self.width), dtype=dtype)


class LengthMask(Node):
    """f[n, t] = t < lengths[n] for t = 0 .. steps-1: the valid steps of sequences padded at the end.

    `lengths` holds one integer per sequence, between 0 and `steps`.
    Backward: none (the node is not differentiable).
    """

    op = "length_mask"
    differentiable = False

    def __init__(self, lengths, steps, name=None):
        self.steps = int(steps)
        super().__init__(lengths, name=name)

    def infer_shape(self, lengths):
        if len(lengths) != 1:
            raise ShapeError(f"lengths must hold one length per sequence, shape (N,), got {static_shape(lengths)}")
        return (lengths[0], self.steps)

    def forward(self, lengths):
        if lengths.dtype.kind not in "iu":
            raise ValueError(f"lengths must be integers, got {lengths.dtype}")
        if lengths.size and (lengths.min() < 0 or lengths.max() > self.steps):
            raise ValueError(f"lengths must lie between 0 and the {self.steps} steps, got {lengths.min()} to "
                             f"{lengths.max()}")
        return np.arange(self.steps) < lengths[:, None]


class Transposed(Node):
    """f = x^T (a 2-D x) as a C-contiguous copy: a weight in the layout its consumers multiply by fastest.

    Made once per sequence for the fused cells, which multiply by W^T at
    every step. Backward: none (the node is not differentiable): its
    consumers send their gradient to the weight itself, which they also take.
    """

    op = "transposed"
    differentiable = False

    def infer_shape(self, x):
        if len(x) != 2:
            raise ShapeError(f"a transposed copy is made of a matrix, got {static_shape(x)}")
        return x[::-1]

    def forward(self, x):
        return np.ascontiguousarray(x.T)


def transposed(x, name=None):
    """x^T as a contiguous copy, without gradient (see Transposed)."""
    return Transposed(x, name=name)


def zero_state(like, width, name=None):
    """Zeros (N, width) for the batch of `like` (see ZeroState)."""
    return ZeroState(like, width, name=name)


def length_mask(lengths, steps, name=None):
    """The (N, steps) boolean mask of the valid steps of sequences of `lengths` (see LengthMask)."""
    return LengthMask(lengths, steps, name=name)

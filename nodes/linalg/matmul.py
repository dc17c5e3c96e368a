"""Matrix product with numpy's matmul semantics (batched over leading axes)."""

import numpy as np

from autograd import Node, ShapeError
from autograd.errors import static_shape
from nodes.common.shapes import broadcast_shape


class MatMul(Node):
    """f = a @ b, batched over any leading axes (broadcast like np.matmul).

    Backward: dG/da = g @ b^T and dG/db = a^T @ g, transposing the last two
    axes; for a 1-d operand the product is taken as with a vector. The engine
    sums the addends over broadcast batch axes (a weight shared by a batch).
    """

    op = "matmul"

    def infer_shape(self, a, b):
        if len(a) == 0 or len(b) == 0:
            raise ShapeError("matmul needs operands with at least one axis")
        k_a = a[-1]
        k_b = b[-2] if len(b) >= 2 else b[0]
        if k_a is not None and k_b is not None and k_a != k_b:
            raise ShapeError(f"matmul of {static_shape(a)} and {static_shape(b)}: inner sizes {k_a} and {k_b} differ")
        if len(a) == 1 and len(b) == 1:
            return ()
        if len(b) == 1:
            return tuple(a[:-1])
        if len(a) == 1:
            return tuple(b[:-2]) + (b[-1],)
        batch = broadcast_shape(a[:-2], b[:-2]) if (a[:-2] or b[:-2]) else ()
        return batch + (a[-2], b[-1])

    def forward(self, a, b):
        if self.keep:
            self.a, self.b = a, b
        if a.ndim > 2 and b.ndim == 2 and a.flags.c_contiguous:
            # A stack of rows times one matrix: a single 2-D BLAS call on the
            # rows is about twice as fast as numpy's batched matmul here.
            return (a.reshape(-1, a.shape[-1]) @ b).reshape(a.shape[:-1] + (b.shape[-1],))
        return a @ b

    def backward(self, g):
        a, b = self.a, self.b
        ga = gb = None
        if a.ndim == 2 and b.ndim == 2:  # the common case, without the general path's checks
            return (g @ b.T if self.needs[0] else None), (a.T @ g if self.needs[1] else None)
        if a.ndim == 1 or b.ndim == 1:
            a2 = a[None, :] if a.ndim == 1 else a
            b2 = b[:, None] if b.ndim == 1 else b
            g2 = g  # restore the axes np.matmul dropped for vector operands
            if b.ndim == 1:
                g2 = np.expand_dims(g2, -1)
            if a.ndim == 1:
                g2 = np.expand_dims(g2, -2)
            if self.needs[0]:
                ga = g2 @ np.swapaxes(b2, -1, -2)
                ga = ga.reshape(ga.shape[:-2] + (ga.shape[-1],)) if a.ndim == 1 else ga
            if self.needs[1]:
                gb = np.swapaxes(a2, -1, -2) @ g2
                gb = gb[..., 0] if b.ndim == 1 else gb
            return ga, gb
        if self.needs[0]:
            if g.ndim > 2 and b.ndim == 2 and g.flags.c_contiguous:
                ga = (g.reshape(-1, g.shape[-1]) @ b.T).reshape(g.shape[:-1] + (b.shape[0],))
            else:
                ga = g @ np.swapaxes(b, -1, -2)
        if self.needs[1]:
            if a.ndim > 2 and b.ndim == 2:
                # A weight shared across the batch: one big matmul instead of
                # a batch of small ones followed by a sum.
                gb = a.reshape(-1, a.shape[-1]).T @ g.reshape(-1, g.shape[-1])
            else:
                gb = np.swapaxes(a, -1, -2) @ g
        return ga, gb


def matmul(a, b, name=None):
    return MatMul(a, b, name=name)

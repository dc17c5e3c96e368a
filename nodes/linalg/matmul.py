"""Matrix product with numpy's matmul semantics (batched over leading axes)."""

import numpy as np

from autograd import Node, ShapeError
from autograd.errors import static_shape
from nodes.array.transpose import SwapAxes
from nodes.common.shapes import broadcast_shape


class MatMul(Node):
    """f = a @ b with np.matmul's semantics: batched over the leading axes, which broadcast.

    Forward and backward, ^T swapping the last two axes:
        f = a @ b,    dG/da = g @ b^T,    dG/db = a^T @ g
    A 1-d a is a row vector and a 1-d b a column vector, whose axis
    np.matmul drops from f (the backward restores it).

    A stack a (..., M, K) times one matrix b (K, N) is one plain 2-D
    product of the stacked rows, A = a reshaped to (R, K) with R = ... * M:
        F = A b,    dG/dA = G b^T,    dG/db = A^T G      (G = g reshaped to (R, N))
    It is computed (for contiguous rows) and differentiated as such: one BLAS
    call each way. b is an operand of that 2-D product, not broadcast over
    a batch, so its addend A^T G already has b's shape and nothing is summed
    afterwards. In every other case the addends come in the broadcast batch
    shape of f, one per batch entry, and the engine sums them back to each
    operand's shape (a matrix shared by a batch of matrices).
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
            # The stacked rows as one 2-D product: a single BLAS call, about
            # twice as fast as numpy's loop over the stack.
            return (a.reshape(-1, a.shape[-1]) @ b).reshape(a.shape[:-1] + (b.shape[-1],))
        return a @ b

    def backward(self, g):
        a, b = self.a, self.b
        if a.ndim == 2 and b.ndim == 2:  # the common case, without the other cases' checks
            return (g @ b.T if self.needs[0] else None), (a.T @ g if self.needs[1] else None)
        if b.ndim == 2 and a.ndim > 2:
            return self._backward_rows(g)
        if a.ndim == 1 or b.ndim == 1:
            return self._backward_vector(g)
        ga = g @ np.swapaxes(b, -1, -2) if self.needs[0] else None
        gb = np.swapaxes(a, -1, -2) @ g if self.needs[1] else None
        return ga, gb

    def _backward_rows(self, g):
        """The backward of the 2-D product F = A b of the stacked rows: G b^T and A^T G."""
        a, b = self.a, self.b
        ga = gb = None
        if self.needs[0]:
            if g.flags.c_contiguous:
                ga = (g.reshape(-1, g.shape[-1]) @ b.T).reshape(a.shape)
            else:  # the same product by numpy's loop over the stack, which reads g without copying it
                ga = g @ b.T
        if self.needs[1]:
            gb = a.reshape(-1, a.shape[-1]).T @ g.reshape(-1, g.shape[-1])
        return ga, gb

    def _backward_vector(self, g):
        """Backward with a 1-d operand: as matrices (1, K) or (K, 1), then that axis dropped again."""
        a, b = self.a, self.b
        a2 = a[None, :] if a.ndim == 1 else a
        b2 = b[:, None] if b.ndim == 1 else b
        g2 = g  # restore the axes np.matmul dropped for vector operands
        if b.ndim == 1:
            g2 = np.expand_dims(g2, -1)
        if a.ndim == 1:
            g2 = np.expand_dims(g2, -2)
        ga = gb = None
        if self.needs[0]:
            ga = g2 @ np.swapaxes(b2, -1, -2)
            ga = ga.reshape(ga.shape[:-2] + (ga.shape[-1],)) if a.ndim == 1 else ga
        if self.needs[1]:
            gb = np.swapaxes(a2, -1, -2) @ g2
            gb = gb[..., 0] if b.ndim == 1 else gb
        return ga, gb

    def vjp(self, g):
        """dG/da = g @ b^T, dG/db = a^T @ g, in f's broadcast batch shape (SumTo reduces them).

        A 1-d operand is made a matrix first (a[None, :], b[:, None], GetItem
        nodes), g gets the axis matmul dropped, and the addend loses it again.
        """
        from nodes.array.getitem import GetItem

        a, b = self.inputs
        row, column = a.value.ndim == 1, b.value.ndim == 1
        if column:  # first: a 0-d g (two vectors) becomes (1,), then (1, 1)
            b, g = GetItem(b, (slice(None), None)), GetItem(g, (Ellipsis, None))
        if row:
            a, g = GetItem(a, (None, slice(None))), GetItem(g, (Ellipsis, None, slice(None)))
        ga = matmul(g, SwapAxes(b, -1, -2)) if self.needs[0] else None
        gb = matmul(SwapAxes(a, -1, -2), g) if self.needs[1] else None
        if row and ga is not None:
            ga = GetItem(ga, (Ellipsis, 0, slice(None)))
        if column and gb is not None:
            gb = GetItem(gb, (Ellipsis, 0))
        return ga, gb


def matmul(a, b, name=None):
    """a @ b with np.matmul's batching and broadcasting; `a @ b` on nodes makes the same (see MatMul)."""
    return MatMul(a, b, name=name)

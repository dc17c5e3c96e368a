"""Indexing and slicing a node: `x[idx]` with numpy's basic and advanced indexing."""

import numpy as np

from autograd import Node, ShapeError
from autograd.errors import static_shape
from nodes.common.shapes import infer_with_stand_ins


def _is_basic(part):
    """Whether numpy treats this part of an index as basic (a view) rather than advanced."""
    if part is None or part is Ellipsis or isinstance(part, slice):
        return True
    return isinstance(part, (int, np.integer)) and not isinstance(part, bool)


def _as_index(index):
    """Index lists become arrays (numpy would treat a list as one advanced index too)."""
    parts = index if isinstance(index, tuple) else (index,)
    parts = tuple(np.asarray(p) if isinstance(p, list) else p for p in parts)
    return parts if isinstance(index, tuple) else parts[0]


def _indexed_shape(shape, index):
    # A zero-strided dummy of the shape costs no memory to index.
    return np.broadcast_to(np.zeros((), np.int8), tuple(shape))[index].shape


class GetItem(Node):
    """f = x[index] with any numpy index (ints, slices, None, Ellipsis, int or bool arrays).

    Backward: dG/dx = zeros like x with g scattered back to the indexed
    positions. Basic indexing selects each element at most once, so the
    scatter is an assignment; advanced indexing may select an element several
    times (x[[0, 0]]), so it scatters with np.add.at, which sums the repeats.
    """

    op = "getitem"

    def __init__(self, x, index, name=None):
        self.index = _as_index(index)
        parts = self.index if isinstance(self.index, tuple) else (self.index,)
        self.basic = all(_is_basic(p) for p in parts)
        super().__init__(x, name=name)

    def infer_shape(self, x):
        if None not in x:
            try:
                return _indexed_shape(x, self.index)
            except IndexError as e:
                raise ShapeError(f"index {self.index!r} does not fit shape {static_shape(x)}: {e}") from None
        if not self.basic:
            return None  # advanced indexing would build the stand-in result in memory
        # Unknown axes (the batch): index with stand-in sizes (basic indexing
        # makes views, so this is free).
        try:
            return infer_with_stand_ins(lambda shape: _indexed_shape(shape, self.index), x)
        except IndexError:
            return None  # fits some sizes of the unknown axes only

    def forward(self, x):
        if self.keep:
            self.in_shape, self.dtype = x.shape, x.dtype
        return x[self.index]

    def backward(self, g):
        grad = np.zeros(self.in_shape, dtype=self.dtype)
        if self.basic:
            grad[self.index] = g
        else:
            np.add.at(grad, self.index, g)
        return (grad,)

    def vjp(self, g):
        """dG/dx = g scattered into zeros like x at the index (a ScatterLike node)."""
        return (ScatterLike(g, self.inputs[0], self.index),)


class ScatterLike(Node):
    """f = zeros like `like` with a scattered into the positions `index` picks: the adjoint of x[index].

    Repeated positions (advanced indexing) add up. Backward: dG/da = g[index]; `like` gets none.
    """

    op = "scatter"

    def __init__(self, a, like, index, name=None):
        self.index = _as_index(index)
        parts = self.index if isinstance(self.index, tuple) else (self.index,)
        self.basic = all(_is_basic(p) for p in parts)
        super().__init__(a, like, name=name)

    def infer_shape(self, a, like):
        return like

    def forward(self, a, like):
        out = np.zeros(like.shape, dtype=a.dtype)
        if self.basic:
            out[self.index] = a
        else:
            np.add.at(out, self.index, a)
        return out

    def backward(self, g):
        return g[self.index], None

    def vjp(self, g):
        """dG/da = g[index]."""
        return GetItem(g, self.index), None


def getitem(x, index, name=None):
    """x[index] for any numpy index; `x[index]` on a node makes the same (see GetItem)."""
    return GetItem(x, index, name=name)

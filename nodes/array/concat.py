"""Joining nodes along an axis: concat (an existing axis) and stack (a new one)."""

import numpy as np

from autograd import Node, ShapeError
from autograd.errors import static_shape
from nodes.common.axes import normalise_axis

from .getitem import GetItem


def _check_same_rank(shapes, what):
    if len({len(s) for s in shapes}) > 1:
        listed = ", ".join(map(static_shape, shapes))
        raise ShapeError(f"{what} needs inputs with the same number of axes, got {listed}")


def _merge(dims, where):
    """The common size of one axis across inputs (None when unknown)."""
    known = {d for d in dims if d is not None}
    if len(known) > 1:
        raise ShapeError(f"sizes {dims} differ {where}")
    return known.pop() if known else None


class Concat(Node):
    """f = np.concatenate(xs, axis).   Backward: dG/dx_i = the slice of g that x_i filled."""

    op = "concat"

    def __init__(self, *xs, axis=0, name=None):
        if not xs:
            raise ValueError("concat needs at least one input")
        self.axis = int(axis)
        super().__init__(*xs, name=name)

    def infer_shape(self, *shapes):
        _check_same_rank(shapes, "concat")
        axis = normalise_axis(self.axis, len(shapes[0]))
        out = []
        for k, dims in enumerate(zip(*shapes, strict=True)):
            if k == axis:
                out.append(None if None in dims else sum(dims))
            else:
                out.append(_merge(dims, f"on axis {k}, which is not the concat axis {axis}"))
        return tuple(out)

    def forward(self, *xs):
        if self.keep:
            self.ends = np.cumsum([x.shape[self.axis] for x in xs])[:-1]
        return np.concatenate(xs, axis=self.axis)

    def backward(self, g):
        return tuple(np.split(g, self.ends, axis=self.axis))

    def vjp(self, g):
        """dG/dx_i = g[..., start_i:end_i, ...] along the axis (GetItem nodes; the sizes are the inputs' static ones).

        An input whose size along the axis is not known at wiring (the batch
        axis) is refused: the slices would change with the batch.
        """
        sizes = [None if x.shape is None else x.shape[self.axis] for x in self.inputs]
        if None in sizes:
            raise NotImplementedError(
                f"concat's vjp slices g at the inputs' sizes along axis {self.axis}, known at wiring, but they are "
                f"{sizes}: concatenate along an axis of fixed size for gradients of gradients"
            )
        ends = np.cumsum(sizes)
        return tuple(GetItem(g, _along(self.axis, slice(int(end - size), int(end)))) if need else None
                     for end, size, need in zip(ends, sizes, self.needs))


class Stack(Node):
    """f = np.stack(xs, axis), a new axis.   Backward: dG/dx_i = g indexed at i along that axis."""

    op = "stack"

    def __init__(self, *xs, axis=0, name=None):
        if not xs:
            raise ValueError("stack needs at least one input")
        self.axis = int(axis)
        super().__init__(*xs, name=name)

    def infer_shape(self, *shapes):
        _check_same_rank(shapes, "stack")
        axis = normalise_axis(self.axis, len(shapes[0]) + 1)  # the new axis may also come last
        out = [_merge(dims, f"on axis {k}") for k, dims in enumerate(zip(*shapes, strict=True))]
        out.insert(axis, len(shapes))
        return tuple(out)

    def forward(self, *xs):
        return np.stack(xs, axis=self.axis)

    def backward(self, g):
        return tuple(np.moveaxis(g, self.axis, 0))

    def vjp(self, g):
        """dG/dx_i = g indexed at i along the new axis (GetItem nodes)."""
        return tuple(GetItem(g, _along(self.axis, i)) if need else None for i, need in enumerate(self.needs))


def _along(axis, part):
    """The index that applies `part` (a slice or an int) to `axis` and takes every entry of the other axes."""
    if axis >= 0:
        return (slice(None),) * axis + (part,)
    return (Ellipsis, part) + (slice(None),) * (-axis - 1)


def concat(nodes, axis=0, name=None):
    """Concatenate a sequence of nodes along an existing axis."""
    return Concat(*nodes, axis=axis, name=name)


def stack(nodes, axis=0, name=None):
    """Stack a sequence of same-shaped nodes along a new axis."""
    return Stack(*nodes, axis=axis, name=name)

"""Axis permutations: transpose, swapaxes and moveaxis."""

import numpy as np

from autograd import Node, ShapeError
from nodes.common.axes import normalise_axis


class Transpose(Node):
    """f = np.transpose(x, axes); axes=None reverses the axes (as numpy does).

    Backward: dG/dx = np.transpose(g, inverse permutation of axes).
    """

    op = "transpose"

    def __init__(self, x, axes=None, name=None):
        self.axes = None if axes is None else tuple(int(a) for a in axes)
        self._permutations = {}  # ndim -> (permutation, inverse), computed once
        super().__init__(x, name=name)

    def _permutation(self, ndim):
        if self.axes is None:
            return tuple(reversed(range(ndim)))
        if len(self.axes) != ndim:
            raise ShapeError(f"transpose axes {self.axes} do not match {ndim} axes")
        perm = tuple(normalise_axis(a, ndim) for a in self.axes)
        if sorted(perm) != list(range(ndim)):
            raise ShapeError(f"transpose axes {self.axes} are not a permutation of {ndim} axes")
        return perm

    def infer_shape(self, x):
        return tuple(x[a] for a in self._permutation(len(x)))

    def forward(self, x):
        cached = self._permutations.get(x.ndim)
        if cached is None:
            perm = self._permutation(x.ndim)
            cached = self._permutations[x.ndim] = (perm, tuple(int(i) for i in np.argsort(perm)))
        perm, self.inverse = cached
        return np.transpose(x, perm)

    def backward(self, g):
        return (np.transpose(g, self.inverse),)

    def vjp(self, g):
        """dG/dx = g transposed by the inverse permutation."""
        perm = self._permutation(self.inputs[0].value.ndim)
        return (Transpose(g, tuple(int(i) for i in np.argsort(perm))),)


class SwapAxes(Node):
    """f = np.swapaxes(x, a, b).   Backward: dG/dx = np.swapaxes(g, a, b) (its own inverse)."""

    op = "swapaxes"

    def __init__(self, x, axis1, axis2, name=None):
        self.axis1, self.axis2 = int(axis1), int(axis2)
        super().__init__(x, name=name)

    def infer_shape(self, x):
        out = list(x)
        a, b = normalise_axis(self.axis1, len(x)), normalise_axis(self.axis2, len(x))
        out[a], out[b] = x[b], x[a]
        return tuple(out)

    def forward(self, x):
        return np.swapaxes(x, self.axis1, self.axis2)

    def backward(self, g):
        return (np.swapaxes(g, self.axis1, self.axis2),)

    def vjp(self, g):
        """dG/dx = swapaxes(g, a, b)."""
        return (SwapAxes(g, self.axis1, self.axis2),)


class MoveAxis(Node):
    """f = np.moveaxis(x, source, destination): one axis moved, the others in order, for any number of axes.

    Backward: dG/dx = np.moveaxis(g, destination, source).
    """

    op = "moveaxis"

    def __init__(self, x, source, destination, name=None):
        self.source, self.destination = int(source), int(destination)
        super().__init__(x, name=name)

    def infer_shape(self, x):
        out = list(x)
        out.insert(normalise_axis(self.destination, len(x)), out.pop(normalise_axis(self.source, len(x))))
        return tuple(out)

    def forward(self, x):
        return np.moveaxis(x, self.source, self.destination)

    def backward(self, g):
        return (np.moveaxis(g, self.destination, self.source),)

    def vjp(self, g):
        """dG/dx = moveaxis(g, destination, source)."""
        return (MoveAxis(g, self.destination, self.source),)


def transpose(x, axes=None, name=None):
    """`x` with its axes permuted by `axes`, reversed when `axes` is None (see Transpose)."""
    return Transpose(x, axes, name=name)


def swapaxes(x, axis1, axis2, name=None):
    """`x` with axes `axis1` and `axis2` exchanged (see SwapAxes)."""
    return SwapAxes(x, axis1, axis2, name=name)


def moveaxis(x, source, destination, name=None):
    """`x` with axis `source` moved to position `destination` (see MoveAxis)."""
    return MoveAxis(x, source, destination, name=name)

"""Reductions over an axis, a tuple of axes, or all axes: sum, mean, max; and their adjoints as nodes.

`sum` and `mean` send g back broadcast over the axes they reduced; in a
backward pass built of nodes (`autograd.grad(create_graph=True)`), that step
is a `Spread` node, whose own backward is the reduction again, so gradients
of gradients close up. `MaximumShare` is the 0 or 1/count mask of a `max`
reduction's winners.
"""

import math

import numpy as np

from autograd import Node
from nodes.common.axes import normalise_axes


class _Reduction(Node):
    """Shared wiring: the axes, keepdims, the output shape, and undoing the reduction."""

    def __init__(self, x, axis=None, keepdims=False, name=None):
        self.axis = axis if axis is None or isinstance(axis, (int, np.integer)) else tuple(axis)
        self.keepdims = bool(keepdims)
        super().__init__(x, name=name)

    def infer_shape(self, x):
        axes = normalise_axes(self.axis, len(x))
        if self.keepdims:
            return tuple(1 if i in axes else d for i, d in enumerate(x))
        return tuple(d for i, d in enumerate(x) if i not in axes)

    def _save_input_layout(self, x):
        self.axes = normalise_axes(self.axis, x.ndim)
        self.in_shape = x.shape

    def _with_kept_dims(self, g):
        """g with the reduced axes put back as size-1 axes, ready to broadcast."""
        return g if self.keepdims else np.expand_dims(g, self.axes)


class Sum(_Reduction):
    """f = sum of x over `axis` (all axes when None).

    Backward: dG/dx = g broadcast back over the summed axes.
    """

    op = "sum"

    def forward(self, x):
        if self.keep:
            self._save_input_layout(x)
        return np.asarray(np.sum(x, axis=self.axis, keepdims=self.keepdims))

    def backward(self, g):
        # A read-only broadcast view: no copy, and g is not modified.
        return (np.broadcast_to(self._with_kept_dims(g), self.in_shape),)

    def vjp(self, g):
        """dG/dx = g spread back over the summed axes (a Spread node)."""
        return (Spread(g, self.inputs[0], self.axis, self.keepdims),)


class Mean(_Reduction):
    """f = mean of x over `axis` (all axes when None), n = number of entries averaged.

    Backward: dG/dx = g / n broadcast back over the averaged axes.
    """

    op = "mean"

    def forward(self, x):
        if self.keep:
            self._save_input_layout(x)
        return np.asarray(np.mean(x, axis=self.axis, keepdims=self.keepdims))

    def backward(self, g):
        n = math.prod(self.in_shape[a] for a in self.axes)
        return (np.broadcast_to(self._with_kept_dims(g) / n, self.in_shape),)

    def vjp(self, g):
        """dG/dx = g / n spread back over the averaged axes."""
        return (Spread(g, self.inputs[0], self.axis, self.keepdims, mean=True),)


class Max(_Reduction):
    """f = max of x over `axis` (all axes when None).

    Backward: dG/dx = g at the position of the maximum, 0 elsewhere. When
    several entries tie for the maximum, g is split equally between them
    (each gets g / count), which keeps the sum of the gradient equal to g and
    treats tied entries symmetrically.
    """

    op = "max"

    def forward(self, x):
        axes = normalise_axes(self.axis, x.ndim)
        m = np.max(x, axis=axes, keepdims=True)
        if self.keep:
            self._save_input_layout(x)
            winners = x == m
            count = np.sum(winners, axis=axes, keepdims=True, dtype=x.dtype)
            self.share = winners / count  # 1 / count at each maximum, else 0
        return m if self.keepdims else np.asarray(np.squeeze(m, axis=axes))

    def backward(self, g):
        return (self.share * self._with_kept_dims(g),)

    def vjp(self, g):
        """dG/dx = g spread back, times the share of each winner (a node that passes no gradient)."""
        x = self.inputs[0]
        share = MaximumShare(x, self, self.axis, self.keepdims)
        return (Spread(g, x, self.axis, self.keepdims) * share,)


class Spread(Node):
    """f = g with the reduced axes put back and broadcast to the shape of `like` (divided by n with `mean`).

    The adjoint of Sum (and, with `mean`, of Mean) over `axis`: n is the
    number of entries of `like` each entry of g stood for.
    Backward: dG/dg = the sum (mean) of the upstream gradient over the same axes; `like` gets none.
    """

    op = "spread"

    def __init__(self, g, like, axis=None, keepdims=False, mean=False, name=None):
        self.axis, self.keepdims, self.mean = axis, bool(keepdims), bool(mean)
        super().__init__(g, like, name=name)

    def infer_shape(self, g, like):
        return like

    def forward(self, g, like):
        axes = normalise_axes(self.axis, like.ndim)
        axes = (axes,) if isinstance(axes, int) else axes
        expanded = g if self.keepdims else np.expand_dims(g, axes)
        if self.mean:
            expanded = expanded / math.prod(like.shape[a] for a in axes)
        if self.keep:
            self.axes = axes
        return np.broadcast_to(expanded, like.shape)

    def backward(self, g):
        reduce = np.mean if self.mean else np.sum
        return np.asarray(reduce(g, axis=self.axes, keepdims=self.keepdims)), None

    def vjp(self, g):
        """dG/dg = sum(g) (or mean(g)) over the axes: the reduction node itself."""
        reduce = Mean if self.mean else Sum
        return reduce(g, axis=self.axis, keepdims=self.keepdims), None


class MaximumShare(Node):
    """f = [x == max] / (number of entries tied for the max) over `axis`: where a max reduction's g goes.

    Backward: none (the winners change only where x jumps).
    """

    op = "max_share"
    differentiable = False

    def __init__(self, x, maximum, axis=None, keepdims=False, name=None):
        self.axis, self.keepdims = axis, bool(keepdims)
        super().__init__(x, maximum, name=name)

    def infer_shape(self, x, maximum):
        return x

    def forward(self, x, maximum):
        axes = normalise_axes(self.axis, x.ndim)
        m = maximum if self.keepdims else np.expand_dims(maximum, axes)
        winners = x == m
        return winners / np.sum(winners, axis=axes, keepdims=True, dtype=x.dtype)

    def backward(self, g):
        return None, None


def sum(x, axis=None, keepdims=False, name=None):  # shadows the builtin on purpose, like numpy
    """Sum of `x` over `axis` (an int, a tuple of ints, or None for every axis), as np.sum (see Sum)."""
    return Sum(x, axis=axis, keepdims=keepdims, name=name)


def mean(x, axis=None, keepdims=False, name=None):
    """Mean of `x` over `axis` (an int, a tuple of ints, or None for every axis), as np.mean (see Mean)."""
    return Mean(x, axis=axis, keepdims=keepdims, name=name)


def max(x, axis=None, keepdims=False, name=None):  # shadows the builtin on purpose, like numpy
    """Maximum of `x` over `axis` (an int, a tuple of ints, or None for every axis), as np.max.

    Tied maxima share the gradient equally (see Max).
    """
    return Max(x, axis=axis, keepdims=keepdims, name=name)

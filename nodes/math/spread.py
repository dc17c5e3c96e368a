"""The adjoints of the reductions, as nodes: spreading a reduced gradient back over the reduced axes.

`sum` and `mean` send g back broadcast over the axes they reduced; built of
nodes (`autograd.grad(create_graph=True)`), that step is a `Spread` node,
whose own backward is the reduction again, so gradients of gradients close
up. `MaximumShare` is the 0 or 1/count mask of a `max` reduction's winners.
"""

import math

import numpy as np

from autograd import Node
from nodes.common.axes import normalise_axes


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
        from .reduction import mean, sum

        reduce = mean if self.mean else sum
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

"""Broadcasting as nodes: `SumTo` and its adjoint `BroadcastTo`, for backward passes built of nodes.

The engine undoes broadcasting on an addend array with `unbroadcast`. When a
backward pass is itself built of nodes (`autograd.grad(create_graph=True)`),
the same step must be a node, so that it can be differentiated again: an
addend node is summed to its input's shape by `SumTo`, whose adjoint,
`BroadcastTo`, stretches a gradient back; each is the other's backward.
Both read the target shape from a second input, `like`, at every pass, so a
graph built for one batch size runs with another. `like` gets no gradient.
"""

import numpy as np

from .node import Node
from .unbroadcast import unbroadcast


class SumTo(Node):
    """f = a summed over the axes broadcasting added or stretched, to the shape of `like`.

    Backward: dG/da = g broadcast back to a's shape (BroadcastTo); `like` gets none.
    """

    op = "sum_to"

    def infer_shape(self, a, like):
        return like

    def forward(self, a, like):
        if self.keep:
            self.in_shape = a.shape
        return a if a.shape == like.shape else unbroadcast(a, like.shape)

    def backward(self, g):
        return np.broadcast_to(g, self.in_shape), None

    def vjp(self, g):
        """dG/da = BroadcastTo(g, like=a)."""
        return BroadcastTo(g, self.inputs[0]), None


class BroadcastTo(Node):
    """f = a broadcast to the shape of `like` (numpy's rules).

    Backward: dG/da = g summed back to a's shape (unbroadcast); `like` gets none.
    """

    op = "broadcast_to"

    def infer_shape(self, a, like):
        return like

    def forward(self, a, like):
        if self.keep:
            self.in_shape = a.shape
        return a if a.shape == like.shape else np.broadcast_to(a, like.shape)

    def backward(self, g):
        return unbroadcast(g, self.in_shape), None

    def vjp(self, g):
        """dG/da = SumTo(g, like=a)."""
        return SumTo(g, self.inputs[0]), None


def sum_to(a, like):
    """`a` summed to the shape of `like`'s value, or `a` itself when their static shapes are known to agree."""
    if a.shape is not None and a.shape == like.shape and None not in a.shape:
        return a
    return SumTo(a, like)

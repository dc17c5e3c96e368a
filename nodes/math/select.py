"""Choosing elementwise between two nodes by a boolean condition: where."""

import numpy as np

from autograd import Node
from nodes.common.shapes import broadcast_shape


class Where(Node):
    """f = a where c else b, elementwise, with numpy broadcasting (c boolean, True takes a).

    Backward: dG/da = g where c else 0, dG/db = 0 where c else g; the
    condition gets no gradient. Each entry of g goes to exactly one input,
    so the two addends sum to g. A recurrent net keeps its state with it:
    state = where(valid step, new state, old state).
    """

    op = "where"

    def __init__(self, condition, a, b, name=None):
        if not isinstance(condition, Node):
            condition = np.asarray(condition)
            if condition.dtype != bool:
                raise TypeError(f"the condition of where must be boolean (True takes a), got {condition.dtype}")
        super().__init__(condition, a, b, name=name)

    def infer_shape(self, c, a, b):
        return broadcast_shape(c, a, b)

    def forward(self, c, a, b):
        if c.dtype != bool:
            raise ValueError(f"the condition of where must be boolean (True takes a), got {c.dtype}")
        if self.keep:
            self.c = c
        return np.where(c, a, b)

    def backward(self, g):
        zero = g.dtype.type(0)
        ga = np.where(self.c, g, zero) if self.needs[1] else None
        gb = np.where(self.c, zero, g) if self.needs[2] else None
        return None, ga, gb

    def vjp(self, g):
        """dG/da = where(c, g, 0), dG/db = where(c, 0, g): Where nodes on the same condition."""
        c = self.inputs[0]
        ga = Where(c, g, 0.0) if self.needs[1] else None
        gb = Where(c, 0.0, g) if self.needs[2] else None
        return None, ga, gb


def where(condition, a, b, name=None):
    """`a` where `condition` (a boolean node or array) is True, else `b`, elementwise (see Where)."""
    return Where(condition, a, b, name=name)

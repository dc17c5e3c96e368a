"""Elementwise maximum and minimum of two nodes, and clipping to a range."""

import numpy as np

from nodes.common.elementwise import Elementwise

from .indicator import indicator


class Maximum(Elementwise):
    """f = max(a, b) elementwise, with numpy broadcasting.

    Backward: dG/da = g where a >= b, dG/db = g where a < b. On a tie
    (a == b) the whole gradient goes to the first input `a`, so the two
    addends always sum to g.
    """

    op = "maximum"

    def forward(self, a, b):
        if self.keep:
            self.first = a >= b
        return np.maximum(a, b)

    def backward(self, g):
        first = self.first
        ga = np.where(first, g, 0) if self.needs[0] else None
        gb = np.where(first, 0, g) if self.needs[1] else None
        return ga, gb

    def vjp(self, g):
        """dG/da = g [a >= b], dG/db = g (1 - [a >= b]), the indicator a node that passes no gradient."""
        first = indicator(*self.inputs, predicate="at_least")
        return (g * first if self.needs[0] else None), (g - g * first if self.needs[1] else None)


class Minimum(Elementwise):
    """f = min(a, b) elementwise, with numpy broadcasting.

    Backward: dG/da = g where a <= b, dG/db = g where a > b. On a tie the
    whole gradient goes to the first input `a`.
    """

    op = "minimum"

    def forward(self, a, b):
        if self.keep:
            self.first = a <= b
        return np.minimum(a, b)

    def backward(self, g):
        first = self.first
        ga = np.where(first, g, 0) if self.needs[0] else None
        gb = np.where(first, 0, g) if self.needs[1] else None
        return ga, gb

    def vjp(self, g):
        """dG/da = g [a <= b], dG/db = g (1 - [a <= b])."""
        first = indicator(*self.inputs, predicate="at_most")
        return (g * first if self.needs[0] else None), (g - g * first if self.needs[1] else None)


class Clip(Elementwise):
    """f = min(max(x, lo), hi) for constant bounds (None: no bound on that side).

    Backward: dG/dx = g where lo <= x <= hi, else 0. At a bound the gradient
    passes (as if the bound were not there), so values sitting exactly on a
    bound still learn.
    """

    op = "clip"

    def __init__(self, x, lo=None, hi=None, name=None):
        if lo is None and hi is None:
            raise ValueError("clip needs at least one of lo and hi")
        if lo is not None and hi is not None and np.any(np.asarray(lo) > np.asarray(hi)):
            raise ValueError(f"clip bounds are reversed: lo={lo} > hi={hi}")
        self.lo, self.hi = lo, hi
        super().__init__(x, name=name)

    def _bound(self, bound, x):
        # Plain Python floats keep x's dtype (np.float64 would promote it); arrays are cast to it.
        if bound is None:
            return None
        return float(bound) if np.ndim(bound) == 0 else np.asarray(bound, dtype=x.dtype)

    def forward(self, x):
        lo, hi = self._bound(self.lo, x), self._bound(self.hi, x)
        if self.keep:
            inside = np.ones(x.shape, dtype=bool)
            if lo is not None:
                inside &= x >= lo
            if hi is not None:
                inside &= x <= hi
            self.inside = inside
        return np.clip(x, lo, hi)

    def backward(self, g):
        return (np.where(self.inside, g, 0),)

    def vjp(self, g):
        """dG/dx = g [lo <= x <= hi], the indicator [f == x] a node that passes no gradient."""
        return (g * indicator(self, self.inputs[0], predicate="equal"),)


def maximum(a, b, name=None):
    """max(a, b) elementwise with numpy broadcasting; a tie's gradient goes to `a` (see Maximum)."""
    return Maximum(a, b, name=name)


def minimum(a, b, name=None):
    """min(a, b) elementwise with numpy broadcasting; a tie's gradient goes to `a` (see Minimum)."""
    return Minimum(a, b, name=name)


def clip(x, lo=None, hi=None, name=None):
    """`x` clipped to [lo, hi], a None bound leaving that side open (see Clip)."""
    return Clip(x, lo, hi, name=name)

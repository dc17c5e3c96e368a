"""Elementwise arithmetic with numpy broadcasting: add, sub, mul, div, neg, pow.

Addends are returned in the broadcast output shape; the engine sums them
back to each input's shape.
"""

import numpy as np

from nodes.common.elementwise import Elementwise


class Add(Elementwise):
    """f = a + b.   Backward: dG/da = g, dG/db = g."""

    op = "add"

    def forward(self, a, b):
        return a + b

    def backward(self, g):
        return g, g

    def vjp(self, g):
        """dG/da = dG/db = g (as nodes)."""
        return g, g


class Sub(Elementwise):
    """f = a - b.   Backward: dG/da = g, dG/db = -g."""

    op = "sub"

    def forward(self, a, b):
        return a - b

    def backward(self, g):
        return g, (-g if self.needs[1] else None)

    def vjp(self, g):
        """dG/da = g, dG/db = -g."""
        return g, (-g if self.needs[1] else None)


class Mul(Elementwise):
    """f = a * b.   Backward: dG/da = g * b, dG/db = g * a."""

    op = "mul"

    def forward(self, a, b):
        if self.keep:
            self.a, self.b = a, b
        return a * b

    def backward(self, g):
        return (g * self.b if self.needs[0] else None), (g * self.a if self.needs[1] else None)

    def vjp(self, g):
        """dG/da = g * b, dG/db = g * a."""
        a, b = self.inputs
        return (g * b if self.needs[0] else None), (g * a if self.needs[1] else None)


class Div(Elementwise):
    """f = a / b.   Backward: dG/da = g / b, dG/db = -g * a / b^2 = -g * f / b."""

    op = "div"

    def forward(self, a, b):
        f = a / b
        if self.keep:
            self.b, self.f = b, f
        return f

    def backward(self, g):
        ga = g / self.b if self.needs[0] else None
        gb = -g * self.f / self.b if self.needs[1] else None
        return ga, gb

    def vjp(self, g):
        """dG/da = g / b, dG/db = -g * f / b (f this node)."""
        b = self.inputs[1]
        return (g / b if self.needs[0] else None), (-(g * self) / b if self.needs[1] else None)


class Neg(Elementwise):
    """f = -a.   Backward: dG/da = -g."""

    op = "neg"

    def forward(self, a):
        return -a

    def backward(self, g):
        return (-g,)

    def vjp(self, g):
        """dG/da = -g."""
        return (-g,)


class Pow(Elementwise):
    """f = a ** p for a constant exponent p.   Backward: dG/da = g * p * a^(p-1)."""

    op = "pow"

    def __init__(self, a, exponent, name=None):
        self.exponent = float(exponent)
        super().__init__(a, name=name)

    def forward(self, a):
        if self.keep:
            self.a = a
        return a**self.exponent

    def backward(self, g):
        p = self.exponent
        if p == 0:  # f is constant; a ** -1 would turn 0 * inf into NaN at a = 0
            return (np.zeros_like(g),)
        return (g * p * self.a ** (p - 1),)

    def vjp(self, g):
        """dG/da = g * p * a^(p-1)."""
        p = self.exponent
        if p == 0:
            return (g * 0.0,)
        return (g * (self.inputs[0] ** (p - 1) * p) if p != 1 else g,)


class Scale(Elementwise):
    """f = c * a for a Python number c.   Backward: dG/da = c * g."""

    op = "scale"

    def __init__(self, a, factor, name=None):
        self.factor = float(factor)  # a plain float keeps float32 arrays float32; np.float64 would not
        super().__init__(a, name=name)

    def forward(self, a):
        return a * self.factor

    def backward(self, g):
        return (g * self.factor,)

    def vjp(self, g):
        """dG/da = c * g."""
        return (g * self.factor,)


def _is_number(x):
    return isinstance(x, (int, float)) and not isinstance(x, bool)


def add(a, b, name=None):
    """a + b with numpy broadcasting; `a + b` on nodes makes the same (see Add)."""
    return Add(a, b, name=name)


def sub(a, b, name=None):
    """a - b with numpy broadcasting; `a - b` on nodes makes the same (see Sub)."""
    return Sub(a, b, name=name)


def mul(a, b, name=None):
    """a * b; multiplying by a Python number makes one Scale node, not two."""
    if _is_number(b):
        return Scale(a, b, name=name)
    if _is_number(a):
        return Scale(b, a, name=name)
    return Mul(a, b, name=name)


def div(a, b, name=None):
    """a / b with numpy broadcasting; dividing by a Python number makes one Scale node."""
    if _is_number(b):
        return Scale(a, 1.0 / b, name=name)
    return Div(a, b, name=name)


def neg(a, name=None):
    """-a; `-a` on a node makes the same (see Neg)."""
    return Neg(a, name=name)


def pow(a, exponent, name=None):
    """a ** exponent for a constant Python number `exponent`; `a ** p` on a node makes the same (see Pow)."""
    if not _is_number(exponent):
        raise TypeError("pow takes a constant Python number as exponent")
    return Pow(a, exponent, name=name)

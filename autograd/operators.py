"""Operator overloading on node handles, so graphs read like maths.

`a + b`, `a - b`, `a * b`, `a / b`, `a ** p`, `-a`, `a @ b` and `a[idx]`
create nodes from the node library. The imports are local because the node
library itself is built on the engine.
"""


class Operators:
    # numpy must not treat a node as an object to broadcast over: with this,
    # `array + node` and `array @ node` call the node's reflected operator.
    __array_ufunc__ = None

    def __add__(self, other):
        from nodes.math import add

        return add(self, other)

    def __radd__(self, other):
        from nodes.math import add

        return add(other, self)

    def __sub__(self, other):
        from nodes.math import sub

        return sub(self, other)

    def __rsub__(self, other):
        from nodes.math import sub

        return sub(other, self)

    def __mul__(self, other):
        from nodes.math import mul

        return mul(self, other)

    def __rmul__(self, other):
        from nodes.math import mul

        return mul(other, self)

    def __truediv__(self, other):
        from nodes.math import div

        return div(self, other)

    def __rtruediv__(self, other):
        from nodes.math import div

        return div(other, self)

    def __pow__(self, exponent):
        from nodes.math import pow

        return pow(self, exponent)

    def __neg__(self):
        from nodes.math import neg

        return neg(self)

    def __matmul__(self, other):
        from nodes.linalg import matmul

        return matmul(self, other)

    def __rmatmul__(self, other):
        from nodes.linalg import matmul

        return matmul(other, self)

    def __getitem__(self, index):
        from nodes.array import getitem

        return getitem(self, index)

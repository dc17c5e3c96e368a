"""The node library's side of operator overloading: `a + b` on nodes builds an `add` node.

The engine defines the operators but cannot import the library built on it;
importing `nodes` (any part of it) registers the functions they call (and
`sum`, which the engine's gradients of gradients use).
"""

from autograd.operators import register_operators

from .array import getitem
from .linalg import matmul
from .math import add, div, mul, neg, pow, sub, sum

register_operators(add=add, sub=sub, mul=mul, div=div, pow=pow, neg=neg, matmul=matmul, getitem=getitem, sum=sum)

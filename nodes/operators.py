"""The node library's side of operator overloading: `a + b` on nodes builds an `add` node.

The engine defines the operators but cannot import the library built on it;
importing `nodes` (any part of it) registers the functions they call (and
`sum`, which the engine's gradients of gradients use).
"""

from autograd.operators import register_operators

from .activation import tanh
from .array import concat, getitem, reshape, stack, transpose
from .linalg import matmul
from .math import abs, add, clip, div, exp, log, max, maximum, mean, minimum, mul, neg, pow, sqrt, sub, sum

register_operators(add=add, sub=sub, mul=mul, div=div, pow=pow, neg=neg, matmul=matmul, getitem=getitem, sum=sum,
                   transpose=transpose)

#: numpy's functions that have a node (besides the operators: np.ones(3) + node is `+`): np.exp(node) builds exp.
NUMPY_FUNCTIONS = {
    "exp": exp, "log": log, "sqrt": sqrt, "absolute": abs, "tanh": tanh, "maximum": maximum, "minimum": minimum,
    "sum": sum, "mean": mean, "max": max, "clip": clip, "reshape": reshape, "transpose": transpose,
    "concatenate": concat, "stack": stack,
}
register_operators(**{f"numpy.{name}": function for name, function in NUMPY_FUNCTIONS.items()})

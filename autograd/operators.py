"""Operator overloading on node handles, so graphs read like maths.

`a + b`, `a - b`, `a * b`, `a / b`, `a ** p`, `-a`, `a @ b` and `a[idx]`
build nodes of the node library. The engine does not import the library
(the library is built on the engine, and layers point one way): the library
registers its functions here when it is imported (`nodes/operators.py`), and
an operator used before that says what to import. The engine's gradients of
gradients (`autograd.gradients`) build their sums the same way, through
`library("sum")`.
"""

import numpy as np

from .errors import GraphError

_functions = {}


def register_operators(**functions):
    """Make `a + b` and friends call `functions['add']` and so on (done by `import nodes`)."""
    _functions.update(functions)


def library(name, symbol=None):
    """The node library's function registered as `name`, or a GraphError saying to import `nodes`."""
    function = _functions.get(name)
    if function is None:
        if symbol:
            raise GraphError(f"'{symbol}' on nodes builds a node of the node library: import nodes first")
        raise GraphError(f"the engine needs the node library's '{name}' here: import nodes first")
    return function


def _call(name, symbol, *args):
    return library(name, symbol)(*args)


#: numpy's ufuncs that are Python operators: `array + node` calls the same function as `node + array`.
_OPERATOR_OF_UFUNC = {"add": "add", "subtract": "sub", "multiply": "mul", "divide": "div", "true_divide": "div",
                      "power": "pow", "negative": "neg", "matmul": "matmul"}


def _numpy_refusal(what):
    known = sorted(name[len("numpy."):] for name in _functions if name.startswith("numpy."))
    if not known:
        return f"{what} on a node needs the node library: import nodes first"
    return (f"{what} has no node: build the graph with nodes (nd.exp, nd.sum, ...), or use node.value for "
            f"the numbers of the last forward pass (numpy functions that make nodes: {', '.join(known)})")


class Operators:
    """Python's operators on nodes, each building one node through the registered library function.

    numpy functions on nodes build nodes too where the library has one:
    `np.exp(node)`, `np.ones(3) + node`, `np.sum(node, axis=1)`; any other
    refuses with a sentence rather than treating the node as an object.
    """

    def __array_ufunc__(self, ufunc, method, *args, **kwargs):
        if ufunc.__name__ in ("equal", "not_equal"):  # `array == node`: as numpy compares arrays with any object
            arrays = [a for a in args if not isinstance(a, Operators)]
            return np.full(np.shape(arrays[0]) if arrays else (), ufunc.__name__ == "not_equal")
        name = _OPERATOR_OF_UFUNC.get(ufunc.__name__, f"numpy.{ufunc.__name__}")
        function = _functions.get(name)
        if function is not None and method == "__call__" and kwargs:
            node = next((a for a in args if isinstance(a, Operators)), self)
            raise TypeError(f"numpy.{ufunc.__name__} on node '{node.name}' takes no "
                            f"{', '.join(f'{k}=' for k in sorted(kwargs))}: a node makes its own output array "
                            "(drop the keyword, or use node.value for the numbers)")
        if method != "__call__" or function is None:
            raise TypeError(_numpy_refusal(f"numpy.{ufunc.__name__}" + ("" if method == "__call__" else f".{method}")))
        return function(*args)

    def __array_function__(self, func, types, args, kwargs):
        qualified = f"{func.__module__}.{func.__name__}"  # numpy.linalg.norm is not numpy.norm
        function = _functions.get(qualified)
        if function is None:
            raise TypeError(_numpy_refusal(qualified))
        return function(*args, **kwargs)

    @property
    def T(self):
        """The node with its axes reversed, as numpy's `.T` (a transpose node): the matrix transpose in 2-D.

        As in numpy, every axis is reversed, the batch axis too; for the last
        two axes only, use `nd.swapaxes(x, -1, -2)`.
        """
        return _call("transpose", ".T", self)

    def __add__(self, other):
        return _call("add", "+", self, other)

    def __radd__(self, other):
        return _call("add", "+", other, self)

    def __sub__(self, other):
        return _call("sub", "-", self, other)

    def __rsub__(self, other):
        return _call("sub", "-", other, self)

    def __mul__(self, other):
        return _call("mul", "*", self, other)

    def __rmul__(self, other):
        return _call("mul", "*", other, self)

    def __truediv__(self, other):
        return _call("div", "/", self, other)

    def __rtruediv__(self, other):
        return _call("div", "/", other, self)

    def __pow__(self, exponent):
        return _call("pow", "**", self, exponent)

    def __neg__(self):
        return _call("neg", "unary -", self)

    def __matmul__(self, other):
        return _call("matmul", "@", self, other)

    def __rmatmul__(self, other):
        return _call("matmul", "@", other, self)

    def __getitem__(self, index):
        return _call("getitem", "[]", self, index)

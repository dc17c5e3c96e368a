"""Indicators: 0/1 (or sign) arrays computed from values, for backward passes built of nodes.

A ReLU's backward multiplies g by [f > 0]; built of nodes
(`autograd.grad(create_graph=True)`), that mask must be a node too, computed
from f at every pass, not an array kept from one forward pass. These nodes
pass no gradient (`differentiable = False`): the derivative of a step is 0
wherever it is defined.
"""

import numpy as np

from autograd import config
from nodes.common.elementwise import Elementwise

#: Name -> the function of the input values, returning the indicator in the first input's dtype.
PREDICATES = {
    "positive": lambda x: x > 0,
    "sign": np.sign,
    "at_least": lambda a, b: a >= b,
    "at_most": lambda a, b: a <= b,
    "equal": lambda a, b: a == b,
    "nonzero": lambda x: x != 0,
}


class Indicator(Elementwise):
    """f = predicate(inputs) as numbers: [x > 0], sign(x), [a >= b], [a <= b], [a == b], [x != 0].

    The numbers have the first input's float dtype (the default float dtype for a boolean mask).

    Backward: none (a step function's derivative is 0 wherever it exists).
    """

    differentiable = False

    def __init__(self, *inputs, predicate, name=None):
        if predicate not in PREDICATES:
            raise ValueError(f"unknown indicator {predicate!r}; choose one of {sorted(PREDICATES)}")
        self.predicate = predicate
        self.op = predicate
        super().__init__(*inputs, name=name)

    def forward(self, *xs):
        dtype = xs[0].dtype if xs[0].dtype.kind == "f" else config.get_default_dtype()  # a boolean mask: floats
        return np.asarray(PREDICATES[self.predicate](*xs), dtype=dtype)

    def backward(self, g):
        return (None,) * len(self.inputs)


def indicator(*inputs, predicate, name=None):
    """The 0/1 (or sign) node `predicate` of `inputs` (see Indicator)."""
    return Indicator(*inputs, predicate=predicate, name=name)

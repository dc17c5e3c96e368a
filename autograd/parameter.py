"""Parameters: leaf nodes that own their value, gradient, update rule and state.

A parameter is a leaf of the graph. In the backward pass it is reached after
every node that consumes it (it comes first in topological order, so last in
reverse), so by then each consumer has computed its addend from the value the
forward pass saw. The engine sums those addends into dG/dw and the parameter
updates itself exactly once: a parameter shared by several nodes (weight
tying) gets the sum of its addends and a single update.
"""

import numpy as np

from . import config
from .node import GradientFlags, Leaf


class Parameter(Leaf):
    """A trainable array.

    `value` is the initial array (cast to the default float dtype unless
    `dtype` is given). `lr` overrides the graph's learning rate for this
    parameter and `rule` its update rule; `frozen` parameters get no gradient
    and are never updated. `state` holds the update rule's per-parameter
    buffers (momentum, Adam moments), saved with the parameter.
    """

    op = "parameter"

    def __init__(self, value, name=None, lr=None, rule=None, frozen=False, dtype=None):
        super().__init__(name=name)
        dtype = np.dtype(dtype) if dtype is not None else config.get_default_dtype()
        self.value = np.array(value, dtype=dtype)  # always an own copy
        self.shape = self.value.shape
        self.lr = lr
        self.rule = rule
        self.frozen = frozen
        self.state = {}

    @property
    def requires_grad(self):
        return not self._frozen

    @property
    def frozen(self):
        return self._frozen

    @frozen.setter
    def frozen(self, flag):
        self._frozen = bool(flag)
        GradientFlags.changed()

    @property
    def size(self):
        return self.value.size

    def freeze(self):
        self.frozen = True

    def unfreeze(self):
        self.frozen = False

    def update(self, grad, rule, lr):
        """Apply the graph's `rule` at learning rate `lr` with gradient `grad`, in place.

        A parameter with a rule of its own uses that rule and its learning
        rate; `self.lr`, when set, overrides either learning rate.
        """
        if self.rule is not None:
            rule, lr = self.rule, self.rule.lr
        rule.update(self.value, grad, self.state, self.lr if self.lr is not None else lr)

    def __repr__(self):
        return f"<Parameter '{self.name}' shape={self.value.shape} {self.value.dtype}>"

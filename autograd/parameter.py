"""Parameters: leaf nodes that own their value, gradient, update rule and state.

A parameter is a leaf of the graph. In the backward pass it is reached after
every node that consumes it (it comes first in topological order, so last in
reverse), so by then each consumer has computed its addend from the value the
forward pass saw. The engine sums those addends into dG/dw and, once the
whole pass has succeeded, the parameter is updated exactly once
(`autograd.update.apply_update`): a parameter shared by several nodes
(weight tying, a recurrent cell called at every step) gets the sum of its
addends and a single update.
"""

import numpy as np

from . import config
from .node import Leaf


class Parameter(Leaf):
    """A trainable array.

    `value` is the initial array (cast to the default float dtype unless
    `dtype` is given). `rule` is an update rule of the parameter's own
    (default: the graph's); `lr` is shorthand for "the same rule at this
    learning rate" (a rule of its own, derived, never a change to the shared
    one). `frozen` parameters get no gradient and are never updated. `state`
    holds the update rule's per-parameter buffers (momentum, Adam moments),
    saved with the parameter.

    A parameter assigned to a `Block` attribute takes its name from the
    block and the attribute, as in PyTorch: `fc1.weight` for the attribute
    `weight` of the block `fc1`, whatever `name` it was made with.
    """

    op = "parameter"

    def __init__(self, value, name=None, lr=None, rule=None, frozen=False, dtype=None):
        self._owner = None  # the Block whose attribute this is, which names it
        self._local = None  # the name inside that block
        super().__init__(name=name)
        dtype = np.dtype(dtype) if dtype is not None else config.get_default_dtype()
        self.value = np.array(value, dtype=dtype)  # always an own copy
        self.shape = self.value.shape
        if lr is not None and lr < 0:
            raise ValueError(f"parameter '{self.name}': the learning rate must be non-negative, got {lr}")
        self.lr = lr
        self.rule = rule
        self.frozen = bool(frozen)
        self.state = {}
        self._lr_rule = None  # (base rule, that rule at self.lr), made once

    @property
    def name(self):
        """The block path and attribute for a block's parameter, else the name given at creation."""
        if self._owner is not None:
            return f"{self._owner.name}.{self._local}"
        return self._name

    @name.setter
    def name(self, value):
        self._name = value

    @property
    def scope(self):
        """The scope path the parameter is drawn in: its block's path, else the scope it was made in."""
        if self._owner is not None:
            return tuple(self._owner.name.split("."))
        return self._scope

    @scope.setter
    def scope(self, value):
        self._scope = value

    @property
    def requires_grad(self):
        """True unless frozen."""
        return not self.frozen

    @property
    def size(self):
        """Number of values."""
        return self.value.size

    def freeze(self):
        """No gradient and no updates until `unfreeze()`."""
        self.frozen = True

    def unfreeze(self):
        """Train again after `freeze()`."""
        self.frozen = False

    def rule_for(self, default):
        """The rule that updates this parameter: its own, else `default` (the graph's), at `self.lr` if set."""
        rule = self.rule if self.rule is not None else default
        if self.lr is None or self.lr == rule.lr:
            return rule
        if self._lr_rule is None or self._lr_rule[0] is not rule:
            self._lr_rule = (rule, rule.with_lr(self.lr))
        return self._lr_rule[1]

    def __repr__(self):
        return f"<Parameter '{self.name}' shape={self.value.shape} {self.value.dtype}>"

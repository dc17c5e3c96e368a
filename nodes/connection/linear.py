"""Linear layer: a block of a matmul and a bias add with their parameters."""

import numpy as np

from autograd import Block, Parameter
from nodes.common.init import init_weight
from nodes.linalg.matmul import matmul
from nodes.math.arithmetic import add


class Linear(Block):
    """y = x @ W + b for x of shape (..., in_features).

    Parameters `<name>.weight` (in_features, out_features) and `<name>.bias`
    (out_features,). The weight is `weight` if given (any array of that
    shape, copied), else drawn for `init` (He or Xavier, see `init_weight`);
    the bias is `bias` if it is an array, zeros if it is True, absent if it
    is False or None. PyTorch's nn.Linear keeps its weight as (out_features,
    in_features) and computes x W^T + b: `Linear.from_torch(weight, bias)`
    takes that layout. Calling the layer on a node wires `<name>.matmul` and
    `<name>.add` in its scope, so diagrams draw them as one block:
    `h = fc1(x)`. Calling it again shares the parameters (weight tying); the
    second call's nodes are `<name>#1.matmul` and `<name>#1.add`.

    PyTorch: `nn.Linear(in_features, out_features, bias)`, whose `weight` is
    the transpose of ours (`state_dict(layout="torch")`).
    """

    default_name = "linear"

    def __init__(self, in_features, out_features, name=None, bias=True, init="he", rng=None, weight=None):
        super().__init__(name)
        self.in_features, self.out_features = in_features, out_features
        if weight is None:
            weight = init_weight((in_features, out_features), in_features, out_features, init, rng)
        self.weight = Parameter(_checked(weight, (in_features, out_features), "weight", self))
        if bias is True:
            bias = np.zeros(out_features)
        self.bias = None if bias is False or bias is None else Parameter(_checked(bias, (out_features,), "bias", self))

    @classmethod
    def from_torch(cls, weight, bias=None, name=None):
        """A Linear layer from PyTorch's parameters: weight (out_features, in_features), bias (out_features,) or None.

        The weight is transposed (copied) into this layer's (in_features,
        out_features) layout, so `y = x @ W.T + b` as in nn.Linear.
        """
        weight = np.asarray(weight)
        if weight.ndim != 2:
            raise ValueError(f"Linear.from_torch: weight must be (out_features, in_features), got shape {weight.shape}")
        out_features, in_features = weight.shape
        return cls(in_features, out_features, name=name, bias=False if bias is None else bias, weight=weight.T)

    def wire(self, x):
        """x @ weight (+ bias)."""
        y = matmul(x, self.weight, name="matmul")
        if self.bias is not None:
            y = add(y, self.bias, name="add")
        return y

    def export_state(self, state, layout):
        """PyTorch's nn.Linear keeps the weight as (out_features, in_features): y = x W^T + b."""
        if layout == "torch":
            state = {**state, "weight": np.ascontiguousarray(state["weight"].T)}
        return state

    def import_state(self, state, layout):
        """nn.Linear's (out_features, in_features) weight back to nodegrad's (in_features, out_features)."""
        if layout == "torch":
            state = {**state, "weight": state["weight"].T}
        return state

    def __repr__(self):
        return f"Linear({self.in_features}, {self.out_features}, name={self.name!r})"


def _checked(value, shape, what, layer):
    """`value` as an array, if it has `shape`; a ValueError naming the layer otherwise."""
    value = np.asarray(value)
    if value.shape != shape:
        raise ValueError(f"Linear '{layer.name}': initial {what} of shape {value.shape}, expected {shape}")
    return value

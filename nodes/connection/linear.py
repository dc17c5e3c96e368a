"""Linear layer: a block of a matmul and a bias add with their parameters."""

import numpy as np

from autograd import Block, Parameter
from nodes.common.init import init_weight
from nodes.linalg.matmul import matmul
from nodes.math.arithmetic import add


class Linear(Block):
    """y = x @ W + b for x of shape (..., in_features).

    Parameters `<name>.weight` (in_features, out_features), drawn for `init`
    (He or Xavier, see `init_weight`), and `<name>.bias` (out_features,) of
    zeros; calling the layer on a node wires `<name>.matmul` and
    `<name>.add` in its scope, so diagrams draw them as one block:
    `h = fc1(x)`. Calling it again shares the parameters (weight tying); the
    second call's nodes are `<name>#1.matmul` and `<name>#1.add`.

    PyTorch: `nn.Linear(in_features, out_features, bias)`, whose `weight` is
    the transpose of ours (`state_dict(layout="torch")`).
    """

    default_name = "linear"

    def __init__(self, in_features, out_features, name=None, bias=True, init="he", rng=None):
        super().__init__(name)
        self.in_features, self.out_features = in_features, out_features
        self.weight = Parameter(init_weight((in_features, out_features), in_features, out_features, init, rng))
        self.bias = Parameter(np.zeros(out_features)) if bias else None

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

"""Linear layer: a composite of a matmul and a bias add with its parameters."""

import numpy as np

from autograd import Parameter, scope
from nodes.common.init import init_weight
from nodes.linalg.matmul import matmul
from nodes.math.arithmetic import add


class Linear:
    """y = x @ W + b for x of shape (..., in_features).

    Creates the parameters `<name>.weight` (in_features, out_features) and
    `<name>.bias` (out_features,), and the nodes `<name>.matmul` and
    `<name>.add`, all inside the scope `<name>` so diagrams draw them as one
    block. Call the layer on a node to wire it: `h = fc1(x)`. Calling it
    twice shares the parameters (weight tying).
    """

    def __init__(self, in_features, out_features, name="linear", bias=True, init="he", rng=None):
        self.name = name
        self.in_features, self.out_features = in_features, out_features
        with scope(name):
            self.weight = Parameter(
                init_weight((in_features, out_features), in_features, out_features, init, rng), name="weight"
            )
            self.bias = Parameter(np.zeros(out_features), name="bias") if bias else None

    @property
    def parameters(self):
        return [p for p in (self.weight, self.bias) if p is not None]

    def __call__(self, x):
        with scope(self.name):
            y = matmul(x, self.weight, name="matmul")
            if self.bias is not None:
                y = add(y, self.bias, name="add")
        return y

    def __repr__(self):
        return f"Linear({self.in_features}, {self.out_features}, name={self.name!r})"

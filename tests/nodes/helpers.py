"""Helpers shared by the node tests beyond the gradient cases: evaluate a factory at some arrays."""

import numpy as np

from autograd import Graph, Input, default_dtype


def evaluate(factory, *arrays, dtype=np.float64):
    """The value of `factory(*inputs)` at `arrays`, built with default float `dtype`.

    The inputs are declared without shapes, so the nodes meet their shapes
    only in the forward pass; integer and boolean arrays keep their dtype.
    """
    with default_dtype(dtype):
        inputs = []
        for k, a in enumerate(arrays):
            kind = np.asarray(a).dtype
            inputs.append(Input(name=f"x{k}", dtype=kind if kind.kind in "iub" else None))
        out = factory(*inputs)
    graph = Graph(*out) if isinstance(out, (list, tuple)) else Graph(out)
    return graph.forward({i.name: a for i, a in zip(inputs, arrays, strict=True)}, grad=False)

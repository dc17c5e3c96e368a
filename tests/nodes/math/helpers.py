"""Helpers shared by the node tests: evaluate a factory, check dtype preservation."""

import numpy as np

from autograd import Graph, Input, default_dtype


def _inputs(arrays, requires_grad=False):
    inputs = []
    for k, a in enumerate(arrays):
        a = np.asarray(a)
        dtype = a.dtype if a.dtype.kind in "iub" else None  # None: the default float dtype
        inputs.append(Input(name=f"x{k}", dtype=dtype, requires_grad=requires_grad and a.dtype.kind == "f"))
    return inputs


def evaluate(factory, *arrays, dtype=np.float64):
    """The value of `factory(*inputs)` at `arrays`, built with default float `dtype`."""
    with default_dtype(dtype):
        inputs = _inputs(arrays)
        out = factory(*inputs)
    graph = Graph(*out) if isinstance(out, (list, tuple)) else Graph(out)
    return graph.forward({i.name: a for i, a in zip(inputs, arrays, strict=True)}, grad=False)


def assert_keeps_float32(case):
    """Forward and backward of a gradient case in float32 make no float64 value or gradient."""
    with default_dtype(np.float32):
        inputs = _inputs(case.arrays, requires_grad=True)
        out = case.factory(*inputs)
    roots = out if isinstance(out, (list, tuple)) else [out]
    graph = Graph(*roots)
    graph.forward({i.name: a for i, a in zip(inputs, case.arrays, strict=True)})
    graph.backward(update=False)
    for node in graph.nodes:
        for what, array in (("value", node.value), ("gradient", node.grad)):
            if array is not None and np.asarray(array).dtype.kind == "f":
                assert np.asarray(array).dtype == np.float32, f"{node.name}: float64 {what}"
    assert any(i.grad is not None for i in inputs if i.dtype.kind == "f")

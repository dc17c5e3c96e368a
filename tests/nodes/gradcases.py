"""Gradient-check cases of the node tests, and the two checks every case gets.

A test module under tests/nodes lists its cases in a module-level `CASES`
list of `GradCase`; tests/nodes/conftest.py turns each case into the tests
`test_gradcheck` (`check_gradients`) and `test_keeps_float32`
(`check_keeps_float32`). tests/nodes/test_every_node_checked.py builds every
case's graph and fails when some node class of the library never appears in
one, so a new node type cannot go unchecked.
"""

import dataclasses
from collections.abc import Callable

import numpy as np

from autograd import Graph, Input, check_node, default_dtype, gradcheck


@dataclasses.dataclass
class GradCase:
    """`factory(*input_nodes)` builds the node(s) checked at inputs `arrays`.

    `wrt_inputs` limits the checked inputs by position (default: every float
    input); `before_forward()` runs before every forward pass (to reset a
    random generator, for example). With `training=False` the graph runs in
    evaluation mode (`graph.eval()`): each pass sets every node's mode from
    its graph's, so a factory cannot set it on a node.
    """

    id: str
    factory: Callable
    arrays: tuple
    wrt_inputs: tuple | None = None
    tolerance: float = 1e-5
    before_forward: Callable | None = None
    training: bool = True

    def __str__(self):
        return self.id

    def build(self, dtype=np.float64):
        """(inputs, graph): the case wired as `check_node` wires it, with float inputs and parameters in `dtype`.

        Each array becomes an Input `x0`, `x1`... of the array's shape; integer
        and boolean arrays (labels, indices, masks) keep their dtype.
        """
        with default_dtype(dtype):
            inputs = [Input(name=f"x{k}", shape=np.shape(a), dtype=_kept_dtype(a)) for k, a in enumerate(self.arrays)]
            out = self.factory(*inputs)
        roots = out if isinstance(out, (list, tuple)) else [out]
        graph = Graph(*roots)
        return inputs, graph if self.training else graph.eval()

    def checked_inputs(self, inputs):
        """The float inputs among `inputs` whose gradient the case checks."""
        return [i for k, i in enumerate(inputs)
                if i.dtype.kind == "f" and (self.wrt_inputs is None or k in self.wrt_inputs)]


def _kept_dtype(array):
    """The dtype of an integer or boolean array, None (the default float dtype) for the others."""
    dtype = np.asarray(array).dtype
    return dtype if dtype.kind in "iub" else None


def check_gradients(case, order=1):
    """The case's backward agrees with central finite differences in float64 (`check_node`; eval: `gradcheck`).

    With `order=2` its second derivatives, through the backward pass built of nodes (the nodes' `vjp`).
    """
    if not case.training:  # check_node always trains: check the graph the case builds, as check_node would
        inputs, graph = case.build()
        feeds = {i.name: a for i, a in zip(inputs, case.arrays, strict=True)}
        wrt = case.checked_inputs(inputs) + [p for p in graph.parameters if not p.frozen]
        return gradcheck(graph, feeds, wrt=wrt, tolerance=case.tolerance, before_forward=case.before_forward,
                         order=order)
    return check_node(
        case.factory,
        *case.arrays,
        wrt_inputs=case.wrt_inputs,
        tolerance=case.tolerance,
        before_forward=case.before_forward,
        order=order,
    )


def check_keeps_float32(case):
    """The case built in float32 computes no float64 value or gradient, and its checked arrays get gradients."""
    inputs, graph = case.build(np.float32)
    checked = case.checked_inputs(inputs) + [p for p in graph.parameters if not p.frozen]
    for inp in inputs:
        inp.requires_grad = inp.dtype.kind == "f"
    if case.before_forward is not None:
        case.before_forward()
    graph.forward({i.name: a for i, a in zip(inputs, case.arrays, strict=True)})
    graph.backward(update=False)
    for node in graph.nodes:
        for what, array in (("value", node.value), ("gradient", node.grad)):
            if array is not None and np.asarray(array).dtype.kind == "f":
                assert np.asarray(array).dtype == np.float32, f"{node.name}: {np.asarray(array).dtype} {what}"
    missing = [n.name for n in checked if n.grad is None]
    assert checked and not missing, f"no gradient for {missing or 'any array'}"


def randn(*shape, seed=0, away_from_zero=False):
    """Float64 normal samples; `away_from_zero` keeps |x| >= 0.1 (kinks of relu, abs...)."""
    x = np.random.default_rng(seed).standard_normal(shape)
    if away_from_zero:
        x = np.where(np.abs(x) < 0.1, np.sign(x + 1e-12) * (0.1 + np.abs(x)), x)
    return x


def positive(*shape, seed=0, low=0.5, high=2.0):
    """Float64 uniform samples in [low, high) (for log, sqrt, division)."""
    return np.random.default_rng(seed).uniform(low, high, shape)

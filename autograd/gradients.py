"""Gradients on demand, and gradients of gradients: `grad`, `hvp`, `jvp`, `hessian`.

`grad(outputs, inputs)` works on the values of the last forward pass, like
PyTorch's `torch.autograd.grad`: after `graph.forward(feeds)` it returns
d(sum of outputs)/d(input) for each input (any nodes: parameters, inputs,
intermediate nodes) without updating anything and without touching what
`graph.backward` publishes. Nodes wired after that forward pass (a sum of
gradients, a penalty) are computed first, from the values it left.

With `create_graph=True` the gradients come back as nodes: the backward
pass is built of nodes, each node's `vjp` (a backward written with nodes),
summed with `+` and reduced to each input's shape with `SumTo`. Those nodes
are a graph like any other: `grad` can differentiate it again (Hessian-vector
products), and `Graph(loss + penalty_of(gradient))` trains through it, every
step recomputing the gradient nodes from the step's feeds.
"""

import numpy as np

from .backward import Plan, sweep
from .broadcasting import sum_to
from .errors import BackwardError, FeedError, GraphError, describe
from .forward import run_forward
from .ledger import Ledger
from .node import Constant, Input, Node
from .operators import library
from .schedule import topological_order


def grad(outputs, inputs, grad_outputs=None, create_graph=False):
    """d(outputs)/d(inputs) at the values of the last forward pass (see the module docstring).

    `outputs` and `inputs` are nodes or lists of nodes; `grad_outputs` gives
    dG/d(output) for each output (arrays, or nodes with `create_graph`;
    default ones, so G is the sum of the outputs). Returns one gradient per
    input, in the shape of its value (zeros where no path leads from it to
    an output): arrays, or nodes with `create_graph=True`; a single input
    gives a single gradient.
    """
    single = isinstance(inputs, Node)
    outputs, inputs = _nodes(outputs, "outputs"), _nodes(inputs, "inputs")
    order = topological_order(outputs)
    complete_values(order)
    plan = Plan(order, wanted=set(inputs))
    if create_graph:
        found = _gradient_nodes(plan, outputs, _seed_nodes(outputs, grad_outputs), inputs)
        complete_values(topological_order(found))
    else:
        found = _gradient_arrays(plan, outputs, _seed_arrays(outputs, grad_outputs), inputs)
    return found[0] if single else found


def hvp(output, inputs, vectors):
    """The Hessian of the scalar `output` with respect to `inputs`, times `vectors` (one array per input).

    Computed as the gradient of <grad(output), v>: two backward passes, the
    first built of nodes. Returns one array per input (a single one for a
    single input).
    """
    single = isinstance(inputs, Node)
    inputs = _nodes(inputs, "inputs")
    vectors = [vectors] if single else list(vectors)
    gradients = grad(output, inputs, create_graph=True)
    product = _dot(gradients, [_constant(v, g.value.dtype) for g, v in zip(gradients, vectors)])
    found = grad(product, inputs)
    return found[0] if single else found


def jvp(outputs, inputs, vectors):
    """The directional derivative J v of `outputs` along `vectors` (one array per input): forward mode.

    Built from two reverse passes (the double-vjp construction): with u a
    stand-in cotangent, J^T u is linear in u, and J v is the gradient of
    <J^T u, v> with respect to u. Returns one array per output.
    """
    single = isinstance(outputs, Node)
    outputs, inputs = _nodes(outputs, "outputs"), _nodes(inputs, "inputs")
    vectors = [vectors] if isinstance(vectors, np.ndarray) and len(inputs) == 1 else list(vectors)
    cotangents = []
    for out in outputs:
        u = Input(name=f"cotangent_of_{out.name}", shape=out.value.shape, dtype=out.value.dtype)
        u.value = np.zeros_like(out.value)  # any value: J^T u is linear in u
        cotangents.append(u)
    pulled = grad(outputs, inputs, grad_outputs=cotangents, create_graph=True)
    product = _dot(pulled, [_constant(v, p.value.dtype) for p, v in zip(pulled, vectors)])
    found = grad(product, cotangents)
    return found[0] if single else found


def hessian(output, inputs):
    """The full Hessian of the scalar `output` over every entry of `inputs` (flattened in order): (n, n).

    One backward pass built of nodes, then one backward pass per entry: for
    small functions and teaching, not for networks.
    """
    inputs = _nodes(inputs, "inputs")
    gradients = grad(output, inputs, create_graph=True)
    sizes = [i.value.size for i in inputs]
    rows = []
    for k in range(sum(sizes)):
        unit = np.zeros(sum(sizes))
        unit[k] = 1.0
        parts = np.split(unit, np.cumsum(sizes)[:-1])
        directions = [_constant(p.reshape(g.value.shape), g.value.dtype) for p, g in zip(parts, gradients)]
        rows.append(np.concatenate([r.ravel() for r in grad(_dot(gradients, directions), inputs)]))
    return np.stack(rows)


def complete_values(order):
    """Compute, in `order`, the nodes that have no value yet (wired after the last forward pass)."""
    missing = [n for n in order if n.value is None]
    for node in missing:
        if not node.inputs:
            kind = "input" if isinstance(node, Input) else "leaf"
            raise FeedError(f"{kind} '{node.name}' has no value: run a forward pass (with its feeds) first")
    if missing:
        run_forward(missing, object(), keep=True, training=True, detect_anomaly=False)


def _gradient_arrays(plan, outputs, seeds, inputs):
    for node, *_ in plan.steps:
        if not node.keep:
            raise BackwardError(
                f"{describe(node)} was last computed without keeping what backward needs (grad=False): "
                "run the forward pass with grad=True before taking gradients"
            )
    ledger = Ledger(plan)
    ledger.seed(outputs, seeds)
    sweep(plan, ledger)
    found = []
    for node in inputs:
        g = ledger.sums[plan.slot[node]] if node in plan.slot else None
        found.append(np.zeros_like(node.value) if g is None else np.array(g))
    return found


def _gradient_nodes(plan, outputs, seeds, inputs):
    """The backward pass built of nodes: for each node the sum of its addend nodes, then its vjp."""
    parts = {}
    for root, seed in zip(outputs, seeds):
        if root in plan.slot:
            parts.setdefault(root, []).append(seed)
    for node, _, needs, targets in plan.steps:
        if node not in parts:
            continue
        g = _total(parts[node])
        node.needs = needs
        try:
            addends = node.vjp(g)
        except NotImplementedError as e:
            raise GraphError(f"{describe(node)}: {e}") from None
        for position, inp, _ in targets:
            if addends[position] is not None:
                parts.setdefault(inp, []).append(sum_to(addends[position], inp))
    return [_total(parts[n]) if n in parts else _constant(np.zeros_like(n.value)) for n in inputs]


def _total(nodes):
    """The sum of addend nodes (the node itself for one)."""
    total = nodes[0]
    for other in nodes[1:]:
        total = total + other
    return total


def _dot(nodes, others):
    """sum over k of sum(nodes[k] * others[k]): a scalar node."""
    total = library("sum")
    return _total([total(a * b) for a, b in zip(nodes, others)])


def _seed_arrays(outputs, grad_outputs):
    if grad_outputs is None:
        return [np.ones_like(out.value) for out in outputs]
    seeds = _listed(grad_outputs, outputs)
    return [np.asarray(s.value if isinstance(s, Node) else s, dtype=out.value.dtype) for s, out in zip(seeds, outputs)]


def _seed_nodes(outputs, grad_outputs):
    if grad_outputs is None:
        return [_constant(np.ones_like(out.value)) for out in outputs]
    seeds = _listed(grad_outputs, outputs)
    return [s if isinstance(s, Node) else _constant(s, out.value.dtype) for s, out in zip(seeds, outputs)]


def _constant(array, dtype=None):
    """A Constant keeping the dtype of the values it stands beside (not the default dtype)."""
    array = np.asarray(array, dtype=dtype)
    return Constant(array, dtype=array.dtype)


def _listed(grad_outputs, outputs):
    seeds = [grad_outputs] if isinstance(grad_outputs, (Node, np.ndarray)) else list(grad_outputs)
    if len(seeds) != len(outputs):
        raise ValueError(f"{len(seeds)} grad_outputs for {len(outputs)} outputs {[o.name for o in outputs]}")
    return seeds


def _nodes(items, what):
    items = [items] if isinstance(items, Node) else list(items)
    bad = [type(i).__name__ for i in items if not isinstance(i, Node)]
    if bad or not items:
        raise TypeError(f"grad's {what} must be nodes (or a list of nodes), got {bad or 'none'}")
    return items

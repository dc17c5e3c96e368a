"""Gradient checking against central finite differences, in float64.

For a graph with root values r(x) and a fixed random projection R, the
scalar G(x) = sum(R * r(x)) has gradient dG/dx = the engine's backward seeded
with R. Each element of every checked array is nudged by +-eps and

    numeric_i = (G(x + eps e_i) - G(x - eps e_i)) / (2 eps)

is compared with the analytic value. The error of one element is
|analytic - numeric| / max(|analytic|, |numeric|, floor), with `floor` a small
fraction of the array's largest gradient so that near-zero entries do not
blow up the ratio; the report gives the worst one per array.

Use `check_node(factory, *arrays)` for a node type (or any function building
nodes from input nodes) and `gradcheck(graph, feeds)` for a whole graph.
"""

import contextlib

import numpy as np

from . import config
from .errors import GraphError
from .graph import Graph
from .node import Constant, Input
from .parameter import Parameter


class GradcheckError(GraphError, AssertionError):
    """Analytic and numeric gradients disagree; the message has the report."""


class GradcheckReport:
    """Per checked array: `rows` of (name, shape, max_abs, max_rel), and which arrays failed and why.

    An entry passes when |analytic - numeric| <= atol + tolerance * max(|analytic|, |numeric|):
    relative for large gradients, absolute for tiny ones (after training, a
    pure relative error would flag the finite differences' own rounding).
    `failures` maps each failing array's name to a sentence saying by how much:
    its worst entry's relative and absolute errors against the two tolerances.
    """

    def __init__(self, rows, tolerance, atol=0.0, failures=None):
        self.rows = rows
        self.tolerance = tolerance
        self.atol = atol
        self.failures = dict(failures or {})

    @property
    def ok(self):
        """Whether every entry of every array passed."""
        return not self.failures

    @property
    def worst(self):
        """The largest relative error over all arrays."""
        return max((rel for *_, rel in self.rows), default=0.0)

    def __str__(self):
        lines = [f"{'array':<32} {'shape':<16} {'max abs err':>12} {'max rel err':>12}"]
        for name, shape, abs_err, rel in self.rows:
            flag = "  <-- FAILS" if name in self.failures else ""
            lines.append(f"{name:<32} {str(shape):<16} {abs_err:12.3e} {rel:12.3e}{flag}")
        lines += [f"{name}: {why}" for name, why in self.failures.items()]
        lines.append(f"tolerance {self.tolerance:.1e} relative, {self.atol:.1e} absolute: "
                     f"{'ok' if self.ok else 'FAILED'}")
        return "\n".join(lines)

    __repr__ = __str__


def gradcheck(graph, feeds, wrt=None, eps=1e-6, tolerance=1e-5, seed=0, raises=True, before_forward=None,
              order=1, atol=1e-8):
    """Check the backward pass of `graph` (a Graph or a root node) at `feeds`.

    `wrt` lists the Input nodes and Parameters to check (default: every
    float input and unfrozen parameter). The graph's parameters and float
    inputs are switched to float64 for the check and restored afterwards
    (values, dtypes, update rule untouched: nothing is updated). Returns a
    GradcheckReport; raises GradcheckError when it fails, unless `raises` is
    false. `before_forward()`, if given, runs before every forward pass (to
    reset a random generator, for example). An entry passes within
    `atol + tolerance * |gradient|` (see GradcheckReport).

    With `order=2` the second derivatives are checked: for a second random
    projection R2 of the gradient, the gradient of <R2, dG/dx> taken by
    `autograd.grad` through the backward pass built of nodes is compared
    with central finite differences of <R2, dG/dx> computed by the engine's
    first-order backward at x +- eps.
    """
    if order not in (1, 2):
        raise ValueError(f"gradcheck checks order 1 or 2, got {order!r}")
    if not isinstance(graph, Graph):
        graph = Graph(*graph) if isinstance(graph, (list, tuple)) else Graph(graph)
    feeds = {(k.name if isinstance(k, Input) else k): np.asarray(v) for k, v in feeds.items()}
    with _float64(graph, feeds):
        wrt = _checked_wrt(graph, wrt)
        # Mixed with a constant so the projection never equals test inputs drawn with the same seed
        # (for a shape-preserving node, R = x would make sum(R * f(x)) a weak, special test).
        rng = np.random.default_rng([seed, 0x5EED])
        check = _Check(graph, feeds, wrt, before_forward, rng)
        compared = check.first_order(eps) if order == 1 else check.second_order(eps)
    report = _report(compared, tolerance, atol)
    if raises and not report.ok:
        raise GradcheckError(f"{'second-order ' if order == 2 else ''}gradient check failed:\n{report}")
    return report


def _checked_wrt(graph, wrt):
    if wrt is None:
        wrt = [i for i in graph.inputs if i.dtype.kind == "f"] + [p for p in graph.parameters if not p.frozen]
    frozen = [n.name for n in wrt if isinstance(n, Parameter) and n.frozen]
    if frozen:
        raise ValueError(f"cannot check frozen parameters {frozen}: they get no gradient (unfreeze them first)")
    return wrt


class _Check:
    """One gradient check: the graph at its feeds, the arrays checked, and the random projections."""

    def __init__(self, graph, feeds, wrt, before_forward, rng):
        self.graph, self.feeds, self.wrt, self.before_forward = graph, feeds, wrt, before_forward
        outs = self.run()
        self.projections = [rng.standard_normal(np.shape(o)) for o in outs]
        self.rng = rng

    def run(self):
        """A forward pass at the current feeds and parameter values; the root values as a tuple."""
        if self.before_forward is not None:
            self.before_forward()
        values = self.graph.forward(self.feeds)
        return values if isinstance(values, tuple) else (values,)

    def array_of(self, node):
        return self.feeds[node.name] if isinstance(node, Input) else node.value

    def objective(self):
        """G = sum(R * roots) at the current values."""
        return sum(float(np.sum(r * v)) for r, v in zip(self.projections, self.run()))

    def gradients(self):
        """dG/dx for each checked array at the current values, by the engine's backward pass."""
        with _requiring_grad(self.wrt):
            self.run()
            self.graph.backward(seed=self.projections, update=False)
            return [np.zeros_like(self.array_of(n)) if n.grad is None else n.grad.copy() for n in self.wrt]

    def first_order(self, eps):
        """[(name, analytic, numeric)] of the first derivatives."""
        analytic = self.gradients()
        return [(node.name, got, _numeric_gradient(self.objective, self.array_of(node), eps))
                for node, got in zip(self.wrt, analytic)]

    def second_order(self, eps):
        """[(name, analytic, numeric)] of the gradient of <R2, dG/dx>."""
        from .gradients import grad

        second = [self.rng.standard_normal(self.array_of(n).shape) for n in self.wrt]

        def projected_gradient():
            return sum(float(np.sum(r * g)) for r, g in zip(second, self.gradients()))

        self.run()
        first = grad(list(self.graph.roots), self.wrt, grad_outputs=self.projections, create_graph=True)
        analytic = grad(_dot(first, second), self.wrt)
        return [(node.name, got, _numeric_gradient(projected_gradient, self.array_of(node), eps))
                for node, got in zip(self.wrt, analytic)]


def _report(compared, tolerance, atol):
    rows, failures = [], {}
    for name, analytic, numeric in compared:
        rows.append((name, numeric.shape, *_errors(analytic, numeric)))
        why = _failure(analytic, numeric, tolerance, atol)
        if why:
            failures[name] = why
    return GradcheckReport(rows, tolerance, atol, failures)


def _failure(analytic, numeric, tolerance, atol):
    """None when every entry is within atol + tolerance * magnitude, else a sentence saying by how much."""
    diff = np.abs(analytic - numeric)
    allowed = atol + tolerance * np.maximum(np.abs(analytic), np.abs(numeric))
    bad = ~(diff <= allowed)  # NaN counts as bad
    if not bad.any():
        return None
    k = np.unravel_index(np.argmax(np.where(bad, diff - allowed, -np.inf)), diff.shape)
    return (f"{int(bad.sum())} of {diff.size} entries off by more than {atol:.1e} + {tolerance:.1e} * |gradient|; "
            f"worst at {tuple(int(i) for i in k)}: analytic {analytic[k]:.6e}, numeric {numeric[k]:.6e}, "
            f"off by {diff[k]:.3e} where {allowed[k]:.3e} is allowed; "
            + _parts(diff[k], analytic[k], numeric[k], tolerance, atol))


def _parts(diff, analytic, numeric, tolerance, atol):
    """The entry's relative and absolute errors against their tolerances, and which one governs the allowance.

    Exceeding the sum atol + tolerance * magnitude means exceeding each
    part; what tells a real fault from rounding is which part is the larger
    (the absolute one, for tiny gradients).
    """
    magnitude = max(abs(analytic), abs(numeric))
    rel = diff / magnitude if magnitude > 0 else np.inf

    def over(error, limit):
        return f", {error / limit:.3g} times over" if np.isfinite(error) and limit > 0 else ""

    governs = "absolute" if atol >= tolerance * magnitude else "relative"
    return (f"relative error {rel:.3e} against tolerance {tolerance:.1e}{over(rel, tolerance)}, absolute error "
            f"{diff:.3e} against atol {atol:.1e}{over(diff, atol)} (the {governs} tolerance is the larger part here)")


def _dot(nodes, arrays):
    """sum over k of sum(nodes[k] * arrays[k]), a scalar node (built with the node library's operators)."""
    from .operators import library

    total = library("sum")
    terms = [total(n * Constant(a, dtype=a.dtype)) for n, a in zip(nodes, arrays)]
    result = terms[0]
    for term in terms[1:]:
        result = result + term
    return result


def check_node(factory, *arrays, eps=1e-6, tolerance=1e-5, seed=0, raises=True, wrt_inputs=None, before_forward=None,
               order=1, atol=1e-8):
    """Check a node type: `factory(*input_nodes)` builds the node(s) to check.

    Each array in `arrays` becomes a float64 Input (integer arrays, such as
    labels or indices, become integer Inputs and are not checked). Parameters
    the factory creates are checked too. `wrt_inputs` limits the checked
    inputs by position; `order=2` checks second derivatives (see gradcheck).
    """
    with config.default_dtype(np.float64):
        inputs = []
        for k, a in enumerate(arrays):
            a = np.asarray(a)
            dtype = a.dtype if a.dtype.kind in "iub" else np.float64
            inputs.append(Input(name=f"x{k}", shape=a.shape, dtype=dtype))
        out = factory(*inputs)
    roots = out if isinstance(out, (list, tuple)) else [out]
    graph = Graph(*roots)
    feeds = {inp.name: a for inp, a in zip(inputs, arrays)}
    checked = [
        inp for k, inp in enumerate(inputs)
        if inp.dtype.kind == "f" and (wrt_inputs is None or k in wrt_inputs)
    ]
    wrt = checked + [p for p in graph.parameters if not p.frozen]
    return gradcheck(graph, feeds, wrt=wrt, eps=eps, tolerance=tolerance, seed=seed, raises=raises,
                     before_forward=before_forward, order=order, atol=atol)


def _numeric_gradient(objective, array, eps):
    grad = np.zeros(array.shape, dtype=np.float64)
    flat = array.reshape(-1)  # a view: nudges reach the graph
    out = grad.reshape(-1)
    for i in range(flat.size):
        old = flat[i]
        flat[i] = old + eps
        up = objective()
        flat[i] = old - eps
        down = objective()
        flat[i] = old
        out[i] = (up - down) / (2 * eps)
    return grad


def _errors(analytic, numeric):
    diff = np.abs(analytic - numeric)
    if diff.size == 0:
        return 0.0, 0.0
    scale = max(np.max(np.abs(numeric)), np.max(np.abs(analytic)))
    floor = max(1e-3 * scale, 1e-10)
    rel = diff / np.maximum(np.maximum(np.abs(analytic), np.abs(numeric)), floor)
    return float(diff.max()), float(rel.max())


@contextlib.contextmanager
def _float64(graph, feeds):
    """Switch parameters and float inputs to float64; restore them afterwards."""
    saved_params = [(p, p.value) for p in graph.parameters]
    saved_inputs = [(i, i.dtype) for i in graph.inputs]
    try:
        for p in graph.parameters:
            p.value = p.value.astype(np.float64)
        for i in graph.inputs:
            if i.dtype.kind == "f":
                i.dtype = np.dtype(np.float64)
                feeds[i.name] = np.array(feeds[i.name], dtype=np.float64)
        yield
    finally:
        graph.zero_grad()  # the check's float64 gradients must not leak into training
        for p, value in saved_params:
            p.value = value
        for i, dtype in saved_inputs:
            i.dtype = dtype


@contextlib.contextmanager
def _requiring_grad(nodes):
    saved = [(n, n.requires_grad) for n in nodes if isinstance(n, Input)]
    try:
        for n, _ in saved:
            n.requires_grad = True
        yield
    finally:
        for n, flag in saved:
            n.requires_grad = flag


__all__ = ["GradcheckError", "GradcheckReport", "check_node", "gradcheck"]

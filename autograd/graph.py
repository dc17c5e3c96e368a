"""A graph: the nodes below one or more roots, their schedule, and the passes.

The schedule (a topological order) is computed once, when the graph is made,
and reused at every step. Forward runs it in order. Backward runs it in
reverse: every node receives one addend from each successor, and since all of
a node's successors come after it in the order, by the time backward reaches
a node every addend has arrived; the engine has summed them into dG/df
(`node.grad`). The node's backward turns dG/df into one addend per input,
which the engine reduces to the input's shape and adds to that input's sum.
A parameter is reached after all its consumers, so its gradient is complete
(and computed from the values the forward pass saw); it updates itself once
the whole pass has succeeded, so that an error half-way (an anomaly, a bad
addend) leaves every parameter as it was.
"""

import numpy as np

from .errors import AnomalyError, BackwardError, FeedError, GraphError, NodeError, ShapeError, describe
from .node import GradientFlags, Input, Leaf
from .optim import SGD
from .parameter import Parameter
from .schedule import topological_order
from .unbroadcast import unbroadcast


class Graph:
    """The part of the wiring that leads to `roots` (usually one loss).

    `rule` is the update rule every parameter uses unless it has its own
    (default: SGD with lr 0.01). Nodes that lead to no root are not part of
    the graph; nodes that depend on no parameter (nor on an input that
    requires a gradient) do no backward work.
    """

    def __init__(self, *roots, rule=None):
        if not roots:
            raise GraphError("a graph needs at least one root node")
        self.roots = tuple(roots)
        self.nodes = topological_order(self.roots)
        self.inputs = [n for n in self.nodes if isinstance(n, Input)]
        self.parameters = [n for n in self.nodes if isinstance(n, Parameter)]
        self.computed = [n for n in self.nodes if not isinstance(n, Leaf)]
        self.leaves = [n for n in self.nodes if isinstance(n, Leaf)]
        self.rule = rule if rule is not None else SGD()
        self.detect_anomaly = False
        self._check_unique_names()
        self._pass = None  # the stamp of the last forward pass with gradients
        self._plan_version = None
        self._seed_cache = {}

    # -- configuration ------------------------------------------------------
    @property
    def lr(self):
        return self.rule.lr

    @lr.setter
    def lr(self, value):
        if value < 0:
            raise ValueError(f"learning rate must be non-negative, got {value}")
        self.rule.lr = value

    def train(self):
        """Training mode: dropout drops, batch norm uses batch statistics."""
        for node in self.nodes:
            node.training = True
        return self

    def eval(self):
        """Evaluation mode: dropout passes through, batch norm uses running statistics."""
        for node in self.nodes:
            node.training = False
        return self

    def parameter(self, name):
        """The parameter called `name`."""
        for p in self.parameters:
            if p.name == name:
                return p
        raise KeyError(f"no parameter named {name!r}; the graph has {[p.name for p in self.parameters]}")

    def node(self, name):
        """The node called `name`."""
        for n in self.nodes:
            if n.name == name:
                return n
        raise KeyError(f"no node named {name!r} in the graph")

    @property
    def parameter_count(self):
        return sum(p.value.size for p in self.parameters)

    def _check_unique_names(self):
        """Inputs are fed, and parameters and buffers saved, by name: names must be unique."""
        for kind, group in (
            ("parameters", self.parameters),
            ("inputs", self.inputs),
            ("nodes with buffers", [n for n in self.nodes if n.buffers]),
        ):
            seen = set()
            for node in group:
                if node.name in seen:
                    raise GraphError(f"two different {kind} are both named '{node.name}'; give them distinct names")
                seen.add(node.name)

    # -- forward ------------------------------------------------------------
    def forward(self, feeds=None, grad=True, **named_feeds):
        """Run every node in topological order; return the root value(s).

        `feeds` maps Input nodes (or their names) to arrays; keyword
        arguments feed inputs by name. With `grad=False` (inference) nodes
        keep no state for backward, and backward is refused until the next
        forward with gradients.
        """
        self._pass = None  # a failed feed or forward leaves nothing to backward
        self._feed(feeds, named_feeds)
        stamp = object()  # marks the nodes this pass computed (graphs may share nodes)
        node = None
        try:
            for node in self.computed:
                node.keep = grad
                node.stamp = stamp
                node.value = node.forward(*[i.value for i in node.inputs])
                if self.detect_anomaly:
                    _check_finite(node.value, f"the forward value of {describe(node)}")
        except GraphError:
            raise
        except Exception as e:
            mismatch = _shape_mismatch(node)
            if mismatch is not None:  # the node's own shape rule says what is wrong, better than numpy's words
                raise ShapeError(f"{describe(node)}: {mismatch}") from e
            if isinstance(e, ValueError):
                error = ShapeError if _about_shapes(e) else NodeError
                raise error(f"{describe(node)} failed in forward: {e}") from e
            raise GraphError(f"{describe(node)} failed in forward: {type(e).__name__}: {e}") from e
        if grad:
            self._pass = stamp
        if len(self.roots) == 1:
            return self.roots[0].value
        return tuple(r.value for r in self.roots)

    __call__ = forward

    def _feed(self, feeds, named_feeds):
        by_name = {}
        if feeds:
            for key, value in feeds.items():
                by_name[key.name if isinstance(key, Input) else key] = value
        by_name.update(named_feeds)
        for inp in self.inputs:
            if inp.name not in by_name:
                raise FeedError(
                    f"input '{inp.name}' was not fed; feed it with graph.forward({{'{inp.name}': array}}) "
                    f"(the graph's inputs: {[i.name for i in self.inputs]})"
                )
            inp.feed(by_name.pop(inp.name))
        if by_name:
            raise FeedError(f"fed names that are not inputs of this graph: {sorted(by_name)}")

    # -- backward -----------------------------------------------------------
    def _plan(self):
        """Which nodes do backward work, and which inputs need addends."""
        flags = {}
        for node in self.nodes:  # inputs come first, so one pass suffices
            if isinstance(node, Leaf):
                flags[node] = node.requires_grad
            else:
                flags[node] = node.differentiable and any(flags[i] for i in node.inputs)
        self._flags = flags
        for node in self.computed:
            node.needs = tuple(flags[i] for i in node.inputs)
        self._active = [n for n in reversed(self.nodes) if flags[n]]
        self._plan_version = GradientFlags.version

    def backward(self, seed=None, update=True, accumulate=False, keep_addends=False):
        """Propagate dG/df from the roots to every node that needs it.

        `seed` is dG/droot (default: ones, so G is the sum of the roots; a
        list gives one seed per root). With `update`, each parameter applies
        its update rule to its complete gradient at the end of the pass; with
        `update=False` gradients are only computed and left in `param.grad`
        (summed over calls with `accumulate`, for micro-batches, until
        `apply_updates()` or `zero_grad()`). `keep_addends` stores on each
        node the tuple of addends it sent, reduced to its inputs' shapes (None
        where an input needs no gradient), for diagrams of the gradient flow.
        The gradient of a leaf (parameter or input) is an array of its own.
        """
        self._check_ready(update, accumulate)
        stamp, self._pass = self._pass, None
        if self._plan_version != GradientFlags.version:
            self._plan()
        for node in self._active:
            if not (accumulate and isinstance(node, Parameter)):
                node.grad = None
            node.addends = None
        owned = set()  # nodes whose gradient array the engine allocated itself
        self._seed_roots(seed, owned)
        rule, lr = self.rule, self.rule.lr
        anomaly = self.detect_anomaly
        ready = []  # parameters whose gradient is complete, updated once the pass has succeeded
        node = None
        try:
            for node in self._active:
                g = node.grad
                if g is None:
                    continue
                node.grad_stamp = stamp  # so diagrams can tell current gradients from stale ones
                if node.inputs:
                    addends = node.backward(g)
                    if isinstance(addends, np.ndarray) or len(addends) != len(node.inputs):
                        raise GraphError(
                            f"backward must return a tuple of {len(node.inputs)} addend(s), one per input, "
                            f"got {type(addends).__name__}"
                        )
                    if keep_addends:  # reduced here once, so the loop below finds them in shape
                        addends = node.addends = tuple(
                            _reduced(a, inp, need, node) for a, inp, need in zip(addends, node.inputs, node.needs)
                        )
                    for inp, a, need in zip(node.inputs, addends, node.needs):
                        if a is None or not need:
                            continue
                        value = inp.value
                        if a.shape != value.shape:
                            a = _reduced(a, inp, need, node)
                        if a.dtype is not value.dtype and a.dtype != value.dtype:  # `is`: the cheap usual case
                            raise BackwardError(
                                f"{describe(node)} sent a {a.dtype} addend to '{inp.name}', whose value is "
                                f"{inp.value.dtype}: a backward must keep its inputs' dtypes"
                            )
                        if anomaly:
                            _check_finite(a, f"the addend {describe(node)} sent to '{inp.name}'")
                        prev = inp.grad
                        if prev is None:
                            if inp.inputs or (a is not g and a.flags.writeable):
                                inp.grad = a
                            else:  # a leaf's gradient must not alias a gradient passed through
                                inp.grad = np.array(a)
                                owned.add(inp)
                        elif inp in owned:
                            prev += a
                            inp.grad = prev  # for 0-d values `+=` makes a new numpy scalar
                        else:
                            inp.grad = prev + a
                            owned.add(inp)
                elif update and isinstance(node, Parameter):
                    ready.append(node)
        except GraphError:
            raise
        except Exception as e:
            raise GraphError(f"{describe(node)} failed in backward: {type(e).__name__}: {e}") from e
        for p in ready:
            p.update(p.grad, rule, lr)

    def _check_ready(self, update, accumulate):
        if accumulate and update:
            raise ValueError("accumulate=True sums gradients for a later apply_updates(): use it with update=False")
        if self._pass is None:
            raise BackwardError(
                "backward needs a fresh forward pass with grad=True: either no forward ran, "
                "it ran with grad=False or failed, or backward already consumed it"
            )
        for node in self.computed:
            if node.stamp is not self._pass:
                raise BackwardError(
                    f"node '{node.name}' was recomputed by another graph's forward pass since this graph's "
                    "forward (the graphs share nodes); run this graph's forward again before its backward"
                )

    def _seed_roots(self, seed, owned):
        seeds = list(seed) if isinstance(seed, (list, tuple)) else [seed] * len(self.roots)
        if len(seeds) != len(self.roots):
            raise ValueError(f"{len(seeds)} seeds for {len(self.roots)} roots {[r.name for r in self.roots]}")
        for root, s in zip(self.roots, seeds):
            if not self._flags[root]:
                continue
            value = root.value
            s = self._ones(value) if s is None else np.asarray(s, dtype=value.dtype)
            if s.shape != value.shape:
                raise ShapeError(f"seed of shape {s.shape} for root '{root.name}' of shape {value.shape}")
            if root.grad is None:
                root.grad = s
            else:  # one root below another: it also receives addends
                root.grad = root.grad + s
                owned.add(root)

    def _ones(self, value):
        """The default seed dG/droot = 1, made once per shape (read-only, so nothing can change it)."""
        key = (value.shape, value.dtype)
        ones = self._seed_cache.get(key)
        if ones is None:
            if len(self._seed_cache) >= 16:
                self._seed_cache.clear()
            ones = self._seed_cache[key] = np.ones_like(value)
            ones.flags.writeable = False
        return ones

    def apply_updates(self, zero=True):
        """Update every parameter from its (accumulated) `grad`."""
        for p in self.parameters:
            if p.requires_grad and p.grad is not None:
                p.update(p.grad, self.rule, self.rule.lr)
        if zero:
            self.zero_grad()

    def zero_grad(self):
        for node in self.nodes:
            node.grad = None

    def step(self, feeds=None, **named_feeds):
        """One training step: forward, backward with updates; returns the root value(s)."""
        out = self.forward(feeds, **named_feeds)
        self.backward()
        return out

    # -- saving ---------------------------------------------------------------
    def save(self, path, extra=None):
        """Write parameters and optimizer state to `.npz` (atomically)."""
        from .checkpoint import save_parameters

        save_parameters(path, self.parameters, extra=extra, buffered=self._buffered())

    def load(self, path):
        """Read parameters, optimizer state and buffers; returns the file's extra arrays.

        The whole file is checked against the graph first: on any mismatch
        nothing is changed and CheckpointError names the parameter and shapes.
        """
        from .checkpoint import load_parameters

        return load_parameters(path, self.parameters, buffered=self._buffered())

    def _buffered(self):
        return [n for n in self.nodes if n.buffers]

    def __repr__(self):
        return (
            f"<Graph roots={[r.name for r in self.roots]} nodes={len(self.nodes)} "
            f"parameters={len(self.parameters)} ({self.parameter_count} values)>"
        )


def _reduced(addend, inp, need, sender):
    """`addend` summed back to the shape of `inp` (undoing broadcasting)."""
    if addend is None or not need:
        return None
    if addend.shape == inp.value.shape:
        return addend
    try:
        return unbroadcast(addend, inp.value.shape)
    except ShapeError as e:
        raise ShapeError(f"{describe(sender)} sent '{inp.name}' a wrong-shaped addend: {e}") from None


def _check_finite(array, what):
    if array is not None and np.asarray(array).dtype.kind in "fc" and not np.all(np.isfinite(array)):
        raise AnomalyError(f"anomaly: {what} contains NaN or inf")


def _shape_mismatch(node):
    """What the node's `infer_shape` says of the actual input shapes, or None if it finds no fault.

    Shapes unknown at wiring (a batch axis, an input declared without a
    shape) are only checked here, when a forward pass has failed.
    """
    try:
        node.infer_shape(*[i.value.shape for i in node.inputs])
    except ShapeError as e:
        return str(e)
    except Exception:  # a shape rule that cannot judge these shapes adds nothing to the error
        return None
    return None


def _about_shapes(error):
    """Whether a ValueError from numpy is about shapes (broadcasting, matmul, reshape)."""
    text = str(error).lower()
    return any(word in text for word in ("shape", "broadcast", "dimension", "size", "axis"))

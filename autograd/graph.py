"""A graph: the nodes below one or more roots, their schedule, and the passes.

The schedule (a topological order) is computed once, when the graph is made,
and reused at every step. Forward runs it in order. Backward runs it in
reverse (`autograd.backward`): every node receives one addend from each
successor, and since all of a node's successors come after it in the order,
by the time backward reaches a node every addend has arrived; the ledger
(`autograd.ledger`) has summed them into dG/df. The node's backward turns
dG/df into one addend per input, which the ledger reduces to the input's
shape and adds to that input's sum. A parameter is reached after all its
consumers, so its gradient is complete (and computed from the values the
forward pass saw); it is updated (`autograd.update`) once the whole pass has
succeeded, so that an error half-way (an anomaly, a bad addend) leaves
every parameter, and every gradient, as it was.

What belongs to a pass stays with the pass: the ledger lives only while
backward runs, and each pass sets the per-node settings it needs (`keep`,
`training`, `needs`) before calling a node, so graphs sharing nodes never
see each other's settings.
"""

import numpy as np

from . import vectors
from .backward import Plan, sweep
from .errors import BackwardError, GraphError, ShapeError
from .feeds import feed_inputs
from .forward import run_forward
from .ledger import Ledger, observers_for
from .node import Input, Leaf
from .parameter import Parameter
from .rules import SGD
from .schedule import topological_order
from .update import apply_updates


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
        self.training = True
        #: Updates applied so far: the update number schedules read (saved in checkpoints).
        self.updates = 0
        _check_unique_names(self)
        self._pass = None  # the stamp of the last forward pass with gradients, until a backward takes it
        self._plan = None
        self._plan_key = None

    # -- configuration ------------------------------------------------------
    @property
    def lr(self):
        """The learning rate of the graph's rule."""
        return self.rule.lr

    @lr.setter
    def lr(self, value):
        # A new rule: the old one may be shared by other graphs or parameters.
        if not value >= 0:
            raise ValueError(f"learning rate must be non-negative, got {value}")
        self.rule = self.rule.with_lr(value)

    def train(self):
        """Training mode for this graph's passes: dropout drops, batch norm uses batch statistics."""
        self.training = True
        return self

    def eval(self):
        """Evaluation mode for this graph's passes: dropout passes through, batch norm uses running statistics."""
        self.training = False
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
        """Number of trainable values (frozen ones included)."""
        return sum(p.value.size for p in self.parameters)

    # -- forward ------------------------------------------------------------
    def forward(self, feeds=None, grad=True, **named_feeds):
        """Run every node in topological order; return the root value(s).

        `feeds` maps Input nodes (or their names) to arrays; keyword
        arguments feed inputs by name. With `grad=False` (inference) nodes
        keep no state for backward, and backward is refused until the next
        forward with gradients.
        """
        self._pass = None  # a failed feed or forward leaves nothing to backward
        feed_inputs(self.inputs, feeds, named_feeds)
        stamp = object()  # marks the nodes this pass computed (graphs may share nodes)
        run_forward(self.computed, stamp, keep=grad, training=self.training, detect_anomaly=self.detect_anomaly)
        if grad:
            self._pass = stamp
        if len(self.roots) == 1:
            return self.roots[0].value
        return tuple(r.value for r in self.roots)

    __call__ = forward

    # -- backward -----------------------------------------------------------
    def backward(self, seed=None, update=True, accumulate=False, keep_addends=False, clip_norm=None, observer=None):
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
        `clip_norm` scales every gradient down together when their total norm
        exceeds it, before any update (see `autograd.update`); `param.grad`
        keeps the unclipped gradient. `observer`, an object like the ledger's
        observers, sees every node's gradient and addends (a tracer).
        Returns an `UpdateReport` (None without `update`).
        """
        if accumulate and update:
            raise ValueError("accumulate=True sums gradients for a later apply_updates(): use it with update=False")
        stamp = self._take_pass()
        plan = self._current_plan()
        ledger, observer = Ledger(plan), observers_for(keep_addends, self.detect_anomaly, observer)
        ledger.seed(self.roots, self._seeds(seed))
        sweep(plan, ledger, observer)
        ledger.publish(stamp, accumulate)
        if observer is not None:
            observer.publish()
        if update:
            return self._apply(ledger.completed(), clip_norm)
        return None

    def _apply(self, pairs, clip_norm):
        report = apply_updates(pairs, self.rule, self.updates, clip_norm)
        self.updates += 1
        return report

    def _take_pass(self):
        """The stamp of the forward pass this backward belongs to, refusing a backward that cannot run."""
        stamp, self._pass = self._pass, None
        if stamp is None:
            raise BackwardError(
                "backward needs a fresh forward pass with grad=True: either no forward ran, "
                "it ran with grad=False or failed, or backward already consumed it"
            )
        for node in self.computed:
            if node.stamp is not stamp:
                raise BackwardError(
                    f"node '{node.name}' was recomputed by another graph's forward pass since this graph's "
                    "forward (the graphs share nodes); run this graph's forward again before its backward"
                )
        return stamp

    def _current_plan(self):
        """The backward plan for the leaves' current `requires_grad` (remade when one was frozen or unfrozen)."""
        key = tuple(leaf.requires_grad for leaf in self.leaves)
        if key != self._plan_key:
            self._plan, self._plan_key = Plan(self.nodes), key
        return self._plan

    def _seeds(self, seed):
        """dG/droot for each root: ones (made once per shape, read-only, so nothing can change it) unless given."""
        seeds = list(seed) if isinstance(seed, (list, tuple)) else [seed] * len(self.roots)
        if len(seeds) != len(self.roots):
            raise ValueError(f"{len(seeds)} seeds for {len(self.roots)} roots {[r.name for r in self.roots]}")
        out = []
        for root, s in zip(self.roots, seeds):
            value = root.value
            s = vectors.ones(value.shape, value.dtype) if s is None else np.asarray(s, dtype=value.dtype)
            if s.shape != value.shape:
                raise ShapeError(f"seed of shape {s.shape} for root '{root.name}' of shape {value.shape}")
            out.append(s)
        return out

    def apply_updates(self, zero=True, clip_norm=None):
        """Update every parameter from its (accumulated) `grad`: one update, whatever the micro-batches."""
        report = self._apply([(p, p.grad) for p in self.parameters if p.requires_grad and p.grad is not None],
                             clip_norm)
        if zero:
            self.zero_grad()
        return report

    def zero_grad(self):
        """Forget every node's gradient."""
        for node in self.nodes:
            node.grad = None

    def step(self, feeds=None, **named_feeds):
        """One training step: forward, backward with updates; returns the root value(s)."""
        out = self.forward(feeds, **named_feeds)
        self.backward()
        return out

    # -- saving ---------------------------------------------------------------
    def save(self, path, extra=None):
        """Write the parameters and buffers to `path` (atomically), in the format its extension names.

        `.safetensors`: the weights only, keyed by their stable names
        (`autograd.weights`); any other name: an `.npz` checkpoint with the
        optimizer state, the update count and `extra` (`autograd.checkpoint`).
        """
        if _is_weights_file(path):
            if extra:
                raise ValueError(f"{path!s}: a .safetensors file holds weights only; save extra entries to .npz")
            from .weights import save_weights

            save_weights(path, self.parameters, buffered(self.nodes))
            return
        from .checkpoint import save_parameters

        save_parameters(path, self.parameters, extra=extra, buffers=buffered(self.nodes), updates=self.updates)

    def load(self, path):
        """Read what `save` wrote to `path`; returns the file's extra arrays (none for `.safetensors`).

        The whole file is checked against the graph first: on any mismatch
        nothing is changed and CheckpointError names the parameter and shapes.
        A `.safetensors` file sets the weights and buffers only: the optimizer
        state and the update count stay as they were.
        """
        if _is_weights_file(path):
            from .weights import load_weights

            load_weights(path, self.parameters, buffered(self.nodes))
            return {}
        from .checkpoint import load_parameters

        extra, self.updates = load_parameters(path, self.parameters, buffers=buffered(self.nodes))
        return extra

    def __repr__(self):
        return (
            f"<Graph roots={[r.name for r in self.roots]} nodes={len(self.nodes)} "
            f"parameters={len(self.parameters)} ({self.parameter_count} values)>"
        )


def _is_weights_file(path):
    return str(path).lower().endswith(".safetensors")


def buffered(nodes):
    """[(name, buffers)] for the nodes holding buffers, once per buffers dict (a block's calls share one)."""
    found, seen = [], set()
    for node in nodes:
        if node.buffers and id(node.buffers) not in seen:
            seen.add(id(node.buffers))
            found.append((node.buffer_name or node.name, node.buffers))
    return found


def _check_unique_names(graph):
    """Inputs are fed, and parameters and buffers saved, by name: names must be unique."""
    groups = (
        ("parameters", [p.name for p in graph.parameters]),
        ("inputs", [i.name for i in graph.inputs]),
        ("nodes with buffers", [name for name, _ in buffered(graph.nodes)]),
    )
    for kind, names in groups:
        seen = set()
        for name in names:
            if name in seen:
                raise GraphError(f"two different {kind} are both named '{name}'; give them distinct names")
            seen.add(name)

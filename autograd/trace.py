"""One training step written down as events, in the order the engine does the work.

`record_step(graph, feeds)` runs a forward pass, a backward pass and (unless
`update=False`) the parameters' updates, and returns a `Trace`: plain data
(names, shapes, norms, and the numbers of small arrays) in schedule order:

1. `Value`: every node's forward value, in topological order;
2. `Seed`: the root's dG/dG (ones);
3. the sweep, in reverse topological order (the backward plan's order): for
   each node that takes part, `Sum` (its slot is complete: the addends it
   received, from whom, and their sum dG/df), then for a computed node one
   `Send` per input that takes part (the addend, fitted to the input's
   shape, and how many of the receiver's expected addends have arrived);
4. `Update`: each parameter's update, after the whole pass succeeded.

The recording is an observer of the sweep (see `autograd.ledger`): the
engine's own loop runs as always, and the trace only reads what it does.
"""

from dataclasses import dataclass, field

import numpy as np

from .backward import Plan
from .errors import GraphError
from .ledger import fitted
from .node import Constant, Input, Node
from .parameter import Parameter

#: Arrays with at most this many entries keep their numbers in the trace.
NUMBERS = 16


@dataclass(frozen=True, slots=True)
class NodeInfo:
    """A node of the traced graph: its name, operation, kind ('input', 'parameter', 'constant', 'op') and shape."""

    name: str
    op: str
    kind: str
    shape: tuple
    inputs: tuple  # the names of its inputs, in order
    takes_part: bool  # it has a slot in the backward pass (some leaf below it wants a gradient)
    expected: int  # the addends its slot waits for (the seed counts for a root)


@dataclass(frozen=True, slots=True)
class Value:
    """The forward pass computed (or was fed) `node`'s value."""

    node: str
    shape: tuple
    norm: float
    numbers: tuple | None = None  # every entry, when the array is small


@dataclass(frozen=True, slots=True)
class Seed:
    """The backward pass starts: the root's slot gets dG/dG, an array of ones."""

    node: str
    norm: float
    numbers: tuple | None = None


@dataclass(frozen=True, slots=True)
class Arrival:
    """One addend a slot received: from `sender` (None for the seed) with its norm (None: nothing was sent)."""

    sender: str | None
    norm: float | None


@dataclass(frozen=True, slots=True)
class Sum:
    """`node`'s slot is complete: every addend it waited for has arrived, and `norm` is that of dG/df."""

    node: str
    arrived: tuple  # Arrivals, in the order they came
    expected: int
    norm: float
    numbers: tuple | None = None


@dataclass(frozen=True, slots=True)
class Send:
    """`sender` sent its input `receiver` (input number `position`) an addend, fitted to the input's shape."""

    sender: str
    receiver: str
    position: int
    norm: float | None  # None: the node's backward sent nothing to this input
    numbers: tuple | None
    arrived: int  # addends in the receiver's slot after this one
    expected: int


@dataclass(frozen=True, slots=True)
class Update:
    """`parameter` was updated once, from its complete gradient: norms of w before, dG/dw, the step and w after."""

    parameter: str
    rule: str
    lr: float
    old_norm: float
    grad_norm: float
    step_norm: float
    new_norm: float
    old_numbers: tuple | None = None
    new_numbers: tuple | None = None


@dataclass(slots=True)
class Trace:
    """The events of one training step, in schedule order, and the nodes they name (see the module docstring)."""

    nodes: list  # NodeInfo, in topological order
    events: list = field(default_factory=list)
    loss: float | None = None  # the first root's value, when it is a scalar

    def of(self, kind):
        """The events of one class (`Sum`, `Send`...), in order."""
        return [e for e in self.events if isinstance(e, kind)]

    def node(self, name):
        """The NodeInfo of the node called `name`."""
        for info in self.nodes:
            if info.name == name:
                return info
        raise KeyError(f"no node named {name!r} in the trace")


def summary(array, limit=NUMBERS):
    """(norm, numbers) of an array: its Euclidean norm (summed in float64), and its entries when it has at
    most `limit`. Both are written as short as the array's own precision allows: a float32 0.8 is 0.8, not
    0.800000011920929."""
    a = np.asarray(array)
    flat = a.astype(np.float64, copy=False).reshape(-1)
    norm = float(np.sqrt(flat @ flat)) if flat.size else 0.0
    if a.dtype.kind == "f" and a.dtype.itemsize < 8:
        norm = float(str(a.dtype.type(norm)))
    short = float if a.dtype.kind != "f" else (lambda v: float(str(v)))  # str: numpy's shortest for its dtype
    numbers = tuple(short(v) for v in a.reshape(-1)) if a.size <= limit else None
    return norm, numbers


def kind_of(node):
    """'input', 'parameter', 'constant' or 'op'."""
    for cls, kind in ((Parameter, "parameter"), (Input, "input"), (Constant, "constant")):
        if isinstance(node, cls):
            return kind
    return "op"


def _check_names(nodes):
    seen = set()
    for node in nodes:
        if node.name in seen:
            raise GraphError(f"a trace names nodes by name, but two nodes are called '{node.name}'; "
                             "give them distinct names")
        seen.add(node.name)


class Recorder:
    """An observer of the sweep that writes down each node's sum and each addend it sends (see the module docstring).

    Norms are taken as soon as an addend is seen: the ledger may later add
    into an array that an addend handed over. A leaf's sum is written at its
    place in the order, and filled in once the ledger has published it.
    """

    def __init__(self, graph, limit=NUMBERS):
        self.plan = Plan(graph.nodes)
        self.limit = limit
        self.expected = expected_addends(self.plan, graph.roots)
        self.arrivals = {node: [] for node in self.plan.order}
        self.events = []  # events, and leaves whose Sum is written at publish
        self._cursor = 0  # the position in the plan's order the sweep has reached
        for root in graph.roots:
            if root in self.arrivals:
                size = int(np.size(root.value))
                ones = float(np.sqrt(size))
                self.events.append(Seed(root.name, ones, (1.0,) * size if size <= limit else None))
                self.arrivals[root].append(Arrival(None, ones))

    def __call__(self, sender, g, addends, targets):
        """Write down `sender`'s complete sum and the addends it sends; return them fitted, for the ledger."""
        self._leaves_before(sender)
        self._sum(sender, g)
        kept = list(addends)
        for position, inp, _ in targets:
            a = addends[position]
            if a is not None:
                kept[position] = a = fitted(a, inp, sender)
            norm, numbers = summary(a, self.limit) if a is not None else (None, None)
            arrived = self.arrivals[inp]
            arrived.append(Arrival(sender.name, norm))
            self.events.append(Send(sender.name, inp.name, position, norm, numbers, len(arrived),
                                    self.expected[inp]))
        return tuple(kept)

    def publish(self):
        """The pass succeeded and the ledger published every gradient: write the leaves' sums."""
        self._leaves_before(None)
        events = []
        for e in self.events:
            if not isinstance(e, Node):
                events.append(e)
            elif e.grad is not None and self.arrivals[e]:
                events.append(self._sum_event(e, e.grad))
        self.events = events

    def _leaves_before(self, stop):
        """Mark the places of the leaves that come before `stop` in the plan's order (None: to its end)."""
        order = self.plan.order
        while self._cursor < len(order) and order[self._cursor] is not stop:
            node = order[self._cursor]
            self._cursor += 1
            if not node.inputs:
                self.events.append(node)
        self._cursor += 1  # past `stop` itself

    def _sum(self, node, g):
        self.events.append(self._sum_event(node, g))

    def _sum_event(self, node, g):
        norm, numbers = summary(g, self.limit)
        return Sum(node.name, tuple(self.arrivals[node]), self.expected[node], norm, numbers)


def expected_addends(plan, roots):
    """{node: how many addends its slot waits for}: one per use by a node that takes part, one for a root's seed."""
    expected = dict.fromkeys(plan.order, 0)
    for _, _, _, targets in plan.steps:
        for _, inp, _ in targets:
            expected[inp] += 1
    for root in roots:
        if root in expected:
            expected[root] += 1
    return expected


def record_step(graph, feeds=None, *, update=True, clip_norm=None, limit=NUMBERS, keep_addends=False,
                **named_feeds):
    """Run one training step of `graph` (forward, backward, updates unless `update=False`) and return its Trace.

    `feeds` and keyword arguments feed the inputs as in `Graph.forward`;
    `clip_norm` is that of `Graph.backward`; the seed is ones (G is the sum
    of the roots). Arrays with at most `limit` entries keep their numbers.
    `keep_addends` also keeps the addends on the nodes, as in `Graph.backward`.
    """
    _check_names(graph.nodes)
    graph.forward(feeds, **named_feeds)
    recorder = Recorder(graph, limit)
    infos = [NodeInfo(n.name, str(n.op), kind_of(n), tuple(np.shape(n.value)), tuple(i.name for i in n.inputs),
                      n in recorder.expected, recorder.expected.get(n, 0)) for n in graph.nodes]
    values = [Value(n.name, tuple(np.shape(n.value)), *summary(n.value, limit)) for n in graph.nodes
              if n.value is not None and np.asarray(n.value).dtype.kind in "fiub"]
    before = {p: p.value.copy() for p in graph.parameters if p.requires_grad}
    graph.backward(update=update, clip_norm=clip_norm, keep_addends=keep_addends, observer=recorder)
    events = values + recorder.events
    if update:
        events += updates(graph, recorder.plan, before, limit)
    root = graph.roots[0].value
    loss = float(root) if root is not None and np.ndim(root) == 0 else None
    return Trace(infos, events, loss)


def updates(graph, plan, before, limit=NUMBERS):
    """The Update events of the parameters the last backward pass updated, in the order they were updated."""
    step = graph.updates - 1
    out = []
    for param, _ in plan.parameters:
        if param.grad is None or param not in before:
            continue
        rule = param.rule_for(graph.rule).at(step)
        old, new = before[param], param.value
        old_norm, old_numbers = summary(old, limit)
        new_norm, new_numbers = summary(new, limit)
        out.append(Update(param.name, type(rule).__name__, float(rule.lr), old_norm, summary(param.grad)[0],
                          summary(new.astype(np.float64) - old)[0], new_norm, old_numbers, new_numbers))
    return out

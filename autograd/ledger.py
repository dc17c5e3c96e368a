"""The ledger of one backward pass: which addends have arrived at which node, and their sum.

Every node of the pass has a slot. A slot starts empty; each addend that
arrives is first fitted to the receiving node's value (broadcasting undone:
the one place where that happens, `autograd.unbroadcast`; its dtype
checked), then added: the slot then holds dG/df, the sum of the addends
received so far. When the sweep reaches a node, all its successors have
sent theirs, so its slot is complete.

The sweep (`autograd.backward.sweep`) fills the slots; an optional observer
sees each node's gradient and addends first (`AddendRecorder` keeps them for
diagrams, `FiniteCheck` refuses NaN and inf in anomaly mode; any object with
`__call__(node, g, addends, targets) -> addends` and `publish()` can be one:
`Graph.backward(observer=...)`).

Summing without needless copies. An addend may be an array someone else
still holds: the sender's own gradient passed straight through (`add`
sends g to both inputs), a read-only broadcast view, a value the sender
keeps. So the first addend of a slot is stored as it is, and the slot is
marked not *owned*: the second addend makes a new array (a + b), which the
ledger owns, and from the third on it adds in place. A leaf's gradient is
handed to the user (`param.grad`) and summed into across micro-batches, so
it must be an array of its own from the start: its first addend is copied
unless it is a fresh, writable array that is not the sender's gradient.

Nothing here touches the nodes until `publish`, which the graph calls only
when the whole pass has succeeded: a pass that raises leaves every node's
`grad` (and every parameter) as the last good pass left it.
"""

import numpy as np

from .errors import AnomalyError, BackwardError, GraphError, ShapeError, describe
from .parameter import Parameter
from .unbroadcast import unbroadcast


class Ledger:
    """The slots of one backward pass over `plan` (see the module docstring)."""

    def __init__(self, plan):
        self.plan = plan
        self.sums = [None] * len(plan.order)
        self.owned = [False] * len(plan.order)

    def seed(self, roots, seeds):
        """Start the pass: dG/droot = the seed of each root that needs a gradient."""
        for root, s in zip(roots, seeds):
            slot = self.plan.slot.get(root)
            if slot is None:
                continue
            if self.sums[slot] is None:
                self.sums[slot] = s if root.inputs else np.array(s)
                self.owned[slot] = not root.inputs
            else:  # one root below another: it also receives addends
                self.sums[slot] = self.sums[slot] + s
                self.owned[slot] = True

    def publish(self, stamp, accumulate):
        """Write dG/df onto every node of the pass (`node.grad`), summed into parameters' with `accumulate`."""
        for node, g in zip(self.plan.order, self.sums):
            if accumulate and g is not None and node.grad is not None and isinstance(node, Parameter):
                g = node.grad + g
            if g is not None or not (accumulate and isinstance(node, Parameter)):
                node.grad = g
            if g is not None:
                node.grad_stamp = stamp  # so diagrams can tell current gradients from stale ones
            node.addends = None  # another graph over the same nodes may have kept some

    def completed(self):
        """The parameters of the pass that received a gradient, with it: [(param, grad)]."""
        sums = self.sums
        return [(p, sums[slot]) for p, slot in self.plan.parameters if sums[slot] is not None]


class AddendRecorder:
    """An observer of the sweep that keeps, per node, the addends it sent, fitted to its inputs' shapes."""

    def __init__(self):
        self.sent = {}

    def __call__(self, sender, g, addends, targets):
        """Fit and keep the addends `sender` sends; the sweep adds these fitted ones."""
        kept = [None] * len(addends)
        for position, inp, _ in targets:
            if addends[position] is not None:
                kept[position] = fitted(addends[position], inp, sender)
        self.sent[sender] = kept = tuple(kept)
        return kept

    def publish(self):
        """`node.addends` for every node that sent some (after the ledger's publish cleared the others)."""
        for node, kept in self.sent.items():
            node.addends = kept


class FiniteCheck:
    """An observer of the sweep that refuses NaN or inf in any addend, naming the node that sent it."""

    def __call__(self, sender, g, addends, targets):
        """Check every addend `sender` sends; return them unchanged."""
        for position, inp, _ in targets:
            check_finite(addends[position], f"the addend {describe(sender)} sent to '{inp.name}'")
        return addends

    def publish(self):
        """Nothing to publish."""


class Observers:
    """Several observers called in turn, each on what the previous one returned."""

    def __init__(self, observers):
        self.observers = observers

    def __call__(self, sender, g, addends, targets):
        """Pass the addends through every observer."""
        for observer in self.observers:
            addends = observer(sender, g, addends, targets)
        return addends

    def publish(self):
        """Publish every observer's results."""
        for observer in self.observers:
            observer.publish()


def observers_for(keep_addends, detect_anomaly, extra=None):
    """The observer a pass needs (anomaly check, recording, then `extra`), or None for the plain fast sweep."""
    chosen = ([FiniteCheck()] if detect_anomaly else []) + ([AddendRecorder()] if keep_addends else [])
    chosen += [extra] if extra is not None else []
    return Observers(chosen) if chosen else None


def checked_addends(sender, addends):
    """`addends` as a tuple of one entry per input of `sender`, or a GraphError naming the node."""
    if isinstance(addends, list):
        addends = tuple(addends)
    count = len(sender.inputs)
    if not isinstance(addends, tuple) or len(addends) != count:
        got = f"a tuple of {len(addends)}" if isinstance(addends, tuple) else f"a bare {type(addends).__name__}"
        hint = " (write `return (addend,)` for one input)" if count == 1 and not isinstance(addends, tuple) else ""
        raise GraphError(
            f"{describe(sender)}: backward must return a tuple of {count} addend(s), one per input, got {got}{hint}"
        )
    return addends


def fitted(addend, inp, sender):
    """`addend` summed back to the shape of `inp`'s value (broadcasting undone), its dtype checked."""
    value = inp.value
    if addend.shape != value.shape:
        try:
            addend = unbroadcast(addend, value.shape)
        except ShapeError as e:
            raise ShapeError(f"{describe(sender)} sent '{inp.name}' a wrong-shaped addend: {e}") from None
    if addend.dtype != value.dtype:
        raise BackwardError(
            f"{describe(sender)} sent a {addend.dtype} addend to '{inp.name}', whose value is "
            f"{value.dtype}: a backward must keep its inputs' dtypes"
        )
    return addend


def check_finite(array, what):
    """Raise AnomalyError when a float array holds NaN or inf; `what` says whose array it is."""
    if array is not None and np.asarray(array).dtype.kind in "fc" and not np.all(np.isfinite(array)):
        raise AnomalyError(f"anomaly: {what} contains NaN or inf")

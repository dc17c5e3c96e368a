"""Which gradients a drawing shows, and the captions that say why it shows none.

Gradients are current when they come from the backward pass of the forward
pass that computed the values on the drawing: a non-leaf node's `grad_stamp`
is its `stamp`, and a leaf's `grad_stamp` is the stamp of one of its
consumers. A later forward pass (even with grad=False) makes the old
gradients stale; they are not drawn as if they were current.
"""

from dataclasses import dataclass, field

from ..node import Leaf

NOT_COMPUTED = "gradients not computed yet: run a forward pass and graph.backward() first"
STALE = "gradients are from an earlier forward pass: run graph.backward() after this forward pass to draw them"
NO_ADDENDS = "edge addends not kept: run graph.backward(keep_addends=True) to draw them"


@dataclass(slots=True)
class Gradients:
    """The gradients on a drawing: `current` maps each node to its current dG/df."""

    mode: str | None = None  # None (no gradients asked for), 'norm' or 'stats'
    current: dict = field(default_factory=dict)
    with_addends: bool = False  # the edges show the addends sent back along them
    captions: tuple = ()


def current_gradients(nodes):
    """(current, stale): {node: grad} of the gradients that belong to the values
    on the drawing, and the nodes whose gradient is from an earlier forward pass."""
    consumer_stamps = {}
    for n in nodes:
        for i in n.inputs:
            if isinstance(i, Leaf):
                consumer_stamps.setdefault(i, []).append(n.stamp)
    current, stale = {}, []
    for n in nodes:
        g = n.grad
        if g is None:
            continue
        if isinstance(n, Leaf):
            stamps = consumer_stamps.get(n)
            fresh = stamps is None or any(n.grad_stamp is s for s in stamps)
        else:
            fresh = n.grad_stamp is n.stamp
        if fresh:
            current[n] = g
        else:
            stale.append(n)
    return current, stale


def drawn_gradients(nodes, mode):
    """The `Gradients` of a drawing in `mode` (None, 'norm' or 'stats')."""
    if not mode:
        return Gradients()
    current, stale = current_gradients(nodes)
    with_addends = any(n.addends is not None for n in current if not isinstance(n, Leaf))
    if not current:
        captions = (STALE if stale else NOT_COMPUTED,)
    else:
        captions = ()
        if stale:
            held = "node holds a gradient" if len(stale) == 1 else "nodes hold gradients"
            captions += (f"{len(stale)} {held} from an earlier forward pass: not drawn",)
        if not with_addends:
            captions += (NO_ADDENDS,)
    return Gradients(mode, current, with_addends, captions)

"""What the diagram says about a node's numbers: gradient summaries and health flags.

Gradient norms are Frobenius norms in float64 (so a float32 sum of squares
cannot overflow). An edge's gradient is the addend the consumer sent back to
that input, reduced to the input's shape the way the engine reduces it before
summing: that is what the input actually received. (The engine keeps the
addends already reduced; an unreduced one is reduced here the same way.)
"""

import numpy as np

from ..node import Leaf
from ..parameter import Parameter
from ..unbroadcast import unbroadcast


class Thresholds:
    """When a node is flagged.

    `dead_relu`: fraction of exact zeros in a ReLU's output at or above which
    it is called dead. `vanishing` / `exploding`: bounds on the RMS of dG/df
    (norm / sqrt(size), so independent of the tensor's size).
    """

    def __init__(self, dead_relu=0.95, vanishing=1e-8, exploding=1e3):
        self.dead_relu = dead_relu
        self.vanishing = vanishing
        self.exploding = exploding


def norm(a):
    a = np.asarray(a)
    if a.size == 0:
        return 0.0
    return float(np.sqrt(np.sum(np.square(a, dtype=np.float64))))


def grad_summary(g):
    """(norm, mean, std) of a gradient array."""
    g = np.asarray(g)
    if g.size == 0:
        return 0.0, 0.0, 0.0
    return norm(g), float(np.mean(g, dtype=np.float64)), float(np.std(g, dtype=np.float64))


def received_addend(consumer, index):
    """The addend `consumer` sent to its input `index`, in that input's shape (or None).

    Needs a backward pass run with keep_addends=True.
    """
    addends = consumer.addends
    if addends is None or index >= len(addends) or addends[index] is None:
        return None
    needs = consumer.needs
    if needs is not None and index < len(needs) and not needs[index]:
        return None
    a = np.asarray(addends[index])
    target = consumer.inputs[index].value
    if target is not None and a.shape != np.shape(target):
        a = unbroadcast(a, np.shape(target))
    return a


def _nonfinite(a):
    return a is not None and np.asarray(a).dtype.kind in "fc" and not np.all(np.isfinite(a))


def problems(node, thresholds, with_grads):
    """Health flags of a node, strongest first: a list of (flag, short explanation)."""
    found = []
    if _nonfinite(node.value):
        found.append(("nonfinite", "NaN/inf in value"))
    elif with_grads and _nonfinite(node.grad):
        found.append(("nonfinite", "NaN/inf in gradient"))
    if isinstance(node, Parameter) and node.frozen:
        found.append(("frozen", "frozen"))
    if getattr(node, "op", None) == "relu" and node.value is not None and np.size(node.value):
        zeros = float(np.mean(node.value == 0))
        if zeros >= thresholds.dead_relu:
            found.append(("dead_relu", f"dead ReLU: {zeros:.0%} zeros"))
    if with_grads and node.grad is not None and not _nonfinite(node.grad) and np.size(node.grad):
        rms = norm(node.grad) / np.sqrt(np.size(node.grad))
        if rms < thresholds.vanishing:
            found.append(("vanishing", "vanishing gradient"))
        elif rms > thresholds.exploding:
            found.append(("exploding", "exploding gradient"))
    return found


def gradients_computed(nodes):
    """Whether any node below the roots holds a gradient from a backward pass."""
    return any(n.grad is not None for n in nodes)


def addends_kept(nodes):
    return any(n.addends is not None for n in nodes if not isinstance(n, Leaf))

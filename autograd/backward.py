"""The backward pass in two pieces: the plan (who takes part) and the sweep (the chain rule).

A `Plan` is made from a graph's topological order and the leaves' current
`requires_grad`: a node takes part if some path leads from it down to a
leaf that wants a gradient (and every node on the way is differentiable).
The plan lists the taking-part nodes in reverse topological order, gives
each a slot in the ledger, and says, for each computed node, which of its
inputs need an addend (`needs`) and into which slot each goes.

The `sweep` then visits the computed nodes in that order. A node's slot is
complete when the sweep reaches it, because every successor comes earlier
in reverse order; the node turns dG/df into one addend per input
(`node.backward`), and the ledger adds each to its input's slot.
"""

import numpy as np

from .errors import GraphError, at_node, describe
from .ledger import checked_addends, fitted
from .node import Leaf
from .parameter import Parameter


class Plan:
    """Who takes part in one backward pass, given which nodes want gradients.

    By default the leaves that want one are those with `requires_grad`
    (a graph's backward); `wanted`, a set of nodes, names them instead
    (`autograd.grad`: gradients with respect to any nodes, leaves or not).
    """

    def __init__(self, nodes, wanted=None):
        wants = {}
        for node in nodes:  # inputs come first, so one pass suffices
            if wanted is not None and node in wanted:
                wants[node] = True
            elif isinstance(node, Leaf):
                wants[node] = wanted is None and bool(node.requires_grad)
            else:
                wants[node] = node.differentiable and any(wants[i] for i in node.inputs)
        #: Nodes that take part, in reverse topological order; a node's slot is its index here.
        self.order = [n for n in reversed(nodes) if wants[n]]
        self.slot = {n: k for k, n in enumerate(self.order)}
        #: (node, slot, needs, targets) for each computed node, in order; targets are
        #: (input position, input, input slot) for the inputs that need an addend.
        self.steps = []
        for node in self.order:
            if node.inputs:
                needs = tuple(wants[i] for i in node.inputs)
                targets = tuple((k, i, self.slot[i]) for k, i in enumerate(node.inputs) if wants[i])
                self.steps.append((node, self.slot[node], needs, targets))
        #: (parameter, slot) of the parameters that take part.
        self.parameters = [(n, k) for k, n in enumerate(self.order) if isinstance(n, Parameter)]


def sweep(plan, ledger, observer=None):
    """Visit the plan's computed nodes in reverse topological order, adding each one's addends to the ledger.

    `observer(node, g, addends, targets)`, if given, sees every node's
    gradient g (its complete dG/df) and addends before they are added, and
    returns the addends to add. The summing is
    written out here rather than in a ledger method: a call per node costs
    the engine a tenth of its time per node.
    """
    sums, owned = ledger.sums, ledger.owned
    node = addends = None
    try:
        for node, slot, needs, targets in plan.steps:
            g = sums[slot]
            if g is None:
                continue  # nothing reached this node (a branch that no root depends on)
            node.needs = needs  # set for the pass running it, whatever another graph set
            addends = node.backward(g)
            if type(addends) is not tuple or len(addends) != len(needs):
                addends = checked_addends(node, addends)
            if observer is not None:
                addends = observer(node, g, addends, targets)
            for position, inp, target in targets:
                a = addends[position]
                if a is None:
                    continue
                value = inp.value
                if a.shape != value.shape or a.dtype is not value.dtype:
                    a = fitted(a, inp, node)
                prev = sums[target]
                if prev is None:  # the first addend: kept as it is, unless a leaf needs an array of its own
                    own = not inp.inputs and (a is g or not a.flags.writeable)
                    sums[target] = np.array(a) if own else a
                    owned[target] = own
                elif owned[target]:
                    prev += a
                    sums[target] = prev  # for 0-d values `+=` makes a new numpy scalar
                else:
                    sums[target] = prev + a
                    owned[target] = True
    except Exception as e:
        here = e.__traceback__ is not None and e.__traceback__.tb_next is None  # raised by the sweep, not the node
        raise as_graph_error(node, e, addends if here else None)  # noqa: B904 - the cause is set inside


def as_graph_error(node, error, addends=None):
    """The GraphError naming the node that failed in backward (the engine's own errors named if they are not).

    `addends`, when the sweep itself failed on what the node returned, is
    searched for an addend that is no array, the usual cause.
    """
    if isinstance(error, GraphError):
        return at_node(node, error, "backward")
    odd = [(k, a) for k, a in enumerate(addends or ()) if a is not None and not isinstance(a, (np.ndarray, np.generic))]
    if node is not None and odd:
        k, a = odd[0]
        text = (f"{describe(node)}: backward must return numpy arrays (or None) as addends, "
                f"got {type(a).__name__} {a!r:.40} for input {k} '{node.inputs[k].name}'")
    else:
        text = f"{describe(node)} failed in backward: {type(error).__name__}: {error}"
    wrapped = GraphError(text)
    wrapped.__cause__ = error
    return wrapped

"""Evaluating a population: every member's loss on one batch, from forward passes only.

An evaluator is a callable `evaluate(members, feeds) -> losses`: `members`
maps each trainable Parameter to its values in every member, an array of
shape (P, *parameter shape), `feeds` is one batch as `Graph.forward` takes
it, and `losses` holds P numbers. `MemberByMember` is the one that works
for every graph: it writes each member into the parameters and runs one
forward pass without gradients. A model-specific evaluator may compute many
members in one pass (the demo's softmax regression does), as long as it
computes the same loss; `checked_losses` holds every evaluator to the
shape of its answer.
"""

import numpy as np

from ..errors import GraphError
from ..graph import Graph


class MemberByMember:
    """Each member's loss from one forward pass of the graph with that member's values (no backward state).

    The passes run on an evaluation graph of its own over the same root, in
    evaluation mode (dropout passes through, batch norm uses its running
    statistics, which these passes never change), so the training graph's
    mode is left alone. The root must be a scalar loss. The parameters are
    left holding the last member evaluated: the trainers put back the one
    they keep.
    """

    def __init__(self, graph):
        if len(graph.roots) != 1:
            raise GraphError(f"fitness needs one loss, but the graph has {len(graph.roots)} roots "
                             f"{[r.name for r in graph.roots]}")
        root = graph.roots[0]
        if root.shape not in (None, ()):
            raise GraphError(f"fitness needs a scalar loss, but the root '{root.name}' has shape {root.shape}")
        self.root = root
        self.graph = Graph(root).eval()

    def __call__(self, members, feeds):
        count = len(next(iter(members.values())))
        losses = np.empty(count)
        for i in range(count):
            for parameter, values in members.items():
                parameter.value[...] = values[i]
            loss = np.asarray(self.graph.forward(feeds, grad=False))
            if loss.shape != ():
                raise GraphError(f"fitness needs a scalar loss, but the root '{self.root.name}' gave shape "
                                 f"{loss.shape}")
            losses[i] = loss
        return losses


def checked_losses(losses, count):
    """`losses` as a float64 vector of `count` entries, a NaN counted as an infinitely bad loss (+inf)."""
    losses = np.asarray(losses, dtype=np.float64)
    if losses.shape != (count,):
        raise ValueError(f"the evaluator gave losses of shape {losses.shape} for a population of {count} members")
    return np.where(np.isnan(losses), np.inf, losses)

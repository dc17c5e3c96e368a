"""Where items sit relative to each other: the main path, and parameters beside their consumer.

Left to itself, dot draws a deep model as a diagonal staircase of clusters
with every parameter on a rank of its own. Two hints keep it straight: the
items of the main data path share a group (one column), and a parameter
used by a single node sits on that node's row.
"""

from ..node import Constant, Leaf
from ..parameter import Parameter


def main_path(nodes, roots, item_of):
    """The drawn items (see `scopes.Layout.item_of`) on the longest path from an input to the first root."""
    depth, best = {}, {}
    for n in nodes:
        if isinstance(n, Leaf):
            if not isinstance(n, (Parameter, Constant)):
                depth[n] = 0
            continue
        fed = [(depth[i], k) for k, i in enumerate(n.inputs) if i in depth]
        if fed:
            d, k = max(fed)
            depth[n], best[n] = d + 1, n.inputs[k]
    spine, n = set(), roots[0] if roots else None
    while n is not None and n in depth:
        spine.add(item_of(n))
        n = best.get(n)
    return spine


def side_by_side(nodes, item_of):
    """{cluster path: {consumer: [parameters and constants]}} drawn on their consumer's row.

    A parameter (or constant) used by one drawn node in its own cluster sits
    beside that node rather than on the rank above it, so a Linear or a
    convolution is one row and the clusters stack without drifting.
    """
    uses = {}
    for n in nodes:
        for i in n.inputs:
            if isinstance(i, (Parameter, Constant)):
                uses.setdefault(i, []).append(n)
    out = {}
    for leaf, consumers in uses.items():
        if len(consumers) != 1:
            continue
        consumer = consumers[0]
        if item_of(leaf)[0] != "node" or item_of(consumer)[0] != "node":
            continue
        scope = tuple(getattr(leaf, "scope", ()) or ())
        if scope != tuple(getattr(consumer, "scope", ()) or ()):
            continue
        out.setdefault(scope, {}).setdefault(consumer, []).append(leaf)
    return out


def sides(beside):
    """{leaf: 'left' or 'right'} for `side_by_side`'s leaves: alternately, the first on the left."""
    return {leaf: "left" if k % 2 == 0 else "right"
            for rows in beside.values() for leaves in rows.values() for k, leaf in enumerate(leaves)}


def row(consumer, leaves):
    """A consumer and the leaves beside it, left to right (alternately left and right of it)."""
    return leaves[::2][::-1] + [consumer] + leaves[1::2]

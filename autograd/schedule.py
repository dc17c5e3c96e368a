"""Topological order of the nodes below a set of roots, without recursion.

An explicit stack replaces recursion so that a chain of 100,000 nodes works.
Each node is white (unseen), grey (on the current path) or black (done); an
edge to a grey node closes a cycle, and the grey path tells which nodes are
on it.
"""

from .errors import CycleError

_GREY, _BLACK = 1, 2


def topological_order(roots):
    """Nodes reachable from `roots` (through inputs), inputs before users."""
    order = []
    colour = {}
    for root in roots:
        if colour.get(root) == _BLACK:
            continue
        colour[root] = _GREY
        path = [root]
        stack = [iter(root.inputs)]
        while stack:
            for child in stack[-1]:
                state = colour.get(child)
                if state is None:
                    colour[child] = _GREY
                    path.append(child)
                    stack.append(iter(child.inputs))
                    break
                if state == _GREY:
                    cycle = path[path.index(child):] + [child]
                    names = " -> ".join(f"'{n.name}'" for n in reversed(cycle))
                    raise CycleError(f"the graph has a cycle: {names}")
            else:
                stack.pop()
                done = path.pop()
                colour[done] = _BLACK
                order.append(done)
    return order

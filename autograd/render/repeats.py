"""Repeated calls of one block: told apart by their scopes, folded into one box, and the gradient reaching each.

Calling a block again names the call's scope segment `cell#1`, then
`cell#2`... (see `autograd.block`): under one parent scope, the segments
`cell`, `cell#1`, ..., `cell#27` are the 28 calls of the block `cell`, one
per time step for a recurrent cell. A drawing folds them by default into
one box, `cell × 28` (`scopes.Layout`); expanding the block (`expand=` its
path, or any call's) or `unroll=True` draws every call.

The gradient reaching a call is what the rest of the graph sends back into
it: the addends that nodes outside the call send to the call's nodes (a
later step, the loss...), summed per receiving node, their norms taken
together. It needs the addends a backward pass kept (keep_addends=True).
"""

import math
import re
from collections import defaultdict

from . import health

_CALL = re.compile(r"^(.*)#([0-9]+)$")


def call_of(segment):
    """(block, call index) of a scope segment: 'cell#3' -> ('cell', 3), 'cell' -> ('cell', 0)."""
    m = _CALL.match(segment)
    return (m.group(1), int(m.group(2))) if m and m.group(1) else (segment, 0)


class Repeats:
    """The blocks called more than once among `scopes` (scope tuples), and which of them are drawn unrolled.

    A group is (parent path, block name); `counts[group]` its number of
    calls. `unroll` opens every group; `expand` (tuples of scope segments)
    opens each group it passes through.
    """

    def __init__(self, scopes, expand=(), unroll=False):
        calls = defaultdict(set)
        for scope in set(scopes):
            for p, segment in enumerate(scope):
                block, k = call_of(segment)
                calls[(scope[:p], block)].add(k)
        self.counts = {group: len(ks) for group, ks in calls.items() if len(ks) > 1 and 0 in ks}
        self.opened = set(self.counts) if unroll else {
            (e[:p], call_of(e[p])[0]) for e in expand for p in range(len(e))} & set(self.counts)

    def fold(self, scope):
        """(position, box key) of the first folded group `scope` lies in, or None.

        The key is the parent path plus the block's name: ('lstm', 'cell_l0')
        for ('lstm', 'cell_l0#5', ...).
        """
        for p, segment in enumerate(scope):
            group = (scope[:p], call_of(segment)[0])
            if group in self.counts and group not in self.opened:
                return p, scope[:p] + (group[1],)
        return None


def covers(entry, scope):
    """Whether the expanded scope `entry` contains `scope`, a block's name covering all its calls."""
    if len(scope) < len(entry):
        return False
    return all(e == s or ("#" not in e and call_of(s)[0] == e) for e, s in zip(entry, scope))


def calls_by_index(key, members):
    """{call index: [member nodes]} of the box `key` (the calls' segment sits at position len(key) - 1)."""
    at, calls = len(key) - 1, defaultdict(list)
    for node in members:
        calls[call_of(node.scope[at])[1]].append(node)
    return dict(sorted(calls.items()))


def reaching_norms(key, members, consumers, current, stats):
    """The norm of the gradient reaching each call of box `key`, in call order (see the module docstring).

    consumers: {node: [nodes taking it as an input]}; current: the drawing's
    current gradients (a consumer's addends count only when its gradient is
    current). A call that nothing outside sends back to gets 0.
    """
    norms = []
    for call in calls_by_index(key, members).values():
        inside = set(call)
        received = {}
        for node in call:
            for consumer in consumers.get(node, ()):
                if consumer in inside or consumer not in current:
                    continue
                for index, inp in enumerate(consumer.inputs):
                    a = health.received_addend(consumer, index) if inp is node else None
                    if a is not None:
                        received[node] = a if node not in received else received[node] + a
        norms.append(math.sqrt(sum(stats.of(a).norm ** 2 for a in received.values())))
    return tuple(norms)


_BARS = "▁▂▃▄▅▆▇█"


def sparkline(values):
    """One bar per value, its height on a log scale between the smallest and largest non-zero value; ' ' for 0."""
    positive = [v for v in values if v > 0 and math.isfinite(v)]
    if not positive:
        return " " * len(values)
    low, high = math.log10(min(positive)), math.log10(max(positive))
    out = []
    for v in values:
        if not v > 0 or not math.isfinite(v):
            out.append(" " if v == 0 else "!")
            continue
        level = 0 if high == low else (math.log10(v) - low) / (high - low)
        out.append(_BARS[min(int(level * len(_BARS)), len(_BARS) - 1)])
    return "".join(out)

"""Node names and name scopes.

A composite block (Linear, Conv2d, an attention block...) opens a scope so
that the nodes it creates are called `block1.attn.q.weight` and so on. Names
given explicitly are stable across runs and processes, which is what
parameter files are keyed by; automatic names (`add_3`) are only for display.
"""

import contextlib
import itertools
from collections import defaultdict

_scopes = []
_counters = defaultdict(itertools.count)


@contextlib.contextmanager
def scope(name):
    """Prefix the names of nodes created inside the block with `name.`."""
    if not name or "/" in name:
        raise ValueError(f"a scope name must be non-empty and contain no '/', got {name!r}")
    _scopes.append(name)
    try:
        yield ".".join(_scopes)
    finally:
        _scopes.pop()


def current_scope():
    """The open scopes, outermost first, as a tuple of names."""
    return tuple(_scopes)


def make_name(name, op):
    """The full name of a new node: scope prefix plus `name`, or `op_K`."""
    if name is None:
        name = f"{op}_{next(_counters[op])}"
    elif not isinstance(name, str) or not name or "/" in name:
        raise ValueError(f"a node name must be a non-empty string without '/', got {name!r}")
    prefix = ".".join(_scopes)
    return f"{prefix}.{name}" if prefix else name

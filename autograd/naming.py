"""Node names and name scopes.

A block (Linear, Conv2d, an attention block...) opens a scope while it
wires its nodes, so that they are called `block1.attn.q.matmul` and so on;
`with autograd.scope("encoder"):` groups nodes the same way by hand. Names
given explicitly are stable across runs and processes, which is what
parameter files are keyed by; automatic node names (`add_3`) are only for
display. A scope path is a tuple of segments (`("block1", "attn", "q")`),
and `scope("blocks.0")` opens two segments at once.
"""

import contextlib
import itertools
from collections import defaultdict

_scopes = []
_counters = defaultdict(itertools.count)
_root_counts = defaultdict(int)


def check_name(name, what="a node name"):
    """`name` if it is a non-empty string without '/', else a ValueError saying so (None passes)."""
    if name is not None and (not isinstance(name, str) or not name or "/" in name):
        raise ValueError(f"{what} must be a non-empty string without '/', got {name!r}")
    return name


@contextlib.contextmanager
def scope(name):
    """Prefix the names of nodes created inside the block with `name.`; yields the full prefix."""
    check_name(name, "a scope name")
    segments = name.split(".")
    if not all(segments):
        raise ValueError(f"a scope name must not have empty parts, got {name!r}")
    _scopes.extend(segments)
    try:
        yield ".".join(_scopes)
    finally:
        del _scopes[len(_scopes) - len(segments):]


def current_scope():
    """The open scopes, outermost first, as a tuple of segments."""
    return tuple(_scopes)


def make_name(name, op):
    """The full name of a new node: scope prefix plus `name`, or `op_K`."""
    if name is None:
        name = f"{op}_{next(_counters[op])}"
    else:
        check_name(name)
    prefix = ".".join(_scopes)
    return f"{prefix}.{name}" if prefix else name


def unique_root_name(prefix, base):
    """`base`, then `base_1`, `base_2`... for each unnamed top-level block made under scope `prefix`.

    The same construction in a fresh process gives the same names, so
    checkpoints of unnamed blocks keep loading.
    """
    count = _root_counts[(prefix, base)]
    _root_counts[(prefix, base)] = count + 1
    return base if count == 0 else f"{base}_{count}"

"""Clusters from name scopes, and collapsing deep clusters into single boxes.

Every node records `node.scope`, the tuple of scopes open when it was made
(('block1', 'attn', 'q') for `block1.attn.q.matmul`). Nodes sharing a scope
prefix are drawn inside nested clusters. With `depth`, a node whose scope is
longer than `depth` is folded into the box of its scope prefix of length
`depth + 1`: depth 0 turns every top-level block into one box, depth 1 keeps
the top-level clusters and folds what is inside them. Scopes listed in
`expand` (and everything inside them) stay open whatever the depth, so one
block of a deep model can be shown in full beside its folded neighbours.
A scope in `expand` that no drawn node was made in is an error naming the
scopes there are, so a typo does not go unnoticed.

A block called several times (a recurrent cell at every time step) is
folded by default into one box for all its calls, whatever the depth
(see `repeats`); expanding it, or `unroll=True`, draws every call.
"""

import difflib
from collections import defaultdict

from .repeats import Repeats, covers


class UnknownName(KeyError, ValueError):
    """A name given to draw() (a scope to expand, a node to annotate) that is not on the drawing.

    Both a KeyError and a ValueError; its message lists the valid names.
    """

    def __str__(self):
        return str(self.args[0]) if self.args else ""


def unknown_name_error(what, name, valid, limit=30):
    """An UnknownName saying which names there are (the closest first)."""
    valid = sorted(valid)
    close = difflib.get_close_matches(str(name), valid, n=3)
    hint = f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
    shown = ", ".join(repr(v) for v in valid[:limit])
    if len(valid) > limit:
        shown += f", ... ({len(valid) - limit} more)"
    return UnknownName(f"{what} {name!r} is not on the drawing{hint} (valid: {shown or 'none'})")


class Layout:
    """Which cluster each drawn item sits in, and which nodes each box holds.

    Items are ('node', node) or ('box', scope_key). `entries[path]` lists the
    items drawn directly in the cluster `path` (() is the top level) and
    `children[path]` the clusters nested in it, both in first-seen order.
    `calls[key]` is the number of calls a box of repeated calls stands for.
    """

    def __init__(self, nodes, depth=None, expand=(), unroll=False):
        if depth is not None and depth < 0:
            raise ValueError(f"depth must be None or >= 0, got {depth}")
        if isinstance(expand, str):
            expand = [expand]
        expand = [tuple(e.split(".")) if isinstance(e, str) else tuple(e) for e in expand]
        if expand:
            scopes = {tuple(getattr(n, "scope", ()) or ()) for n in nodes}
            prefixes = {s[:k] for s in scopes for k in range(1, len(s) + 1)}
            for e in expand:
                if e not in prefixes:
                    raise unknown_name_error("expand names a scope", ".".join(e), {".".join(p) for p in prefixes})
        self.box_of = {}
        self.members = defaultdict(list)
        self.entries = defaultdict(list)
        self.children = defaultdict(list)
        self.calls = {}
        scopes = [tuple(getattr(n, "scope", ()) or ()) for n in nodes]
        repeats = Repeats(scopes, expand, unroll)
        seen_paths = {()}
        for node, scope in zip(nodes, scopes):
            key = self._box_key(scope, depth, expand, repeats)
            if key is not None:
                self.box_of[node] = key
                if key not in self.members:
                    self.entries[key[:-1]].append(("box", key))
                    self._register(key[:-1], seen_paths)
                self.members[key].append(node)
            else:
                self.entries[scope].append(("node", node))
                self._register(scope, seen_paths)
        # A folded scope with an expanded scope inside it is also a cluster:
        # its box moves into that cluster and stands for the rest of it.
        self.partial = {key for key in self.members if key in seen_paths}
        for key in self.partial:
            self.entries[key[:-1]].remove(("box", key))
            self.entries[key].insert(0, ("box", key))

    def _box_key(self, scope, depth, expand, repeats):
        """The box a node of `scope` is folded into (the outermost fold wins), or None when it is drawn."""
        cut = None
        if depth is not None and len(scope) > depth and not any(covers(e, scope) for e in expand):
            cut = depth + 1
        fold = repeats.fold(scope)
        if fold is not None and (cut is None or fold[0] < cut):
            self.calls[fold[1]] = repeats.counts[(fold[1][:-1], fold[1][-1])]
            return fold[1]
        return scope[:cut] if cut is not None else None

    def _register(self, path, seen):
        for k in range(1, len(path) + 1):
            prefix = path[:k]
            if prefix not in seen:
                seen.add(prefix)
                self.children[prefix[:-1]].append(prefix)

    def item_of(self, node):
        """The item that stands for `node` in the drawing."""
        key = self.box_of.get(node)
        return ("box", key) if key is not None else ("node", node)

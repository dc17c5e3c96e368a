"""Clusters from name scopes, and collapsing deep clusters into single boxes.

Every node records `node.scope`, the tuple of scopes open when it was made
(('block1', 'attn', 'q') for `block1.attn.q.matmul`). Nodes sharing a scope
prefix are drawn inside nested clusters. With `depth`, a node whose scope is
longer than `depth` is folded into the box of its scope prefix of length
`depth + 1`: depth 0 turns every top-level block into one box, depth 1 keeps
the top-level clusters and folds what is inside them. Scopes listed in
`expand` (and everything inside them) stay open whatever the depth, so one
block of a deep model can be shown in full beside its folded neighbours.
"""

from collections import defaultdict


class Layout:
    """Which cluster each drawn item sits in, and which nodes each box holds.

    Items are ('node', node) or ('box', scope_key). `entries[path]` lists the
    items drawn directly in the cluster `path` (() is the top level) and
    `children[path]` the clusters nested in it, both in first-seen order.
    """

    def __init__(self, nodes, depth=None, expand=()):
        if depth is not None and depth < 0:
            raise ValueError(f"depth must be None or >= 0, got {depth}")
        expand = [tuple(e.split(".")) if isinstance(e, str) else tuple(e) for e in expand]
        self.box_of = {}
        self.members = defaultdict(list)
        self.entries = defaultdict(list)
        self.children = defaultdict(list)
        seen_paths = {()}
        for node in nodes:
            scope = tuple(getattr(node, "scope", ()) or ())
            opened = any(scope[: len(e)] == e for e in expand)
            if depth is not None and len(scope) > depth and not opened:
                key = scope[: depth + 1]
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

"""What a diagram shows, as plain data: the scene that `build.build_scene` makes and `dot.write_dot` writes.

A scene holds words and numbers only (no nodes, arrays, colours or DOT):
nested clusters of drawn items, the edges between items, and the graph's
own caption. Items and edges refer to each other by their `id`; names are
the graph's own node names (a folded block is named by its scope path
joined with '.'). The writer decides how each thing looks from its `kind`,
its health `flags` and, for an edge, its addend.

A block called several times ('cell', 'cell#1', ... 'cell#27') is drawn
as one 'block' item for all its calls (`calls` says how many, and
`reaching` the gradient norm reaching each call), or, unrolled, as one
cluster per call like any other scope.
"""

from dataclasses import dataclass, field


@dataclass(slots=True)
class Item:
    """One drawn box: a node, or a block of nodes folded into one ('block' kind)."""

    id: str  # unique in the scene: how edges and ranks refer to the item
    name: str  # the node's full name, or the folded scope path joined with '.'
    kind: str  # 'input', 'parameter', 'constant', 'op', 'loss' or 'block' (keys of style.KINDS)
    title: str  # the bold first line
    aside: str | None = None  # short text on the title's line (a shape)
    lines: tuple = ()  # what it is: op, shape, parameter count, small values
    grad_lines: tuple = ()  # its gradient: norm, mean and std, or the numbers
    notes: tuple = ()  # the caller's notes
    flags: tuple = ()  # health flags, worst first: (flag, the words drawn for it)
    tooltip: str = ""
    on_spine: bool = False  # on the main data path (drawn as one straight column)
    members: tuple = ()  # a block's nodes, by name, in graph order (empty for a node)
    calls: int = 0  # a block of repeated calls: how many calls it stands for (0: not one)
    reaching: tuple = ()  # ...and the norm of the gradient reaching each call, in call order (when known)


@dataclass(slots=True)
class Cluster:
    """A scope drawn as a frame around its items; the scene's root is the path ()."""

    path: tuple  # scope names, outermost first
    params: int = 0  # parameter values created inside it, nested scopes included
    items: list = field(default_factory=list)  # Items drawn directly inside, in drawing order
    ranks: list = field(default_factory=list)  # tuples of item ids drawn on one row, left to right
    clusters: list = field(default_factory=list)  # nested Clusters, in first-seen order

    @property
    def label(self):
        """The scope's own name (the frame's title)."""
        return self.path[-1] if self.path else ""


@dataclass(slots=True)
class Addend:
    """What a consumer sent back along an edge; a merged edge (into or out of a
    block) holds all its addends taken together, sqrt(sum of squared norms)."""

    sent: bool  # False: no gradient flows back along this edge
    norm: float = 0.0  # NaN or inf when an addend holds them
    finite: bool = True
    text: str = ""  # what the edge can say: the norm, or the numbers of a small addend
    strength: float = 0.0  # the norm between the drawing's weakest and strongest (log scale), in [0, 1]


@dataclass(slots=True)
class Edge:
    """A tensor going from the item that makes it (tail) to an item that uses it (head)."""

    tail: str  # item id
    head: str  # item id
    shape: str  # the tensor's shape
    addend: Addend | None = None  # None: the drawing shows no addends
    show_shape: bool = False  # the shape is written on the edge
    show_addend: bool = False  # the addend's text is written on the edge
    label_at: str | None = None  # 'label' (laid out beside the middle of the edge); None: no text
    beside: str | None = None  # 'left' or 'right': the tail sits on the head's row, on that side
    id: str = ""  # unique among the scene's edges ('e<k>')
    carries: tuple = ()  # (consumer name, input index) of each graph edge drawn as this one (several into a box)


@dataclass(slots=True)
class EdgeKey:
    """The legend's explanation of edge colours (when addends are drawn)."""

    numbers: bool  # the edges also say their norms (False: they show the addends' numbers)
    span: tuple | None  # (weakest, strongest) finite non-zero norm, None when there is none
    zero: bool  # some edge carries an addend of exact zeros
    nonfinite: bool  # some edge carries NaN or inf


@dataclass(slots=True)
class Legend:
    """What the legend explains: edge colours, and the health flags on the drawing."""

    edges: EdgeKey | None  # None: no addends are drawn
    flags: tuple = ()  # flags on the drawing, worst first


@dataclass(slots=True)
class Scene:
    """Everything a diagram shows, before it is written in any format."""

    root: Cluster
    edges: list
    flow: str = "forward"  # 'backward': arrows point the way the addends travel
    title: tuple = ()  # lines; the first is the headline
    summary: str = ""  # how many nodes and parameters
    captions: tuple = ()  # why something is not drawn (gradients missing or stale)
    legend: Legend | None = None
    roomy: bool = False  # long labels (a teaching graph's numbers): ranks and nodes further apart

    def clusters(self):
        """Every cluster, depth first, the root first."""
        stack = [self.root]
        while stack:
            cluster = stack.pop()
            yield cluster
            stack.extend(reversed(cluster.clusters))

    def items(self):
        """Every drawn item, cluster by cluster (depth first)."""
        for cluster in self.clusters():
            yield from cluster.items

    def item(self, name):
        """The item named `name` (KeyError when none is)."""
        for item in self.items():
            if item.name == name:
                return item
        raise KeyError(name)

    def cluster(self, path):
        """The cluster of scope `path` ('outer.inner' or a tuple); KeyError when none is drawn."""
        path = tuple(path.split(".")) if isinstance(path, str) else tuple(path)
        for cluster in self.clusters():
            if cluster.path == path:
                return cluster
        raise KeyError(path)

    def edges_between(self, tail, head):
        """The edges from the item named `tail` to the item named `head`."""
        names = {item.id: item.name for item in self.items()}
        return [e for e in self.edges if names[e.tail] == tail and names[e.head] == head]

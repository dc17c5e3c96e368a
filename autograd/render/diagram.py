"""`draw`: a graph (or the part of it under a node) as a Graphviz diagram.

Drawing is two steps: `scene_of` builds the scene (plain data saying what
is drawn, see `scene`), and `dot.write_dot` writes it as DOT text.
"""

import numpy as np

from ..graph import Graph
from ..node import Node
from ..schedule import topological_order
from .build import Options, build_scene
from .dot import write_dot
from .health import Thresholds
from .output import save
from .scopes import unknown_name_error

_GRAD_MODES = {False: None, None: None, True: "norm", "norm": "norm", "stats": "stats"}


def draw(target, *, grads=False, depth=None, expand=(), unroll=False, edge_shapes=None, values=False, notes=None,
         flow="forward", title=None, rankdir="TB", thresholds=None, legend=True, graph_attr=None, path=None):
    """Draw `target` (a Graph, a node, or a list of root nodes) as a `graphviz.Digraph`.

    Each node shows its name, operation (once, when the name does not already
    say it) and output shape (N is the batch axis; N·16 a leading axis of 16
    rows per example); parameters show their shape and parameter count.
    Nodes created inside `autograd.scope` blocks are drawn in nested
    clusters; `depth` folds clusters nested deeper than `depth` into one box
    each (with their parameter count and the worst health flag inside), so
    depth=0 draws every top-level block as a box; `expand` lists scopes
    ('block1' or 'block1.attn') drawn in full anyway. A block called
    several times (a recurrent cell at every time step) is one box for all
    its calls, 'cell_l0 × 28'; naming it in `expand`, or `unroll=True` for
    every such block, draws each call. With gradients and kept addends the
    box shows the norm of the gradient reaching each call, step by step.

    grads: False, True/'norm' (the norm of dG/df per node) or 'stats' (its
        mean and std). After `graph.backward(keep_addends=True)` each edge
        also shows the norm of the addend sent back along it (reduced to the
        input's shape, as the engine sums it), as its width and colour.
        Before any backward pass, or after a newer forward pass, the diagram
        says so instead of drawing gradients that do not belong to the values.
    edge_shapes: label edges with the shape of the tensor they carry (None:
        unless the edge shows its addend; the source node shows the shape too).
    values: show the numbers of arrays with at most this many entries
        (True: 8), for small teaching graphs.
    notes: {node or node name: text or list of lines} added to node labels.
    flow: 'forward' draws arrows from inputs to consumers, 'backward' the
        other way (the direction the addends travel).
    thresholds: a `health.Thresholds` (dead ReLU fraction, vanishing and
        exploding gradient RMS); flagged nodes are coloured.
    legend: explain the edge colours and the health colours on the drawing.
    graph_attr: extra Graphviz graph attributes (size, dpi, ranksep...).
    path: also save the diagram there (.svg, .png, .pdf or .dot).

    The result displays inline in Jupyter; `save(diagram, path)` writes it.
    A scope in `expand` or a name in `notes` that is not on the drawing is
    an error listing the valid names.
    """
    scene = scene_of(target, grads=grads, depth=depth, expand=expand, unroll=unroll, edge_shapes=edge_shapes,
                     values=values, notes=notes, flow=flow, title=title, thresholds=thresholds, legend=legend)
    diagram = write_dot(scene, rankdir=rankdir, graph_attr=graph_attr)
    if path is not None:
        save(diagram, path)
    return diagram


def scene_of(target, *, grads=False, depth=None, expand=(), unroll=False, edge_shapes=None, values=False, notes=None,
             flow="forward", title=None, thresholds=None, legend=True):
    """The `scene.Scene` that `draw` writes for the same arguments: what is drawn, as plain data."""
    if flow not in ("forward", "backward"):
        raise ValueError(f"flow must be 'forward' or 'backward', got {flow!r}")
    if grads not in _GRAD_MODES:
        raise ValueError(f"grads must be False, True, 'norm' or 'stats', got {grads!r}")
    nodes, roots = _collect(target)
    options = Options(grad_mode=_GRAD_MODES[grads], depth=depth, expand=expand, unroll=bool(unroll),
                      edge_shapes=edge_shapes,
                      value_limit=8 if values is True else int(values or 0), notes=_notes_by_node(notes, nodes),
                      flow=flow, thresholds=thresholds or Thresholds(), legend=legend, title=title)
    with np.errstate(all="ignore"):  # NaN and inf are drawn, not warned about
        return build_scene(nodes, roots, options)


def _collect(target):
    if isinstance(target, Graph):
        return list(target.nodes), tuple(target.roots)
    if isinstance(target, Node):
        return topological_order([target]), (target,)
    if isinstance(target, (list, tuple)) and target and all(isinstance(t, Node) for t in target):
        return topological_order(list(target)), tuple(target)
    raise TypeError(f"draw() takes a Graph, a node or a list of nodes, got {type(target).__name__}")


def _notes_by_node(notes, nodes):
    if not notes:
        return {}
    by_name = {n.name: n for n in nodes}
    drawn = set(nodes)
    out = {}
    for key, text in notes.items():
        node = by_name.get(key) if isinstance(key, str) else key
        if node is None or node not in drawn:
            name = key if isinstance(key, str) else getattr(key, "name", key)
            raise unknown_name_error("notes name a node", name, by_name)
        out[node] = [text] if isinstance(text, str) else list(text)
    return out

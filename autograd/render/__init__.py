"""Diagrams of graphs: `draw(graph_or_node, ...)` and `save(diagram, path)`.

    from autograd.render import draw
    draw(graph)                          # shapes, ops, parameter counts, clusters
    draw(graph, depth=0)                 # every top-level block folded into one box
    graph.backward(keep_addends=True)
    draw(graph, grads=True, path="g.svg")  # gradient norms on nodes and edges

The result is a `graphviz.Digraph`: it shows inline in Jupyter and `.source`
is its DOT text, which needs no Graphviz installation. `scene_of(...)`,
with the same arguments, is what the diagram shows as plain data (see
`scene`); `dot.write_dot` writes such a scene.
"""

from .diagram import draw, scene_of
from .health import Thresholds
from .output import Diagram, save

__all__ = ["Diagram", "Thresholds", "draw", "save", "scene_of"]

"""A backward pass you can step through: `trace_backward(graph, feeds)` and `trace.save_html(path)`.

    trace = autograd.trace_backward(graph, {x: images, y: labels})
    trace.events                  # plain data, in schedule order (see autograd.trace)
    trace.save_html("backward.html")
    trace                         # in a notebook: the stepper inline

The trace records one real training step (`autograd.trace.record_step`):
forward values, then for each node in the backward sweep's order the
addends it received and from whom, its sum dG/df and the addends it sent,
then each parameter's update. The page draws the graph once, as it stands
after the step, and a slider (or the arrow keys) moves through the events:
words that have not happened yet are hidden, counters say how many of its
addends each slot has, parameters flash when they update.
"""

import graphviz

from ...files import atomic_write
from ...trace import NUMBERS, record_step
from ..diagram import scene_of
from ..dot import write_dot
from ..output import INSTALL_HINT
from .marks import mark_scene
from .page import page
from .steps import Storyboard, state_at
from .svg import apply_view, svg_text, tagged_svg

__all__ = ["BackwardTrace", "trace_backward"]


def trace_backward(graph, feeds=None, *, update=True, depth=None, expand=(), clip_norm=None, limit=NUMBERS,
                   title=None, **named_feeds):
    """Run one training step of `graph` on `feeds`, recording it; returns a `BackwardTrace`.

    `update=False` computes gradients without updating. `depth` and
    `expand` fold blocks of the drawing as in `draw` (a folded block shows
    how many of its nodes have their sums). Arrays with at most `limit`
    entries keep their numbers (shown beside the drawing).
    """
    trace = record_step(graph, feeds, update=update, clip_norm=clip_norm, limit=limit, keep_addends=True,
                        **named_feeds)
    scene = scene_of(graph, grads=True, depth=depth, expand=expand, legend=False)
    return BackwardTrace(trace, scene, title or "The backward pass of one training step")


class BackwardTrace:
    """One recorded training step (`trace`, `events`, `nodes`) with its drawing and its steps.

    `save_html(path)` writes the page; in Jupyter the trace shows inline
    (a widget where ipywidgets is installed, the page otherwise).
    """

    def __init__(self, trace, scene, title):
        self.trace, self.scene, self.title = trace, scene, title
        self.marks = mark_scene(scene, trace)
        self.steps = Storyboard(trace, self.marks).steps()
        self._svg = None

    @property
    def events(self):
        """The trace's events, in schedule order."""
        return self.trace.events

    @property
    def nodes(self):
        """The traced graph's nodes (`autograd.trace.NodeInfo`), in topological order."""
        return self.trace.nodes

    def of(self, kind):
        """The events of one class, in order."""
        return self.trace.of(kind)

    @property
    def subtitle(self):
        """One line: the graph's size, the loss and how many steps there are."""
        loss = f"; loss {self.trace.loss:.4g}" if self.trace.loss is not None else ""
        return f"{self.scene.summary}{loss}; {len(self.steps)} steps"

    def svg_root(self):
        """The drawing laid out by graphviz, every changing word tagged (an ElementTree element)."""
        if self._svg is None:
            source = write_dot(self.scene, ids=True).source
            try:
                svg = graphviz.pipe("dot", "svg", source.encode("utf-8")).decode("utf-8")
            except graphviz.ExecutableNotFound:
                raise RuntimeError(f"the stepper's page needs a laid-out drawing: {INSTALL_HINT}") from None
            self._svg = tagged_svg(svg, self.marks)
        return self._svg

    def state_at(self, k):
        """What the drawing shows at step k (`steps.View`)."""
        return state_at(self.steps, self.marks, k)

    def svg_at(self, k):
        """The drawing as it looks at step k, as SVG text (what the widget shows)."""
        return apply_view(self.svg_root(), self.state_at(k), self.marks)

    def html(self):
        """The whole page as one string."""
        return page(self.title, self.subtitle, svg_text(self.svg_root()), self.steps)

    def save_html(self, path):
        """Write the page to `path` (atomically); returns the path."""
        text = self.html()
        with atomic_write(path, "w", encoding="utf-8") as f:
            f.write(text)
        return path

    def _repr_html_(self):
        from .notebook import inline_frame

        return inline_frame(self.html())

    def _repr_mimebundle_(self, include=None, exclude=None):
        from .notebook import mimebundle

        return mimebundle(self)

    def widget(self):
        """An ipywidgets stepper of this trace (needs ipywidgets)."""
        from .notebook import StepperWidget

        return StepperWidget(self)

    def __repr__(self):
        return f"<BackwardTrace {len(self.trace.nodes)} nodes, {len(self.steps)} steps>"

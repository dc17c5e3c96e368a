"""The stepper in a notebook: a widget where ipywidgets is installed, the page in a frame otherwise.

The frame (`srcdoc`) keeps the page's script, styles and keys to itself,
so two traces in one notebook do not see each other. The widget moves
through the same steps from Python: a slider, buttons and a play control,
with the drawing redrawn for each step (`BackwardTrace.svg_at`). A stored
notebook keeps the frame beside the widget, for viewers without widgets.
"""

import html

#: The frame's height in pixels: enough for the controls and a screenful of drawing (it scrolls inside).
FRAME_HEIGHT = 640


def inline_frame(page, height=FRAME_HEIGHT):
    """`page` (an HTML document) inside an iframe, as HTML for a notebook output."""
    return (f'<iframe srcdoc="{html.escape(page, quote=True)}" style="width: 100%; height: {height}px; '
            'border: 1px solid #e2e8f0" sandbox="allow-scripts"></iframe>')


def widgets_module():
    """ipywidgets, or None when it is not installed."""
    try:
        import ipywidgets
    except ImportError:
        return None
    return ipywidgets


def mimebundle(trace):
    """The notebook output of a trace: the frame, plus the widget's view when ipywidgets is installed."""
    bundle = StepperWidget(trace).view._repr_mimebundle_() if widgets_module() is not None else {}
    return {**bundle, "text/html": inline_frame(trace.html()), "text/plain": repr(trace)}


class StepperWidget:
    """The stepper as ipywidgets: `view` is the widget box; `step` the current step (settable)."""

    def __init__(self, trace):
        w = widgets_module()
        if w is None:
            raise ModuleNotFoundError("the stepper widget needs ipywidgets: pip install ipywidgets "
                                      "(without it, the trace shows as a page)", name="ipywidgets")
        self.trace = trace
        last = max(len(trace.steps) - 1, 0)
        self.slider = w.IntSlider(value=0, min=0, max=last, description="step", continuous_update=True,
                                  layout=w.Layout(width="60%"))
        self.play = w.Play(value=0, min=0, max=last, interval=600, description="play")
        w.jslink((self.play, "value"), (self.slider, "value"))
        self.back, self.next = w.Button(description="back"), w.Button(description="next")
        self.back.on_click(lambda _: self._move(-1))
        self.next.on_click(lambda _: self._move(1))
        self.caption = w.HTML()
        self.panel = w.HTML(layout=w.Layout(width="300px"))
        self.drawing = w.HTML(layout=w.Layout(flex="1"))
        styles = f"<style>{_css()}</style>"
        self.view = w.VBox([
            w.HTML(f"{styles}<b>{html.escape(trace.title)}</b><br><small>{html.escape(trace.subtitle)}</small>"),
            w.HBox([self.back, self.play, self.slider, self.next]),
            self.caption,
            w.HBox([self.drawing, self.panel]),
        ])
        self.slider.observe(lambda change: self._show(change["new"]), names="value")
        self._show(0)

    @property
    def step(self):
        """The step shown (0-based)."""
        return self.slider.value

    @step.setter
    def step(self, k):
        self.slider.value = max(self.slider.min, min(self.slider.max, int(k)))

    def _move(self, by):
        self.step = self.step + by

    def _show(self, k):
        step = self.trace.steps[k] if self.trace.steps else None
        if step is None:
            return
        self.caption.value = (f"<p><b>{html.escape(step.phase)}</b>, step {k + 1} of {len(self.trace.steps)}: "
                              f"{html.escape(step.caption)}</p>")
        self.panel.value = "<ul>" + "".join(f"<li>{html.escape(line)}</li>" for line in step.panel) + "</ul>"
        self.drawing.value = f'<div id="ng-drawing">{self.trace.svg_at(k)}</div>'

    def _ipython_display_(self):
        from IPython.display import display

        display(self.view)


def _css():
    from .page import asset

    return asset("drawing.css")  # the drawing's classes only: the page's layout would restyle the notebook

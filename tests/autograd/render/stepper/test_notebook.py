"""The trace in a notebook: a widget where ipywidgets is installed, the page in a frame otherwise."""

import html

import pytest

from autograd.render.stepper import notebook


def test_the_widget_moves_through_the_steps(known_trace, dot_program):
    widget = known_trace.widget()
    assert widget.slider.max == len(known_trace.steps) - 1
    k = next(k for k, s in enumerate(known_trace.steps) if s.phase == "update")
    widget.step = k
    assert html.escape(known_trace.steps[k].caption) in widget.caption.value
    assert widget.drawing.value == f'<div id="ng-drawing">{known_trace.svg_at(k)}</div>'
    assert "ng-flash" in widget.drawing.value
    widget.next.click()
    assert widget.step == k + 1
    widget.back.click()
    widget.back.click()
    assert widget.step == k - 1
    widget.step = 10**6
    assert widget.step == len(known_trace.steps) - 1


def test_the_notebook_output_holds_the_page_and_the_widget(known_trace, dot_program):
    bundle = known_trace._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    frame = bundle["text/html"]
    assert frame.startswith("<iframe srcdoc=") and html.escape(known_trace.steps[0].caption) in html.unescape(frame)
    assert bundle["text/plain"] == repr(known_trace)


def test_without_ipywidgets_the_page_shows_and_the_widget_says_what_it_needs(known_trace, monkeypatch, dot_program):
    monkeypatch.setattr(notebook, "widgets_module", lambda: None)
    bundle = known_trace._repr_mimebundle_()
    assert set(bundle) == {"text/html", "text/plain"}
    with pytest.raises(ModuleNotFoundError, match="pip install ipywidgets"):
        known_trace.widget()

"""The laid-out drawing: every changing word found by its id, and the drawing as it looks at one step."""

import xml.etree.ElementTree as ET

import pytest

from autograd.render.stepper.marks import Marks
from autograd.render.stepper.svg import SVG, SvgError, apply_view, tagged_svg


def test_every_changing_word_is_an_element_of_its_own(known_trace, dot_program):
    root = known_trace.svg_root()
    texts = {e.get("id"): e.text for e in root.iter(f"{{{SVG}}}text") if e.get("id")}
    assert texts == {element: text for element, (_, text) in known_trace.marks.texts.items()}
    groups = {g.get("id") for g in root.iter(f"{{{SVG}}}g")}
    assert {item.id for item in known_trace.scene.items()} <= groups
    assert {edge.id for edge in known_trace.scene.edges} <= groups


def test_a_word_the_drawing_lacks_is_an_error_naming_it():
    svg = f'<svg xmlns="{SVG}"><g id="n0"><text>addends 0/1</text></g></svg>'
    marks = Marks()
    marks.add("n0-ledger", "n0", "addends 0/2")
    with pytest.raises(SvgError, match="no text 'addends 0/2' in element 'n0' for 'n0-ledger'"):
        tagged_svg(svg, marks)


def test_the_drawing_at_a_step_carries_the_page_s_classes_and_counters(known_trace, dot_program):
    k = next(k for k, s in enumerate(known_trace.steps) if s.edge and s.text)
    step, view = known_trace.steps[k], known_trace.state_at(k)
    root = ET.fromstring(known_trace.svg_at(k))
    by_id = {e.get("id"): e for e in root.iter() if e.get("id")}
    assert "ng-focus" in by_id[step.focus].get("class") and "ng-current" in by_id[step.edge].get("class")
    (counter, text), = step.text
    assert by_id[counter].text == text
    hidden = {i for i, e in by_id.items() if "ng-hidden" in (e.get("class") or "").split()}
    assert hidden == view.hidden
    assert apply_view(known_trace.svg_root(), view, known_trace.marks) == known_trace.svg_at(k)
    assert "ng-focus" not in ET.tostring(known_trace.svg_root(), encoding="unicode")  # the tagged drawing is kept

"""The page: one self-contained file, small for the demo's models."""

import json
import os
import re

from autograd.render.stepper.page import asset


def parts(page):
    """(the steps' JSON, the inline scripts' and styles' text, the SVG element)."""
    steps = re.search(r'<script type="application/json" id="ng-steps">(.*?)</script>', page, re.S).group(1)
    return json.loads(steps), page[page.index("<svg"):page.index("</svg>")]


def test_the_page_holds_everything_it_needs(known_trace, tmp_path, dot_program):
    path = known_trace.save_html(tmp_path / "backward.html")
    page = path.read_text(encoding="utf-8")
    steps, svg = parts(page)
    assert steps == [s.as_json() for s in known_trace.steps]
    assert asset("stepper.js") in page and asset("drawing.css") in page and asset("page.css") in page
    # No server and no network: nothing is loaded from anywhere (the SVG's namespaces are names, not loads).
    assert not re.search(r"""(src|href)\s*=|<link|@import|url\(|fetch\(|XMLHttpRequest""", page)
    assert "http" not in page.replace('xmlns="http://www.w3.org/2000/svg"', "").replace(
        'xmlns:xlink="http://www.w3.org/1999/xlink"', "")
    assert f'max="{len(known_trace.steps) - 1}"' in page and 'id="ng-caption"' in page
    assert all(f'id="{element}"' in svg for element in known_trace.marks.texts)


def test_a_step_s_words_cannot_end_the_script_early(known_trace):
    from autograd.render.stepper.page import steps_json
    from autograd.render.stepper.steps import Step

    text = steps_json([Step("backward", "a </script> in a name")])
    assert "</script>" not in text and json.loads(text)[0]["c"] == "a </script> in a name"


def test_the_pages_of_the_demo_s_models_stay_small(cnn_trace, vit_trace, tmp_path, dot_program):
    cnn = os.path.getsize(cnn_trace.save_html(tmp_path / "cnn.html"))
    vit = os.path.getsize(vit_trace.save_html(tmp_path / "vit.html"))
    assert cnn < 120 * 1024 and vit < 240 * 1024, (cnn, vit)
    assert len(cnn_trace.steps) == len(cnn_trace.events) and len(vit_trace.steps) > 300

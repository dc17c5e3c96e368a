"""DOT syntax: names are quoted and escaped so that they are shown as they are."""

import graphviz
import numpy as np
import pytest

from autograd.render import style
from autograd.render.markup import attr_list, escape, html_label, quote, rows


def test_dot_quoting_of_names():
    assert quote("n12") == "n12" and quote("0.25") == "0.25" and quote("#ffffff") == '"#ffffff"'
    assert quote("node") == '"node"'  # a DOT keyword
    assert quote('a "b" \\ c\nd') == '"a \\"b\\" \\\\ c\\nd"'
    assert quote("<<b>x</b>>") == "<<b>x</b>>"


def test_html_text_is_escaped_and_control_characters_become_spaces():
    assert escape("a<b & c>") == "a&lt;b &amp; c&gt;"
    assert escape("x\ny\x01z") == "x y z"
    assert escape("\\N") == "\\\u200bN"  # not Graphviz's node-name placeholder


def test_attribute_lists_put_the_label_first_and_skip_none():
    assert attr_list({"shape": "box", "label": "<x>", "group": None, "color": "#fff"}) == (
        '[label=<x> shape=box color="#fff"]')


def test_html_labels_have_a_bold_title_and_one_row_per_line():
    assert html_label("t") == "<<b>t</b>>"
    label = html_label("t", ["a"], ["g"], ["w"], ["n"], aside="s")
    assert label.count("<tr>") == 5 and label.index(">a<") < label.index(">g<") < label.index(">n<") < label.index(
        "><b>w</b><")
    assert f'color="{style.MUTED}">s</font>' in label and f'color="{style.GRAD_TEXT}">g<' in label
    white = html_label("t", ["a"], ["g"], ink="#ffffff")
    assert style.MUTED not in white and style.GRAD_TEXT not in white and white.count("#ffffff") == 2
    assert rows(["one"]) == "one"


def test_a_bold_title_with_underscores_does_not_touch_the_next_line(tmp_path, dot_program):
    image = pytest.importorskip("PIL.Image")
    label = html_label("divide_by_zero", ["div (N, 6)"])
    source = f'digraph {{ node [fontname="{style.FONT}" fontsize=11 shape=plaintext]; a [label={label}] }}'
    png = tmp_path / "title.png"
    png.write_bytes(graphviz.Source(source).pipe(format="png"))
    grey = np.asarray(image.open(png).convert("L"))
    inked = [bool((row < 160).any()) for row in grey]
    bands = sum(1 for k in range(len(inked)) if inked[k] and (k == 0 or not inked[k - 1]))
    assert bands >= 2, "the title's underscores run into the line below"

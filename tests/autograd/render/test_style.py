"""Kinds, health flags and addends are told apart by their looks."""

import re

import nodes as nd
from autograd import Constant, Input, Parameter
from autograd.render.style import (
    BORDERS,
    FLAG_ORDER,
    HEALTH,
    KINDS,
    LEGEND,
    NO_GRADIENT,
    NONFINITE_EDGE,
    RAMP,
    ZERO_EDGE,
    addend_width,
    arrow_size,
    item_attributes,
    kind_of,
    ramp,
    text_ink,
)


def test_kinds_have_shapes_of_their_own():
    assert len({k["shape"] for name, k in KINDS.items() if name != "constant"}) == len(KINDS) - 1
    assert KINDS["constant"]["style"] != KINDS["input"]["style"]  # a constant is a dashed oval


def test_kind_of_a_node():
    x = Input(name="x", shape=(None, 2))
    w = Parameter([1.0, 2.0], name="w")
    c = Constant(2.0, name="c")
    y = nd.mul(nd.mul(x, w, name="y"), c, name="z")
    total = nd.sum(y, name="total")
    assert [kind_of(n) for n in (x, w, c, y)] == ["input", "parameter", "constant", "op"]
    assert kind_of(total, roots=(total,)) == "loss" and kind_of(total) == "op"  # a scalar root
    assert kind_of(nd.mse(y, x, reduction="none", name="err")) == "loss"  # not a scalar: by its op's name


def test_edge_and_health_colours_are_distinct():
    assert RAMP[0] != NO_GRADIENT["color"] and ramp(0.0) != NO_GRADIENT["color"]
    assert ZERO_EDGE["color"] not in (NO_GRADIENT["color"], RAMP[0], NONFINITE_EDGE["color"])
    assert BORDERS["exploding"]["color"] != HEALTH["nonfinite"]["fillcolor"]
    assert BORDERS["exploding"]["color"] != BORDERS["vanishing"]["color"]
    assert len({f["fillcolor"] for f in HEALTH.values()}) == len(HEALTH)
    assert set(LEGEND) == set(FLAG_ORDER)


def test_the_colour_ramp_takes_any_float():
    for t in (float("nan"), float("inf"), -float("inf"), -1.0, 2.0):
        assert re.fullmatch(r"#[0-9a-f]{6}", ramp(t))
    assert (ramp(0.0), ramp(1.0)) == (RAMP[0], RAMP[-1]) and ramp(float("nan")) == RAMP[0]
    assert ramp(0.5) == RAMP[2]
    assert (addend_width(0.0), addend_width(1.0)) == ("1.20", "4.00")


def test_thick_edges_get_smaller_arrowheads_and_words_a_darker_ink():
    sizes = [float(arrow_size(addend_width(t))) for t in (0.0, 0.5, 1.0)]
    assert sizes[0] == 0.6 and sizes == sorted(sizes, reverse=True) and sizes[-1] < 0.4
    assert text_ink("#7ad151") == "#4c8232" and text_ink("#ffffff", keep=0.5) == "#808080"


def test_health_flags_change_the_fill_or_the_border():
    assert item_attributes("op") == KINDS["op"]
    assert item_attributes("op", ("nonfinite", "frozen"))["fillcolor"] == HEALTH["nonfinite"]["fillcolor"]
    assert item_attributes("op", ("dead_relu",))["fillcolor"] == HEALTH["dead_relu"]["fillcolor"]
    frozen = item_attributes("parameter", ("frozen",))
    assert frozen["fillcolor"] == HEALTH["frozen"]["fillcolor"] and frozen["style"] == "filled,dashed"
    vanishing = item_attributes("parameter", ("vanishing",))
    assert vanishing["color"] == BORDERS["vanishing"]["color"] and vanishing["fillcolor"] == KINDS["parameter"][
        "fillcolor"]  # the kind stays visible
    both = item_attributes("block", ("dead_relu", "exploding"))
    assert both["fillcolor"] == HEALTH["dead_relu"]["fillcolor"] and both["color"] == BORDERS["exploding"]["color"]
    assert KINDS["op"] == {"shape": "box", "style": "rounded,filled", "fillcolor": "#ffffff", "color": "#334155"}

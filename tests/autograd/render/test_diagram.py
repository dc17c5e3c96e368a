"""draw() and scene_of(): the arguments they take and the ones they refuse."""

import pytest

from autograd import Input, draw
from autograd.render import Diagram, Thresholds, scene_of
from autograd.render.scopes import UnknownName


def test_draw_returns_a_diagram_and_scene_of_its_scene(small_net):
    graph, _ = small_net
    assert isinstance(draw(graph), Diagram)
    scene = scene_of(graph, flow="backward", legend=False)
    assert scene.flow == "backward" and scene.legend is None


def test_bad_arguments_are_refused(small_net):
    graph, _ = small_net
    with pytest.raises(TypeError, match="Graph, a node or a list of nodes, got str"):
        draw("not a graph")
    with pytest.raises(TypeError):
        scene_of([])
    with pytest.raises(ValueError, match="grads must be"):
        draw(graph, grads="loud")
    with pytest.raises(ValueError, match="flow must be"):
        draw(graph, flow="sideways")
    with pytest.raises(ValueError, match="depth"):
        draw(graph, depth=-1)
    with pytest.raises(KeyError):
        draw(graph, notes={"nowhere": "x"})


def test_an_unknown_expand_scope_is_an_error_listing_the_valid_ones(small_net, nested_net):
    graph, _ = small_net
    with pytest.raises(ValueError, match=r"'fcc'.*did you mean 'fc'.*valid: 'fc'") as info:
        draw(graph, depth=0, expand=["fcc"])
    assert isinstance(info.value, KeyError)  # as a mistyped note is
    # Valid names still work, including a scope nested inside a folded one.
    assert "outer.inner.weight" in {i.name for i in scene_of(nested_net, depth=0, expand=["outer.inner"]).items()}
    with pytest.raises(ValueError, match=r"'outer.innr'.*'outer', 'outer.inner'"):
        draw(nested_net, depth=0, expand=["outer.innr"])


def test_an_unknown_note_name_is_an_error_listing_the_valid_ones(small_net):
    graph, _ = small_net
    with pytest.raises(KeyError, match=r"'ac'.*did you mean 'act'.*'fc.weight'") as info:
        draw(graph, notes={"ac": "typo"})
    assert isinstance(info.value, ValueError) and isinstance(info.value, UnknownName)  # as a mistyped scope is
    stranger = Input(name="stranger")
    with pytest.raises(KeyError, match="stranger"):
        draw(graph, notes={stranger: "not drawn"})


def test_thresholds_decide_what_is_flagged(trained_net):
    assert not any(i.flags for i in scene_of(trained_net, grads=True).items())
    loud = scene_of(trained_net, grads=True, thresholds=Thresholds(exploding=1e-6))
    assert ("exploding", "exploding gradient") in loud.item("fc.matmul").flags

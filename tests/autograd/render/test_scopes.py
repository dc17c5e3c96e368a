"""Clusters from scopes, folding with depth and expand, and names that are not on the drawing."""

import pytest

from autograd.render.scopes import Layout, UnknownName, unknown_name_error


def test_a_layout_puts_each_node_in_the_cluster_of_its_scope(nested_net):
    layout = Layout(nested_net.nodes)
    assert layout.children[()] == [("outer",), ("head",)]
    assert layout.children[("outer",)] == [("outer", "inner")]
    assert [n.name for _, n in layout.entries[("outer", "inner")]] == [
        "outer.inner.weight", "outer.inner.matmul", "outer.inner.bias", "outer.inner.add"]
    assert layout.item_of(nested_net.node("x")) == ("node", nested_net.node("x"))
    assert not layout.members and not layout.partial


def test_depth_folds_scopes_into_boxes(nested_net):
    layout = Layout(nested_net.nodes, depth=0)
    assert layout.entries[()] == [("node", nested_net.node("x")), ("box", ("outer",)), ("box", ("head",))]
    assert [n.name for n in layout.members[("head",)]] == ["head.weight", "head.matmul", "head.bias", "head.add"]
    assert layout.item_of(nested_net.node("outer.act")) == ("box", ("outer",))
    layout1 = Layout(nested_net.nodes, depth=1)
    assert layout1.entries[("outer",)] == [("box", ("outer", "inner")), ("node", nested_net.node("outer.act"))]


def test_expand_keeps_a_scope_open_and_its_parent_becomes_a_partial_box(nested_net):
    layout = Layout(nested_net.nodes, depth=0, expand=["outer.inner"])
    assert layout.partial == {("outer",)}
    assert layout.entries[("outer",)][0] == ("box", ("outer",))  # the rest of outer, inside outer's cluster
    assert ("box", ("outer",)) not in layout.entries[()]
    assert layout.item_of(nested_net.node("outer.inner.add"))[0] == "node"
    assert Layout(nested_net.nodes, depth=0, expand="outer").item_of(nested_net.node("outer.act"))[0] == "node"
    assert Layout(nested_net.nodes, depth=0, expand=[("outer",)]).partial == set()


def test_an_unknown_expand_scope_is_an_error_listing_the_valid_ones(small_net, nested_net):
    graph, _ = small_net
    with pytest.raises(ValueError, match=r"'fcc'.*did you mean 'fc'.*valid: 'fc'") as info:
        Layout(graph.nodes, depth=0, expand=["fcc"])
    assert isinstance(info.value, KeyError) and isinstance(info.value, UnknownName)
    with pytest.raises(ValueError, match=r"'outer.innr'.*'outer', 'outer.inner'"):
        Layout(nested_net.nodes, depth=0, expand=["outer.innr"])
    with pytest.raises(ValueError, match="depth"):
        Layout(graph.nodes, depth=-1)


def test_the_list_of_valid_names_is_cut_short():
    error = unknown_name_error("notes name a node", "zz", [f"n{k:02}" for k in range(40)], limit=3)
    assert str(error) == "notes name a node 'zz' is not on the drawing (valid: 'n00', 'n01', 'n02', ... (37 more))"
    assert "valid: none" in str(unknown_name_error("expand names a scope", "a", []))

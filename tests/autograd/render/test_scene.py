"""The scene's own questions: walking its clusters and finding items and edges by name."""

import pytest

from autograd.render import scene_of
from autograd.render.scene import Cluster, Edge, Item, Scene


def test_a_scene_walks_its_clusters_depth_first():
    inner = Cluster(("a", "b"), items=[Item("n2", "a.b.z", "op", "z")])
    a = Cluster(("a",), items=[Item("n1", "a.y", "op", "y")], clusters=[inner])
    c = Cluster(("c",), items=[Item("n3", "c.w", "op", "w")])
    scene = Scene(Cluster((), items=[Item("n0", "x", "input", "x")], clusters=[a, c]),
                  [Edge("n0", "n1", "(2,)"), Edge("n1", "n2", "(2,)"), Edge("n0", "n1", "(2,)")])
    assert [cl.path for cl in scene.clusters()] == [(), ("a",), ("a", "b"), ("c",)]
    assert [i.name for i in scene.items()] == ["x", "a.y", "a.b.z", "c.w"]
    assert scene.item("a.b.z").title == "z" and scene.cluster("a.b") is inner and scene.cluster(("c",)) is c
    assert len(scene.edges_between("x", "a.y")) == 2 and scene.edges_between("a.y", "x") == []
    assert (inner.label, scene.root.label) == ("b", "")
    with pytest.raises(KeyError):
        scene.item("nowhere")
    with pytest.raises(KeyError):
        scene.cluster("a.nowhere")


def test_a_scene_is_plain_data(trained_net):
    """No nodes or arrays in it: words, numbers, tuples and lists of its own classes."""
    scene = scene_of(trained_net, grads=True, depth=0, title="t")
    allowed = (str, int, float, bool, type(None))

    def check(value):
        if isinstance(value, (tuple, list)):
            for v in value:
                check(v)
        elif hasattr(value, "__slots__") and type(value).__module__ == "autograd.render.scene":
            for name in value.__slots__:
                check(getattr(value, name))
        else:
            assert isinstance(value, allowed), f"{type(value).__name__} in the scene"

    check(scene)

"""The scene laid out by dot: no edge's words run into another's, into a node, an arrowhead or an edge line."""

import numpy as np
import pytest

import autograd as ag
import nodes as nd
from autograd import Graph, Input, Parameter, scope
from autograd.demo import models
from autograd.render import scene_of

from .layout import Box, collisions, layout_of


def residual_shared():
    """The gallery's residual DAG: two blocks share one weight, a skip adds around the second (fixed seed)."""
    rng = np.random.default_rng(1)
    x = Input(name="x", shape=(None, 8))
    labels = Input(name="labels", shape=(None,), dtype=np.int64)
    shared = Parameter(rng.standard_normal((8, 8)) * 0.4, name="shared_w")
    with scope("block1"):
        h1 = nd.relu(nd.add(nd.matmul(x, shared, name="matmul"), Parameter(np.zeros(8), name="bias"), name="add"),
                     name="relu")
    with scope("block2"):
        h2 = nd.relu(nd.add(nd.matmul(h1, shared, name="matmul"), Parameter(np.zeros(8), name="bias"), name="add"),
                     name="relu")
    logits = nd.Linear(8, 3, name="head", rng=rng)(nd.add(h1, h2, name="skip"))
    graph = Graph(nd.softmax_cross_entropy(logits, labels, name="loss"))
    graph.forward({"x": rng.standard_normal((16, 8)), "labels": rng.integers(0, 3, 16)})
    graph.backward(keep_addends=True, update=False)
    return graph


def teaching():
    """The gallery's backward pass: f1 used by h1 and h2, every number written."""
    x = Input(name="x", shape=(None, 2))
    w, b = Parameter([0.5, -1.0], name="w"), Parameter([1.0, 1.0], name="b")
    f1, f2 = nd.mul(x, w, name="f1"), nd.sub(b, x, name="f2")
    graph = Graph(nd.add(nd.mul(f1, f2, name="h1"), nd.add(f1, f2, name="h2"), name="G"))
    graph.forward({"x": np.array([[1.0, 2.0]])})
    graph.backward(keep_addends=True, update=False)
    return graph


def model(name):
    """A demo model after one backward pass on 8 random images (fixed seed)."""
    m = models.build(name, seed=0)
    labels = ag.Input("labels", shape=(None,), dtype=np.int64)
    graph = Graph(nd.softmax_cross_entropy(m.logits, labels, name="loss"))
    rng = np.random.default_rng(0)
    graph.forward({"image": rng.random((8, 28, 28), dtype=np.float32), "labels": rng.integers(0, 10, 8)})
    graph.backward(keep_addends=True, update=False)
    return graph


DRAWINGS = {
    "residual": lambda: scene_of(residual_shared(), grads=True),
    "teaching": lambda: scene_of(teaching(), grads=True, values=True, flow="backward", edge_shapes=False),
    "mlp": lambda: scene_of(model("mlp"), grads=True),
    "cnn": lambda: scene_of(model("cnn"), grads=True),
    "vit": lambda: scene_of(model("vit"), grads=True, depth=0, expand=["block1"]),
    "shapes": lambda: scene_of(residual_shared()),
}


@pytest.mark.parametrize("name", sorted(DRAWINGS))
def test_no_label_runs_into_anything(name, dot_program):
    scene = DRAWINGS[name]()
    layout = layout_of(scene)
    words = [e for e in scene.edges if e.label_at]
    assert words and sum(len(b) for b in layout.labels.values()) >= len(words)  # every label was laid out
    assert collisions(layout) == []


def test_every_edge_that_carries_an_addend_says_its_norm_in_the_middle_of_the_edge(dot_program):
    scene = scene_of(residual_shared(), grads=True)
    sent = [e for e in scene.edges if e.addend.sent]
    assert sent and all(e.show_addend and e.label_at == "label" for e in sent)
    beside = [e for e in sent if e.beside]
    assert beside  # a parameter's edge says its number too


def test_the_checks_find_what_runs_into_what():
    # Guards the test above against passing vacuously.
    a, b = Box(0, 0, 10, 10, "a"), Box(5, 5, 15, 15, "b")
    assert a.overlaps(b) and not a.overlaps(Box(10, 0, 20, 10, "touching"))
    from .layout import Layout

    crowded = Layout(nodes={"n0": Box(0, 0, 10, 10, "node")}, node_texts={"n0": [Box(2, 2, 8, 8, "text")]},
                     labels={"e0": [Box(8, 8, 20, 12, "label 0")], "e1": [Box(18, 11, 30, 14, "label 1")]},
                     arrows={"e2": [Box(6, 6, 9, 9, "arrow")]}, lines={"e3": [(25, 13, 1.0)]})
    found = collisions(crowded)
    assert ("label 0", "label 1") in found and ("label 0", "node") in found and ("label 0", "arrow") in found
    assert ("label 1", "line of e3") in found and ("arrow", "text") in found

"""Graphs the render tests draw, each built afresh for every test from fixed seeds."""

import shutil

import numpy as np
import pytest

import nodes as nd
from autograd import SGD, Graph, Input, Parameter, scope


@pytest.fixture
def small_net():
    """(graph, feeds): x (N, 3) -> fc (Linear 3->2) -> relu 'act' -> softmax cross-entropy 'loss'."""
    rng = np.random.default_rng(0)
    x = Input(name="x", shape=(None, 3))
    labels = Input(name="labels", shape=(None,), dtype=np.int64)
    fc = nd.Linear(3, 2, name="fc", rng=rng)
    h = nd.relu(fc(x), name="act")
    loss = nd.softmax_cross_entropy(h, labels, name="loss")
    graph = Graph(loss, rule=SGD(0.1))
    feeds = {"x": rng.standard_normal((5, 3)), "labels": rng.integers(0, 2, 5)}
    return graph, feeds


@pytest.fixture
def trained_net(small_net):
    """`small_net`'s graph after a forward pass and a backward pass that kept its addends."""
    graph, feeds = small_net
    graph.forward(feeds)
    graph.backward(keep_addends=True, update=False)
    return graph


@pytest.fixture
def nested_net():
    """x -> outer (a Linear 'inner', then relu 'act') -> head (a Linear): clusters two deep."""
    rng = np.random.default_rng(1)
    x = Input(name="x", shape=(None, 3))
    with scope("outer"):
        a = nd.Linear(3, 3, name="inner", rng=rng)(x)
        b = nd.relu(a, name="act")
    out = nd.Linear(3, 2, name="head", rng=rng)(b)
    return Graph(out)


@pytest.fixture
def teaching_net():
    """f = x * w with x = [[1, -1]], w = [2, 3], after a backward pass that kept its addends."""
    x = Input(name="x", shape=(None, 2))
    w = Parameter([2.0, 3.0], name="w")
    graph = Graph(nd.mul(x, w, name="f"))
    graph.forward({"x": np.array([[1.0, -1.0]])})
    graph.backward(keep_addends=True, update=False)
    return graph


@pytest.fixture
def sick_net():
    """A graph with every health problem: a frozen weight, a dead ReLU, a vanishing gradient, a NaN."""
    rng = np.random.default_rng(2)
    x = Input(name="x", shape=(None, 3))
    frozen = Parameter(rng.standard_normal((3, 3)), name="frozen", frozen=True)
    live = Parameter(rng.standard_normal((3, 3)), name="live")
    dead = nd.relu(nd.sub(nd.matmul(x, frozen, name="mm"), 1e3, name="shift"), name="dead")
    tiny = nd.mul(nd.matmul(x, live, name="mm2"), 1e-12, name="tiny")
    broken = nd.div(x, nd.sub(x, x, name="zero"), name="broken")
    graph = Graph(nd.add(dead, tiny, name="out"), broken)
    with np.errstate(all="ignore"):
        graph.forward({"x": rng.standard_normal((4, 3))})
        graph.backward(update=False)
    return graph


@pytest.fixture
def sick_blocks():
    """Two scopes: 'dying' holds a dead ReLU, 'quiet' a vanishing gradient (backward without addends)."""
    rng = np.random.default_rng(0)
    x = Input(name="x", shape=(None, 3))
    with scope("dying"):
        w = Parameter(rng.standard_normal((3, 3)), name="weight")
        dead = nd.relu(nd.sub(nd.matmul(x, w, name="matmul"), 1e3, name="shift"), name="relu")
    with scope("quiet"):
        v = Parameter(rng.standard_normal((3, 3)), name="weight")
        tiny = nd.mul(nd.matmul(x, v, name="matmul"), 1e-12, name="scale")
    graph = Graph(nd.add(dead, tiny, name="out"))
    graph.forward({"x": rng.standard_normal((4, 3))})
    graph.backward(update=False)
    return graph


@pytest.fixture
def zero_addend_net():
    """A dead ReLU sends back zeros; the same weight also feeds a live branch 'mm2'."""
    rng = np.random.default_rng(0)
    x = Input(name="x", shape=(None, 3))
    w = Parameter(rng.standard_normal((3, 3)), name="w")
    dead = nd.relu(nd.sub(nd.matmul(x, w, name="mm"), 1e3, name="shift"), name="dead")
    graph = Graph(nd.add(dead, nd.matmul(x, w, name="mm2"), name="out"))
    graph.forward({"x": rng.standard_normal((4, 3))})
    graph.backward(keep_addends=True, update=False)
    return graph


@pytest.fixture
def dividing_net():
    """dividing_net(x_value): loss = mean(x / w) with w = [1, 0], so the addend sent to w holds inf
    (x of ones) or NaN (x of zeros); after a backward pass that kept its addends."""

    def make(x_value):
        x = Input(name="x", shape=(None, 2))
        w = Parameter([1.0, 0.0], name="w")
        loss = nd.mean(nd.div(x, w, name="q"), name="loss")
        graph = Graph(loss)
        with np.errstate(all="ignore"):
            graph.forward({"x": x_value})
            graph.backward(keep_addends=True, update=False)
        return graph

    return make


@pytest.fixture
def chain_graph():
    """chain_graph(length): x * w, then `length` additions of a constant, then a mean; after backward."""

    def make(length):
        x = Input(name="x", shape=(None, 2))
        w = Parameter(np.ones(2), name="w")
        y = nd.mul(x, w)
        for _ in range(length):
            y = nd.add(y, 1.0)
        graph = Graph(nd.mean(y))
        graph.forward({"x": np.ones((3, 2))})
        graph.backward(keep_addends=True, update=False)
        return graph

    return make


@pytest.fixture
def dot_program():
    """Graphviz's `dot`, which pictures need (the install script installs it)."""
    if shutil.which("dot") is None:
        pytest.fail("Graphviz's dot program is not installed: scripts/install.sh installs it")


@pytest.fixture
def without_dot(tmp_path, monkeypatch):
    """A PATH on which no `dot` program can be found."""
    empty = tmp_path / "empty_bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    return empty


@pytest.fixture
def shared_weight_net():
    """x @ w @ w: one weight used by two matmuls 'first' and 'second'; after backward with addends."""
    rng = np.random.default_rng(3)
    x = Input(name="x", shape=(None, 4))
    w = Parameter(rng.standard_normal((4, 4)), name="w")
    first = nd.matmul(x, w, name="first")
    second = nd.matmul(first, w, name="second")
    graph = Graph(second)
    graph.forward({"x": rng.standard_normal((2, 4))})
    graph.backward(keep_addends=True, update=False)
    return graph


@pytest.fixture
def fanning_net():
    """h = tanh(p) feeds relu 'a' and sigmoid 'b', added in 'ab' and summed in 'total'; after backward."""
    p = Parameter([0.5, -1.0, 2.0], name="p")
    h = nd.tanh(p, name="h")
    both = nd.add(nd.relu(h, name="a"), nd.sigmoid(h, name="b"), name="ab")
    graph = Graph(nd.sum(both, name="total"))
    graph.forward({})
    graph.backward(keep_addends=True, update=False)
    return graph

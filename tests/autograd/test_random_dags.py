"""Property test: backward agrees with finite differences on random DAGs.

Each example wires a random DAG from elementwise, matmul and reduction nodes
over two inputs and two parameters, with fan-out (a node used by several
successors), a weight shared by two or more matmuls, and several roots, then
checks the whole graph with `gradcheck` in float64. The values stay well
conditioned: exponentials and logs only of bounded arguments, divisions only
by values in (0.5, 1.5).
"""

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import nodes as nd
from autograd import Graph, Input, Parameter, ShapeError, default_dtype, gradcheck
from nodes.math import broadcast_shape

ROWS, WIDTH = 3, 4


def _unary(draw, a):
    kind = draw(st.sampled_from(["tanh", "sigmoid", "gelu", "exp_tanh", "log_positive", "scale", "neg", "square"]))
    if kind == "tanh":
        return nd.tanh(a)
    if kind == "sigmoid":
        return nd.sigmoid(a)
    if kind == "gelu":
        return nd.gelu(a)
    if kind == "exp_tanh":
        return nd.exp(nd.tanh(a))
    if kind == "log_positive":
        return nd.log(nd.sigmoid(a) + 0.5)
    if kind == "scale":
        return a * draw(st.sampled_from([0.5, -1.5, 2.0]))
    if kind == "neg":
        return -a
    return a * a


def _binary(draw, a, b):
    kind = draw(st.sampled_from(["add", "sub", "mul", "div_positive"]))
    if kind == "add":
        return a + b
    if kind == "sub":
        return a - b
    if kind == "mul":
        return a * b
    return a / (nd.sigmoid(b) + 0.5)


def _reduction(draw, a):
    reduce = draw(st.sampled_from([nd.sum, nd.mean, nd.max]))
    axis = draw(st.sampled_from([None, *range(len(a.shape))]))
    keepdims = draw(st.booleans())
    return reduce(a, axis=axis, keepdims=keepdims)


def _broadcastable(a, b):
    try:
        broadcast_shape(a, b)
    except ShapeError:
        return False
    return True


def _build(draw):
    """The roots of a random DAG."""
    with default_dtype(np.float64):
        x = Input("x", shape=(ROWS, WIDTH))
        y = Input("y", shape=(ROWS, WIDTH))
        weight = Parameter(np.zeros((WIDTH, WIDTH)), name="weight")
        bias = Parameter(np.zeros(WIDTH), name="bias")
        # From the start two matmuls share the weight and h feeds two nodes;
        # the random part below adds more of both.
        h = nd.tanh(x @ weight + bias)
        pool = [x, y, h, nd.tanh(h) @ weight, h * y]
        for _ in range(draw(st.integers(3, 10))):
            pick = st.sampled_from(pool)
            op = draw(st.sampled_from(["unary", "binary", "matmul", "reduce"]))
            a = draw(pick)
            if op == "unary":
                pool.append(_unary(draw, a))
            elif op == "binary":
                partners = [n for n in pool if _broadcastable(a.shape, n.shape)]
                pool.append(_binary(draw, a, draw(st.sampled_from(partners))))
            elif op == "matmul" and len(a.shape) == 2 and a.shape[-1] == WIDTH:
                pool.append(nd.tanh(a) @ weight)
            elif op == "reduce" and len(a.shape) >= 1:
                pool.append(_reduction(draw, a))
        # Every node no other node uses is a root (so nothing built is dropped),
        # and sometimes an inner node too: a root below another root. There
        # are always several roots: with a single free one, an inner one joins it.
        computed = pool[2:]
        used = {id(i) for n in computed for i in n.inputs}
        roots = [n for n in computed if id(n) not in used]
        inner = [n for n in computed if id(n) in used]
        roots += draw(st.lists(st.sampled_from(inner), min_size=1 if len(roots) < 2 else 0, max_size=1))
    return roots


@settings(max_examples=50, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data(), st.integers(0, 2**31 - 1))
def test_random_dags_pass_gradcheck(data, seed):
    roots = _build(data.draw)
    assert len(roots) >= 2
    graph = Graph(*roots)
    rng = np.random.default_rng(seed)
    for p in graph.parameters:
        p.value[...] = rng.standard_normal(p.value.shape) * 0.5
    feeds = {i.name: rng.standard_normal(i.shape) for i in graph.inputs}
    report = gradcheck(graph, feeds, tolerance=1e-5)
    assert report.ok
    assert "weight" in {row[0] for row in report.rows}


def test_a_hand_built_dag_with_fan_out_shared_weight_and_two_roots():
    with default_dtype(np.float64):
        x = Input("x", shape=(ROWS, WIDTH))
        weight = Parameter(np.random.default_rng(1).standard_normal((WIDTH, WIDTH)), name="weight")
        h = nd.tanh(x @ weight)  # used three times below
        g = nd.sigmoid(h) @ weight  # the weight again
        loss = nd.mean(h * g) + nd.sum(nd.max(h, axis=1))
        side = h - nd.mean(g, axis=0, keepdims=True)
    report = gradcheck([loss, side], {"x": np.random.default_rng(2).standard_normal((ROWS, WIDTH))})
    assert [row[0] for row in report.rows] == ["x", "weight"]

import numpy as np
import pytest

import nodes as nd
from autograd import Graph, Input, Parameter, ShapeError, default_dtype
from nodes.connection.embedding import EmbeddingScatter
from tests.nodes.gradcases import GradCase, randn


def _lookup(idx):
    """Checks dG/dtable; the indices are fed as an integer input."""
    return nd.embedding(idx, Parameter(randn(5, 3, seed=2), name="table"))


REPEATED = np.array([[0, 2, 2], [4, 0, 2]])  # 2 appears three times, 0 twice

CASES = [
    GradCase("embedding-repeated-indices", _lookup, (REPEATED,)),
    GradCase("embedding-1d-indices", _lookup, (np.array([3, 1, 3, 3]),)),
    GradCase(
        "positional-embedding",
        lambda x: nd.PositionalEmbedding(3, 4, name="pos", rng=np.random.default_rng(1))(x),
        (randn(2, 3, 4),),
    ),
    GradCase(
        "embedding-layer-then-positions",
        lambda idx: nd.PositionalEmbedding(3, 2, rng=np.random.default_rng(1))(
            nd.Embedding(4, 2, rng=np.random.default_rng(2))(idx)
        ),
        (np.array([[1, 1, 3], [0, 1, 1]]),),
    ),
    # Curved in the table, so that second derivatives are not all 0.
    GradCase("embedding-then-tanh", lambda idx: nd.tanh(_lookup(idx)), (REPEATED,)),
    # The lookup's adjoint, which its vjp builds: rows of a added into zeros like the table.
    GradCase("embedding-scatter", lambda a, idx, t: nd.tanh(EmbeddingScatter(a, idx, t)),
             (randn(2, 3, 4), REPEATED, randn(5, 4, seed=3)), wrt_inputs=(0,)),
]


def test_forward_picks_table_rows():
    table = randn(6, 4)
    idx = np.array([[5, 0], [0, 3]])
    with default_dtype(np.float64):
        ids = Input("ids", dtype=np.int64)
        out = nd.embedding(ids, Parameter(table, name="t"))
    got = Graph(out).forward(ids=idx)
    for n in range(2):
        for t in range(2):
            np.testing.assert_array_equal(got[n, t], table[idx[n, t]])


def test_repeated_indices_accumulate_in_the_table_gradient():
    table = randn(4, 3)
    idx = np.array([[1, 1, 1], [2, 1, 0]])
    with default_dtype(np.float64):
        ids = Input("ids", dtype=np.int64)
        p = Parameter(table, name="t")
        graph = Graph(nd.embedding(ids, p))
    seed = randn(2, 3, 3, seed=5)
    graph.forward(ids=idx)
    graph.backward(seed=seed, update=False)
    expected = np.zeros_like(table)
    for n in range(2):
        for t in range(3):
            expected[idx[n, t]] += seed[n, t]
    np.testing.assert_allclose(p.grad, expected, rtol=1e-12)
    assert np.all(p.grad[3] == 0)  # a row no index picks gets nothing


def test_out_of_range_and_float_indices_are_refused():
    ids = Input("ids", dtype=np.int64)
    graph = Graph(nd.embedding(ids, Parameter(np.zeros((3, 2)), name="t")))
    with pytest.raises(Exception, match=r"\[0, 3\)"):
        graph.forward(ids=np.array([[0, 3]]))
    floats = Input("floats")  # a float input: the node itself must refuse it
    with pytest.raises(Exception, match="integers"):
        Graph(nd.embedding(floats, Parameter(np.zeros((3, 2)), name="t"))).forward(floats=np.array([[0.0, 1.0]]))


def test_embedding_and_positions_are_named_in_their_scopes():
    ids = Input("ids", shape=(None, 5), dtype=np.int64)
    x = nd.PositionalEmbedding(5, 8, name="pos")(nd.Embedding(10, 8, name="tok")(ids))
    assert x.shape == (None, 5, 8)
    names = sorted(p.name for p in Graph(x).parameters)
    assert names == ["pos.positions", "tok.table"]


def test_a_table_that_is_not_a_matrix_is_refused_when_wired():
    with pytest.raises(ShapeError, match="vocab, dim"):
        nd.embedding(Input("ids", shape=(None, 2), dtype=np.int64), Parameter(np.zeros(3), name="t"))

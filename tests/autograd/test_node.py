"""The node protocol: naming, scopes, shape inference, repr, as_node, Constant's dtypes and Input's feeding rules."""

import re

import numpy as np
import pytest

import autograd as ag
import nodes as nd
from autograd.node import as_node


class Pair(ag.Node):
    """Two inputs of one shape; `infer_shape` refuses others (for the wiring tests)."""

    op = "pair_probe"

    def forward(self, a, b):
        return a + b

    def infer_shape(self, a, b):
        if a != b:
            raise ag.ShapeError(f"shapes {a} and {b} differ")
        return list(a)  # a list on purpose: the node stores a tuple


# -- names and scopes ---------------------------------------------------------


def test_unnamed_nodes_are_named_after_their_operation_and_counted():
    class Fresh(ag.Node):
        op = "op_named_only_in_this_test"

    first, second = Fresh(), Fresh()
    assert (first.name, second.name) == ("op_named_only_in_this_test_0", "op_named_only_in_this_test_1")


def test_a_node_made_in_a_scope_is_prefixed_and_remembers_the_scope():
    with ag.scope("encoder"), ag.scope("layer"):
        x = ag.Input("x")
    assert x.name == "encoder.layer.x" and x.scope == ("encoder", "layer")
    outside = ag.Input("y")
    assert outside.name == "y" and outside.scope == ()


def test_a_bad_node_name_is_refused():
    with pytest.raises(ValueError, match="a node name must be a non-empty string without '/'"):
        ag.Input("a/b")


# -- shape inference ----------------------------------------------------------


def test_the_shape_is_inferred_from_the_inputs_when_they_are_known():
    a, b = ag.Input("a", shape=(None, 3)), ag.Input("b", shape=(None, 3))
    assert Pair(a, b).shape == (None, 3)
    assert Pair(a, ag.Input("c")).shape is None  # an input of unknown shape: nothing to infer
    assert ag.Node(a).shape is None  # the default rule cannot tell


def test_a_shape_the_rule_refuses_is_reported_when_wired_naming_the_node_and_its_inputs():
    a, b = ag.Input("a", shape=(None, 3)), ag.Input("b", shape=(2,))
    with pytest.raises(ag.ShapeError, match=r"^node 'wired' \(pair_probe\) with inputs 'a' \(N, 3\), 'b' \(2,\): "
                                            r"shapes \(None, 3\) and \(2,\) differ \(found at wiring\)$"):
        Pair(a, b, name="wired")


def test_a_shape_mismatch_is_reported_when_wired_if_shapes_are_known():
    a = ag.Input("a", shape=(None, 3))
    w = ag.Parameter(np.zeros((4, 2)), name="w")
    with pytest.raises(ag.ShapeError, match=r"'a' \(N, 3\), 'w' \(4, 2\).*inner sizes 3 and 4"):
        nd.matmul(a, w)


# -- the protocol and repr ----------------------------------------------------


def test_a_node_without_forward_or_backward_says_so():
    class Bare(ag.Node):
        pass

    bare = Bare(ag.Input("x"))
    with pytest.raises(NotImplementedError, match="Bare has no forward"):
        bare.forward(1.0)
    with pytest.raises(NotImplementedError, match="Bare has no backward"):
        bare.backward(1.0)
    assert not bare.is_leaf and ag.Input("leaf").is_leaf


def test_repr_shows_the_class_name_and_the_static_shape_then_the_value_s():
    node = Pair(ag.Input("a", shape=(None, 2)), ag.Input("b", shape=(None, 2)), name="p")
    assert repr(node) == "<Pair 'p' shape=(None, 2)>"
    node.value = np.zeros((5, 2))
    assert repr(node) == "<Pair 'p' shape=(5, 2)>"


def test_nodes_hash_by_identity():
    a = ag.Input("a")
    assert len({a, a, ag.Input("b")}) == 2


# -- as_node and Constant -----------------------------------------------------


def test_as_node_passes_nodes_through_and_wraps_numbers_and_arrays():
    x = ag.Input("x")
    assert as_node(x) is x
    for value in (2, 2.5, np.float32(1.5), np.int64(2), np.arange(3), [1, 2], (1.0, 2.0)):
        node = as_node(value)
        assert isinstance(node, ag.Constant)
        np.testing.assert_array_equal(node.value, np.asarray(value))


@pytest.mark.parametrize("bad", ["a string", None, {"a": 1}])
def test_as_node_refuses_anything_else_by_type(bad):
    with pytest.raises(ag.GraphError, match=f"cannot use {type(bad).__name__} .* as a node input"):
        as_node(bad)


@pytest.mark.parametrize("value", [3, 2.5, [1, 2], np.arange(3), np.ones(2, np.float64), np.ones(2, np.uint8)])
def test_numbers_and_integer_or_float_arrays_become_constants_of_the_default_float_dtype(value):
    assert ag.Constant(value).value.dtype == np.float32  # the process default
    with ag.default_dtype(np.float64):
        assert ag.Constant(value).value.dtype == np.float64


def test_boolean_constants_stay_boolean_and_a_given_dtype_wins():
    assert ag.Constant(np.array([True, False])).value.dtype == np.bool_
    assert ag.Constant([1, 2], dtype=np.int64).value.dtype == np.int64
    assert ag.Constant([0.0, 1.0], dtype=bool).value.tolist() == [False, True]


def test_a_constant_has_the_shape_of_its_array_and_never_requires_a_gradient():
    c = ag.Constant(np.zeros((2, 3)), name="c")
    assert c.shape == (2, 3) and c.name == "c" and c.is_leaf
    assert c.requires_grad is False
    with pytest.raises(AttributeError):
        c.requires_grad = True
    assert c.backward(np.ones((2, 3))) == ()


def test_numpy_float64_scalars_keep_a_float32_graph_float32():
    x = ag.Input("x")
    graph = ag.Graph(nd.clip(x / np.sqrt(4.0) * np.float64(0.5), np.float64(0), 1) + [1, 2])
    assert graph.forward(x=np.ones(2, np.float32)).dtype == np.float32


# -- Input: dtype and feeding ---------------------------------------------------


def test_an_input_takes_the_default_float_dtype_unless_told_and_stores_requires_grad_as_a_bool():
    assert ag.Input("x").dtype == np.float32
    with ag.default_dtype(np.float64):
        assert ag.Input("x").dtype == np.float64
    assert ag.Input("labels", dtype=np.int64).dtype == np.int64
    assert ag.Input("x", requires_grad=1).requires_grad is True and ag.Input("y").requires_grad is False


@pytest.mark.parametrize(("dtype", "value"), [
    (np.float32, np.array([1.5, 2.5])),
    (np.float32, np.array([1, 2], np.int64)),  # numbers of any kind become floats
    (np.float32, np.array([True, False])),
    (np.float64, [0.5, 1]),  # a list
    (np.int64, np.array([3, 4], np.int32)),  # integer labels stay integers, in the input's width
    (np.int64, np.array([3, 4], np.uint8)),
    (np.bool_, np.array([True, False])),
])
def test_a_feed_of_an_accepted_kind_is_converted_to_the_input_dtype(dtype, value):
    x = ag.Input("x", dtype=dtype)
    x.feed(value)
    assert x.value.dtype == dtype
    np.testing.assert_array_equal(x.value, np.asarray(value).astype(dtype))


@pytest.mark.parametrize(("dtype", "value", "kind"), [
    (np.int64, np.array([0.5, 1.5]), "float64"),  # floats for labels
    (np.int64, np.array([True]), "bool"),
    (np.bool_, np.array([1, 0]), "int64"),
    (np.float32, np.array(["a"]), "<U1"),
    (np.float32, np.array([object()]), "object"),
])
def test_a_feed_of_another_kind_is_refused_naming_the_input_and_both_dtypes(dtype, value, kind):
    x = ag.Input("x", dtype=dtype)
    with pytest.raises(ag.FeedError, match=rf"input 'x' .* expects {np.dtype(dtype)} values, got {kind}"):
        x.feed(value)
    assert x.value is None


def test_the_declared_shape_is_checked_with_none_for_any_size():
    x = ag.Input("x", shape=(None, 3))
    for rows in (0, 1, 7):
        x.feed(np.zeros((rows, 3)))
    for wrong in ((2, 4), (3,), (2, 3, 1)):
        with pytest.raises(ag.FeedError, match=r"'x' \(declared shape \(N, 3\).*fed shape " + re.escape(str(wrong))):
            x.feed(np.zeros(wrong))
    ag.Input("free").feed(np.zeros((2, 5, 7)))  # no declared shape: any shape


def test_a_feed_of_the_wrong_shape_names_the_input_and_both_shapes(affine):
    with pytest.raises(ag.FeedError, match=r"'x' \(declared shape \(N, 3\).*fed shape \(4, 5\)"):
        affine.graph.forward(x=np.zeros((4, 5)))


def test_a_feed_of_the_wrong_kind_is_refused(affine):
    labels = ag.Input("labels", dtype=np.int64)
    graph = ag.Graph(labels + 1)
    with pytest.raises(ag.FeedError, match="expects int64 values, got float64"):
        graph.forward(labels=np.array([0.5, 1.5]))
    with pytest.raises(ag.FeedError, match="expects float32"):
        affine.graph.forward(x=np.array([["a", "b", "c"]]))


def test_float_feeds_become_the_input_dtype(affine):
    out = affine.graph.forward(x=np.ones((2, 3), dtype=np.float64))
    assert affine.x.value.dtype == np.float32 and out.dtype == np.float32

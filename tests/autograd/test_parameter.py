"""Parameters: an own copy of the value, its dtype, freezing, the name from its block, and the rule it is updated by."""

import numpy as np
import pytest

import autograd as ag


class Holder(ag.Block):
    """A block with one parameter attribute, to name it."""

    def __init__(self, name):
        super().__init__(name)
        self.weight = ag.Parameter(np.ones(2), name="ignored_inside_a_block")


# -- the value ------------------------------------------------------------------


def test_the_value_is_an_own_copy_of_the_array_given():
    source = np.array([1.0, 2.0], dtype=np.float32)
    p = ag.Parameter(source)
    source[0] = 99.0
    assert p.value.tolist() == [1.0, 2.0] and p.value is not source


def test_the_value_takes_the_default_float_dtype_unless_told():
    assert ag.Parameter([1, 2]).value.dtype == np.float32
    with ag.default_dtype(np.float64):
        assert ag.Parameter([1, 2]).value.dtype == np.float64
    assert ag.Parameter(np.ones(2, np.float32), dtype=np.float64).value.dtype == np.float64


def test_shape_size_and_repr_come_from_the_value():
    p = ag.Parameter(np.zeros((3, 4)), name="table")
    assert p.shape == (3, 4) and p.size == 12 and p.is_leaf
    assert repr(p) == "<Parameter 'table' shape=(3, 4) float32>"


# -- freezing -------------------------------------------------------------------


def test_a_parameter_requires_a_gradient_until_frozen():
    p = ag.Parameter(1.0)
    assert p.requires_grad and not p.frozen
    p.freeze()
    assert p.frozen and not p.requires_grad
    p.unfreeze()
    assert p.requires_grad
    assert ag.Parameter(1.0, frozen=True).requires_grad is False


def test_a_frozen_parameter_is_left_out_of_the_backward_pass_until_unfrozen():
    w = ag.Parameter(np.ones(2), name="w", frozen=True)
    v = ag.Parameter(np.ones(2), name="v")
    graph = ag.Graph(w * v)
    graph.forward()
    graph.backward(update=False)
    assert w.grad is None and v.grad.tolist() == [1.0, 1.0]
    w.unfreeze()
    graph.forward()
    graph.backward(update=False)
    assert w.grad.tolist() == [1.0, 1.0]


# -- names and scopes ---------------------------------------------------------


def test_a_free_parameter_keeps_the_name_and_scope_it_was_made_with():
    with ag.scope("enc"):
        p = ag.Parameter(1.0, name="gain")
    assert p.name == "enc.gain" and p.scope == ("enc",)


def test_scopes_prefix_names():
    with ag.scope("block1"), ag.scope("attn"):
        p = ag.Parameter(1.0, name="q.weight")
    assert p.name == "block1.attn.q.weight"
    assert p.scope == ("block1", "attn")


def test_a_block_s_parameter_is_named_and_scoped_by_the_block_and_the_attribute():
    holder = Holder("model")
    assert holder.weight.name == "model.weight"
    assert holder.weight.scope == ("model",)
    with ag.scope("outer"):
        nested = Holder("inner")
    assert nested.weight.name == "outer.inner.weight" and nested.weight.scope == ("outer", "inner")


# -- the rule ---------------------------------------------------------------------


def test_without_a_rule_or_lr_the_graph_s_rule_is_used_as_it_is():
    graph_rule = ag.SGD(lr=0.1)
    assert ag.Parameter(1.0).rule_for(graph_rule) is graph_rule


def test_an_own_rule_replaces_the_graph_s():
    own = ag.Adam(lr=0.001)
    assert ag.Parameter(1.0, rule=own).rule_for(ag.SGD(lr=0.1)) is own


def test_lr_derives_the_same_rule_at_that_learning_rate_and_changes_neither_rule():
    graph_rule = ag.SGD(lr=0.1, momentum=0.9)
    own = ag.Adam(lr=0.001)
    fast = ag.Parameter(1.0, lr=0.5)
    assert fast.rule_for(graph_rule) == ag.SGD(lr=0.5, momentum=0.9)
    assert ag.Parameter(1.0, rule=own, lr=0.5).rule_for(graph_rule) == ag.Adam(lr=0.5)
    assert graph_rule.lr == 0.1 and own.lr == 0.001


def test_the_derived_rule_is_made_once_per_base_rule():
    p = ag.Parameter(1.0, lr=0.5)
    first, second = ag.SGD(lr=0.1), ag.SGD(lr=0.2)
    derived = p.rule_for(first)
    assert p.rule_for(first) is derived  # the same object at every step, not a new rule each time
    other = p.rule_for(second)
    assert other is not derived and other == ag.SGD(lr=0.5)
    assert p.rule_for(first) is not derived and p.rule_for(first) == derived  # made anew for a new base


def test_an_lr_equal_to_the_rule_s_gives_the_rule_itself():
    rule = ag.SGD(lr=0.5)
    assert ag.Parameter(1.0, lr=0.5).rule_for(rule) is rule


def test_a_negative_lr_is_refused_naming_the_parameter():
    with pytest.raises(ValueError, match="parameter 'w': the learning rate must be non-negative, got -0.1"):
        ag.Parameter(1.0, name="w", lr=-0.1)
    assert ag.Parameter(1.0, lr=0.0).lr == 0.0  # zero is allowed: a parameter that does not move


def test_the_optimizer_state_starts_empty():
    assert ag.Parameter(1.0).state == {}

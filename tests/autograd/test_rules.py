"""Update rules against their formulas, written out by hand for two steps.

The steps go through the one update path (`autograd.update.apply_update`),
as in training, so weight decay is applied as it is there.
"""

import dataclasses

import numpy as np
import pytest

import autograd as ag
from autograd.update import apply_update

pytestmark = pytest.mark.usefixtures("both_kernel_paths")  # Adam's step has a compiled kernel

GRADS = [np.array([0.5, -1.0]), np.array([0.25, 2.0])]


def _two_steps(rule):
    w = ag.Parameter([1.0, 1.0], name="w", dtype=np.float64)
    for g in GRADS:
        apply_update(w, g, rule)
    return w.value


def test_sgd():
    w = _two_steps(ag.SGD(lr=0.1))
    np.testing.assert_allclose(w, 1.0 - 0.1 * (GRADS[0] + GRADS[1]))


def test_momentum():
    v1 = GRADS[0]
    v2 = 0.9 * v1 + GRADS[1]
    np.testing.assert_allclose(_two_steps(ag.SGD(lr=0.1, momentum=0.9)), 1.0 - 0.1 * (v1 + v2))


def test_nesterov():
    v1 = GRADS[0]
    v2 = 0.9 * v1 + GRADS[1]
    step1, step2 = GRADS[0] + 0.9 * v1, GRADS[1] + 0.9 * v2
    w = _two_steps(ag.SGD(lr=0.1, momentum=0.9, nesterov=True))
    np.testing.assert_allclose(w, 1.0 - 0.1 * (step1 + step2))


def test_adam_matches_the_textbook_form():
    lr, b1, b2, eps = 0.01, 0.9, 0.999, 1e-8
    w, m, v = np.array([1.0, 1.0]), 0.0, 0.0
    for t, g in enumerate(GRADS, start=1):
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        w = w - lr * (m / (1 - b1**t)) / (np.sqrt(v / (1 - b2**t)) + eps)
    np.testing.assert_allclose(_two_steps(ag.Adam(lr=lr)), w, rtol=1e-12)


def test_weight_decay_adds_to_the_gradient():
    w = _two_steps(ag.SGD(lr=0.1, weight_decay=0.5))
    expected = np.array([1.0, 1.0])
    for g in GRADS:
        expected = expected - 0.1 * (g + 0.5 * expected)
    np.testing.assert_allclose(w, expected)


@pytest.mark.parametrize("bad", [dict(lr=-1), dict(momentum=-0.1), dict(nesterov=True)])
def test_bad_sgd_settings_are_refused(bad):
    with pytest.raises(ValueError):
        ag.SGD(**bad)


def test_a_parameter_can_have_its_own_rule_and_keeps_its_state():
    w = ag.Parameter([1.0], name="w", rule=ag.Adam(lr=0.1))
    v = ag.Parameter([1.0], name="v")
    graph = ag.Graph(w + v, rule=ag.SGD(lr=0.1))
    graph.forward()
    graph.backward()
    assert set(w.state) == {"m", "v", "t"} and v.state == {}
    assert w.value[0] == pytest.approx(0.9, rel=1e-6)  # Adam's first step is lr * sign(g)
    assert v.value[0] == pytest.approx(0.9)


def test_a_parameter_with_its_own_rule_uses_that_rule_s_learning_rate():
    w = ag.Parameter([1.0], name="w", rule=ag.SGD(lr=0.001))
    v = ag.Parameter([1.0], name="v", rule=ag.SGD(lr=0.001), lr=0.25)  # Parameter.lr overrides both
    graph = ag.Graph(w + v, rule=ag.SGD(lr=0.5))
    graph.forward()
    graph.backward()
    assert w.value[0] == pytest.approx(0.999)
    assert v.value[0] == pytest.approx(0.75)


def _adam_by_hand(lr, weight_decay, decoupled):
    w = np.array([1.0, 1.0])
    m = v = 0.0
    for t, g in enumerate(GRADS, start=1):
        if decoupled:
            w = w - lr * weight_decay * w
        else:
            g = g + weight_decay * w
        m = 0.9 * m + 0.1 * g
        v = 0.999 * v + 0.001 * g * g
        w = w - lr * (m / (1 - 0.9**t)) / (np.sqrt(v / (1 - 0.999**t)) + 1e-8)
    return w


def test_adamw_weight_decay_is_decoupled():
    w = _two_steps(ag.AdamW(lr=0.01, weight_decay=0.1))
    np.testing.assert_allclose(w, _adam_by_hand(0.01, 0.1, decoupled=True), rtol=1e-12)
    with pytest.raises(ValueError):
        ag.AdamW(weight_decay=-1)


def test_adam_weight_decay_adds_to_the_gradient_as_for_every_other_rule():
    w = _two_steps(ag.Adam(lr=0.01, weight_decay=0.1))
    np.testing.assert_allclose(w, _adam_by_hand(0.01, 0.1, decoupled=False), rtol=1e-12)
    assert not np.allclose(w, _adam_by_hand(0.01, 0.1, decoupled=True))
    with pytest.raises(ValueError):
        ag.Adam(weight_decay=-1)


@pytest.mark.parametrize("rule", [ag.SGD(lr=0.1, momentum=0.9), ag.Adam(lr=0.1), ag.AdamW(lr=0.1)])
def test_rules_cannot_be_changed_only_copied(rule):
    with pytest.raises(dataclasses.FrozenInstanceError):
        rule.lr = 0.5
    faster = rule.with_lr(0.5)
    assert faster.lr == 0.5 and rule.lr == 0.1 and type(faster) is type(rule)


def test_setting_a_graph_s_learning_rate_leaves_a_shared_rule_alone():
    shared = ag.SGD(lr=0.1)
    w, v = ag.Parameter([1.0], name="w"), ag.Parameter([1.0], name="v")
    first, second = ag.Graph(w * 1.0, rule=shared), ag.Graph(v * 1.0, rule=shared)
    first.lr = 0.5
    assert shared.lr == 0.1 and second.lr == 0.1 and first.lr == 0.5
    for graph in (first, second):
        graph.forward()
        graph.backward()
    assert w.value[0] == pytest.approx(0.5) and v.value[0] == pytest.approx(0.9)


@pytest.mark.parametrize("bad", [dict(lr=float("nan")), dict(lr=float("inf")), dict(eps=0), dict(betas=(1.0, 0.9))])
def test_bad_adam_settings_are_refused_naming_them(bad):
    with pytest.raises(ValueError, match=f"Adam: {next(iter(bad))}="):
        ag.Adam(**bad)


def test_a_parameter_learning_rate_is_a_rule_of_its_own_derived_from_the_graph_s():
    shared = ag.SGD(lr=0.5, momentum=0.9)
    w = ag.Parameter([1.0], name="w", lr=0.1)
    v = ag.Parameter([1.0], name="v")
    graph = ag.Graph(w + v, rule=shared)
    graph.forward()
    graph.backward()
    assert w.rule_for(shared) == ag.SGD(lr=0.1, momentum=0.9) and shared.lr == 0.5
    assert w.value[0] == pytest.approx(0.9) and v.value[0] == pytest.approx(0.5)
    assert set(w.state) == set(v.state) == {"velocity"}  # same kind of rule, state of its own


STEPS = [np.array([0.5, -1.0]), np.array([0.25, 2.0]), np.array([-1.5, 0.1]), np.array([0.3, 0.3])]


def _run(rule):
    w = ag.Parameter([1.0, -2.0], name="w", dtype=np.float64)
    for g in STEPS:
        apply_update(w, g, rule)
    return w.value


@pytest.mark.parametrize("centered", [False, True])
@pytest.mark.parametrize("momentum", [0.0, 0.8])
def test_rmsprop_follows_pytorch_s_equations(centered, momentum):
    lr, alpha, eps, wd = 0.01, 0.9, 1e-8, 0.1
    w, v, a, b = np.array([1.0, -2.0]), 0.0, 0.0, 0.0
    for g in STEPS:
        g = g + wd * w
        v = alpha * v + (1 - alpha) * g**2
        avg = v
        if centered:
            a = alpha * a + (1 - alpha) * g
            avg = v - a**2
        if momentum:
            b = momentum * b + g / (np.sqrt(avg) + eps)
            w = w - lr * b
        else:
            w = w - lr * g / (np.sqrt(avg) + eps)
    rule = ag.RMSprop(lr=lr, alpha=alpha, eps=eps, weight_decay=wd, momentum=momentum, centered=centered)
    np.testing.assert_allclose(_run(rule), w, rtol=1e-12)


def test_adagrad_follows_pytorch_s_equations():
    lr, decay, start, eps = 0.1, 0.05, 0.2, 1e-10
    w, total = np.array([1.0, -2.0]), start
    for t, g in enumerate(STEPS, start=1):
        total = total + g**2
        w = w - lr / (1 + (t - 1) * decay) * g / (np.sqrt(total) + eps)
    rule = ag.Adagrad(lr=lr, lr_decay=decay, initial_accumulator_value=start, eps=eps)
    np.testing.assert_allclose(_run(rule), w, rtol=1e-12)


def test_amsgrad_divides_by_the_largest_second_moment_so_far():
    lr, b1, b2, eps = 0.01, 0.9, 0.99, 1e-8
    w, m, v, v_max = np.array([1.0, -2.0]), 0.0, 0.0, np.zeros(2)
    for t, g in enumerate(STEPS, start=1):
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g**2
        v_max = np.maximum(v_max, v)
        w = w - lr / (1 - b1**t) * m / (np.sqrt(v_max) / np.sqrt(1 - b2**t) + eps)
    np.testing.assert_allclose(_run(ag.Adam(lr=lr, betas=(b1, b2), amsgrad=True)), w, rtol=1e-12)
    assert np.max(np.abs(_run(ag.Adam(lr=lr, betas=(b1, b2))) - w)) > 1e-6  # the steps here make v fall


def test_sgd_dampening_scales_the_gradient_after_the_first_step():
    lr, mu, d = 0.1, 0.9, 0.3
    w, v = np.array([1.0, -2.0]), None
    for g in STEPS:
        v = g if v is None else mu * v + (1 - d) * g
        w = w - lr * v
    np.testing.assert_allclose(_run(ag.SGD(lr=lr, momentum=mu, dampening=d)), w, rtol=1e-12)
    with pytest.raises(ValueError, match="Nesterov needs momentum > 0 and no dampening"):
        ag.SGD(lr=0.1, momentum=0.9, dampening=0.1, nesterov=True)


@pytest.mark.parametrize("bad", [dict(alpha=1.5), dict(eps=0), dict(momentum=-1)])
def test_bad_rmsprop_settings_are_refused(bad):
    with pytest.raises(ValueError, match="RMSprop"):
        ag.RMSprop(**bad)

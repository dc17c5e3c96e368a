"""The one update path: weight decay by the rule's kind, then the rule's step with the parameter's state."""

import dataclasses

import numpy as np

import autograd as ag
from autograd.update import apply_update


@dataclasses.dataclass(frozen=True)
class Recording(ag.Rule):
    """A rule whose step records what it was given and moves w by -lr g, for the tests."""

    lr: float = 0.5
    weight_decay: float = 0.0
    decoupled: bool = False
    calls: list = dataclasses.field(default_factory=list, compare=False)

    @property
    def decoupled_decay(self):
        return self.decoupled

    def step(self, w, g, state, lr):
        self.calls.append((w.copy(), np.array(g), state, lr))
        w -= lr * g


def _param():
    return ag.Parameter([2.0, -4.0], name="w", dtype=np.float64)


def test_without_decay_the_rule_steps_with_the_gradient_the_state_and_its_lr():
    p, rule, grad = _param(), Recording(), np.array([1.0, 1.0])
    apply_update(p, grad, rule)
    (w, g, state, lr), = rule.calls
    assert w.tolist() == [2.0, -4.0] and g.tolist() == [1.0, 1.0] and state is p.state and lr == 0.5
    assert p.value.tolist() == [1.5, -4.5]


def test_coupled_decay_adds_wd_w_to_the_gradient_without_writing_into_it():
    p, rule, grad = _param(), Recording(weight_decay=0.25), np.array([1.0, 1.0])
    apply_update(p, grad, rule)
    (w, g, _, _), = rule.calls
    assert g.tolist() == [1.0 + 0.25 * 2.0, 1.0 + 0.25 * -4.0]
    assert grad.tolist() == [1.0, 1.0]  # the caller's gradient (param.grad) is left as it was
    assert p.value.tolist() == [2.0 - 0.5 * 1.5, -4.0 - 0.5 * 0.0]


def test_decoupled_decay_shrinks_w_by_one_minus_lr_wd_before_the_step():
    p, rule = _param(), Recording(weight_decay=0.25, decoupled=True)
    apply_update(p, np.array([1.0, 1.0]), rule)
    (w, g, _, _), = rule.calls
    shrink = 1 - 0.5 * 0.25
    assert w.tolist() == [2.0 * shrink, -4.0 * shrink] and g.tolist() == [1.0, 1.0]
    assert p.value.tolist() == [2.0 * shrink - 0.5, -4.0 * shrink - 0.5]


def test_the_value_is_changed_in_place():
    p = _param()
    before = p.value
    apply_update(p, np.array([1.0, 1.0]), ag.SGD(lr=0.1, weight_decay=0.1))
    assert p.value is before
    np.testing.assert_allclose(p.value, [2.0 - 0.1 * (1.0 + 0.2), -4.0 - 0.1 * (1.0 - 0.4)])

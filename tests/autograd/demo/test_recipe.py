"""The training recipe: rules by name, schedules built from the run's steps per epoch, counted in updates."""

import math

import pytest

import autograd as ag
from autograd.demo import recipe


def lrs(rule, updates):
    return [rule.at(t).lr for t in range(updates)]


def test_step_schedule_is_the_per_epoch_decay():
    # 3 updates per epoch, 0.7 per epoch: epoch e runs at lr 0.7**e, exactly as lr * decay**e.
    rule = ag.Adam(0.01, schedule=recipe.make_schedule("step", steps_per_epoch=3, epochs=3, lr_decay=0.7))
    assert lrs(rule, 9) == [0.01 * 0.7**e for e in range(3) for _ in range(3)]


def test_constant_is_no_schedule_and_warmup_counts_epochs_in_updates():
    assert recipe.make_schedule("constant", 10, 4) is None
    warm = recipe.make_schedule("constant", steps_per_epoch=10, epochs=4, warmup=0.5)  # 5 updates
    assert [warm.factor(t) for t in (0, 1, 5, 39)] == [0.0, 0.2, 1.0, 1.0]


def test_cosine_after_warmup_ends_at_zero_at_the_last_planned_update():
    schedule = recipe.make_schedule("cosine", steps_per_epoch=10, epochs=3, warmup=1)
    assert schedule.factor(10) == 1.0  # the cosine's first update, after 10 of warm-up
    assert schedule.factor(20) == pytest.approx((1 + math.cos(math.pi / 2)) / 2)
    assert schedule.factor(30) == pytest.approx(0.0)


def test_onecycle_peaks_after_the_warmup_and_cycles_momentum_of_rules_that_have_one():
    schedule = recipe.make_schedule("onecycle", steps_per_epoch=10, epochs=5, warmup=1, cycle_momentum=True)
    assert schedule.pct_start == pytest.approx(0.2) and schedule.total == 50
    assert max(range(50), key=schedule.factor) == 9  # PyTorch's peak: update pct_start * total - 1
    assert recipe.make_schedule("onecycle", 10, 5).pct_start == 0.3
    rule = ag.Adam(0.01, schedule=schedule)
    assert rule.at(9).betas[0] == pytest.approx(0.85)
    built = recipe.schedule_for({"schedule": "onecycle", "epochs": 5, "lr_decay": 1.0, "warmup": 0.0,
                                 "optimizer": "sgd"})(10)
    assert not built.cycles_momentum  # plain SGD has no momentum to cycle


@pytest.mark.parametrize("name, rule, decay", [
    ("sgd", ag.SGD, 0.0), ("momentum", ag.SGD, 0.0), ("adam", ag.Adam, 0.0), ("adamw", ag.AdamW, 0.01),
    ("rmsprop", ag.RMSprop, 0.0), ("adagrad", ag.Adagrad, 0.0),
])
def test_rules_by_name_with_their_default_weight_decay(name, rule, decay):
    made = recipe.make_rule(name, 0.5)
    assert type(made) is rule and made.lr == 0.5 and made.weight_decay == decay
    assert recipe.make_rule(name, 0.5, weight_decay=0.1).weight_decay == 0.1
    if rule is ag.SGD:
        assert made.momentum == (0.9 if name == "momentum" else 0.0)


def test_describe_names_what_differs_from_plain():
    config = {"optimizer": "adamw", "lr": 0.002, "schedule": "onecycle", "lr_decay": 0.7, "warmup": 0.5,
              "weight_decay": 0.05, "clip_norm": 1.0, "label_smoothing": 0.1, "augment": True}
    assert recipe.describe(config) == ("adamw lr 0.002, onecycle schedule, 0.5 epochs of warm-up, weight decay 0.05, "
                                       "clip norm 1, label smoothing 0.1, augmented")
    plain = {"optimizer": "adam", "lr": 0.001, "schedule": "step", "lr_decay": 0.7, "warmup": 0.0}
    assert recipe.describe(plain) == "adam lr 0.001, x0.7 per epoch"

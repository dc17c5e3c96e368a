"""Training on real MNIST, evaluation, and checkpoints that resume bit for bit."""

import numpy as np
import pytest

from autograd import scope
from autograd.checkpoint import read_npz
from autograd.demo import models
from autograd.demo.mnist import build_trainer, make_parser, resolve_config
from autograd.demo.models import Model, image_input
from autograd.demo.train import CheckpointMismatch, Interrupted, Trainer
from nodes import BatchNorm, Linear, dropout, flatten, relu


def subset(mnist, train, test):
    return mnist.train_images[:train], mnist.train_labels[:train], mnist.test_images[:test], mnist.test_labels[:test]


def test_mlp_one_epoch_on_10000_samples_is_well_above_90_percent(mnist):
    images, labels, test_images, test_labels = subset(mnist, 10000, 10000)
    trainer = Trainer(models.build("mlp", seed=0), "adam", lr=1e-3, batch_size=32, seed=1)
    state = trainer.train_epoch(images, labels)
    assert state.step == 313 and state.seen == 10000
    assert trainer.accuracy(test_images, test_labels) > 0.92  # on the official 10,000 test images


@pytest.mark.parametrize(
    # Measured with these seeds: the loss falls about 10x (cnn) and 4x (vit); accuracy 0.96 and 0.83.
    "name, steps, loss_ratio, accuracy",
    [("cnn", 300, 0.3, 0.9), ("vit", 300, 0.4, 0.7)],
)
def test_cnn_and_vit_learn_in_a_few_hundred_steps(mnist, name, steps, loss_ratio, accuracy):
    batch = 32
    images, labels, test_images, test_labels = subset(mnist, batch * steps, 1000)
    trainer = Trainer(models.build(name, seed=0), "adam", lr=2e-3, batch_size=batch, seed=1)
    losses = []
    state = trainer.train_epoch(images, labels, on_step=lambda n, state: losses.append(state.loss_sum))
    assert state.step == steps
    per_step = np.diff([0.0, *losses]) / batch
    assert per_step[-20:].mean() < loss_ratio * per_step[:20].mean()
    assert trainer.accuracy(test_images, test_labels) > accuracy  # chance is 0.1


def test_the_lstm_reading_rows_passes_85_percent_after_one_epoch_on_10000_samples(mnist):
    # The README's quick look: `--model lstm --limit 10000 --epochs 1`, with the documented defaults.
    images, labels, test_images, test_labels = subset(mnist, 10000, 10000)
    trainer = build_trainer(resolve_config(make_parser().parse_args(["--model", "lstm"])))
    assert trainer.batch_size == 64 and trainer.model.logits.shape == (None, 10)
    trainer.train_epoch(images, labels)
    assert trainer.accuracy(test_images, test_labels) > 0.85  # measured: 87.3%


def tiny_model(seed):
    """A small net with every kind of state a checkpoint must carry: batch norm buffers and a dropout generator."""
    rng = np.random.default_rng(seed)
    image = image_input()
    with scope("tiny"):
        x = Linear(784, 32, name="fc1", rng=rng)(flatten(image, name="flatten"))
        x = relu(BatchNorm(32, name="bn")(x), name="relu")
        x = dropout(x, 0.3, rng=np.random.default_rng(rng.integers(2**63)), name="drop")
        logits = Linear(32, 10, name="fc2", rng=rng)(x)
    return Model("tiny", image, logits, "tiny")


def tiny_trainer(seed=0):
    return Trainer(tiny_model(seed), "adam", lr=3e-3, batch_size=50, seed=seed + 1)


def fingerprint(trainer):
    """Every array that must match after a resume: parameters, optimizer state, buffers."""
    arrays = {}
    for p in trainer.graph.parameters:
        arrays[p.name] = p.value.copy()
        arrays.update({f"{p.name}/{k}": np.array(v) for k, v in p.state.items()})
    for node in trainer.graph.nodes:
        arrays.update({f"{node.name}/{k}": v.copy() for k, v in (node.buffers or {}).items()})
    return arrays


def assert_same(a, b):
    assert a.keys() == b.keys()
    for key in a:
        np.testing.assert_array_equal(a[key], b[key], err_msg=key)


def train(trainer, images, labels, test_images, test_labels, epochs):
    for _ in range(epochs):
        trainer.train_epoch(images, labels)
        trainer.end_epoch(trainer.accuracy(test_images, test_labels))


def test_two_epochs_equal_one_epoch_then_resume_then_one_epoch(mnist, tmp_path):
    data = subset(mnist, 600, 200)
    straight = tiny_trainer()
    train(straight, *data, epochs=2)

    first = tiny_trainer()
    train(first, *data, epochs=1)
    first.save(tmp_path / "one.npz")
    resumed = tiny_trainer(seed=7)  # other initial weights and seeds: all must come from the file
    resumed.load(tmp_path / "one.npz")
    train(resumed, *data, epochs=1)

    assert_same(fingerprint(straight), fingerprint(resumed))
    assert resumed.epoch == 2
    assert resumed.history.train_loss == straight.history.train_loss
    assert resumed.history.test_accuracy == straight.history.test_accuracy


def test_resume_in_the_middle_of_an_epoch(mnist, tmp_path):
    images, labels, test_images, test_labels = subset(mnist, 600, 200)
    straight = tiny_trainer()
    train(straight, images, labels, test_images, test_labels, epochs=2)

    stopped = tiny_trainer()
    train(stopped, images, labels, test_images, test_labels, epochs=1)
    steps = []
    with pytest.raises(Interrupted):
        stopped.train_epoch(images, labels, should_stop=lambda: len(steps) == 5, on_step=lambda n, s: steps.append(n))
    stopped.save(tmp_path / "mid.npz")
    resumed = tiny_trainer(seed=3)
    resumed.load(tmp_path / "mid.npz")
    assert resumed.current.step == 5
    train(resumed, images, labels, test_images, test_labels, epochs=1)

    assert_same(fingerprint(straight), fingerprint(resumed))
    assert resumed.history.train_loss == straight.history.train_loss


def test_a_checkpoint_of_another_model_is_refused(mnist, tmp_path):
    trainer = tiny_trainer()
    trainer.save(tmp_path / "tiny.npz")
    other = Trainer(models.build("mlp", seed=0))
    before = fingerprint(other)
    with pytest.raises(CheckpointMismatch, match="holds a tiny model, not mlp"):
        other.load(tmp_path / "tiny.npz")
    assert_same(before, fingerprint(other))


def test_evaluation_is_deterministic_and_leaves_training_intact(mnist):
    images, labels, test_images, _ = subset(mnist, 300, 300)
    trainer = tiny_trainer()
    trainer.train_epoch(images, labels)
    first = trainer.predict(test_images, batch_size=128)
    np.testing.assert_array_equal(first, trainer.predict(test_images))  # dropout off, running statistics
    assert trainer.graph.training and not trainer.evaluator.training  # each graph keeps its own mode
    trainer.end_epoch(0.0)
    trainer.train_epoch(images, labels)  # backward still has what it needs after an inference pass
    assert all(n.training for n in trainer.graph.computed)  # the training passes ran in training mode


@pytest.mark.parametrize(
    "bad",
    [{"optimizer": "lbfgs"}, {"lr": -0.1}, {"lr": float("inf")}, {"lr": float("nan")}, {"batch_size": 0},
     {"weight_decay": -1.0}],
)
def test_bad_settings_are_refused(bad):
    with pytest.raises(ValueError):
        Trainer(tiny_model(0), **bad)


@pytest.mark.parametrize("entry", ["extra/config", "extra/epoch", "extra/epoch_state", "extra/history/seconds"])
def test_an_incomplete_checkpoint_is_refused_naming_the_file(mnist, tmp_path, entry):
    trainer = tiny_trainer()
    trainer.save(tmp_path / "full.npz")
    arrays = {k: v for k, v in read_npz(tmp_path / "full.npz").items() if k != entry}
    np.savez(tmp_path / "part.npz", **arrays)
    other = tiny_trainer(seed=4)
    before = fingerprint(other)
    with pytest.raises(CheckpointMismatch, match=f"part.npz is an incomplete checkpoint.*{entry[len('extra/'):]}"):
        other.load(tmp_path / "part.npz")
    assert_same(before, fingerprint(other))


def recipe_trainer(seed=0, optimizer="adamw"):
    """A tiny trainer with every piece of the recipe that has state: a schedule over updates, augmentation."""
    from autograd.demo.augment import Augmenter
    from autograd.demo.recipe import schedule_for

    config = {"schedule": "onecycle", "epochs": 2, "lr_decay": 1.0, "warmup": 0.5, "optimizer": optimizer}
    return Trainer(tiny_model(seed), optimizer, lr=3e-3, batch_size=50, seed=seed + 1, schedule=schedule_for(config),
                   clip_norm=0.5, label_smoothing=0.1, augment=Augmenter(seed=seed + 2))


def test_a_run_with_a_schedule_and_augmentation_resumes_bit_for_bit(mnist, tmp_path):
    images, labels, test_images, test_labels = subset(mnist, 600, 200)
    straight = recipe_trainer()
    train(straight, images, labels, test_images, test_labels, epochs=2)
    assert straight.graph.updates == 24

    stopped = recipe_trainer()
    train(stopped, images, labels, test_images, test_labels, epochs=1)
    steps = []
    with pytest.raises(Interrupted):
        stopped.train_epoch(images, labels, should_stop=lambda: len(steps) == 5, on_step=lambda n, s: steps.append(n))
    stopped.save(tmp_path / "mid.npz")
    resumed = recipe_trainer(seed=3)
    resumed.load(tmp_path / "mid.npz")
    assert resumed.graph.updates == 17
    train(resumed, images, labels, test_images, test_labels, epochs=1)

    assert_same(fingerprint(straight), fingerprint(resumed))
    assert resumed.history.train_loss == straight.history.train_loss
    unaugmented = recipe_trainer()
    unaugmented.augment = None
    train(unaugmented, images, labels, test_images, test_labels, epochs=1)
    assert unaugmented.history.train_loss[0] != straight.history.train_loss[0]  # the augmenter did change the batches


def test_the_schedule_sets_the_rule_of_every_update(mnist):
    images, labels, _, _ = subset(mnist, 600, 200)
    trainer = recipe_trainer()
    seen = []
    graph = trainer.graph
    trainer.train_epoch(images, labels, on_step=lambda n, s: seen.append(graph.rule.at(graph.updates - 1)))
    # One cycle over 24 updates, rising for 6 (half an epoch of warm-up): the lr peaks at update 5.
    assert max(range(12), key=lambda t: seen[t].lr) == 5 and seen[5].lr == pytest.approx(3e-3)
    assert seen[0].lr == pytest.approx(3e-3 / 25)


def test_a_checkpoint_of_another_optimizer_is_refused(mnist, tmp_path):
    recipe_trainer(optimizer="adamw").save(tmp_path / "adamw.npz")
    other = recipe_trainer(optimizer="sgd")
    before = fingerprint(other)
    with pytest.raises(CheckpointMismatch, match="adamw.npz was trained with adamw, not sgd"):
        other.load(tmp_path / "adamw.npz")
    assert_same(before, fingerprint(other))

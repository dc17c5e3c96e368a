"""The documented accuracies, each reached by one command (opt in: `pytest -m slow`).

These run full trainings on all 60,000 training images, from seconds (the
baseline) to tens of minutes (the CNN) on two cores.
"""

import json

import pytest

from autograd.demo import data, mnist

pytestmark = pytest.mark.slow


@pytest.fixture(autouse=True)
def offline(monkeypatch, tmp_path, no_download, mnist_dir):
    monkeypatch.setenv(data.ENV_VAR, str(mnist_dir))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))


def train(tmp_path, *argv):
    metrics = tmp_path / "metrics.json"
    assert mnist.main([*argv, "--no-progress", "--metrics-json", str(metrics)]) == 0
    return json.loads(metrics.read_text())


@pytest.mark.parametrize("model, target", [("logistic", 0.925), ("mlp", 0.985), ("cnn", 0.995), ("vit", 0.985),
                                            ("lstm", 0.985), ("gru", 0.985)])
def test_default_run_reaches_the_documented_accuracy(tmp_path, model, target):
    metrics = train(tmp_path, "--model", model)
    assert metrics["epochs"] == mnist.DEFAULTS[model]["epochs"]
    assert metrics["test_accuracy"] >= target


@pytest.mark.parametrize("model, target", [("mlp", 0.87), ("cnn", 0.90)])
def test_fashion_mnist_reaches_the_documented_accuracy(tmp_path, fashion_dir, model, target):
    metrics = train(tmp_path, "--model", model, "--dataset", "fashion-mnist", "--data", str(fashion_dir))
    assert metrics["dataset"] == "fashion-mnist" and metrics["test_accuracy"] >= target


def test_baseline_reaches_96_percent_in_3_epochs(tmp_path):
    metrics = train(tmp_path, "--hidden", "256", "--optimizer", "sgd", "--lr", "0.1", "--schedule", "constant",
                    "--no-augment", "--label-smoothing", "0", "--batch-size", "64", "--epochs", "3")
    assert metrics["test_accuracy_per_epoch"][-1] >= 0.96

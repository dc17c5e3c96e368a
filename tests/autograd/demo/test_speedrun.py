"""The speedrun command: it learns, stops at the first evaluation reaching the target, writes metrics, needs torch."""

import json
import math
import sys

import numpy as np
import pytest

from autograd.demo import data, speedrun

QUICK = ["--limit", "3000", "--test-limit", "1000", "--no-progress"]


@pytest.fixture(autouse=True)
def offline_data(monkeypatch, tmp_path, no_download, mnist, mnist_dir):
    """Real MNIST through NODEGRAD_DATA (loaded once per session), a temporary cache, and no network."""
    monkeypatch.setenv(data.ENV_VAR, str(mnist_dir))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    real_load = data.load_dataset

    def load_once(name="mnist", data_dir=None, **kwargs):
        if name == "mnist" and data_dir is None:
            return mnist
        return real_load(name, data_dir, **kwargs)

    monkeypatch.setattr(data, "load_dataset", load_once)


def run(capsys, *argv):
    status = speedrun.main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return status, out, err


def evaluation_lines(out):
    return [line for line in out.splitlines() if line.startswith("nodegrad  epoch")]


def test_a_quick_run_learns_and_writes_its_metrics(capsys, tmp_path):
    path = tmp_path / "metrics.json"
    status, out, err = run(capsys, *QUICK, "--target", "0.9", "--max-epochs", "3", "--metrics-json", path)
    assert status == 0, err
    written = json.loads(path.read_text())
    assert {"test_accuracy", "train_seconds"} <= set(written)
    assert not any(key.startswith("torch_") for key in written)
    # Ten classes: chance is 10%; a few epochs of 3,000 images reach 90% with this recipe.
    assert written["test_accuracy"] >= 0.9 and written["reached_target"]
    assert written["train_seconds"] > 0
    assert f"{written['test_accuracy']:.2%}" in out.splitlines()[-2]


def test_the_run_stops_at_the_first_evaluation_reaching_the_target(capsys, tmp_path):
    path = tmp_path / "metrics.json"
    status, out, err = run(capsys, *QUICK, "--target", "0.0", "--max-epochs", "3", "--metrics-json", path)
    assert status == 0, err
    assert len(evaluation_lines(out)) == 1
    written = json.loads(path.read_text())
    steps_per_epoch = math.ceil(3000 / speedrun.BATCH_SIZE)  # 24 steps, so an evaluation every 6
    assert written["steps"] == math.floor(0.25 * steps_per_epoch) == 6


def test_a_target_out_of_reach_trains_every_planned_step_and_says_so(capsys, tmp_path):
    path = tmp_path / "metrics.json"
    status, out, err = run(capsys, "--limit", "256", "--test-limit", "200", "--no-progress", "--max-epochs", "1",
                           "--eval-every", "0.5", "--target", "1.0", "--metrics-json", path)
    assert status == 0, err
    written = json.loads(path.read_text())
    assert written["steps"] == 2 and not written["reached_target"]  # 256 images: two batches of 128
    assert len(evaluation_lines(out)) == 2
    assert "did not reach 100.00%" in out


def test_segments_cut_at_evaluations_at_least_as_often_as_asked():
    batches = list(range(10))
    assert speedrun.segments(batches, steps_per_epoch=5, eval_every=0.5) == [[0, 1], [2, 3], [4, 5], [6, 7], [8, 9]]
    assert speedrun.segments(batches, steps_per_epoch=5, eval_every=0.1) == [[i] for i in batches]
    assert speedrun.segments(batches, steps_per_epoch=5, eval_every=1.5) == [list(range(7)), [7, 8, 9]]


def test_every_epoch_is_a_permutation_of_the_training_set():
    batches = speedrun.plan_batches(300, 128, epochs=2, seed=3)
    assert [len(b) for b in batches] == [128, 128, 44] * 2
    first, second = np.concatenate(batches[:3]), np.concatenate(batches[3:])
    np.testing.assert_array_equal(np.sort(first), np.arange(300))
    np.testing.assert_array_equal(np.sort(second), np.arange(300))
    assert not np.array_equal(first, second)


def test_the_model_exports_the_torch_modules_keys_and_shapes():
    state = speedrun.build_model(0).state_dict(layout="torch")
    shapes = {key: value.shape for key, value in state.items()}
    assert shapes["conv1.conv.weight"] == (16, 1, 5, 5) and shapes["conv2.conv.weight"] == (32, 16, 5, 5)
    assert shapes["classifier.weight"] == (10, 512) and shapes["classifier.bias"] == (10,)
    for block, channels in (("conv1", 16), ("conv2", 32)):
        for key in ("weight", "bias", "running_mean", "running_var"):
            assert shapes[f"{block}.bn.{key}"] == (channels,)


def test_against_torch_without_torch_is_refused_in_one_sentence(capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "torch", None)  # `import torch` now raises ImportError
    status, out, err = run(capsys, *QUICK, "--against", "torch")
    assert status == 1
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "--against torch needs PyTorch" in lines[0]
    assert "test acc" not in out  # refused before anything trains


def test_a_bad_kernels_variable_is_refused_before_any_work(capsys, monkeypatch):
    monkeypatch.setenv("NODEGRAD_KERNELS", "fast")
    status, out, err = run(capsys, *QUICK)
    assert status == 2 and "NODEGRAD_KERNELS must be 'numpy' or 'numba'" in err and "test acc" not in out


@pytest.mark.parametrize("flag, value", [("--eval-every", "0"), ("--max-epochs", "0"), ("--target", "-1"),
                                         ("--against", "jax"), ("--seed", "-1")])
def test_bad_flags_are_refused(capsys, flag, value):
    status, out, err = run(capsys, *QUICK, flag, value)
    assert status == 2 and flag in err


def test_the_initial_weights_are_drawn_as_pytorchs_defaults():
    state = speedrun.build_model(0).state_dict(layout="torch")
    for key, fan_in in (("conv1.conv.weight", 25), ("conv2.conv.weight", 16 * 25), ("classifier.weight", 512),
                        ("classifier.bias", 512)):
        bound = 1 / np.sqrt(fan_in)  # kaiming_uniform(a=sqrt(5)): sqrt(6 / ((1 + 5) fan_in))
        values = state[key]
        assert np.abs(values).max() <= bound
        assert np.abs(values).max() > 0.8 * bound  # uniform over the whole range, not a narrower law
    np.testing.assert_array_equal(state["conv1.bn.weight"], np.ones(16))
    np.testing.assert_array_equal(speedrun.build_model(0).state_dict()["classifier.weight"],
                                  speedrun.build_model(0).state_dict()["classifier.weight"])


class Clocked:
    def __init__(self, *seconds):
        self.segment_seconds = list(seconds)


def test_the_segment_ratio_is_the_median_of_the_turns_taken_side_by_side():
    ours, theirs = Clocked(4.0, 4.0, 9.0, 4.0), Clocked(1.0, 2.0, 1.0)  # the fourth: theirs had stopped
    assert speedrun.segment_ratio(ours, theirs) == 4.0  # the ratios 4, 2 and 9
    assert speedrun.segment_ratio(Clocked(), theirs) is None

"""`--trainer es` and `--trainer genetic`: runs learn, resume exactly, and refuse flags that mean nothing to them."""

import json

import numpy as np
import pytest

from autograd.checkpoint import read_npz
from autograd.demo import evolution, generations, mnist
from autograd.demo.data import load_dataset
from autograd.demo.train import Interrupted

SMALL = ["--model", "logistic", "--limit", "5000", "--test-limit", "2000", "--no-progress"]


@pytest.fixture(autouse=True)
def offline(monkeypatch, tmp_path, no_download, mnist_dir):
    monkeypatch.setenv("NODEGRAD_DATA", str(mnist_dir))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))


def run(capsys, *argv):
    status = mnist.main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return status, out, err


def parameters(path):
    return {k: v for k, v in read_npz(path).items() if k.startswith("param/")}


@pytest.mark.parametrize("trainer, generations, accuracy", [("es", 200, 0.75), ("genetic", 100, 0.5)])
def test_a_short_gradient_free_run_learns(capsys, tmp_path, trainer, generations, accuracy):
    metrics = tmp_path / "metrics.json"
    status, out, err = run(capsys, *SMALL, "--trainer", trainer, "--generations", generations,
                           "--population", 40, "--metrics-json", metrics)
    assert status == 0, err
    figures = json.loads(metrics.read_text())
    assert figures["trainer"] == trainer and figures["generations"] == generations
    assert len(figures["best_fitness_per_generation"]) == generations
    assert figures["test_accuracy"] > accuracy  # chance is 0.1; zero weights start at 0.098
    assert f"test accuracy {figures['test_accuracy']:.2%} after {generations} generations" in out


@pytest.mark.parametrize("trainer", ["es", "genetic"])
def test_a_run_stopped_half_way_and_resumed_ends_as_an_uninterrupted_one(capsys, tmp_path, trainer):
    whole, stopped = tmp_path / "whole.npz", tmp_path / "stopped.npz"
    flags = [*SMALL, "--trainer", trainer, "--population", 20, "--generations", 30]
    assert run(capsys, *flags, "--save", whole)[0] == 0
    # The same run, stopped after generation 15 as Ctrl-C stops it (the checkpoint is written on the way out).
    args = mnist.make_parser().parse_args([str(a) for a in flags])
    config = evolution.resolve_config(args)
    evo = evolution.build_run(config)
    data = load_dataset("mnist").limited(train=5000, test=2000)
    with pytest.raises(Interrupted):
        generations.evolve(evo, data, config, save=stopped, should_stop=lambda: evo.trainer.generation >= 15,
                           progress=False, echo=lambda line: None)
    status, out, err = run(capsys, "--resume", stopped, "--save", stopped, "--no-progress")
    assert status == 0, err
    assert "resumed" in out and "15 generations done" in out and "running 15 more generations" in out
    expected, resumed = parameters(whole), parameters(stopped)
    assert expected.keys() == resumed.keys()
    for key in expected:
        np.testing.assert_array_equal(resumed[key], expected[key])


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--trainer", "es", "--epochs", "3"], "--epochs does not apply to --trainer es: it runs --generations N"),
        (["--generations", "5"], "--generations sets --trainer genetic or es; backprop trains for --epochs"),
        (["--trainer", "es", "--population", "7"], "--population of --trainer es must be an even number"),
        (["--trainer", "genetic", "--lr", "0.1"], "--lr does not apply to --trainer genetic"),
        (["--trainer", "genetic", "--sigma", "0.1"], "--sigma does not apply to --trainer genetic"),
        (["--trainer", "es", "--augment"], "--augment does not apply to --trainer es"),
        (["--trainer", "es", "--clip-norm", "1"], "--clip-norm does not apply to --trainer es: there are no"),
        (["--trainer", "genetic", "--mutation-rate", "2"], "--mutation-rate is a share of the values: at most 1"),
        (["--trainer", "es", "--hidden", "32"], "--hidden sets the widths of the mlp, not of the logistic"),
    ],
)
def test_flags_that_do_not_apply_are_refused_in_one_line(capsys, argv, message):
    status, out, err = run(capsys, *argv)
    assert status == 2 and message in err and not out


def test_an_evolution_checkpoint_is_not_resumed_by_backprop_nor_by_the_other_trainer(capsys, tmp_path):
    saved = tmp_path / "es.npz"
    assert run(capsys, *SMALL, "--trainer", "es", "--generations", 2, "--population", 4, "--save", saved)[0] == 0
    before = saved.read_bytes()
    status, _, err = run(capsys, "--resume", saved, "--trainer", "backprop")
    assert status == 2 and f"{saved} is a checkpoint of the es trainer, not of backprop" in err
    status, _, err = run(capsys, "--resume", saved, "--trainer", "genetic")
    assert status == 2 and f"{saved} is a checkpoint of the es trainer, not of genetic" in err
    assert saved.read_bytes() == before


def test_backprop_trains_the_logistic_model_too(capsys, tmp_path):
    metrics = tmp_path / "metrics.json"
    status, _, err = run(capsys, *SMALL, "--epochs", 1, "--metrics-json", metrics)
    assert status == 0, err
    assert json.loads(metrics.read_text())["test_accuracy"] > 0.8  # measured: 84.7%


def test_a_resumed_run_keeps_its_test_limit(capsys, tmp_path):
    saved = tmp_path / "es.npz"
    assert run(capsys, *SMALL, "--trainer", "es", "--generations", 2, "--population", 4, "--save", saved)[0] == 0
    status, out, err = run(capsys, "--resume", saved, "--generations", 1, "--no-progress")
    assert status == 0, err
    assert "5,000 training and 2,000 test images" in out


def test_a_run_resumed_without_save_says_that_its_progress_is_not_saved(capsys, tmp_path):
    saved = tmp_path / "es.npz"
    assert run(capsys, *SMALL, "--trainer", "es", "--generations", 2, "--population", 4, "--save", saved)[0] == 0
    before = saved.read_bytes()
    status, out, err = run(capsys, "--resume", saved, "--generations", 1, "--no-progress")
    assert status == 0, err
    assert (f"note: without --save, what this run evolves (1 more generation) is not saved and {saved} stays as it "
            f"was; add --save {saved} to keep it") in out
    assert saved.read_bytes() == before
    status, out, err = run(capsys, "--resume", saved, "--save", saved, "--generations", 1, "--no-progress")
    assert status == 0, err
    assert "note: without --save" not in out


def test_resume_errors_name_the_file_what_was_expected_and_what_came(capsys, tmp_path):
    backprop, marked, unmarked, folder = (tmp_path / name for name in ("bp.npz", "other.npz", "bare.npz", "dir"))
    assert run(capsys, *SMALL, "--limit", 500, "--epochs", 1, "--save", backprop)[0] == 0
    np.savez(marked, **{"extra/format": np.array("someone-else/2")})
    np.savez(unmarked, **{"extra/model": np.array("logistic")})
    folder.mkdir()
    (tmp_path / "text.npz").write_text("not an archive")
    cases = [
        (tmp_path / "missing.npz", 2, f"checkpoint {tmp_path / 'missing.npz'} does not exist"),
        (folder, 2, f"checkpoint {folder} is not a file"),
        (tmp_path / "text.npz", 1, f"{tmp_path / 'text.npz'} is not a checkpoint (an .npz archive)"),
        (backprop, 2, f"{backprop} is not a checkpoint of --trainer es: expected the format marker "
                      f"'{evolution.FORMAT}' of a gradient-free run, found 'nodegrad-mnist/1' (a backprop run)"),
        (marked, 2, f"{marked} is not a checkpoint of --trainer es: expected the format marker "
                    f"'{evolution.FORMAT}' of a gradient-free run, found 'someone-else/2'"),
        (unmarked, 2, f"{unmarked} is not a checkpoint of --trainer es: expected the format marker "
                      f"'{evolution.FORMAT}' of a gradient-free run, found none"),
    ]
    for path, expected_status, message in cases:
        before = path.read_bytes() if path.is_file() else None
        status, out, err = run(capsys, "--trainer", "es", "--resume", path)
        assert status == expected_status and message in err and len(err.splitlines()) == 1, err
        assert not out and (path.read_bytes() if path.is_file() else None) == before


@pytest.mark.parametrize("trainer", ["es", "genetic"])
def test_the_metrics_json_names_the_data_set_and_the_settings_keys_backprop_writes(capsys, tmp_path, fashion_dir,
                                                                                  trainer):
    backprop, evolved = tmp_path / "backprop.json", tmp_path / "evolved.json"
    flags = [*SMALL, "--limit", 500, "--dataset", "fashion-mnist", "--data", fashion_dir.parent]
    assert run(capsys, *flags, "--epochs", 1, "--metrics-json", backprop)[0] == 0
    assert run(capsys, *flags, "--trainer", trainer, "--generations", 2, "--population", 4,
               "--metrics-json", evolved)[0] == 0
    by_backprop, by_evolution = json.loads(backprop.read_text()), json.loads(evolved.read_text())
    assert by_backprop["dataset"] == by_evolution["dataset"] == "fashion-mnist"
    shared = {"model", "summary", "parameters", "batch_size", "seed", "train_samples", "test_samples", "test_accuracy",
              "train_seconds", "dataset"} | ({"optimizer", "lr"} if trainer == "es" else set())
    assert shared <= by_backprop.keys() and shared <= by_evolution.keys()
    assert by_evolution["train_samples"] == 500 and by_evolution["test_samples"] == 2000
    if trainer == "es":
        assert (by_evolution["optimizer"], by_evolution["lr"]) == ("adam", evolution.DEFAULTS["es"]["lr"])


def test_help_shows_the_defaults_a_gradient_free_run_takes(capsys):
    with pytest.raises(SystemExit):
        mnist.main(["--help"])
    text = " ".join(capsys.readouterr().out.split())
    for trainer in ("es", "genetic"):
        config = evolution.resolve_config(mnist.make_parser().parse_args(["--trainer", trainer]))
        shown = {"batch_size": text.split("minibatch size")[1], "optimizer": text.split("update rule")[1],
                 "lr": text.split("learning rate at the start")[1]}
        for key, rest in shown.items():
            defaults = rest.split(")")[0].split("; --trainer ")[1]  # 'es 250, genetic 250'
            listed = dict(part.split(" ") for part in defaults.split(", "))
            assert (trainer in listed) == (key in evolution.DEFAULTS[trainer]), (key, defaults)
            if trainer in listed:
                assert listed[trainer] == str(config[key]), (key, defaults)
        assert config["model"] == "logistic"
    assert "network to train (default: mlp; with --trainer genetic or es: logistic)" in text

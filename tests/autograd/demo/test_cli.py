"""The command line: outputs, resume, bad arguments, and Ctrl-C."""

import json
import os
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from autograd.checkpoint import read_npz
from autograd.demo import data, mnist

REPO = Path(__file__).resolve().parents[3]
SMALL = ["--hidden", "32", "--limit", "1000", "--test-limit", "300", "--batch-size", "50", "--no-progress"]


@pytest.fixture(autouse=True)
def offline_data(monkeypatch, tmp_path, no_download, mnist, mnist_dir):
    """Real MNIST through NODEGRAD_DATA, a temporary cache, and no network.

    The arrays are loaded once per session: runs in this process get them
    from memory whenever they look in NODEGRAD_DATA (the subprocess of the
    Ctrl-C test, and the data tests, go through the whole lookup).
    """
    monkeypatch.setenv(data.ENV_VAR, str(mnist_dir))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    real_load = data.load_mnist

    def load_once(data_dir=None, **kwargs):
        if data_dir is None and os.environ[data.ENV_VAR] == str(mnist_dir):
            return mnist
        return real_load(data_dir, **kwargs)

    monkeypatch.setattr(data, "load_mnist", load_once)


def run(capsys, *argv):
    status = mnist.main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return status, out, err


def arrays_of(path, prefixes=("param/", "state/", "buffer/")):
    return {k: v for k, v in read_npz(path).items() if k.startswith(prefixes)}


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--model", "resnet"], "invalid choice: 'resnet'"),
        (["--lr", "-0.1"], "must be positive"),
        (["--epochs", "-2"], "must be 0 or more"),
        (["--batch-size", "many"], "is not a int"),
        (["--hidden", "512,x"], "comma-separated list of widths"),
        (["--resume", "no-such-checkpoint.npz"], "checkpoint no-such-checkpoint.npz does not exist"),
        (["--data", "no-such-folder"], "data folder no-such-folder does not exist"),
        (["--model", "cnn", "--hidden", "64"], "--hidden sets the widths of the mlp, not of the cnn"),
        (["--save", "no-such-folder/ck.npz"], "the folder of --save no-such-folder/ck.npz does not exist"),
    ],
)
def test_bad_arguments_give_one_line_and_a_nonzero_status(capsys, argv, message):
    status, out, err = run(capsys, *argv)
    assert status != 0
    assert message in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_a_checkpoint_of_another_model_is_refused(capsys, tmp_path):
    checkpoint = tmp_path / "mlp.npz"
    assert run(capsys, *SMALL, "--epochs", "1", "--save", checkpoint)[0] == 0
    status, _, err = run(capsys, "--resume", checkpoint, "--model", "vit")
    assert status == 2 and "checkpoint of the mlp model, not of vit" in err
    foreign = tmp_path / "foreign.npz"
    np.savez(foreign, weights=np.zeros(3))
    status, _, err = run(capsys, "--resume", foreign)
    assert status == 1 and "not a checkpoint of this demo" in err


def test_two_epochs_equal_one_then_resume_then_one(capsys, tmp_path):
    straight, split = tmp_path / "straight.npz", tmp_path / "split.npz"
    assert run(capsys, *SMALL, "--seed", 3, "--epochs", 2, "--save", straight)[0] == 0
    assert run(capsys, *SMALL, "--seed", 3, "--epochs", 1, "--save", split)[0] == 0
    # Only the file: every setting comes back from the checkpoint.
    status, out, _ = run(capsys, "--resume", split, "--epochs", 1, "--save", split, "--test-limit", 300)
    assert status == 0 and "resumed" in out
    a, b = arrays_of(straight), arrays_of(split)
    assert a.keys() == b.keys() and any(k.startswith("state/") for k in a)
    for key in a:
        np.testing.assert_array_equal(a[key], b[key], err_msg=key)
    history = ("extra/history/train_loss", "extra/history/test_accuracy")
    for key in history:
        np.testing.assert_array_equal(read_npz(straight)[key], read_npz(split)[key])


def test_metrics_json_and_pictures(capsys, tmp_path):
    paths = {name: tmp_path / name for name in ("m.json", "curves.png", "grid.png")}
    status, out, _ = run(
        capsys, *SMALL, "--epochs", 2, "--metrics-json", paths["m.json"], "--plot", paths["curves.png"],
        "--predictions", paths["grid.png"],
    )
    assert status == 0
    assert "true\\pred" in out and "test accuracy" in out  # the confusion matrix and the final figure
    metrics = json.loads(paths["m.json"].read_text())
    assert metrics["model"] == "mlp" and metrics["epochs"] == 2 and metrics["batch_size"] == 50
    assert len(metrics["seconds_per_epoch"]) == len(metrics["test_accuracy_per_epoch"]) == 2
    assert metrics["test_accuracy"] == metrics["test_accuracy_per_epoch"][-1] > 0.5
    assert metrics["train_seconds"] == pytest.approx(sum(metrics["seconds_per_epoch"]))
    for name in ("curves.png", "grid.png"):
        assert paths[name].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_epochs_zero_with_draw_only_draws(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv(data.ENV_VAR, str(tmp_path / "no-data-here"))  # drawing must not need the data
    picture = tmp_path / "vit.svg"
    status, out, _ = run(capsys, "--model", "vit", "--epochs", 0, "--draw", picture)
    assert status == 0 and "MNIST from" not in out
    assert "<svg" in picture.read_text() and "block1" in picture.read_text()


def test_resume_with_epochs_zero_prints_the_saved_accuracy(capsys, tmp_path):
    checkpoint = tmp_path / "ck.npz"
    run(capsys, *SMALL, "--epochs", 1, "--save", checkpoint)
    status, out, _ = run(capsys, "--resume", checkpoint, "--epochs", 0, "--test-limit", 300)
    saved = float(read_npz(checkpoint)["extra/history/test_accuracy"][-1])
    assert status == 0 and f"test accuracy of {checkpoint}: {saved:.2%}" in out


def test_ctrl_c_saves_a_checkpoint_and_exits_cleanly(tmp_path, mnist_dir):
    checkpoint = tmp_path / "interrupted.npz"
    env = {**os.environ, data.ENV_VAR: str(mnist_dir), "XDG_CACHE_HOME": str(tmp_path / "cache")}
    command = [sys.executable, "-m", "autograd.demo.mnist", "--hidden", "64", "--epochs", "50"]
    command += ["--save", str(checkpoint)]
    proc = subprocess.Popen(command, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    seen = b""
    deadline = time.monotonic() + 120
    while b"img/s" not in seen and time.monotonic() < deadline and proc.poll() is None:
        ready, _, _ = select.select([proc.stderr], [], [], 1.0)
        if ready:
            seen += os.read(proc.stderr.fileno(), 4096)
    assert b"img/s" in seen, f"no progress bar appeared: {seen!r}"
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=120)
    err = seen + err
    assert proc.returncode == 130, err.decode()
    assert b"Traceback" not in err
    assert b"resume with: python -m autograd.demo.mnist --resume" in err
    extra = {k: v for k, v in read_npz(checkpoint).items() if k.startswith("extra/")}
    assert str(extra["extra/model"]) == "mlp" and int(extra["extra/epoch"]) < 50
    trainer = mnist.build_trainer(mnist.resolve_config(mnist.make_parser().parse_args(["--resume", str(checkpoint)])))
    trainer.load(checkpoint)  # the file is complete and fits the model

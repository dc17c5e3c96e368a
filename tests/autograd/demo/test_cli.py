"""The command line: outputs, resume, bad arguments, and Ctrl-C."""

import contextlib
import json
import os
import select
import shlex
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
    from memory whenever they look in that folder (through NODEGRAD_DATA or
    --data); the subprocess of the Ctrl-C test, and the data tests, go
    through the whole lookup.
    """
    monkeypatch.setenv(data.ENV_VAR, str(mnist_dir))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    real_load = data.load_dataset

    def load_once(name="mnist", data_dir=None, **kwargs):
        if name == "mnist" and str(mnist_dir) == (data_dir if data_dir is not None else os.environ.get(data.ENV_VAR)):
            return mnist
        return real_load(name, data_dir, **kwargs)

    monkeypatch.setattr(data, "load_dataset", load_once)


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
        (["--lr", "inf"], "--lr: must be positive and finite, got inf"),
        (["--lr", "nan"], "--lr: must be positive and finite, got nan"),
        (["--lr", "fast"], "'fast' is not a number"),
        (["--lr-decay", "inf"], "--lr-decay: must be positive and finite, got inf"),
        (["--epochs", "-2"], "must be 0 or more"),
        (["--seed", "-1"], "--seed: must be 0 or more, got -1"),
        (["--seed", "1.5"], "--seed: '1.5' is not an integer"),
        (["--batch-size", "many"], "--batch-size: 'many' is not an integer"),
        (["--batch-size", "0"], "--batch-size: must be positive, got 0"),
        (["--hidden", "512,x"], "comma-separated list of widths"),
        (["--resume", "no-such-checkpoint.npz"], "checkpoint no-such-checkpoint.npz does not exist"),
        (["--resume", "."], "checkpoint . is not a file"),
        (["--model", "cnn", "--hidden", "64"], "--hidden sets the widths of the mlp, not of the cnn"),
        (["--save", "no-such-folder/ck.npz"], "the folder of --save no-such-folder/ck.npz does not exist"),
        (["--save", "."], "--save . is a folder, not a file name"),
        (["--draw", "x.gif"], "--draw x.gif: cannot write a .gif file; use .svg, .png, .pdf, .dot or .gv"),
        (["--draw", "model"], "--draw model: cannot write a file without an extension"),
        (["--plot", "curves.gif"], "--plot curves.gif: cannot write a .gif file; use .png, .svg or .pdf"),
        (["--predictions", "grid.jpg"], "--predictions grid.jpg: cannot write a .jpg file"),
        (["--trace-backward", "step.svg"], "--trace-backward step.svg: cannot write a .svg file; use .html or .htm"),
        (["--save", "ck.safetensors"], "--save ck.safetensors: a checkpoint is an .npz file"),
        (["--optimizer", "lbfgs"], "invalid choice: 'lbfgs'"),
        (["--schedule", "linear"], "invalid choice: 'linear'"),
        (["--dataset", "cifar10"], "invalid choice: 'cifar10'"),
        (["--warmup", "-1"], "--warmup: must be 0 or more and finite, got -1"),
        (["--clip-norm", "0"], "--clip-norm: must be positive and finite, got 0"),
        (["--label-smoothing", "1"], "--label-smoothing: must be less than 1, got 1"),
        (["--schedule", "cosine", "--lr-decay", "0.5"], "--lr-decay sets the step schedule's factor per epoch; "
         "this run's schedule is cosine"),
        (["--schedule", "onecycle", "--epochs", "2", "--warmup", "2"], "--warmup 2 leaves no epoch of the 2 planned"),
    ],
)
def test_bad_arguments_give_one_line_and_exit_status_2(capsys, argv, message):
    status, out, err = run(capsys, *argv)
    assert status == 2
    assert message in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert out == ""  # refused before any work: no model built, nothing drawn or loaded


@pytest.mark.parametrize("model", ["mlp", "cnn"])
def test_a_bad_kernels_variable_is_refused_before_any_work_in_one_line(capsys, monkeypatch, model):
    monkeypatch.setenv("NODEGRAD_KERNELS", "bogus")
    status, out, err = run(capsys, "--model", model, "--epochs", 1)
    assert status == 2 and "NODEGRAD_KERNELS must be 'numpy' or 'numba' (or unset), got 'bogus'" in err
    assert len(err.strip().splitlines()) == 1 and out == ""


def test_a_missing_data_folder_gives_one_line(capsys):
    status, _, err = run(capsys, "--data", "no-such-folder", "--epochs", 1)
    assert status == 1 and "data folder no-such-folder does not exist" in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_a_missing_nodegrad_data_folder_is_named(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv(data.ENV_VAR, str(tmp_path / "moved"))
    status, _, err = run(capsys, *SMALL, "--epochs", 1)
    assert status == 1 and f"{data.ENV_VAR} names the folder {tmp_path / 'moved'}, which does not exist" in err
    assert "Traceback" not in err and "download" not in err


def test_a_checkpoint_of_another_model_is_refused(capsys, tmp_path):
    checkpoint = tmp_path / "mlp.npz"
    assert run(capsys, *SMALL, "--epochs", "1", "--save", checkpoint)[0] == 0
    status, _, err = run(capsys, "--resume", checkpoint, "--model", "vit")
    assert status == 2 and "checkpoint of the mlp model, not of vit" in err
    foreign = tmp_path / "foreign.npz"
    np.savez(foreign, weights=np.zeros(3))
    status, _, err = run(capsys, "--resume", foreign)
    assert status == 1 and "not a checkpoint of this demo" in err


def rewritten(source, dest, drop=(), **replace):
    """A copy of the checkpoint `source` without the entries `drop` and with `replace`d extra entries."""
    arrays = {k: v for k, v in read_npz(source).items() if k not in drop}
    arrays.update({f"extra/{k}": np.asarray(v) for k, v in replace.items()})
    np.savez(dest, **arrays)
    return dest


@pytest.mark.parametrize(
    "drop, replace, message",
    [
        ((), {"model": "resnet"}, "holds a model called 'resnet', which this demo does not know"),
        (("extra/config",), {}, "is an incomplete checkpoint of this demo: it lacks config"),
        (("extra/history/test_accuracy",), {}, "it lacks history/test_accuracy"),
        ((), {"config": "{not json"}, "its config entry is not valid JSON"),
        ((), {"epoch_state": "[1, 2]"}, "its epoch_state entry is not a JSON object"),
        ((), {"epoch": "one"}, "its epoch entry is"),
    ],
)
def test_a_damaged_checkpoint_gives_one_line_naming_the_file(capsys, tmp_path, drop, replace, message):
    good = tmp_path / "good.npz"
    assert run(capsys, *SMALL, "--epochs", "1", "--save", good)[0] == 0
    bad = rewritten(good, tmp_path / "bad.npz", drop, **replace)
    status, out, err = run(capsys, "--resume", bad, "--test-limit", 100)
    assert status == 1 and f"{bad} " in err and message in err, err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_a_checkpoint_without_planned_epochs_from_inside_an_epoch_finishes_that_epoch(capsys, tmp_path):
    # Checkpoints of older runs (or of fit(config=None)) lack the planned total of epochs.
    good = tmp_path / "good.npz"
    assert run(capsys, *SMALL, "--epochs", "1", "--save", good)[0] == 0
    config = {k: v for k, v in json.loads(str(read_npz(good)["extra/config"])).items() if k != "epochs"}
    state = json.loads(str(read_npz(good)["extra/epoch_state"]) or "{}") or {}
    inside = rewritten(good, tmp_path / "inside.npz", config=json.dumps(config),
                       epoch_state=json.dumps({**state, "step": 3}))
    assert mnist.resolve_config(mnist.make_parser().parse_args(["--resume", str(inside)]))["epochs"] == 2
    boundary = rewritten(good, tmp_path / "boundary.npz", config=json.dumps(config))
    assert mnist.resolve_config(mnist.make_parser().parse_args(["--resume", str(boundary)]))["epochs"] == 1


def test_resume_refuses_flags_that_cannot_apply(capsys, tmp_path):
    cnn = tmp_path / "cnn.npz"
    mnist.build_trainer(mnist.resolve_config(mnist.make_parser().parse_args(["--model", "cnn"]))).save(
        cnn, {"model": "cnn", "seed": 0, "epochs": 6}
    )
    status, _, err = run(capsys, "--resume", cnn, "--hidden", 32)
    assert status == 2 and f"--hidden sets the widths of the mlp; {cnn} holds a cnn" in err
    mlp = tmp_path / "mlp.npz"
    assert run(capsys, *SMALL, "--epochs", 1, "--save", mlp)[0] == 0
    status, _, err = run(capsys, "--resume", mlp, "--hidden", 64)
    assert status == 2 and "was saved with hidden widths 32, not 64" in err
    status, _, err = run(capsys, "--resume", mlp, "--seed", 5)
    assert status == 2 and "continues a run with seed 0" in err and "--seed cannot change" in err


class StopAfter:
    """Stands in for train.StopRequest: asks the loop to stop after `checks` checks, as a Ctrl-C would."""

    def __init__(self, checks):
        self.checks, self.seen = checks, 0

    def installed(self):
        return contextlib.nullcontext(self)

    def __call__(self):
        self.seen += 1
        return self.seen > self.checks


def test_resume_without_epochs_finishes_the_planned_run(capsys, tmp_path, monkeypatch):
    straight, split = tmp_path / "straight.npz", tmp_path / "split.npz"
    assert run(capsys, *SMALL, "--seed", 2, "--epochs", 3, "--save", straight)[0] == 0
    with monkeypatch.context() as patch:
        patch.setattr(mnist, "StopRequest", lambda: StopAfter(30))  # 21 checks per epoch: stops inside epoch 2
        status, _, err = run(capsys, *SMALL, "--seed", 2, "--epochs", 3, "--save", split)
    assert status == 130 and "interrupted in epoch 2, step 9" in err
    status, _, err = run(capsys, "--resume", split, "--batch-size", 20)
    assert status == 2 and "stopped in the middle of epoch 2; --batch-size can change only at the end" in err

    status, out, _ = run(capsys, "--resume", split, "--save", split)  # no --epochs: finish the 3 planned
    assert status == 0 and f"resumed {split}: 1 epoch done, epoch 2 at step 9" in out
    assert "training 2 more epochs, to epoch 3" in out and "after 3 epochs" in out
    a, b = arrays_of(straight), arrays_of(split)
    assert a.keys() == b.keys()
    for key in a:
        np.testing.assert_array_equal(a[key], b[key], err_msg=key)
    for key in ("extra/history/train_loss", "extra/history/test_accuracy", "extra/epoch"):
        np.testing.assert_array_equal(read_npz(straight)[key], read_npz(split)[key])

    finished = split.read_bytes()
    status, out, _ = run(capsys, "--resume", split, "--save", split)  # complete: only evaluates
    saved = float(read_npz(split)["extra/history/test_accuracy"][-1])
    assert status == 0 and f"the run in {split} is complete (3 epochs)" in out
    assert f"test accuracy of {split}: {saved:.2%}" in out and "train loss" not in out
    assert split.read_bytes() == finished


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


def test_trace_backward_writes_the_stepper_s_page_of_one_step(capsys, tmp_path):
    page = tmp_path / "step.html"
    status, out, _ = run(capsys, *SMALL, "--epochs", 0, "--trace-backward", page)
    assert status == 0 and "traced one training step of the mlp" in out and str(page) in out
    assert "train loss" not in out  # --epochs 0: only the trace
    text = page.read_text(encoding="utf-8")
    assert "mlp 784-32-10: one training step" in text and "fc1.weight updates once" in text
    assert 'id="ng-steps"' in text and "<svg" in text


def test_resume_with_epochs_zero_prints_the_saved_accuracy(capsys, tmp_path):
    checkpoint = tmp_path / "ck.npz"
    run(capsys, *SMALL, "--epochs", 1, "--save", checkpoint)
    status, out, _ = run(capsys, "--resume", checkpoint, "--epochs", 0, "--test-limit", 300)
    saved = float(read_npz(checkpoint)["extra/history/test_accuracy"][-1])
    assert status == 0 and f"test accuracy of {checkpoint}: {saved:.2%}" in out


#: Runs the CLI with every training step slowed down to 20 ms, so that a SIGINT sent after
#: the first epoch's summary line lands inside the second of three epochs.
PACED_CLI = """
import sys, time
from autograd.demo import mnist, train
step = train.Trainer.train_epoch
def paced(self, images, labels, should_stop=lambda: False, on_step=None):
    def slow(n, state):
        time.sleep(0.02)
        on_step(n, state)
    return step(self, images, labels, should_stop=should_stop, on_step=slow)
train.Trainer.train_epoch = paced
sys.exit(mnist.main(sys.argv[1:]))
"""


def test_ctrl_c_saves_a_checkpoint_and_the_hint_finishes_the_run(capsys, tmp_path, monkeypatch, mnist_dir):
    checkpoint, outputs = tmp_path / "interrupted.npz", tmp_path / "out"
    outputs.mkdir()
    flags = ["--hidden", "32", "--limit", "2000", "--test-limit", "300", "--batch-size", "50", "--epochs", "3"]
    env = {**os.environ, data.ENV_VAR: str(tmp_path / "elsewhere"), "XDG_CACHE_HOME": str(tmp_path / "cache"),
           "PYTHONUNBUFFERED": "1"}
    # The data comes from --data (NODEGRAD_DATA names nothing): the hint must repeat it.
    command = [sys.executable, "-c", PACED_CLI, *flags, "--save", str(checkpoint), "--data", str(mnist_dir),
               "--metrics-json", str(outputs / "m.json"), "--plot", str(outputs / "curves.png"), "--no-progress"]
    proc = subprocess.Popen(command, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    seen = b""
    deadline = time.monotonic() + 120
    while b"epoch   1 " not in seen and time.monotonic() < deadline and proc.poll() is None:
        ready, _, _ = select.select([proc.stdout], [], [], 1.0)
        if ready:
            seen += os.read(proc.stdout.fileno(), 4096)
    assert b"epoch   1 " in seen, f"the first epoch did not end: {seen!r}"
    time.sleep(0.3)  # about 15 of the 40 steps of epoch 2
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=120)
    out, err = (seen + out).decode(), err.decode()
    assert proc.returncode == 130, out + err
    assert "Traceback" not in err and "interrupted in epoch" in err
    assert not (outputs / "m.json").exists()
    extra = {k: v for k, v in read_npz(checkpoint).items() if k.startswith("extra/")}
    assert str(extra["extra/model"]) == "mlp" and int(extra["extra/epoch"]) < 3

    hint = [line for line in err.splitlines() if line.startswith("resume with: ")]
    assert len(hint) == 1, err
    words = shlex.split(hint[0][len("resume with: ") :])
    assert words[:3] == [sys.executable, "-m", "autograd.demo.mnist"] and "--epochs" not in words
    monkeypatch.setenv(data.ENV_VAR, str(tmp_path / "elsewhere"))
    status, resumed_out, resumed_err = run(capsys, *words[3:])  # paste the hint (in this process, for speed)
    assert status == 0 and "after 3 epochs" in resumed_out, resumed_err
    assert resumed_err == ""  # --no-progress was repeated: no progress bars

    straight = tmp_path / "straight.npz"
    assert run(capsys, *flags, "--save", straight, "--data", mnist_dir, "--no-progress")[0] == 0
    for key in ("extra/history/train_loss", "extra/history/train_accuracy", "extra/history/test_accuracy"):
        np.testing.assert_array_equal(read_npz(checkpoint)[key], read_npz(straight)[key], err_msg=key)
    a, b = arrays_of(checkpoint), arrays_of(straight)
    for key in a:
        np.testing.assert_array_equal(a[key], b[key], err_msg=key)
    metrics = json.loads((outputs / "m.json").read_text())
    assert metrics["epochs"] == 3 and metrics["test_samples"] == 300 and metrics["train_samples"] == 2000
    assert (outputs / "curves.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_the_recipe_flags_reach_the_run_and_its_metrics(capsys, tmp_path):
    metrics = tmp_path / "m.json"
    status, out, _ = run(capsys, *SMALL, "--epochs", 2, "--optimizer", "rmsprop", "--lr", "0.001", "--schedule",
                         "cosine", "--warmup", "0.5", "--clip-norm", 1, "--weight-decay", "0.0001",
                         "--label-smoothing", "0.1", "--augment", "--metrics-json", metrics)
    assert status == 0
    assert ("rmsprop lr 0.001, cosine schedule, 0.5 epochs of warm-up, weight decay 0.0001, clip norm 1, "
            "label smoothing 0.1, augmented; batch 50") in out
    figures = json.loads(metrics.read_text())
    assert figures["schedule"] == "cosine" and figures["augment"] is True and figures["clip_norm"] == 1
    assert figures["test_accuracy"] > 0.5


def test_resume_refuses_another_optimizer_and_a_new_batch_size_under_a_schedule(capsys, tmp_path):
    checkpoint = tmp_path / "ck.npz"
    assert run(capsys, *SMALL, "--epochs", 1, "--optimizer", "adam", "--save", checkpoint)[0] == 0
    status, out, err = run(capsys, "--resume", checkpoint, "--optimizer", "sgd")
    assert status == 2 and out == ""
    assert f"{checkpoint} was trained with adam, whose state (moments, step counts) --optimizer sgd cannot" in err
    status, _, err = run(capsys, "--resume", checkpoint, "--batch-size", 25)
    assert status == 2 and "schedule counted in updates, built from its steps per epoch; --batch-size cannot" in err
    status, _, err = run(capsys, "--resume", checkpoint, "--dataset", "fashion-mnist")
    assert status == 2 and "continues a run on mnist; --dataset cannot change" in err
    status, out, _ = run(capsys, "--resume", checkpoint, "--epochs", 1, "--optimizer", "adam")
    assert status == 0 and "after 2 epochs" in out


def test_fashion_mnist_is_a_flag_away(capsys, tmp_path, fashion_dir):
    metrics = tmp_path / "m.json"
    status, out, err = run(capsys, *SMALL, "--epochs", 1, "--dataset", "fashion-mnist", "--data", fashion_dir.parent,
                           "--metrics-json", metrics)
    assert status == 0, err
    assert status == 0 and "Fashion-MNIST from " in out
    figures = json.loads(metrics.read_text())
    assert figures["dataset"] == "fashion-mnist" and 0.4 < figures["test_accuracy"] < 0.95


def test_a_run_saved_before_the_recipe_flags_resumes_with_the_settings_it_had(capsys, tmp_path):
    good = tmp_path / "good.npz"
    assert run(capsys, *SMALL, "--epochs", "1", "--save", good)[0] == 0
    config = json.loads(str(read_npz(good)["extra/config"]))
    earlier = {k: v for k, v in config.items() if k not in mnist.recipe.EARLIER_RUNS}
    old = rewritten(good, tmp_path / "old.npz", config=json.dumps(earlier))
    resolved = mnist.resolve_config(mnist.make_parser().parse_args(["--resume", str(old)]))
    assert resolved["schedule"] == "step" and resolved["augment"] is False and resolved["label_smoothing"] == 0.0
    assert resolved["dataset"] == "mnist" and resolved["weight_decay"] is None


@pytest.mark.parametrize("flags, named", [
    (["--save", "ck.npz"], "--save"),
    (["--metrics-json", "m.json", "--predictions", "grid.png"], "--predictions and --metrics-json"),
    (["--plot", "curves.png", "--draw", "mlp.svg"], "--plot"),
])
def test_epochs_zero_without_resume_refuses_flags_that_would_write_results(capsys, tmp_path, monkeypatch, flags,
                                                                           named):
    monkeypatch.chdir(tmp_path)
    status, out, err = run(capsys, *SMALL, "--epochs", 0, *flags)
    assert status == 2 and not out and len(err.strip().splitlines()) == 1
    assert (f"--epochs 0 without --resume trains and evaluates nothing (it only draws or traces), so {named} would "
            "have nothing to write") in err
    assert list(tmp_path.iterdir()) == []  # refused before anything was drawn or written

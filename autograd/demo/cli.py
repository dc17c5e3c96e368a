"""What the demo's training commands share: usage errors, output-path checks, data loading, the resume hint.

Both training paths of `python -m autograd.demo.mnist` (backprop, and the
gradient-free trainers of `demo/generations.py`) use them, so they live
apart from the command itself.
"""

import argparse
import shlex
import sys
import time

from . import arguments
from . import data as mnist_data

PROG = "nodegrad-mnist"

#: Flags of one invocation that a checkpoint does not store; the Ctrl-C hint repeats them (and --no-progress).
REPEATED_FLAGS = ("data", "plot", "predictions", "metrics_json")


def plural(count, word):
    """'1 epoch', '2 epochs'."""
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


class UsageError(Exception):
    """A bad argument: reported as one line, exit status 2."""


class ArgumentParser(argparse.ArgumentParser):
    def error(self, message):
        raise UsageError(message)


def check_kernels_environment():
    """Refuse a bad NODEGRAD_KERNELS before any work is done (autograd.compiled reads it at wiring)."""
    from autograd import compiled

    try:
        compiled.environment()
    except ValueError as e:
        raise UsageError(str(e)) from None


def check_output_paths(args):
    """Refuse, before any work is done, an output file that could not be written at the end (see `arguments`)."""
    arguments.check_output_paths(args, UsageError)


def load_data(args, config):
    """The data set of the run `config` (its --limit and --test-limit applied), with a line saying what was read."""
    start = time.perf_counter()
    dataset = mnist_data.load_dataset(config["dataset"], args.data, progress=not args.no_progress)
    dataset = dataset.limited(train=config["limit"], test=config["test_limit"])
    print(
        f"{dataset.title} from {dataset.folder}: {len(dataset.train_images):,} training and "
        f"{len(dataset.test_images):,} test images ({time.perf_counter() - start:.1f} s)"
    )
    return dataset


def resume_command(args):
    """The command that finishes an interrupted run: the checkpoint holds the settings, the rest is repeated."""
    # This interpreter, by its path: the command works as printed outside an activated environment too.
    words = [sys.executable or "python", "-m", "autograd.demo.mnist", "--resume", args.save, "--save", args.save]
    for flag in REPEATED_FLAGS:
        value = getattr(args, flag)
        if value:
            words += ["--" + flag.replace("_", "-"), value]
    if args.no_progress:
        words.append("--no-progress")
    return shlex.join(str(w) for w in words)

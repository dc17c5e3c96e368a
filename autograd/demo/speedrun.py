"""A CPU speedrun to 99% test accuracy on MNIST: `python -m autograd.demo.speedrun`.

    python -m autograd.demo.speedrun                     # nodegrad alone
    python -m autograd.demo.speedrun --against torch     # and the same recipe in PyTorch, taking turns
    python -m autograd.demo.speedrun --limit 3000 --test-limit 1000 --target 0.9   # a quick look

The recipe: a LeNet-like network with batch norm,

    28x28x1 -> conv 5x5, 16 (no padding) -> batch norm -> max pool 2 -> relu -> 12x12x16
            -> conv 5x5, 32 (no padding) -> batch norm -> max pool 2 -> relu -> 4x4x32
            -> flatten 512 -> linear 10

(pooling before the ReLU gives the same values and gradients as after it,
with the ReLU on a quarter of the data: the step measured 0.86 of the
ReLU-first one)

trained on the full training set with Adam (peak lr 0.005) on a one-cycle
schedule (25% warm-up, planned over --max-epochs), batches of 128 in a
fresh random order every epoch. Every --eval-every of an epoch (a quarter by
default, counted in steps, and after the last planned step) the network is
evaluated in eval mode (batch norm's running statistics) on the test set;
the run stops at the first evaluation that reaches --target. The time
reported is the training steps' only: loading the data, building the
networks and evaluating are not counted.

With `--against torch` the same recipe runs in PyTorch in the same process
(demo/speedrun_torch.py says what is matched: the initial weights, the
batches, the rule and its schedule), the two taking turns between
evaluations, and the ratio of their training times is printed.

Exit status: 0 when the run is done (reaching the target or not: the last
line and --metrics-json say which), 1 for a run-time problem (data,
missing PyTorch), 2 for bad arguments.
"""

import argparse
import json
import math
import sys
import time

import numpy as np

from autograd import Adam, Graph, Input, OneCycle
from autograd.files import atomic_write
from nodes import Linear, flatten, reshape, softmax_cross_entropy

from . import data as mnist_data
from . import models
from .arguments import non_negative_float, non_negative_int, positive
from .cli import ArgumentParser, UsageError, check_kernels_environment, check_output_paths, load_data
from .speedrun_torch import TorchMissing, TorchRun, require_torch

PROG = "nodegrad-speedrun"
BATCH_SIZE, PEAK_LR, WARMUP = 128, 0.005, 0.25
#: The training command's output flags that cli.check_output_paths reads and this command does not have.
OTHER_OUTPUTS = ("save", "draw", "plot", "predictions", "trace_backward")


def build_model(seed):
    """The speedrun's network (module docstring), weights drawn as PyTorch's defaults from a seed-`seed` generator.

    PyTorch: speedrun_torch.make_module, whose state dict is this model's
    `state_dict(layout="torch")` (the classifier's columns in NCHW order).
    """
    rng = np.random.default_rng(seed)
    image = models.image_input()
    x = reshape(image, (-1, 28, 28, 1), name="channels")
    x = models.conv_block(x, 1, 16, name="conv1", rng=rng, padding=0, pool_first=True)
    x = models.conv_block(x, 16, 32, name="conv2", rng=rng, padding=0, pool_first=True)
    logits = Linear(4 * 4 * 32, models.CLASSES, name="classifier", rng=rng)(flatten(x, name="flatten"))
    export, import_ = models.flatten_nchw("classifier.weight", channels=32, side=4)
    model = models.Model("speedrun", image, logits, "conv16-conv32-10 with batch norm",
                         torch_export=export, torch_import=import_)
    model.load_state_dict(torch_default_init(model.state_dict(layout="torch"), rng), layout="torch")
    return model


#: The weights PyTorch's Conv2d and Linear draw by default, and the tensor whose fan-in bounds each.
DEFAULT_INIT = {"conv1.conv.weight": "conv1.conv.weight", "conv2.conv.weight": "conv2.conv.weight",
                "classifier.weight": "classifier.weight", "classifier.bias": "classifier.weight"}


def torch_default_init(state, rng):
    """`state` (layout "torch") with the conv and linear tensors drawn as PyTorch's modules draw them by default.

    nn.Conv2d and nn.Linear draw their weights from kaiming_uniform(a=sqrt(5))
    and their biases alike: U(-b, b) with b = 1 / sqrt(fan_in), fan_in =
    in_channels x kh x kw (in_features). Measured with this recipe, these
    start it faster than nodegrad's He normal (2.4 times their spread): with
    batch norm behind every conv, Adam's steps are relative to the weights' scale.
    """
    drawn = dict(state)
    for key, bounded_by in DEFAULT_INIT.items():
        bound = 1 / np.sqrt(np.prod(state[bounded_by].shape[1:]))
        drawn[key] = rng.uniform(-bound, bound, state[key].shape).astype(state[key].dtype)
    return drawn


class NodegradRun:
    """The recipe in nodegrad: a training graph rooted at the loss, and an evaluation graph at the logits."""

    name = "nodegrad"

    def __init__(self, model, total_steps, peak_lr=PEAK_LR, warmup=WARMUP):
        self.model = model
        self.label = Input(name="label", shape=(None,), dtype=np.int64)
        loss = softmax_cross_entropy(model.logits, self.label, name="loss")
        self.graph = Graph(loss, rule=Adam(peak_lr, schedule=OneCycle(total_steps, pct_start=warmup)))
        self.evaluator = Graph(model.logits).eval()

    def train(self, images, labels, batches, on_step=None):
        """One update per index array in `batches`."""
        self.graph.train()
        feeds = {self.model.image: None, self.label: None}
        for index in batches:
            feeds[self.model.image], feeds[self.label] = images[index], labels[index]
            self.graph.forward(feeds)
            self.graph.backward()
            if on_step is not None:
                on_step()

    def accuracy(self, images, labels, batch_size=1000):
        """The share of `images` classified as `labels`, in eval mode and without gradients."""
        correct = 0
        for i in range(0, len(images), batch_size):
            logits = self.evaluator.forward({self.model.image: images[i : i + batch_size]}, grad=False)
            correct += int(np.count_nonzero(logits.argmax(axis=1) == labels[i : i + batch_size]))
        return correct / max(len(images), 1)


# -- the plan: batches and evaluation points ------------------------------------
def plan_batches(n, batch_size, epochs, seed):
    """Every step's index array for `epochs` epochs of a fresh permutation of range(n) each (seeded by `seed`)."""
    rng = np.random.default_rng([seed, 1])  # a stream of its own, apart from the weights'
    return [index for _ in range(epochs) for index in mnist_data.shuffled_batches(n, batch_size, rng)]


def segments(batches, steps_per_epoch, eval_every):
    """The batches cut at the evaluation points: every floor(eval_every x steps per epoch) steps (at least 1).

    The floor makes evaluations at least as frequent as asked; the last
    segment ends with the last planned step.
    """
    every = max(1, math.floor(eval_every * steps_per_epoch))
    return [batches[i : i + every] for i in range(0, len(batches), every)]


# -- the race -------------------------------------------------------------------
class Contestant:
    """A run (NodegradRun, TorchRun) with its clock: training seconds, steps done, last accuracy."""

    def __init__(self, run):
        self.run, self.name = run, run.name
        self.seconds, self.steps, self.accuracy, self.reached = 0.0, 0, None, False
        self.segment_seconds = []  # the training seconds of each segment, for ratios of turns taken side by side

    def train(self, data, batches, progress):
        from tqdm import tqdm

        with tqdm(total=len(batches), desc=f"{self.name:>8}", unit="step", leave=False, disable=not progress,
                  dynamic_ncols=True, mininterval=0.5) as bar:
            start = time.perf_counter()
            self.run.train(data.train_images, data.train_labels, batches, on_step=bar.update if progress else None)
            self.segment_seconds.append(time.perf_counter() - start)
        self.seconds += self.segment_seconds[-1]
        self.steps += len(batches)

    @property
    def ms_per_step(self):
        """Milliseconds of training per step so far."""
        return 1000 * self.seconds / max(self.steps, 1)

    def evaluate(self, data, target):
        self.accuracy = self.run.accuracy(data.test_images, data.test_labels)
        self.reached = self.accuracy >= target
        return self.reached


def race(contestants, data, plan, steps_per_epoch, target, progress=True, echo=print):
    """Train each contestant segment by segment (taking turns), each stopping at its first evaluation >= target."""
    for batches in plan:
        running = [c for c in contestants if not c.reached]
        if not running:
            break
        for contestant in running:
            contestant.train(data, batches, progress)
            contestant.evaluate(data, target)
            echo(f"{contestant.name:>8}  epoch {contestant.steps / steps_per_epoch:5.2f}  step {contestant.steps:>5}  "
                 f"test acc {contestant.accuracy:6.2%}  {contestant.seconds:6.1f} s of training")
    return contestants


def outcome(contestant, target, steps_per_epoch):
    """The last line of a contestant: when it reached the target, or that it did not."""
    epochs = contestant.steps / steps_per_epoch
    if contestant.reached:
        return (f"{contestant.name}: {contestant.accuracy:.2%} >= {target:.2%} after {epochs:.2f} epochs "
                f"({contestant.steps} steps) in {contestant.seconds:.1f} s of training")
    return (f"{contestant.name}: did not reach {target:.2%} in {epochs:.2f} epochs ({contestant.steps} steps, "
            f"{contestant.seconds:.1f} s of training); last test accuracy {contestant.accuracy:.2%}")


def segment_ratio(ours, theirs):
    """The median over the segments both trained of our seconds over theirs (None if they share none).

    The two take turns segment by segment, so each pair ran under about the
    same load; the median of the pairs' ratios shrugs off a few disturbed turns.
    """
    pairs = list(zip(ours.segment_seconds, theirs.segment_seconds))
    return float(np.median([a / max(b, 1e-9) for a, b in pairs])) if pairs else None


def compare(ours, theirs):
    """The line comparing two contestants' training times: in total, per step, and the median segment's."""
    ratio = segment_ratio(ours, theirs)
    return (f"{ours.name} / {theirs.name}: {ours.seconds / max(theirs.seconds, 1e-9):.2f}x the training time, "
            f"{ours.ms_per_step / max(theirs.ms_per_step, 1e-9):.2f}x per step ({ours.ms_per_step:.1f} against "
            f"{theirs.ms_per_step:.1f} ms), {ratio:.2f}x in the median segment (one run, on a machine that may be "
            "shared: timings are noisy)")


# -- the command ----------------------------------------------------------------
def make_parser():
    """The command's flags (module docstring)."""
    p = ArgumentParser(prog=PROG, description="Train the speedrun's CNN on MNIST until the test accuracy reaches "
                       "the target; print the training seconds (optionally against PyTorch).")
    add = p.add_argument
    add("--against", choices=["torch"], help="also run the same recipe in PyTorch (needs torch installed), "
        "taking turns, and print the ratio of the training times")
    add("--seed", type=non_negative_int, default=0, metavar="S",
        help="seed of the initial weights and the shuffling (default 0)")
    add("--data", metavar="DIR", help="folder holding MNIST's four files (default: NODEGRAD_DATA, then the cache)")
    add("--max-epochs", type=positive(int), default=2, metavar="E",
        help="epochs planned for the one-cycle schedule, and the most the run trains (default 2)")
    add("--eval-every", type=positive(float), default=0.25, metavar="F",
        help="evaluate every F of an epoch (counted in steps, rounded down; default 0.25)")
    add("--target", type=non_negative_float, default=0.99, metavar="A",
        help="test accuracy to stop at (default 0.99)")
    add("--limit", type=positive(int), metavar="N", help="train on the first N training images only")
    add("--test-limit", type=positive(int), metavar="N", help="evaluate on the first N test images only")
    add("--metrics-json", metavar="FILE", help="write the training seconds and test accuracy as JSON")
    add("--no-progress", action="store_true", help="no progress bars")
    return p


def metrics(contestants, steps_per_epoch):
    """{test_accuracy, train_seconds, ...} of nodegrad's run, with torch_... keys for PyTorch's."""
    out = {}
    for c in contestants:
        prefix = "" if c.name == "nodegrad" else f"{c.name}_"
        out.update({f"{prefix}test_accuracy": c.accuracy, f"{prefix}train_seconds": c.seconds,
                    f"{prefix}reached_target": c.reached, f"{prefix}steps": c.steps,
                    f"{prefix}ms_per_step": c.ms_per_step,
                    f"{prefix}epochs": c.steps / steps_per_epoch})
    if len(contestants) == 2:
        out["median_segment_ratio"] = segment_ratio(*contestants)
    return out


def run(args):
    """Load the data, build the runs, race them, print the outcome; returns the contestants."""
    if args.against == "torch":
        require_torch()  # before the data is loaded: a missing torch is said at once
    data = load_data(args, {"dataset": "mnist", "limit": args.limit, "test_limit": args.test_limit})
    steps_per_epoch = math.ceil(len(data.train_images) / BATCH_SIZE)
    batches = plan_batches(len(data.train_images), BATCH_SIZE, args.max_epochs, args.seed)
    model = build_model(args.seed)
    runs = [NodegradRun(model, len(batches))]
    if args.against == "torch":  # from the same initial weights, before nodegrad trains them
        runs.append(TorchRun(model.state_dict(layout="torch"), len(batches), PEAK_LR, WARMUP))
    print(f"{model.summary}, adam one-cycle (peak lr {PEAK_LR:g}, {WARMUP:.0%} warm-up, {args.max_epochs} epochs "
          f"planned), batch {BATCH_SIZE}, seed {args.seed}: until {args.target:.2%} on {len(data.test_images):,} "
          "test images")
    contestants = race([Contestant(r) for r in runs], data, segments(batches, steps_per_epoch, args.eval_every),
                       steps_per_epoch, args.target, progress=not args.no_progress)
    for c in contestants:
        print(outcome(c, args.target, steps_per_epoch))
    if len(contestants) == 2:
        print(compare(*contestants))
    if args.metrics_json:
        with atomic_write(args.metrics_json, "w", encoding="utf-8") as f:
            json.dump(metrics(contestants, steps_per_epoch), f, indent=2)
        print(f"metrics: {args.metrics_json}")
    return contestants


def main(argv=None):
    """Run the command; returns the exit status (0 done, 1 run-time problem, 2 bad arguments)."""
    try:
        args = make_parser().parse_args(argv)
        check_kernels_environment()
        check_output_paths(argparse.Namespace(**dict.fromkeys(OTHER_OUTPUTS), metrics_json=args.metrics_json))
        run(args)
    except UsageError as e:
        print(f"{PROG}: error: {e}", file=sys.stderr)
        return 2
    except (mnist_data.DataError, TorchMissing, OSError) as e:
        print(f"{PROG}: error: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

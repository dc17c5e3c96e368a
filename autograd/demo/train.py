"""Training: the loop, evaluation, and checkpoints that resume bit for bit.

A `Trainer` owns two graphs over the same nodes: the training graph rooted
at the loss (which updates the parameters in backward) and an evaluation
graph rooted at the logits, run with `grad=False` so nothing is kept for a
backward pass. All the state needed to continue a run exactly lives in the
checkpoint: parameters, optimizer moments, node buffers (running statistics),
the number of updates applied (which the learning-rate schedule reads), the
epoch, the position inside an interrupted epoch, the shuffling generator's
state, the augmenter's, and the state of every random generator a node owns
(dropout).
"""

import contextlib
import dataclasses
import json
import math
import signal
import threading
import time

import numpy as np

from autograd import Graph, Input
from autograd.checkpoint import read_npz
from nodes import softmax_cross_entropy

from .data import shuffled_batches
from .recipe import make_rule

CHECKPOINT_FORMAT = "nodegrad-mnist/1"


class Interrupted(Exception):
    """Training stopped between two steps on request; the trainer's state is consistent."""


@dataclasses.dataclass
class History:
    """Per-epoch figures of a run (continued across resumes)."""

    train_loss: list = dataclasses.field(default_factory=list)
    train_accuracy: list = dataclasses.field(default_factory=list)
    test_accuracy: list = dataclasses.field(default_factory=list)
    seconds: list = dataclasses.field(default_factory=list)

    def __len__(self):
        return len(self.train_loss)


@dataclasses.dataclass
class EpochState:
    """Where the current epoch stands: enough to finish it after a restart.

    `shuffle_state` is the shuffling generator's state before this epoch's
    permutation was drawn, so a resumed run draws the same permutation and
    skips the `step` batches already done.
    """

    shuffle_state: dict
    step: int = 0
    loss_sum: float = 0.0
    correct: int = 0
    seen: int = 0
    seconds: float = 0.0

    @property
    def loss(self):
        return self.loss_sum / max(self.seen, 1)

    @property
    def accuracy(self):
        return self.correct / max(self.seen, 1)


class Trainer:
    """Trains `model` (a models.Model) with softmax cross-entropy on integer labels.

    `optimizer` is a key of recipe.OPTIMIZERS (with `weight_decay`, None for the
    rule's default). `schedule` is the rule's learning-rate schedule, counted
    in updates: a Schedule, or a function of the steps per epoch that makes
    one (`recipe.schedule_for`), called when the first epoch starts; None
    keeps `lr` constant. `clip_norm` clips the global gradient norm of every
    step, `label_smoothing` smooths the loss's targets, `augment` (an
    augment.Augmenter) transforms every training batch. `seed` seeds the
    generator that shuffles the training set.
    """

    def __init__(self, model, optimizer="adam", lr=1e-3, batch_size=64, seed=0, schedule=None, clip_norm=None,
                 weight_decay=None, label_smoothing=0.0, augment=None):
        if not all(math.isfinite(v) and v > 0 for v in (lr, batch_size)):
            raise ValueError(f"the learning rate and the batch size must be finite and positive, "
                             f"got lr={lr}, batch_size={batch_size}")
        self.model = model
        self.label = Input(name="label", shape=(None,), dtype=np.int64)
        self.loss = softmax_cross_entropy(model.logits, self.label, smoothing=label_smoothing, name="loss")
        self.optimizer, self.rule = optimizer, make_rule(optimizer, lr, weight_decay)
        self.graph = Graph(self.loss, rule=self.rule)
        # Shares every node with the training graph but stops at the logits.
        self.evaluator = Graph(model.logits)
        self.schedule, self.clip_norm, self.augment = schedule, clip_norm, augment
        self._scheduled_for = None  # the steps per epoch the rule's schedule was made for
        self.batch_size = batch_size
        self.shuffler = np.random.default_rng(seed)
        self.epoch = 0  # epochs completed
        self.current = None  # EpochState of an unfinished epoch
        self.history = History()

    # -- training ---------------------------------------------------------------
    def use_schedule(self, steps_per_epoch):
        """Give the graph's rule its schedule, made for `steps_per_epoch` if `schedule` is a function."""
        if self._scheduled_for == steps_per_epoch:
            return
        schedule = self.schedule(steps_per_epoch) if callable(self.schedule) else self.schedule
        self.graph.rule = dataclasses.replace(self.rule, schedule=schedule)
        self._scheduled_for = steps_per_epoch

    def train_epoch(self, images, labels, should_stop=lambda: False, on_step=None):
        """Run (the rest of) one epoch of minibatch steps; returns its EpochState.

        Checks `should_stop()` before every step and raises Interrupted when
        it is true. `on_step(batch_size, state)` is called after every step.
        """
        if self.current is None:
            self.current = EpochState(shuffle_state=self.shuffler.bit_generator.state)
        state = self.current
        self.shuffler.bit_generator.state = state.shuffle_state
        batches = shuffled_batches(len(images), self.batch_size, self.shuffler)
        self.use_schedule(len(batches))
        self.graph.train()
        feeds = {self.model.image: None, self.label: None}
        start = time.perf_counter()
        try:
            for index in batches[state.step :]:
                if should_stop():
                    raise Interrupted(f"stopped in epoch {self.epoch + 1} after step {state.step}")
                batch = images[index]
                feeds[self.model.image] = self.augment(batch) if self.augment is not None else batch
                feeds[self.label] = labels[index]
                loss = self.graph.forward(feeds)
                self.graph.backward(clip_norm=self.clip_norm)
                state.step += 1
                state.loss_sum += float(loss) * len(index)
                state.correct += int(np.count_nonzero(self.model.logits.value.argmax(axis=1) == labels[index]))
                state.seen += len(index)
                if on_step is not None:
                    on_step(len(index), state)
        finally:
            state.seconds += time.perf_counter() - start
        return state

    def end_epoch(self, test_accuracy):
        """Record the finished epoch in the history and start counting the next one."""
        state = self.current
        self.history.train_loss.append(state.loss)
        self.history.train_accuracy.append(state.accuracy)
        self.history.test_accuracy.append(float(test_accuracy))
        self.history.seconds.append(state.seconds)
        self.current = None
        self.epoch += 1

    # -- evaluation -------------------------------------------------------------
    def predict(self, images, batch_size=1000, should_stop=lambda: False, on_batch=None):
        """Predicted classes of `images`, in evaluation mode and without gradients.

        `on_batch(count)`, if given, is called after every batch (a progress bar's update).
        """
        predictions = []
        self.evaluator.eval()  # the evaluator's own mode: the training graph's passes stay in training mode
        for i in range(0, len(images), batch_size):
            if should_stop():
                raise Interrupted("stopped during evaluation")
            logits = self.evaluator.forward({self.model.image: images[i : i + batch_size]}, grad=False)
            predictions.append(logits.argmax(axis=1))
            if on_batch is not None:
                on_batch(len(logits))
        return np.concatenate(predictions) if predictions else np.zeros(0, dtype=np.int64)

    def accuracy(self, images, labels, **kwargs):
        return float(np.mean(self.predict(images, **kwargs) == labels))

    # -- checkpoints --------------------------------------------------------------
    def generators(self):
        """node name -> numpy Generator for every node of the graph that draws random numbers."""
        nodes = self.graph.nodes
        return {n.name: n.rng for n in nodes if isinstance(getattr(n, "rng", None), np.random.Generator)}

    def save(self, path, config=None):
        """Write everything needed to continue this run to `path` (.npz, atomically)."""
        state = self.current or EpochState(shuffle_state=self.shuffler.bit_generator.state)
        extra = {
            "format": CHECKPOINT_FORMAT,
            "model": self.model.name,
            "optimizer": self.optimizer,
            "config": json.dumps(config or {}),
            "epoch": self.epoch,
            "epoch_state": json.dumps(dataclasses.asdict(state)),
        }
        for name, rng in self.generators().items():
            extra[f"rng/{name}"] = json.dumps(rng.bit_generator.state)
        if self.augment is not None:
            extra["augment_rng"] = json.dumps(self.augment.rng.bit_generator.state)
        for field, values in dataclasses.asdict(self.history).items():
            extra[f"history/{field}"] = np.asarray(values, dtype=np.float64)
        self.graph.save(path, extra=extra)

    def load(self, path):
        """Restore a run saved by `save` (parameters, optimizer, buffers, position, generators)."""
        extra = read_checkpoint(path)
        if str(extra["model"]) != self.model.name:
            raise CheckpointMismatch(f"{path} holds a {extra['model']} model, not {self.model.name}")
        if "optimizer" in extra and str(extra["optimizer"]) != self.optimizer:
            raise CheckpointMismatch(f"{path} was trained with {extra['optimizer']}, not {self.optimizer}: "
                                     "its optimizer state belongs to that rule")
        try:  # every entry is read before anything changes
            state = EpochState(**_json_entry(path, extra, "epoch_state"))
        except TypeError:
            raise CheckpointMismatch(f"{path} is a damaged checkpoint: its epoch_state has other fields") from None
        self.graph.load(path)
        self.epoch = int(extra["epoch"])
        self.shuffler.bit_generator.state = state.shuffle_state
        self.current = state if state.step else None
        for name, rng in self.generators().items():
            key = f"rng/{name}"
            if key in extra:
                rng.bit_generator.state = json.loads(str(extra[key]))
        if self.augment is not None and "augment_rng" in extra:
            self.augment.rng.bit_generator.state = json.loads(str(extra["augment_rng"]))
        self.history = History(
            **{f.name: [float(v) for v in extra[f"history/{f.name}"]] for f in dataclasses.fields(History)}
        )
        return extra


class CheckpointMismatch(ValueError):
    """A checkpoint was written by another model, is incomplete, or is not a demo checkpoint."""


#: The extra entries every demo checkpoint holds (`rng/<node>` entries are optional).
REQUIRED_ENTRIES = (
    "model", "config", "epoch", "epoch_state", *(f"history/{f.name}" for f in dataclasses.fields(History)),
)


def read_checkpoint(path):
    """The extra arrays of a demo checkpoint (`model`, `config`, `epoch`...), checked for the format.

    Raises CheckpointMismatch naming the file when it is not a demo checkpoint
    or lacks one of REQUIRED_ENTRIES.
    """
    arrays = read_npz(path, select=lambda key: key.startswith("extra/"))  # the weights are read by graph.load
    extra = {k[len("extra/") :]: v for k, v in arrays.items()}
    if str(extra.get("format", "")) != CHECKPOINT_FORMAT:
        raise CheckpointMismatch(f"{path} is not a checkpoint of this demo (no '{CHECKPOINT_FORMAT}' marker)")
    missing = [key for key in REQUIRED_ENTRIES if key not in extra]
    if missing:
        raise CheckpointMismatch(f"{path} is an incomplete checkpoint of this demo: it lacks {', '.join(missing)}")
    epoch = np.asarray(extra["epoch"])
    if epoch.ndim or epoch.dtype.kind not in "iu" or int(epoch) < 0:
        raise CheckpointMismatch(f"{path} is a damaged checkpoint: its epoch entry is {epoch.dtype} {epoch!r}")
    return extra


def _json_entry(path, extra, key):
    try:
        value = json.loads(str(extra[key]))
    except json.JSONDecodeError:
        raise CheckpointMismatch(f"{path} is a damaged checkpoint: its {key} entry is not valid JSON") from None
    if not isinstance(value, dict):
        raise CheckpointMismatch(f"{path} is a damaged checkpoint: its {key} entry is not a JSON object")
    return value


@dataclasses.dataclass
class SavedRun:
    """What a demo checkpoint says about its run, read without building the model."""

    model: str  # the model's name
    config: dict  # the settings it was trained with (see mnist.CONFIG_KEYS)
    epoch: int  # epochs completed
    step: int  # steps done in the unfinished epoch (0: the checkpoint is at an epoch boundary)


def read_run(path):
    """The SavedRun of the demo checkpoint `path` (CheckpointMismatch if it is not one)."""
    extra = read_checkpoint(path)
    state = _json_entry(path, extra, "epoch_state")
    return SavedRun(
        model=str(extra["model"]), config=_json_entry(path, extra, "config"), epoch=int(extra["epoch"]),
        step=int(state.get("step", 0)),
    )


# -- stopping on Ctrl-C ---------------------------------------------------------
class StopRequest:
    """Turns the first Ctrl-C into a request to stop between two steps.

    A training step interrupted half-way would leave some parameters updated
    and others not; instead the loop checks `requested` before each step. A
    second Ctrl-C interrupts at once.
    """

    def __init__(self):
        self.requested = False

    def __call__(self):
        return self.requested

    def _handle(self, signum, frame):
        if self.requested:
            raise KeyboardInterrupt
        self.requested = True

    @contextlib.contextmanager
    def installed(self):
        if threading.current_thread() is not threading.main_thread():
            yield self
            return
        previous = signal.signal(signal.SIGINT, self._handle)
        try:
            yield self
        finally:
            signal.signal(signal.SIGINT, previous)


# -- the epoch loop with its console output ---------------------------------------
def fit(trainer, data, epochs, save=None, config=None, should_stop=lambda: False, progress=True, echo=print):
    """Train for `epochs` more epochs (finishing an interrupted one first), evaluating after each.

    Shows a progress bar per epoch (loss, running accuracy, samples per
    second) and prints one summary line per epoch. With `save`, writes a
    checkpoint after every epoch and, on Interrupted, before re-raising.
    """
    from tqdm import tqdm

    images, labels = data.train_images, data.train_labels
    for _ in range(epochs):
        total_epochs = trainer.epoch + 1
        state = trainer.current
        done = state.seen if state is not None else 0
        bar = tqdm(
            total=len(images), initial=done, unit="img", unit_scale=True, disable=not progress,
            desc=f"epoch {total_epochs}", leave=False, dynamic_ncols=True, mininterval=0.2,
        )

        def on_step(n, state, bar=bar):
            bar.update(n)
            if state.step % 20 == 0:
                bar.set_postfix(loss=f"{state.loss:.4f}", acc=f"{state.accuracy:.2%}", refresh=False)

        try:
            state = trainer.train_epoch(images, labels, should_stop=should_stop, on_step=on_step)
            bar.close()
            predicted = predict_with_bar(trainer, data.test_images, progress, should_stop=should_stop)
            accuracy = float(np.mean(predicted == data.test_labels))
        except Interrupted:
            bar.close()
            if save:
                trainer.save(save, config)
            raise
        trainer.end_epoch(accuracy)
        if save:
            trainer.save(save, config)
        echo(
            f"epoch {trainer.epoch:>3}  train loss {state.loss:.4f}  train acc {state.accuracy:6.2%}  "
            f"test acc {accuracy:6.2%}  {state.seconds:6.1f} s  ({state.seen / max(state.seconds, 1e-9):,.0f} img/s)"
        )
    return trainer.history


def predict_with_bar(trainer, images, progress=True, should_stop=lambda: False):
    """`trainer.predict(images)` showing a progress bar over the images (none without `progress`)."""
    from tqdm import tqdm

    with tqdm(total=len(images), unit="img", unit_scale=True, disable=not progress, desc="test", leave=False,
              dynamic_ncols=True, mininterval=0.2) as bar:
        return trainer.predict(images, should_stop=should_stop, on_batch=bar.update)

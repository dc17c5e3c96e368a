"""Training the demo's models without gradients: `--trainer genetic` and `--trainer es`.

    python -m autograd.demo.mnist --model logistic --trainer es         # evolution strategy
    python -m autograd.demo.mnist --model logistic --trainer genetic    # genetic algorithm
    python -m autograd.demo.mnist --trainer es --generations 200 --save es.npz
    python -m autograd.demo.mnist --resume es.npz                       # finish the planned generations

Each generation's fitness is minus the training loss on a batch of
`--batch-size` training images drawn (without replacement) by a generator
seeded with the run's seed and the generation's number, so a resumed run
draws the same batches without keeping any state for them. The logistic
model is evaluated many members at a time (`autograd.demo.population`),
every other model member by member through its graph. The evolution
strategy's rule is `--optimizer` at `--lr`, annealed by a cosine over the
planned generations; the genetic algorithm keeps the fittest 5% (at least
one) as its elite.

Checkpoints are the trainers' own (`autograd.evolve`: the graph's
parameters and optimizer state, the population, the generator's state and
the history, in one .npz) plus this demo's format marker, model and
settings; they are written at every summary line (a tenth of the run), at
the end and on Ctrl-C. Backprop checkpoints describe epochs and positions
inside them, which a generation-based run does not have, so the two kinds
are told apart by their format marker, and `--resume` picks the right path.
"""

import dataclasses
import json
import os

import numpy as np

from autograd import Cosine, Graph, Input
from autograd.checkpoint import read_npz
from autograd.errors import CheckpointError
from autograd.evolve import EvolutionStrategy, GeneticAlgorithm
from nodes import softmax_cross_entropy

from . import models
from .arguments import positive
from .cli import UsageError
from .population import LogisticPopulation
from .recipe import OPTIMIZERS
from .train import CHECKPOINT_FORMAT

FORMAT = "nodegrad-mnist-evolution/1"
TRAINERS = ("backprop", "genetic", "es")
#: Per-trainer defaults, measured to reach the documented accuracies with the logistic model (README).
DEFAULTS = {
    "es": {"generations": 1000, "population": 200, "batch_size": 250, "optimizer": "adam", "lr": 0.01,
           "sigma": 0.05},
    "genetic": {"generations": 500, "population": 100, "batch_size": 250, "mutation_rate": 0.01,
                "mutation_scale": 0.05},
}
#: The settings a checkpoint remembers; only --generations (and --test-limit) may differ on --resume.
CONFIG_KEYS = ("model", "hidden", "trainer", "seed", "limit", "dataset", "population", "batch_size", "optimizer", "lr",
               "sigma", "mutation_rate", "mutation_scale")
#: Flags of the gradient-free trainers only, and the trainer each belongs to (None: both).
OWN_FLAGS = {"generations": None, "population": None, "sigma": "es", "mutation_rate": "genetic",
             "mutation_scale": "genetic"}
#: Flags of backprop that mean nothing to a gradient-free trainer, with what to say instead.
BACKPROP_FLAGS = {
    "epochs": "it runs --generations N",
    "lr_decay": "the evolution strategy anneals its learning rate over the generations (cosine)",
    "plot": "the curves are per epoch; --metrics-json keeps the fitness per generation",
    "draw": "draw the model with --trainer backprop --epochs 0",
    "trace_backward": "a gradient-free trainer has no backward pass",
    "schedule": "the evolution strategy anneals its learning rate over the generations (cosine)",
    "warmup": "the evolution strategy anneals its learning rate over the generations (cosine)",
    "clip_norm": "there are no gradients to clip",
    "weight_decay": "the gradient-free trainers take no weight decay",
    "label_smoothing": "the fitness is the plain cross-entropy",
    "augment": "the fitness batches are the training images as they are",
}


def add_arguments(parser):
    """The flags of training without gradients, on the command's parser."""
    add = parser.add_argument
    add("--trainer", choices=TRAINERS,
        help="backprop (default), a genetic algorithm, or an evolution strategy (es); the last two train from "
        "forward passes only (default model: logistic)")
    add("--generations", type=positive(int), metavar="N",
        help=f"generations to run (default: es {DEFAULTS['es']['generations']}, genetic "
        f"{DEFAULTS['genetic']['generations']}); with --resume: generations on top of the saved ones")
    add("--population", type=positive(int), metavar="P",
        help=f"members per generation (default: es {DEFAULTS['es']['population']}, even; genetic "
        f"{DEFAULTS['genetic']['population']})")
    add("--sigma", type=positive(float), metavar="S",
        help=f"es: standard deviation of the perturbations (default: {DEFAULTS['es']['sigma']})")
    add("--mutation-rate", type=positive(float), metavar="R",
        help=f"genetic: share of values mutated (default: {DEFAULTS['genetic']['mutation_rate']})")
    add("--mutation-scale", type=positive(float), metavar="S",
        help=f"genetic: standard deviation of a mutation (default: {DEFAULTS['genetic']['mutation_scale']})")


def default_note(key):
    """'; --trainer es 250, genetic 250': the gradient-free trainers' defaults of a flag they share with backprop."""
    own = [f"{trainer} {settings[key]}" for trainer, settings in DEFAULTS.items() if key in settings]
    return "; --trainer " + ", ".join(own) if own else ""


def option(key):
    return "--" + key.replace("_", "-")


def saved_run(path):
    """The extra entries of `path` if it is a readable checkpoint of this path, else None."""
    if not os.path.isfile(path):
        return None
    try:
        arrays = read_npz(path, select=lambda key: key.startswith("extra/"))  # the weights are read by the trainer
        extra = {k[len("extra/"):]: v for k, v in arrays.items()}
    except CheckpointError:
        return None
    return extra if str(extra.get("format", "")) == FORMAT else None


def read_saved_run(path, trainer):
    """The extra entries of the gradient-free checkpoint `path` that --trainer `trainer` resumes.

    Each refusal names the file, what was expected and what it is: missing
    or not a file (a usage error, as for backprop), unreadable (its
    CheckpointError goes on), or a checkpoint without this format's marker.
    """
    if not os.path.exists(path):
        raise UsageError(f"checkpoint {path} does not exist")
    if not os.path.isfile(path):
        raise UsageError(f"checkpoint {path} is not a file")
    arrays = read_npz(path, select=lambda key: key.startswith("extra/"))
    extra = {k[len("extra/"):]: v for k, v in arrays.items()}
    found = str(extra["format"]) if "format" in extra else None
    if found != FORMAT:
        what = "none" if found is None else repr(found) + (" (a backprop run)" if found == CHECKPOINT_FORMAT else "")
        raise UsageError(f"{path} is not a checkpoint of --trainer {trainer}: expected the format marker "
                         f"{FORMAT!r} of a gradient-free run, found {what}")
    return extra


def chosen(args):
    """Whether `args` ask for a gradient-free run; refuses its flags on a backprop run."""
    saved = saved_run(args.resume) if args.resume else None
    if args.trainer == "backprop" and saved is not None:
        raise UsageError(f"{args.resume} is a checkpoint of the {saved_config(args.resume, saved)['trainer']} "
                         "trainer, not of backprop")
    if args.trainer in ("genetic", "es") or args.trainer is None and saved is not None:
        return True
    for key in OWN_FLAGS:
        if getattr(args, key) is not None:
            raise UsageError(f"{option(key)} sets --trainer genetic or es; backprop trains for --epochs")
    return False


def saved_config(path, extra):
    try:
        config = json.loads(str(extra.get("config", "")))
    except json.JSONDecodeError:
        config = None
    if not isinstance(config, dict) or config.get("trainer") not in ("genetic", "es"):
        raise CheckpointError(f"{path} is a damaged checkpoint: its config entry names no gradient-free trainer")
    return config


def check_flags(args, trainer):
    """Refuse, in one line, the flags that do not apply to `trainer`."""
    for key, instead in BACKPROP_FLAGS.items():
        if getattr(args, key) is not None:
            raise UsageError(f"{option(key)} does not apply to --trainer {trainer}: {instead}")
    foreign = ("optimizer", "lr") if trainer == "genetic" else ()
    foreign += tuple(k for k, owner in OWN_FLAGS.items() if owner not in (None, trainer))
    for key in foreign:
        if getattr(args, key) is not None:
            raise UsageError(f"{option(key)} does not apply to --trainer {trainer}")
    if args.mutation_rate is not None and args.mutation_rate > 1:
        raise UsageError(f"--mutation-rate is a share of the values: at most 1, got {args.mutation_rate:g}")
    if args.population is not None and (args.population < 2 or trainer == "es" and args.population % 2):
        need = "an even number (antithetic pairs)" if trainer == "es" else "at least 2"
        raise UsageError(f"--population of --trainer {trainer} must be {need}, got {args.population}")


def check_resume(args, path, saved):
    """Refuse flags that would change the saved run."""
    if args.trainer and args.trainer != saved["trainer"]:
        raise UsageError(f"{path} is a checkpoint of the {saved['trainer']} trainer, not of {args.trainer}")
    if args.model and args.model != saved["model"]:
        raise UsageError(f"{path} is a checkpoint of the {saved['model']} model, not of {args.model}")
    for key in CONFIG_KEYS:
        given = getattr(args, key, None)
        if given is not None and (list(given) if key == "hidden" else given) != saved.get(key):
            raise UsageError(f"{path} continues a run with {option(key)} {saved.get(key)}; it cannot change on "
                             "resume (only --generations and --test-limit can)")


def resolve_config(args):
    """The run's settings: the checkpoint's (with --resume), else the flags, else the trainer's defaults.

    `generations` is the planned total: --generations N on top of the saved
    generations, else the saved plan, else the default.
    """
    saved, done = {}, 0
    if args.resume:
        extra = saved_run(args.resume) or read_saved_run(args.resume, args.trainer)
        saved = saved_config(args.resume, extra)
        check_resume(args, args.resume, saved)
        done = int(np.asarray(extra.get("evolve/generation", 0)))
    trainer = args.trainer or saved["trainer"]
    check_flags(args, trainer)
    model = args.model or saved.get("model") or "logistic"
    if args.hidden and model != "mlp":
        raise UsageError(f"--hidden sets the widths of the mlp, not of the {model}")
    defaults = {"hidden": [512, 256] if model == "mlp" else None, "seed": 0, "dataset": "mnist", **DEFAULTS[trainer]}
    config = {}
    for key in CONFIG_KEYS:  # a flag given with --resume equals the saved value (check_resume)
        given = getattr(args, key, None)
        config[key] = given if given is not None else saved.get(key, defaults.get(key))
    test_limit = args.test_limit if args.test_limit is not None else saved.get("test_limit")  # as backprop keeps it
    config.update(model=model, trainer=trainer, test_limit=test_limit)
    config["hidden"] = list(config["hidden"]) if config["hidden"] is not None else None
    planned = saved.get("generations", DEFAULTS[trainer]["generations"])
    config["generations"] = done + args.generations if args.generations is not None else planned
    return config


@dataclasses.dataclass
class EvolutionRun:
    """A model, its loss on the labels, its graph, and the gradient-free trainer that improves it."""

    model: models.Model
    label: Input
    graph: Graph
    trainer: object

    @property
    def summary(self):
        t = self.trainer
        if isinstance(t, EvolutionStrategy):
            return f"es: population {t.size}, sigma {t.sigma:g}, {self.graph.rule!r}"
        return (f"genetic: population {t.size}, elite {t.elite}, tournaments of {t.tournament}, mutation rate "
                f"{t.mutation_rate:g} scale {t.mutation_scale:g}")

    def batch(self, images, labels, size, seed):
        """The feeds of the coming generation: `size` training images drawn for (seed, generation number)."""
        rng = np.random.default_rng((seed, self.trainer.generation + 1))
        index = rng.choice(len(images), size=min(size, len(images)), replace=False)
        return {self.model.image: images[index], self.label: labels[index]}

    def predict(self, images, batch_size=1000):
        """Predicted classes of `images`, with the parameters the graph holds (an evaluated member)."""
        evaluator = Graph(self.model.logits).eval()
        parts = [evaluator.forward({self.model.image: images[i : i + batch_size]}, grad=False).argmax(axis=1)
                 for i in range(0, len(images), batch_size)]
        return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)

    def save(self, path, config):
        self.trainer.save(path, extra={"format": FORMAT, "model": self.model.name, "config": json.dumps(config)})


def build_run(config):
    """The EvolutionRun of `config` (see resolve_config)."""
    options = {"hidden": tuple(config["hidden"])} if config["model"] == "mlp" else {}
    model = models.build(config["model"], seed=config["seed"], **options)
    label = Input(name="label", shape=(None,), dtype=np.int64)
    loss = softmax_cross_entropy(model.logits, label, name="loss")
    rule = None
    if config["trainer"] == "es":
        rule = dataclasses.replace(OPTIMIZERS[config["optimizer"]](config["lr"]),
                                   schedule=Cosine(config["generations"]))
    graph = Graph(loss, rule=rule)
    evaluate = None
    if config["model"] == "logistic":
        evaluate = LogisticPopulation(model.image, label, graph.parameter("classifier.weight"),
                                      graph.parameter("classifier.bias"))
    seed, size = config["seed"] + 1, config["population"]
    if config["trainer"] == "es":
        trainer = EvolutionStrategy(graph, population=size, sigma=config["sigma"], seed=seed, evaluate=evaluate)
    else:
        trainer = GeneticAlgorithm(graph, population=size, elite=max(1, size // 20), mutation_rate=config[
            "mutation_rate"], mutation_scale=config["mutation_scale"], seed=seed, evaluate=evaluate)
    return EvolutionRun(model, label, graph, trainer)

"""Train a network on MNIST or Fashion-MNIST from the command line: `python -m autograd.demo.mnist`.

    python -m autograd.demo.mnist                         # the MLP; the last line says how long it trained
    python -m autograd.demo.mnist --model cnn --save cnn.npz --plot curves.png
    python -m autograd.demo.mnist --resume cnn.npz        # finish the run saved in cnn.npz
    python -m autograd.demo.mnist --resume cnn.npz --epochs 2   # two more epochs
    python -m autograd.demo.mnist --resume cnn.npz --epochs 0   # only evaluate
    python -m autograd.demo.mnist --model vit --draw vit.svg --epochs 0   # only draw
    python -m autograd.demo.mnist --model lstm            # each digit read row by row
    python -m autograd.demo.mnist --model logistic --trainer es   # without gradients (demo/evolution.py)

A checkpoint remembers the run's settings, including its planned number of
epochs: `--resume FILE` alone trains the epochs that are left (and only
evaluates a finished run); `--resume FILE --epochs N` trains N more.

Ctrl-C stops after the current step, saves a checkpoint (with --save) and
prints the command that finishes the run. Exit status: 0 on success, 1 for a
run-time problem (data, checkpoint, file), 2 for bad arguments, 130 when
interrupted.
"""

import json
import os
import sys

import numpy as np

from autograd.errors import CheckpointError
from autograd.files import atomic_write

from . import data as mnist_data
from . import evolution, generations, models, recipe
from .arguments import non_negative_int, positive, widths
from .augment import Augmenter
from .cli import (
    PROG,
    ArgumentParser,
    UsageError,
    check_kernels_environment,
    check_output_paths,
    load_data,
    plural,
    resume_command,
)
from .metrics import confusion_matrix, format_confusion
from .recipe import DEFAULTS, OPTIMIZERS
from .train import CheckpointMismatch, Interrupted, StopRequest, Trainer, fit, predict_with_bar, read_run

#: Settings a checkpoint remembers. `epochs` is the run's planned total; flags given with
#: --resume override the others, except the architecture (model, hidden) and the seed.
CONFIG_KEYS = (
    "model", "hidden", "epochs", "batch_size", "optimizer", "lr", "lr_decay", "seed", "limit", "test_limit",
    "dataset", "schedule", "warmup", "clip_norm", "weight_decay", "label_smoothing", "augment",
)


def per_model(key):
    """A flag's defaults in its help: per model for backprop, then the gradient-free trainers' own."""
    return ("default: " + ", ".join(f"{model} {settings[key]}" for model, settings in DEFAULTS.items())
            + evolution.default_note(key))


def make_parser():
    p = ArgumentParser(
        prog=PROG, description="Train a softmax regression, an MLP, a CNN, a small vision transformer, an LSTM or "
        "a GRU on MNIST or Fashion-MNIST, by backprop or without gradients (a genetic algorithm or an evolution "
        "strategy).",
        epilog="--resume FILE alone finishes the run saved in FILE (its planned epochs); with --epochs N it "
        "trains N more epochs, and with --epochs 0 it only evaluates. Ctrl-C saves (with --save) and prints "
        "the command that finishes the run.",
    )
    add = p.add_argument
    add("--model", choices=sorted(models.BUILDERS),
        help="network to train (default: mlp; with --trainer genetic or es: logistic)")
    add("--hidden", type=widths, metavar="W,...",
        help="mlp hidden widths, comma-separated (default: 512,256; 256 is the baseline)")
    add("--epochs", type=non_negative_int, metavar="N",
        help=f"epochs to train ({per_model('epochs')}); with --resume: epochs to train on top of the saved ones "
        "(default: the epochs left of the saved run)")
    add("--batch-size", type=positive(int), metavar="B",
        help=f"minibatch size, or fitness batch of --trainer genetic or es ({per_model('batch_size')})")
    add("--optimizer", choices=sorted(OPTIMIZERS), help=f"update rule ({per_model('optimizer')})")
    add("--lr", type=positive(float), metavar="LR", help=f"learning rate at the start of the run ({per_model('lr')})")
    add("--lr-decay", type=positive(float), metavar="F",
        help=f"learning-rate factor per epoch of --schedule step ({per_model('lr_decay')})")
    recipe.add_arguments(add, per_model)
    add("--seed", type=non_negative_int, metavar="S",
        help="seed of the initial weights, shuffling and dropout (default: 0)")
    add("--limit", type=positive(int), metavar="N", help="train on the first N training samples only")
    add("--test-limit", type=positive(int), metavar="N",
        help="evaluate on the first N test samples only (default: all 10,000)")
    add("--dataset", choices=sorted(mnist_data.SOURCES), help="data set to train on (default: mnist)")
    add("--data", metavar="DIR", help="folder holding the data set's four files (or a mnist/ or fashion-mnist/ "
        "folder with them)")
    add("--save", metavar="FILE", help="write a checkpoint (.npz) after every epoch and on Ctrl-C")
    add("--resume", metavar="FILE",
        help="continue the run saved in FILE: finish its planned epochs, or train --epochs N more (0: only evaluate)")
    add("--draw", metavar="FILE", help="draw the model's graph before training (.svg, .png, .pdf or .dot)")
    add("--plot", metavar="FILE", help="plot loss and test accuracy per epoch (.png, .svg or .pdf)")
    add("--predictions", metavar="FILE", help="draw a grid of test digits with their predictions (.png, .svg or .pdf)")
    add("--metrics-json", metavar="FILE", help="write the run's figures as JSON")
    add("--trace-backward", metavar="FILE",
        help="write a page (.html) that steps through one training step's backward pass (of a copy of the "
        "model, on the first batch); with --epochs 0 it only traces")
    add("--no-progress", action="store_true", help="no progress bars (summary lines only)")
    evolution.add_arguments(p)
    return p


def check_resume(args, saved):
    """Refuse flags that cannot apply to the run saved in `args.resume` (a train.SavedRun)."""
    if saved.model not in models.BUILDERS:
        raise CheckpointMismatch(
            f"{args.resume} holds a model called {saved.model!r}, which this demo does not know "
            f"(it knows {', '.join(sorted(models.BUILDERS))})"
        )
    if args.model and args.model != saved.model:
        raise UsageError(f"{args.resume} is a checkpoint of the {saved.model} model, not of {args.model}")
    if args.hidden and saved.model != "mlp":
        raise UsageError(f"--hidden sets the widths of the mlp; {args.resume} holds a {saved.model}")
    if args.hidden and list(args.hidden) != list(saved.config.get("hidden") or ()):
        was = ",".join(str(w) for w in saved.config.get("hidden") or ())
        raise UsageError(f"{args.resume} was saved with hidden widths {was}, not {','.join(map(str, args.hidden))}")
    if args.seed is not None and args.seed != saved.config.get("seed", 0):
        raise UsageError(
            f"{args.resume} continues a run with seed {saved.config.get('seed', 0)}; its weights and random "
            "generators come from the file, so --seed cannot change"
        )
    if saved.step:
        for key in ("batch_size", "limit"):
            given = getattr(args, key)
            if given is not None and given != saved.config.get(key):
                raise UsageError(
                    f"{args.resume} stopped in the middle of epoch {saved.epoch + 1}; --{key.replace('_', '-')} "
                    "can change only at the end of an epoch"
                )


def resolve_config(args):
    """The run's settings: explicit flags, else the checkpoint's, else the model's defaults.

    `epochs` is the run's planned total, which checkpoints store: --epochs N
    (added to the epochs a resumed checkpoint has done), else the saved
    run's total, else the model's default.
    """
    check_output_paths(args)
    saved, done = {}, 0
    begun = 0
    if args.resume:
        if not os.path.exists(args.resume):
            raise UsageError(f"checkpoint {args.resume} does not exist")
        if not os.path.isfile(args.resume):
            raise UsageError(f"checkpoint {args.resume} is not a file")
        run = read_run(args.resume)
        check_resume(args, run)
        recipe.check_resume(args, run, UsageError)
        saved, done = {**recipe.EARLIER_RUNS, **run.config, "model": run.model}, run.epoch
        begun = done + (1 if run.step else 0)  # a checkpoint from inside an epoch plans at least that epoch
    model = args.model or saved.get("model") or "mlp"
    if args.hidden and model != "mlp":
        raise UsageError(f"--hidden sets the widths of the mlp, not of the {model}")
    defaults = {"hidden": [512, 256] if model == "mlp" else None, "seed": 0, "limit": None, "test_limit": None,
                "dataset": "mnist", "warmup": 0.0, **DEFAULTS[model]}
    config = {}
    for key in CONFIG_KEYS:
        given = getattr(args, key, None)
        config[key] = given if given is not None else saved.get(key, defaults.get(key))
    config["model"] = model
    if args.epochs is not None:
        config["epochs"] = done + args.epochs
    elif args.resume:
        config["epochs"] = int(saved.get("epochs", begun))
    if config["hidden"] is not None:
        config["hidden"] = list(config["hidden"])
    recipe.check_config(args, config, UsageError)
    check_nothing_to_write(args, config)
    return config


#: Flags that write what a run trained or measured; --epochs 0 without --resume has neither.
RESULT_FLAGS = ("save", "plot", "predictions", "metrics_json")


def check_nothing_to_write(args, config):
    """Refuse --epochs 0 without --resume (which only draws or traces) together with a flag that writes results.

    Writing them would describe an untrained model, which is not what these
    flags are asked for; silently skipping them would leave the user
    waiting for files that never come.
    """
    given = [option for option in RESULT_FLAGS if getattr(args, option)]
    if config["epochs"] == 0 and not args.resume and given:
        names = ["--" + flag.replace("_", "-") for flag in given]
        flags = " and ".join([", ".join(names[:-1]), names[-1]] if len(names) > 1 else names)
        raise UsageError(f"--epochs 0 without --resume trains and evaluates nothing (it only draws or traces), so "
                         f"{flags} would have nothing to write; train at least one epoch, or resume a saved run")


def build_trainer(config):
    options = {"hidden": tuple(config["hidden"])} if config["model"] == "mlp" else {}
    model = models.build(config["model"], seed=config["seed"], **options)
    return Trainer(
        model, optimizer=config["optimizer"], lr=config["lr"], batch_size=config["batch_size"],
        seed=config["seed"] + 1, schedule=recipe.schedule_for(config), clip_norm=config["clip_norm"],
        weight_decay=config["weight_decay"], label_smoothing=config["label_smoothing"],
        augment=Augmenter(seed=config["seed"] + 2) if config["augment"] else None,
    )


def draw_model(trainer, path):
    from autograd.render import draw, save

    written = save(draw(trainer.graph, title=f"{trainer.model.summary} (training graph)"), path)
    print(f"drew the {trainer.model.name} graph to {written}")


def trace_step(args, config, dataset):
    """Trace one training step of a copy of the model (so the run itself is unchanged) and write the stepper's page."""
    from autograd.render.stepper import trace_backward

    copy = build_trainer(config)
    if args.resume:
        copy.load(args.resume)
    n = config["batch_size"]
    copy.use_schedule(-(-len(dataset.train_images) // n))  # the rule at the run's step, schedule included
    feeds = {copy.model.image: dataset.train_images[:n], copy.label: dataset.train_labels[:n]}
    trace = trace_backward(copy.graph, feeds, title=f"{copy.model.summary}: one training step")
    trace.save_html(args.trace_backward)
    print(f"traced one training step of the {copy.model.name} ({len(trace.steps)} steps) to {args.trace_backward}")


def resume(args, config, trainer):
    """Load the checkpoint of --resume into `trainer`; the epochs left to train.

    Without --save the run goes on but writes no checkpoint: allowed (to
    try a few more epochs, the file untouched), and said before training.
    """
    trainer.load(args.resume)
    epochs = max(config["epochs"] - trainer.epoch, 0)
    where = f", epoch {trainer.epoch + 1} at step {trainer.current.step}" if trainer.current else ""
    print(f"resumed {args.resume}: {plural(trainer.epoch, 'epoch')} done{where}")
    if epochs and not args.save:
        print(f"note: without --save, what this run trains ({plural(epochs, 'more epoch')}) is not saved and "
              f"{args.resume} stays as it was; add --save {args.resume} to keep it")
    return epochs


def run(args):
    """A backprop run (the gradient-free trainers run in `generations.run`); returns the exit status."""
    config = resolve_config(args)
    trainer = build_trainer(config)
    epochs = resume(args, config, trainer) if args.resume else config["epochs"]
    print(
        f"{trainer.model.summary}: {trainer.graph.parameter_count:,} parameters; {recipe.describe(config)}; "
        f"batch {config['batch_size']}; seed {config['seed']}"
    )
    if args.draw:
        draw_model(trainer, args.draw)
    if epochs == 0 and not args.resume and not args.trace_backward:
        if not args.draw:
            print("--epochs 0: nothing to train")
        return 0
    dataset = load_data(args, config)
    if args.trace_backward:
        trace_step(args, config, dataset)
        if epochs == 0 and not args.resume:
            return 0
    if epochs == 0:
        if args.epochs is None:
            print(f"the run in {args.resume} is complete ({plural(trainer.epoch, 'epoch')}); evaluating it "
                  "(--epochs N trains N more)")
        predicted = predict_with_bar(trainer, dataset.test_images, progress=not args.no_progress)
        accuracy = float(np.mean(predicted == dataset.test_labels))
        print(f"test accuracy of {args.resume}: {accuracy:.2%}")
        write_outputs(args, config, trainer, dataset, accuracy, predicted)
        return 0
    if args.resume:
        print(f"training {plural(epochs, 'more epoch')}, to epoch {config['epochs']}")
    stop = StopRequest()
    try:
        with stop.installed():
            fit(trainer, dataset, epochs, save=args.save, config=config, should_stop=stop,
                progress=not args.no_progress)
    except Interrupted:
        return interrupted(args, trainer)
    predicted = predict_with_bar(trainer, dataset.test_images, progress=not args.no_progress)
    print(format_confusion(confusion_matrix(dataset.test_labels, predicted)))
    accuracy = float(np.mean(predicted == dataset.test_labels))
    seconds = sum(trainer.history.seconds)
    print(f"test accuracy {accuracy:.2%} after {plural(trainer.epoch, 'epoch')} ({seconds:.1f} s of training)")
    write_outputs(args, config, trainer, dataset, accuracy, predicted)
    if args.save:
        print(f"checkpoint: {args.save}")
    return 0


def interrupted(args, trainer):
    where = f"epoch {trainer.epoch + 1}" + (f", step {trainer.current.step}" if trainer.current else "")
    if not args.save:
        print(f"\ninterrupted in {where}; nothing saved (pass --save FILE to keep checkpoints)", file=sys.stderr)
        return 130
    print(
        f"\ninterrupted in {where}; checkpoint saved to {args.save}\nresume with: {resume_command(args)}",
        file=sys.stderr,
    )
    return 130


def write_outputs(args, config, trainer, dataset, accuracy, predicted=None):
    if args.plot:
        from .plots import plot_curves

        plot_curves(trainer.history, args.plot, title=f"{trainer.model.summary} on {dataset.title}")
        print(f"curves: {args.plot}")
    if args.predictions:
        from .plots import plot_predictions

        if predicted is None:
            predicted = trainer.predict(dataset.test_images)
        plot_predictions(dataset.test_images, dataset.test_labels, predicted, args.predictions)
        print(f"predictions: {args.predictions}")
    if args.metrics_json:
        history = trainer.history
        metrics = {
            "model": config["model"],
            "summary": trainer.model.summary,
            "parameters": int(trainer.graph.parameter_count),
            "epochs": trainer.epoch,
            "batch_size": config["batch_size"],
            "optimizer": config["optimizer"],
            "lr": config["lr"],
            "lr_decay": config["lr_decay"],
            **{key: config[key] for key in ("dataset", "schedule", "warmup", "clip_norm", "weight_decay",
                                            "label_smoothing", "augment")},
            "seed": config["seed"],
            "train_samples": len(dataset.train_images),
            "test_samples": len(dataset.test_images),
            "test_accuracy": accuracy,
            "train_seconds": float(sum(history.seconds)),
            "seconds_per_epoch": history.seconds,
            "test_accuracy_per_epoch": history.test_accuracy,
            "train_loss_per_epoch": history.train_loss,
        }
        with atomic_write(args.metrics_json, "w", encoding="utf-8") as f:
            json.dump(metrics, f, indent=2)
        print(f"metrics: {args.metrics_json}")


def main(argv=None):
    """The console script `nodegrad-mnist`; returns the exit status."""
    try:
        args = make_parser().parse_args(argv)
        check_kernels_environment()
        return generations.run(args) if evolution.chosen(args) else run(args)
    except UsageError as e:
        print(f"{PROG}: error: {e} (see --help)", file=sys.stderr)
        return 2
    except (mnist_data.DataError, CheckpointError, CheckpointMismatch, OSError) as e:
        print(f"{PROG}: error: {e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:  # a second Ctrl-C, or one outside the training loop
        print(f"\n{PROG}: interrupted", file=sys.stderr)
        return 130
    except ModuleNotFoundError as e:
        if e.name not in ("tqdm", "matplotlib"):
            raise
        print(f"{PROG}: error: the demo needs {e.name}: pip install 'nodegrad[demo]'", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())

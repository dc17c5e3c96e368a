"""A gradient-free run from the command line: the generation loop, its console output, checkpoints and Ctrl-C.

A progress bar counts the generations and shows the last one's best and
mean fitness (minus the loss on its batch); a summary line every tenth of
the run adds the test accuracy of the member the graph holds. With
`--no-progress` only the summary lines are printed.
"""

import json
import sys

import numpy as np

from autograd.files import atomic_write

from .cli import check_output_paths, load_data, plural, resume_command
from .evolution import build_run, resolve_config
from .metrics import confusion_matrix, format_confusion
from .train import Interrupted, StopRequest


def summary_line(record, planned, accuracy, seconds, centre):
    """One line per tenth of the run: the generation's fitness figures, the test accuracy, the time so far."""
    held = f"  centre {record.fitness:8.4f}" if centre else ""
    return (f"generation {record.number:>5}/{planned}  best {record.best:8.4f}  mean {record.mean:8.4f}{held}  "
            f"test acc {accuracy:6.2%}  {seconds:6.1f} s")


def evolve(run, data, config, save=None, should_stop=lambda: False, progress=True, echo=print):
    """Run the generations left of the plan (`config["generations"]`), with a checkpoint at every summary line.

    `should_stop()` is asked before every generation (Interrupted when
    true); on Interrupted or Ctrl-C the checkpoint is written (with `save`)
    before the error goes on: the trainer has undone any generation cut short.
    """
    from tqdm import tqdm

    trainer, planned = run.trainer, config["generations"]
    every = max(1, planned // 10)
    write = tqdm.write if progress else echo
    bar = tqdm(total=planned, initial=trainer.generation, unit="gen", desc=config["trainer"], disable=not progress,
               leave=False, dynamic_ncols=True, mininterval=0.2)
    try:
        while trainer.generation < planned:
            if should_stop():
                raise Interrupted(f"stopped after generation {trainer.generation}")
            record = trainer.step(run.batch(data.train_images, data.train_labels, config["batch_size"],
                                            config["seed"]))
            bar.update(1)
            bar.set_postfix(best=f"{record.best:.4f}", mean=f"{record.mean:.4f}", refresh=False)
            if record.number % every == 0 or record.number == planned:
                accuracy = float(np.mean(run.predict(data.test_images) == data.test_labels))
                seconds = sum(g.seconds for g in trainer.history)
                write(summary_line(record, planned, accuracy, seconds, centre=config["trainer"] == "es"))
                if save:
                    run.save(save, config)
    except (Interrupted, KeyboardInterrupt):
        bar.close()
        if save:
            run.save(save, config)
        raise
    bar.close()


def run(args):
    """`--trainer genetic` or `--trainer es` (or `--resume` of such a run); returns the exit status."""
    check_output_paths(args)
    config = resolve_config(args)
    evo = build_run(config)
    trainer = evo.trainer
    if args.resume:
        trainer.load(args.resume)
        print(f"resumed {args.resume}: {plural(trainer.generation, 'generation')} done")
    print(f"{evo.model.summary}: {evo.graph.parameter_count:,} parameters; {evo.summary}; fitness on batches of "
          f"{config['batch_size']}; seed {config['seed']}")
    dataset = load_data(args, config)
    left = config["generations"] - trainer.generation
    if left <= 0:
        accuracy = float(np.mean(evo.predict(dataset.test_images) == dataset.test_labels))
        print(f"the run in {args.resume} is complete ({plural(trainer.generation, 'generation')}); evaluating it "
              "(--generations N runs N more)")
        print(f"test accuracy of {args.resume}: {accuracy:.2%}")
        write_outputs(args, config, evo, dataset, accuracy)
        return 0
    if args.resume:
        print(f"running {plural(left, 'more generation')}, to generation {config['generations']}")
        if not args.save:
            print(f"note: without --save, what this run evolves ({plural(left, 'more generation')}) is not saved "
                  f"and {args.resume} stays as it was; add --save {args.resume} to keep it")
    stop = StopRequest()
    try:
        with stop.installed():
            evolve(evo, dataset, config, save=args.save, should_stop=stop, progress=not args.no_progress)
    except (Interrupted, KeyboardInterrupt):
        return interrupted(args, config, trainer)
    predicted = evo.predict(dataset.test_images)
    print(format_confusion(confusion_matrix(dataset.test_labels, predicted)))
    accuracy = float(np.mean(predicted == dataset.test_labels))
    seconds = sum(g.seconds for g in trainer.history)
    print(f"test accuracy {accuracy:.2%} after {plural(trainer.generation, 'generation')} ({seconds:.1f} s of "
          "evolution)")
    write_outputs(args, config, evo, dataset, accuracy, predicted)
    if args.save:
        print(f"checkpoint: {args.save}")
    return 0


def interrupted(args, config, trainer):
    where = f"after generation {trainer.generation} of {config['generations']}"
    if not args.save:
        print(f"\ninterrupted {where}; nothing saved (pass --save FILE to keep checkpoints)", file=sys.stderr)
    else:
        print(f"\ninterrupted {where}; checkpoint saved to {args.save}\nresume with: {resume_command(args)}",
              file=sys.stderr)
    return 130


def write_outputs(args, config, evo, dataset, accuracy, predicted=None):
    """--predictions and --metrics-json of a gradient-free run."""
    if args.predictions:
        from .plots import plot_predictions

        predicted = evo.predict(dataset.test_images) if predicted is None else predicted
        plot_predictions(dataset.test_images, dataset.test_labels, predicted, args.predictions)
        print(f"predictions: {args.predictions}")
    if args.metrics_json:
        history = evo.trainer.history
        metrics = {
            **{key: config[key] for key in ("model", "trainer", "dataset", "population", "batch_size", "seed")},
            **({key: config[key] for key in ("optimizer", "lr")} if config["trainer"] == "es" else {}),
            "settings": evo.trainer.settings(),
            "summary": evo.model.summary,
            "parameters": int(evo.graph.parameter_count),
            "generations": evo.trainer.generation,
            "train_samples": len(dataset.train_images),
            "test_samples": len(dataset.test_images),
            "test_accuracy": accuracy,
            "train_seconds": float(sum(g.seconds for g in history)),
            "best_fitness_per_generation": [g.best for g in history],
            "mean_fitness_per_generation": [g.mean for g in history],
            "held_fitness_per_generation": [g.fitness for g in history],
        }
        with atomic_write(args.metrics_json, "w", encoding="utf-8") as f:
            json.dump(metrics, f, indent=2)
        print(f"metrics: {args.metrics_json}")

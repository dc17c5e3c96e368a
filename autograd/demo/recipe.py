"""The training recipe: update rules, learning-rate schedules, and the command-line flags that choose them.

A schedule counts updates (`graph.updates`, kept in checkpoints), not
epochs, so it is built from the run's steps per epoch and planned epochs
once the data is known (`schedule_for(config)` returns the function that
does it). `--schedule step` with `--lr-decay F` multiplies the learning
rate by F at the start of every epoch: a StepDecay with one step per epoch,
the same numbers as a per-epoch decay. `--warmup E` is counted in epochs (a
fraction is fine), turned into round(E x steps per epoch) updates of linear
warm-up from 0; with `onecycle` it is the cycle's rising part (default 30%).
"""

import argparse

from autograd import SGD, Adagrad, Adam, AdamW, Cosine, LinearWarmup, OneCycle, RMSprop, StepDecay

from .arguments import fraction, non_negative_float, positive

#: Per-model defaults, measured to reach the documented accuracies (README).
#: The MLP, CNN and ViT: AdamW on a one-cycle schedule (peak lr 3e-3), label smoothing 0.1, batch 128;
#: the softmax regression and the recurrent nets: Adam, its rate times `lr_decay` each epoch (the step
#: schedule), the regression with batch 128, the recurrent nets with 64.
#: `lr_decay` is the factor of --schedule step, for runs that ask for it.
DEFAULTS = {
    "logistic": {"epochs": 10, "batch_size": 128, "optimizer": "adam", "lr": 1e-2, "schedule": "step",
                 "lr_decay": 0.8, "weight_decay": None, "label_smoothing": 0.0, "augment": False},
    "mlp": {"epochs": 20, "batch_size": 128, "optimizer": "adamw", "lr": 3e-3, "schedule": "onecycle",
            "lr_decay": 0.7, "weight_decay": None, "label_smoothing": 0.1, "augment": True},
    "cnn": {"epochs": 14, "batch_size": 128, "optimizer": "adamw", "lr": 3e-3, "schedule": "onecycle",
            "lr_decay": 0.7, "weight_decay": None, "label_smoothing": 0.1, "augment": True},
    "vit": {"epochs": 40, "batch_size": 128, "optimizer": "adamw", "lr": 3e-3, "schedule": "onecycle",
            "lr_decay": 0.9, "weight_decay": 0.05, "label_smoothing": 0.1, "augment": True},
    "lstm": {"epochs": 10, "batch_size": 64, "optimizer": "adam", "lr": 3e-3, "schedule": "step",
             "lr_decay": 0.8, "weight_decay": None, "label_smoothing": 0.0, "augment": False},
    "gru": {"epochs": 10, "batch_size": 64, "optimizer": "adam", "lr": 3e-3, "schedule": "step",
            "lr_decay": 0.8, "weight_decay": None, "label_smoothing": 0.0, "augment": False},
}

#: Optimizer name -> update rule for a learning rate and a weight decay (None: the rule's default).
OPTIMIZERS = {
    "sgd": lambda lr, **decay: SGD(lr, **decay),
    "momentum": lambda lr, **decay: SGD(lr, momentum=0.9, **decay),
    "adam": lambda lr, **decay: Adam(lr, **decay),
    "adamw": lambda lr, **decay: AdamW(lr, **decay),
    "rmsprop": lambda lr, **decay: RMSprop(lr, **decay),
    "adagrad": lambda lr, **decay: Adagrad(lr, **decay),
}
#: Rules with a momentum for one-cycle to cycle (SGD's momentum, Adam's first beta), as PyTorch's OneCycleLR does.
CYCLES_MOMENTUM = ("momentum", "adam", "adamw")
SCHEDULES = ("constant", "step", "cosine", "onecycle")
#: The settings of runs saved before the recipe had them: a per-epoch decay, no augmentation, on MNIST.
EARLIER_RUNS = {"schedule": "step", "warmup": 0.0, "clip_norm": None, "weight_decay": None, "label_smoothing": 0.0,
                "augment": False, "dataset": "mnist"}


def make_rule(optimizer, lr, weight_decay=None):
    """The rule called `optimizer` at learning rate `lr` (and `weight_decay`, unless None)."""
    if optimizer not in OPTIMIZERS:
        raise ValueError(f"unknown optimizer {optimizer!r}; choose one of {sorted(OPTIMIZERS)}")
    return OPTIMIZERS[optimizer](lr, **({} if weight_decay is None else {"weight_decay": weight_decay}))


def make_schedule(name, steps_per_epoch, epochs, lr_decay=1.0, warmup=0.0, cycle_momentum=False):
    """The schedule `name` over `epochs` epochs of `steps_per_epoch` updates (None: a constant lr)."""
    total = steps_per_epoch * epochs
    warm = round(warmup * steps_per_epoch)
    if name == "onecycle":
        return OneCycle(max(total, 2), pct_start=warm / total if 0 < warm < total else 0.3,
                        cycle_momentum=cycle_momentum)
    main = {"constant": None, "step": StepDecay(steps_per_epoch, lr_decay),
            "cosine": Cosine(max(total - warm, 1))}[name]
    if not warm:
        return main
    return LinearWarmup(warm) if main is None else LinearWarmup(warm).then(main)


def schedule_for(config):
    """steps per epoch -> the schedule of the run `config` (its planned epochs, schedule, decay and warm-up)."""

    def build(steps_per_epoch):
        return make_schedule(config["schedule"], steps_per_epoch, config["epochs"], config["lr_decay"],
                             config["warmup"], cycle_momentum=config["optimizer"] in CYCLES_MOMENTUM)

    return build


def describe(config):
    """The recipe in a few words: 'adam lr 0.001, step schedule (x0.7 per epoch), clip 1'."""
    words = [f"{config['optimizer']} lr {config['lr']:g}"]
    schedule = config["schedule"]
    if schedule == "step":
        words.append(f"x{config['lr_decay']:g} per epoch")
    elif schedule != "constant":
        words.append(f"{schedule} schedule")
    if config["warmup"]:
        words.append(f"{config['warmup']:g} epochs of warm-up")
    for key, label in (("weight_decay", "weight decay"), ("clip_norm", "clip norm"),
                       ("label_smoothing", "label smoothing")):
        if config.get(key):
            words.append(f"{label} {config[key]:g}")
    if config.get("augment"):
        words.append("augmented")
    return ", ".join(words)


# -- flags ------------------------------------------------------------------------
def add_arguments(add, per_model):
    """Add the recipe's flags beyond --optimizer, --lr and --lr-decay with `add` (a parser's add_argument)."""
    add("--schedule", choices=SCHEDULES,
        help=f"learning-rate schedule over the run's updates ({per_model('schedule')}); step: x--lr-decay every epoch")
    add("--warmup", type=non_negative_float, metavar="E",
        help="epochs of linear warm-up from lr 0, counted in updates (a fraction is fine; default 0); with onecycle, "
        "the rising part of the cycle (default 30%%)")
    add("--clip-norm", type=positive(float), metavar="C",
        help="scale all gradients down together when their global norm exceeds C (default: no clipping)")
    add("--weight-decay", type=non_negative_float, metavar="WD",
        help="weight decay (default: vit 0.05, else the optimizer's: 0.01 for adamw, 0 for the others)")
    add("--label-smoothing", type=fraction, metavar="S", help=f"label smoothing ({per_model('label_smoothing')})")
    add("--augment", action=argparse.BooleanOptionalAction,
        help=f"random shifts (2 pixels) and rotations (10 degrees) of training images ({per_model('augment')})")


def check_config(args, config, usage_error):
    """Refuse flags that the resolved run cannot use."""
    if args.lr_decay is not None and config["schedule"] != "step":
        raise usage_error(f"--lr-decay sets the step schedule's factor per epoch; this run's schedule is "
                          f"{config['schedule']}")
    if config["schedule"] in ("cosine", "onecycle") and config["warmup"] >= config["epochs"] > 0:
        raise usage_error(f"--warmup {config['warmup']:g} leaves no epoch of the {config['epochs']} planned for "
                          f"the {config['schedule']} schedule")


def check_resume(args, saved, usage_error):
    """Refuse flags that would change what a saved run's state means (`saved` a train.SavedRun)."""
    was = saved.config.get("optimizer")
    if args.optimizer and was and args.optimizer != was:
        raise usage_error(f"{args.resume} was trained with {was}, whose state (moments, step counts) --optimizer "
                          f"{args.optimizer} cannot continue; start a new run to change the optimizer")
    if args.dataset and args.dataset != saved.config.get("dataset", "mnist"):
        raise usage_error(f"{args.resume} continues a run on {saved.config.get('dataset', 'mnist')}; "
                          "--dataset cannot change")
    if saved.config.get("schedule", "step") != "constant" or saved.config.get("warmup"):
        for key in ("batch_size", "limit"):
            given = getattr(args, key)
            if given is not None and given != saved.config.get(key):
                raise usage_error(f"{args.resume} has a learning-rate schedule counted in updates, built from its "
                                  f"steps per epoch; --{key.replace('_', '-')} cannot change them")

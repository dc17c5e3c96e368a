"""An evolution trainer's state as `.npz` entries next to its graph's parameters, and its checks on reading.

The graph's own entries (parameters, optimizer state, update count) are
written by `Graph.save`; the trainer adds, under `extra/evolve/`: `kind`
(genetic or es), `settings` (its hyperparameters as JSON), `parameters` (the
names of the genome's parameters, in order), `generation`, `rng` (its random
generator's state as JSON), `history/<field>` (one float per generation
done) and `state/<key>` (the trainer's own arrays, such as the genetic
algorithm's population). Nothing is pickled.
"""

import dataclasses
import json

import numpy as np

from ..checkpoint import read_npz
from ..errors import CheckpointError
from .generation import Generation

PREFIX = "evolve/"
HISTORY_FIELDS = ("best", "mean", "fitness", "seconds")


def user_entries(extra):
    """The caller's extra entries, refused if they would overwrite the trainer's own."""
    extra = dict(extra or {})
    clashing = sorted(key for key in extra if key.startswith(PREFIX))
    if clashing:
        raise ValueError(f"extra entries may not start with {PREFIX!r}, which the trainer uses: {clashing}")
    return extra


def entries(trainer):
    """The trainer's entries, keyed for `Graph.save(extra=...)`."""
    out = {
        "kind": trainer.kind,
        "settings": json.dumps(trainer.settings(), sort_keys=True),
        "parameters": np.array(trainer.vector.names),
        "generation": np.int64(trainer.generation),
        "rng": json.dumps(trainer.rng.bit_generator.state),
    }
    for field in HISTORY_FIELDS:
        out[f"history/{field}"] = np.array([getattr(g, field) for g in trainer.history], dtype=np.float64)
    for key, value in trainer._state().items():
        out[f"state/{key}"] = value
    return {PREFIX + key: value for key, value in out.items()}


@dataclasses.dataclass
class Saved:
    """A trainer's state read from a file and checked, ready to be taken over."""

    generation: int
    rng_state: dict
    history: list
    state: dict
    extra: dict


def read(path, trainer):
    """The trainer state in `path`, checked against `trainer` (CheckpointError naming the file otherwise)."""
    extra = {k[len("extra/"):]: v for k, v in read_npz(path).items() if k.startswith("extra/")}
    own = {k[len(PREFIX):]: v for k, v in extra.items() if k.startswith(PREFIX)}
    if "kind" not in own:
        raise CheckpointError(f"{path} holds no evolution trainer's state (it has no {PREFIX}kind entry)")
    missing = [key for key in ("settings", "parameters", "generation", "rng") if key not in own]
    if missing:
        raise CheckpointError(f"{path} is an incomplete evolution checkpoint: it lacks {', '.join(missing)}")
    _check_identity(path, own, trainer)
    generation = _generation(path, own["generation"])
    history = _history(path, own, generation)
    rng_state = _rng_state(path, own["rng"], trainer.rng)
    state = {k[len("state/"):]: v for k, v in own.items() if k.startswith("state/")}
    trainer._check_state(path, state)
    user = {k: v for k, v in extra.items() if not k.startswith(PREFIX)}
    return Saved(generation, rng_state, history, state, user)


def _check_identity(path, own, trainer):
    """The file was written by a trainer of this kind, with these settings, for these parameters."""
    if str(own["kind"]) != trainer.kind:
        raise CheckpointError(f"{path} holds the state of a {own['kind']} trainer, not of a {trainer.kind} one")
    try:
        settings = json.loads(str(own["settings"]))
    except json.JSONDecodeError:
        raise CheckpointError(f"{path} is a damaged evolution checkpoint: its settings are not valid JSON") from None
    mine = trainer.settings()
    differing = sorted(k for k in set(settings) | set(mine) if settings.get(k) != mine.get(k))
    if differing:
        both = ", ".join(f"{k}={settings.get(k)!r} in the file but {mine.get(k)!r} here" for k in differing)
        raise CheckpointError(f"{path} was written by a {trainer.kind} trainer with other settings: {both}")
    names = [str(n) for n in np.atleast_1d(own["parameters"])]
    if names != list(trainer.vector.names):
        raise CheckpointError(f"{path} evolved the parameters {names}, but this trainer evolves "
                              f"{list(trainer.vector.names)}")


def _generation(path, stored):
    stored = np.asarray(stored)
    if stored.shape != () or stored.dtype.kind not in "iu" or int(stored) < 0:
        raise CheckpointError(f"{path} is a damaged evolution checkpoint: its generation is {stored.dtype} "
                              f"{stored.tolist()!r}")
    return int(stored)


def _history(path, own, generation):
    columns = {}
    for field in HISTORY_FIELDS:
        values = own.get(f"history/{field}")
        if values is None or values.shape != (generation,) or values.dtype.kind != "f":
            found = "missing" if values is None else f"{values.dtype} {values.shape}"
            raise CheckpointError(f"{path} is a damaged evolution checkpoint: history/{field} is {found}, "
                                  f"expected {generation} floats")
        columns[field] = [float(v) for v in values]
    return [Generation(i + 1, *(columns[f][i] for f in HISTORY_FIELDS)) for i in range(generation)]


def _rng_state(path, stored, rng):
    try:
        state = json.loads(str(stored))
    except json.JSONDecodeError:
        state = None
    kind = type(rng.bit_generator)
    try:  # tried on a generator of its own, so that a bad state is found before anything changes
        kind().state = state
    except (TypeError, ValueError, KeyError):
        raise CheckpointError(f"{path} is a damaged evolution checkpoint: its rng entry is not a "
                              f"{kind.__name__} state") from None
    return state

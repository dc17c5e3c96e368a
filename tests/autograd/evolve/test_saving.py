"""Saving a trainer with its graph in one .npz, resuming bit for bit, and refusing files that do not fit."""

import json

import numpy as np
import pytest

import autograd as ag
from autograd.checkpoint import read_npz
from autograd.evolve import EvolutionStrategy, GeneticAlgorithm
from tests.autograd.evolve.problems import classifier, spirals
from tests.autograd.evolve.test_evolver import KINDS, assert_same, make, snapshot

POINTS, CLASSES = spirals(per_class=20)


def run(trainer, model, generations):
    for _ in range(generations):
        trainer.step(model.feeds(POINTS, CLASSES))


@pytest.mark.parametrize("kind", KINDS)
def test_a_resumed_run_continues_bit_for_bit(tmp_path, kind):
    straight = classifier((2, 6, 2), seed=0)
    uninterrupted = make(kind, straight.graph)
    run(uninterrupted, straight, 6)

    first = classifier((2, 6, 2), seed=0)
    interrupted = make(kind, first.graph)
    run(interrupted, first, 3)
    interrupted.save(tmp_path / "run.npz", extra={"note": "three done"})
    second = classifier((2, 6, 2), seed=9)  # other initial values and generator: all must come from the file
    resumed = make(kind, second.graph, seed=9)
    extra = resumed.load(tmp_path / "run.npz")
    assert str(extra["note"]) == "three done" and resumed.generation == 3
    assert_same(snapshot(resumed), snapshot(interrupted))
    run(resumed, second, 3)
    assert_same(snapshot(resumed), snapshot(uninterrupted))
    assert [g.number for g in resumed.history] == [1, 2, 3, 4, 5, 6]


def test_the_file_holds_plain_arrays_only(tmp_path):
    model = classifier((2, 3, 2), seed=0)
    trainer = make("genetic", model.graph)
    run(trainer, model, 1)
    trainer.save(tmp_path / "run.npz")
    with np.load(tmp_path / "run.npz", allow_pickle=False) as archive:
        arrays = {key: archive[key] for key in archive.files}
    assert all(a.dtype != object for a in arrays.values())
    assert arrays["extra/evolve/state/population"].shape == (10, trainer.vector.size)
    assert json.loads(str(arrays["extra/evolve/settings"]))["population"] == 10
    assert {"param/fc1.weight", "extra/evolve/rng", "extra/evolve/history/best"} <= arrays.keys()


def rewritten(source, dest, drop=(), **replace):
    arrays = {k: v for k, v in read_npz(source).items() if k not in drop}
    arrays.update({f"extra/evolve/{k.replace('__', '/')}": np.asarray(v) for k, v in replace.items()})
    np.savez(dest, **arrays)
    return dest


@pytest.mark.parametrize(
    "drop, replace, message",
    [
        (("extra/evolve/kind",), {}, "holds no evolution trainer's state"),
        ((), {"kind": "es"}, "holds the state of a es trainer, not of a genetic one"),
        (("extra/evolve/rng",), {}, "incomplete evolution checkpoint: it lacks rng"),
        ((), {"settings": json.dumps({"population": 10, "elite": 3})}, "elite=3 in the file but 2 here"),
        ((), {"settings": "{oops"}, "its settings are not valid JSON"),
        ((), {"parameters": np.array(["fc1.weight"])},
         r"evolved the parameters \['fc1.weight'\], but this trainer evolves"),
        ((), {"generation": -1}, "its generation is int64 -1"),
        ((), {"history__best": np.zeros(1)}, r"history/best is float64 \(1,\), expected 2 floats"),
        ((), {"rng": json.dumps({"bit_generator": "MT19937"})}, "its rng entry is not a PCG64 state"),
        ((), {"state__population": np.zeros((9, 3))}, r"population in .* is float64 \(9, 3\), expected floats"),
        ((), {"state__fitness": np.zeros(4)}, r"fitness in .* is float64 \(4,\)"),
    ],
)
def test_a_file_that_does_not_fit_is_refused_by_name_and_changes_nothing(tmp_path, drop, replace, message):
    model = classifier((2, 3, 2), seed=0)
    trainer = make("genetic", model.graph)
    run(trainer, model, 2)
    trainer.save(tmp_path / "good.npz")
    other = classifier((2, 3, 2), seed=1)
    victim = make("genetic", other.graph, seed=1)
    run(victim, other, 1)
    before = snapshot(victim)
    bad = rewritten(tmp_path / "good.npz", tmp_path / "bad.npz", drop, **replace)
    with pytest.raises(ag.CheckpointError, match=message) as error:
        victim.load(bad)
    assert str(bad) in str(error.value)
    assert_same(snapshot(victim), before)


def test_a_graph_that_does_not_fit_is_refused_before_the_trainer_changes(tmp_path):
    small = classifier((2, 3, 2), seed=0)
    trainer = EvolutionStrategy(small.graph, population=4, seed=0)
    trainer.save(tmp_path / "small.npz")
    wide = classifier((2, 5, 2), seed=0)
    victim = EvolutionStrategy(wide.graph, population=4, seed=1)
    before = snapshot(victim)
    with pytest.raises(ag.CheckpointError, match="fc1.weight"):
        victim.load(tmp_path / "small.npz")
    assert_same(snapshot(victim), before)


def test_extra_entries_may_not_take_the_trainer_s_names(tmp_path):
    model = classifier((2, 3, 2), seed=0)
    with pytest.raises(ValueError, match="may not start with 'evolve/'"):
        GeneticAlgorithm(model.graph, population=4, elite=1).save(tmp_path / "x.npz", extra={"evolve/kind": "mine"})
    assert not (tmp_path / "x.npz").exists()

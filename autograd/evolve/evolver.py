"""What both evolution trainers share: one generation as a whole or not at all, its record, and checkpoints."""

import time

import numpy as np

from . import saving
from .evaluation import MemberByMember, checked_losses
from .generation import Generation
from .rollback import Rollback
from .vector import ParameterVector


class Evolver:
    """Base of the trainers that improve a graph's parameters from forward passes only.

    `graph` is rooted at a scalar loss; its trainable parameters are the
    genome (`ParameterVector`). `evaluate` computes a population's losses on
    a batch (see `autograd.evolve.evaluation`; default: `MemberByMember`).
    `seed` seeds the trainer's one random generator, so a run is
    reproducible. `step(feeds)` runs one generation; after it, and after a
    generation that raised (Ctrl-C included), the graph holds a member whose
    fitness was measured.
    """

    #: The trainer's name in checkpoints.
    kind = None

    def __init__(self, graph, seed=0, evaluate=None):
        self.graph = graph
        self.vector = ParameterVector(graph.parameters)
        self.evaluator = evaluate if evaluate is not None else MemberByMember(graph)
        self.rng = np.random.default_rng(seed)
        self.generation = 0  # generations done
        self.history = []  # a Generation per generation done

    def settings(self):
        """The hyperparameters, as a dict of plain values (a checkpoint must be resumed with the same)."""
        raise NotImplementedError

    def evaluate(self, population, feeds):
        """The losses (float64, NaN counted as +inf) of the rows of `population` on the batch `feeds`."""
        return checked_losses(self.evaluator(self.vector.unpack(population), feeds), len(population))

    def step(self, feeds):
        """One generation on the batch `feeds`; returns its Generation.

        If anything in it raises, the parameters, their optimizer state, the
        graph's update count, the random generator and the trainer's own
        state are put back as they were before it, and the error goes on.
        """
        start = time.perf_counter()
        before = Rollback(self.graph, self.vector, self.rng)
        try:
            best, mean, fitness = self._generation(feeds)
        except BaseException:
            before.restore()
            raise
        self.generation += 1
        record = Generation(self.generation, float(best), float(mean), float(fitness), time.perf_counter() - start)
        self.history.append(record)
        return record

    def _generation(self, feeds):
        """Evaluate and breed (or update) once; returns (best, mean, fitness of the member left in the graph).

        Changes to the trainer's own attributes are made last, once nothing can fail any more.
        """
        raise NotImplementedError

    # -- checkpoints --------------------------------------------------------
    def save(self, path, extra=None):
        """Write the graph (parameters, optimizer state, update count) and this trainer's state to `path`.

        One `.npz`, written atomically, never pickled; `extra` (a dict of
        arrays, strings or numbers) is stored alongside and returned by `load`.
        """
        self.graph.save(path, extra={**saving.user_entries(extra), **saving.entries(self)})

    def load(self, path):
        """Continue the run saved in `path` by `save`; returns its `extra` entries.

        The whole file is checked against this trainer and its graph first: a
        file that does not fit raises CheckpointError and changes nothing.
        """
        saved = saving.read(path, self)
        self.graph.load(path)
        self.rng.bit_generator.state = saved.rng_state
        self.generation, self.history = saved.generation, saved.history
        self._set_state(saved.state)
        return saved.extra

    def _state(self):
        """The trainer's own arrays a checkpoint keeps ({} by default)."""
        return {}

    def _check_state(self, path, state):
        """Raise CheckpointError unless `state` (arrays read from `path`) fits this trainer."""

    def _set_state(self, state):
        """Take over `state`, already checked."""

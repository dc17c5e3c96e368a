"""A genetic algorithm: a population of parameter vectors, bred by selection, crossover and mutation.

Each generation evaluates every member on the generation's batch (fitness
is minus the loss), puts the fittest into the graph, and breeds the next
population from this one:

- elitism: the `elite` fittest members pass on unchanged (and are evaluated
  again on the next batch, so no fitness is carried over from another batch);
- tournament selection: each parent is the fittest of `tournament` members
  drawn at random (with replacement);
- uniform crossover: with probability `crossover` a child takes each value
  from one of its two parents at random, otherwise it copies the first;
- Gaussian mutation: each value of a child is, with probability
  `mutation_rate`, moved by a normal draw of standard deviation
  `mutation_scale`.

The first population is the graph's parameters and `population - 1`
mutants of them.
"""

import math

import numpy as np

from ..errors import CheckpointError
from .evolver import Evolver


def tournament(fitness, count, size, rng):
    """Indices of `count` winners, each the fittest of `size` members drawn at random (first of equals)."""
    contestants = rng.integers(0, len(fitness), size=(count, size))
    winners = np.argmax(fitness[contestants], axis=1)
    return contestants[np.arange(count), winners]


def uniform_crossover(first, second, rate, rng):
    """Children of the rows of `first` and `second`: a row crosses with probability `rate`, else copies `first`."""
    crossing = rng.random(len(first)) < rate
    from_second = (rng.random(first.shape, dtype=np.float32) < 0.5) & crossing[:, None]
    return np.where(from_second, second, first)


def mutate(members, rate, scale, rng):
    """Move each value of `members` (a C-contiguous array, in place) with probability `rate` by a normal draw
    times `scale`; returns `members`."""
    if not members.flags.c_contiguous:
        raise ValueError("mutate changes its members in place: give it a C-contiguous array")
    flat = members.reshape(-1)
    hits = np.flatnonzero(rng.random(flat.size, dtype=np.float32) < rate)
    flat[hits] += (scale * rng.standard_normal(len(hits))).astype(flat.dtype)
    return members


class GeneticAlgorithm(Evolver):
    """Trains `graph`'s parameters with a genetic algorithm (see the module docstring).

    `population` members (at least 2), of which the `elite` fittest survive
    unchanged (0 <= elite < population); parents by tournaments of
    `tournament` members; `crossover` the probability that a child mixes its
    two parents; `mutation_rate` and `mutation_scale` the Gaussian mutation.
    After each generation the graph holds the fittest member just evaluated.
    """

    kind = "genetic"

    def __init__(self, graph, population=100, elite=5, tournament=3, crossover=0.9, mutation_rate=0.01,
                 mutation_scale=0.05, seed=0, evaluate=None):
        _check_settings(population, elite, tournament, crossover, mutation_rate, mutation_scale)
        super().__init__(graph, seed=seed, evaluate=evaluate)
        self.size, self.elite, self.tournament = int(population), int(elite), int(tournament)
        self.crossover, self.mutation_rate, self.mutation_scale = float(crossover), float(mutation_rate), float(
            mutation_scale)
        first = np.repeat(self.vector.read()[None], self.size, axis=0)
        mutate(first[1:], self.mutation_rate, self.mutation_scale, self.rng)
        self.population = first  # (population, genome size): the members of the coming generation
        self.fitness = None  # their fitness on the last batch, once evaluated

    def settings(self):
        """The hyperparameters."""
        return {"population": self.size, "elite": self.elite, "tournament": self.tournament,
                "crossover": self.crossover, "mutation_rate": self.mutation_rate,
                "mutation_scale": self.mutation_scale}

    def breed(self):
        """The next population from the evaluated one: elites first, then mutated children of tournament winners."""
        order = np.argsort(-self.fitness, kind="stable")
        count = self.size - self.elite
        first = self.population[tournament(self.fitness, count, self.tournament, self.rng)]
        second = self.population[tournament(self.fitness, count, self.tournament, self.rng)]
        children = mutate(uniform_crossover(first, second, self.crossover, self.rng), self.mutation_rate,
                          self.mutation_scale, self.rng)
        return np.concatenate([self.population[order[: self.elite]], children])

    def _generation(self, feeds):
        members = self.population if self.fitness is None else self.breed()
        fitness = -self.evaluate(members, feeds)
        best = int(np.argmax(fitness))
        self.vector.write(members[best])
        self.population, self.fitness = members, fitness
        return fitness[best], fitness.mean(), fitness[best]

    @property
    def best(self):
        """The fittest member of the last generation (what the graph holds), or None before the first."""
        return None if self.fitness is None else self.population[int(np.argmax(self.fitness))]

    def _state(self):
        state = {"population": self.population}
        if self.fitness is not None:
            state["fitness"] = self.fitness
        return state

    def _check_state(self, path, state):
        population, fitness = state.get("population"), state.get("fitness")
        shape = (self.size, self.vector.size)
        if population is None or population.shape != shape or population.dtype.kind != "f":
            found = "missing" if population is None else f"{population.dtype} {population.shape}"
            raise CheckpointError(f"the population in {path} is {found}, expected floats of shape {shape}")
        if fitness is not None and (fitness.shape != (self.size,) or fitness.dtype.kind != "f"):
            raise CheckpointError(f"the fitness in {path} is {fitness.dtype} {fitness.shape}, "
                                  f"expected {self.size} floats")

    def _set_state(self, state):
        self.population = state["population"].astype(self.vector.dtype)
        fitness = state.get("fitness")
        self.fitness = None if fitness is None else fitness.astype(np.float64)


def _check_settings(population, elite, tournament, crossover, mutation_rate, mutation_scale):
    """Refuse hyperparameters out of range, naming them and their ranges."""
    sized = isinstance(population, (int, np.integer)) and population >= 2
    checks = {
        "population": sized,
        "elite": isinstance(elite, (int, np.integer)) and 0 <= elite and (not sized or elite < population),
        "tournament": isinstance(tournament, (int, np.integer)) and tournament >= 1,
        "crossover": 0 <= crossover <= 1,
        "mutation_rate": 0 < mutation_rate <= 1,
        "mutation_scale": math.isfinite(mutation_scale) and mutation_scale > 0,
    }
    given = {"population": population, "elite": elite, "tournament": tournament, "crossover": crossover,
             "mutation_rate": mutation_rate, "mutation_scale": mutation_scale}
    bad = [name for name, ok in checks.items() if not ok]
    if bad:
        values = ", ".join(f"{name}={given[name]!r}" for name in bad)
        raise ValueError(f"GeneticAlgorithm: {values} out of range (population an int >= 2, 0 <= elite < "
                         "population, tournament an int >= 1, crossover in [0, 1], mutation_rate in (0, 1], "
                         "mutation_scale finite and > 0)")

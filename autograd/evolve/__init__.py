"""Training without gradients: improving a graph's parameters from forward passes alone.

    trainer = EvolutionStrategy(graph, population=100, sigma=0.05, seed=0)   # or GeneticAlgorithm(graph, ...)
    for feeds in batches:
        generation = trainer.step(feeds)   # generation.best, .mean: fitness = minus the loss on the batch

Both trainers treat the graph's trainable parameters as one vector
(`ParameterVector`), evaluate populations of such vectors with forward
passes that keep no backward state (`evaluation`), run each generation as a
whole or not at all (`rollback`: an exception half-way, Ctrl-C included,
leaves the graph holding the member it held before), and save and resume
their whole state in the graph's `.npz` checkpoint (`saving`), so that a
resumed run continues bit for bit.

- `GeneticAlgorithm` (`genetic`): tournament selection, elitism, uniform
  crossover, Gaussian mutation; the graph holds each generation's fittest.
- `EvolutionStrategy` (`strategy`): antithetic Gaussian perturbations,
  rank-based fitness shaping, and the estimated gradient applied through the
  parameters' own update rules; the graph holds the evaluated centre.

The package stands on the engine core and numpy only.
"""

from .evaluation import MemberByMember
from .evolver import Evolver
from .generation import Generation
from .genetic import GeneticAlgorithm
from .strategy import EvolutionStrategy, centred_ranks
from .vector import ParameterVector

__all__ = ["Evolver", "EvolutionStrategy", "Generation", "GeneticAlgorithm", "MemberByMember", "ParameterVector",
           "centred_ranks"]

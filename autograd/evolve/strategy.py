"""An evolution strategy: the loss's gradient estimated from antithetic Gaussian perturbations.

The graph's parameters are the centre w. Each generation draws P/2 normal
vectors e_i, evaluates the P members w + sigma e_i and w - sigma e_i on the
generation's batch, and replaces every fitness by its centred rank u in
[-0.5, 0.5] (rank-based fitness shaping: only the order of the fitnesses
counts, so one outlier cannot dominate, and the step does not depend on the
loss's scale). The estimate of the loss's gradient is

    g = -1 / (P sigma) * sum_i (u(w + sigma e_i) - u(w - sigma e_i)) e_i,

and it goes through the one update path (`autograd.update.apply_updates`)
like a backward pass's gradient: each parameter's rule (its own, else the
graph's, e.g. Adam), schedules counted in the graph's updates, clipping and
weight decay. The new centre is then evaluated on the same batch, so the
graph always holds a member whose fitness was measured.
"""

import math

import numpy as np

from ..update import apply_updates
from .evolver import Evolver


def centred_ranks(fitness):
    """Each fitness as its rank scaled to [-0.5, 0.5], lowest to highest; equal fitnesses share their mean rank."""
    fitness = np.asarray(fitness)
    if len(fitness) < 2:
        return np.zeros(len(fitness))
    _, inverse, counts = np.unique(fitness, return_inverse=True, return_counts=True)
    first = np.cumsum(counts) - counts
    ranks = (first + (counts - 1) / 2)[inverse.reshape(-1)]
    return ranks / (len(fitness) - 1) - 0.5


class EvolutionStrategy(Evolver):
    """Trains `graph`'s parameters with an evolution strategy (see the module docstring).

    `population` is the number of members per generation (even: antithetic
    pairs), `sigma` the standard deviation of the perturbations; the step is
    the graph's update rule's (set it on the graph, or per parameter, as for
    backprop), with `clip_norm` the global clipping of the estimate.
    """

    kind = "es"

    def __init__(self, graph, population=100, sigma=0.05, clip_norm=None, seed=0, evaluate=None):
        checks = {
            "population": isinstance(population, (int, np.integer)) and population >= 2 and population % 2 == 0,
            "sigma": math.isfinite(sigma) and sigma > 0,
            "clip_norm": clip_norm is None or math.isfinite(clip_norm) and clip_norm > 0,
        }
        bad = [f"{name}={value!r}" for name, value in
               (("population", population), ("sigma", sigma), ("clip_norm", clip_norm)) if not checks[name]]
        if bad:
            raise ValueError(f"EvolutionStrategy: {', '.join(bad)} out of range (population an even int >= 2, "
                             "sigma finite and > 0, clip_norm None or finite and > 0)")
        super().__init__(graph, seed=seed, evaluate=evaluate)
        self.size, self.sigma = int(population), float(sigma)
        self.clip_norm = None if clip_norm is None else float(clip_norm)
        # Normal draws in float32 for float32 parameters: half the memory and time of float64.
        self.noise_dtype = np.float64 if self.vector.dtype == np.float64 else np.float32

    def settings(self):
        """The hyperparameters."""
        return {"population": self.size, "sigma": self.sigma, "clip_norm": self.clip_norm}

    def gradient(self, noise, fitness):
        """The estimate of the loss's gradient from the pairs' `noise` (P/2, size) and the P members' fitness."""
        shaped = centred_ranks(fitness)
        pairs = len(noise)
        weights = (shaped[:pairs] - shaped[pairs:]).astype(noise.dtype)
        return -(weights @ noise) / noise.dtype.type(self.size * self.sigma)

    def _generation(self, feeds):
        centre = self.vector.read()
        noise = self.rng.standard_normal((self.size // 2, self.vector.size), dtype=self.noise_dtype)
        step = (self.sigma * noise).astype(self.vector.dtype, copy=False)
        fitness = -self.evaluate(np.concatenate([centre + step, centre - step]), feeds)
        self.vector.write(centre)
        pairs = [(p, g.astype(p.value.dtype, copy=False)) for p, g in self.vector.split(self.gradient(noise, fitness))]
        apply_updates(pairs, self.graph.rule, self.graph.updates, self.clip_norm)
        self.graph.updates += 1
        centre_fitness = -self.evaluate(self.vector.read()[None], feeds)[0]
        return fitness.max(), fitness.mean(), centre_fitness

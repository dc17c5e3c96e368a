"""What a generation may change, taken before it starts and put back if it fails.

A generation writes members into the graph's parameters while it evaluates
them, and the evolution strategy then updates the parameters, their
optimizer state and the graph's update count. An exception half-way (a
failing node, Ctrl-C) must not leave any of that behind, nor a random
generator that has moved on: after `restore` the trainer and its graph are
exactly as before the generation, so running it again gives the same result.
"""

import numpy as np


def _copied(state):
    return {key: np.array(value, copy=True) if isinstance(value, np.ndarray) else value
            for key, value in state.items()}


class Rollback:
    """A copy of the parameters' values and optimizer state, the graph's update count and `rng`'s state."""

    def __init__(self, graph, vector, rng):
        self.graph, self.vector, self.rng = graph, vector, rng
        self.values = vector.read()
        self.states = [_copied(p.state) for p in vector.parameters]
        self.updates = graph.updates
        self.rng_state = rng.bit_generator.state

    def restore(self):
        """Put everything back as it was when this rollback was taken."""
        self.vector.write(self.values)
        for p, state in zip(self.vector.parameters, self.states):
            p.state = _copied(state)
        self.graph.updates = self.updates
        self.rng.bit_generator.state = self.rng_state

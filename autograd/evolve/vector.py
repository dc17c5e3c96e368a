"""A graph's trainable parameters laid end to end: the genome the evolution trainers work on."""

import numpy as np


class ParameterVector:
    """The trainable (not frozen) parameters of a graph as one flat vector, in the graph's order.

    A population is a (P, size) array, one member per row. `read` copies the
    graph's values into a vector, `write` puts a vector back (in place, so
    every node holding a parameter sees it), `unpack` gives each parameter's
    part of every member as a (P, *shape) view and `split` cuts one vector
    into per-parameter arrays (the ES's gradient estimate). The layout is
    fixed when the vector is made: freezing a parameter later does not
    change it.
    """

    def __init__(self, parameters):
        self.parameters = tuple(p for p in parameters if p.requires_grad)
        if not self.parameters:
            raise ValueError("the graph has no trainable parameters to evolve (none, or all frozen)")
        self.offsets = np.cumsum([0, *(p.value.size for p in self.parameters)])
        self.size = int(self.offsets[-1])
        self.dtype = np.result_type(*(p.value.dtype for p in self.parameters))
        self.names = tuple(p.name for p in self.parameters)

    def _parts(self):
        return zip(self.parameters, self.offsets[:-1], self.offsets[1:])

    def read(self):
        """The graph's current values as a new vector."""
        vector = np.empty(self.size, dtype=self.dtype)
        for p, start, stop in self._parts():
            vector[start:stop] = p.value.ravel()
        return vector

    def write(self, vector):
        """Set every parameter's value from `vector` (one member), in place."""
        vector = np.asarray(vector)
        if vector.shape != (self.size,):
            raise ValueError(f"a member of this population is a vector of {self.size} values, got shape {vector.shape}")
        for p, start, stop in self._parts():
            p.value[...] = vector[start:stop].reshape(p.value.shape)

    def unpack(self, population):
        """{parameter: its values in every member, shape (P, *parameter shape)}: views into `population`."""
        if population.ndim != 2 or population.shape[1] != self.size:
            raise ValueError(f"a population is a (members, {self.size}) array, got shape {population.shape}")
        count = population.shape[0]
        return {p: population[:, start:stop].reshape(count, *p.value.shape) for p, start, stop in self._parts()}

    def split(self, vector):
        """[(parameter, its part of `vector` shaped like it)] in the vector's order."""
        return [(p, vector[start:stop].reshape(p.value.shape)) for p, start, stop in self._parts()]

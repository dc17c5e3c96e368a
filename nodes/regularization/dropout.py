"""Inverted dropout with its own random generator."""

import json

import numpy as np

from autograd import Node


class Dropout(Node):
    """Training: f = x * m / (1 - p), m[i] ~ Bernoulli(1 - p) drawn at every forward pass.

    Evaluation (or p = 0): f = x. Scaling the kept values by 1 / (1 - p)
    during training keeps E[f] = x, so nothing changes at evaluation.
    Backward: dG/dx = g * m / (1 - p) with the mask of the last forward pass
    (training), g itself (evaluation).

    The mask comes from `self.rng`, a numpy Generator. To resume the same
    sequence of masks after a restart, save `rng_state()` (an array) among a
    checkpoint's extras and give it back to `set_rng_state`; or set
    `node.rng` to restart one (gradient checks reset it before every forward
    pass so that every pass draws the same mask).
    """

    op = "dropout"

    def __init__(self, x, p=0.5, rng=None, name=None):
        if not 0.0 <= p < 1.0:
            raise ValueError(f"dropout probability must be in [0, 1), got {p}")
        self.p = float(p)
        self.rng = rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)
        super().__init__(x, name=name)

    def infer_shape(self, x):
        return x

    def forward(self, x):
        self.active = self.training and self.p > 0
        if not self.active:
            return x
        dtype = x.dtype if x.dtype.kind == "f" else np.dtype(np.float32)
        keep = self.rng.random(x.shape, dtype=dtype) >= dtype.type(self.p)
        scaled_mask = keep * dtype.type(1.0 / (1.0 - self.p))  # bool * scalar keeps the float dtype
        if self.keep:
            self.mask = scaled_mask
        return x * scaled_mask

    def backward(self, g):
        if not self.active:
            return (g,)
        return (g * self.mask,)

    def vjp(self, g):
        """dG/dx = g * M, M = m / (1 - p) a `DropoutMask` node: the mask of the pass that computed this node."""
        return (g * DropoutMask(self),)

    def rng_state(self):
        """The generator's state as a uint8 array (its JSON text), storable in an .npz file."""
        return np.frombuffer(json.dumps(self.rng.bit_generator.state).encode(), dtype=np.uint8).copy()

    def set_rng_state(self, array):
        """Restore a state returned by `rng_state`."""
        self.rng.bit_generator.state = json.loads(np.asarray(array, dtype=np.uint8).tobytes().decode())


class DropoutMask(Node):
    """f = the scaled mask m / (1 - p) that the `dropout` node it takes as input drew in this pass (1 when inactive).

    Dropout's `vjp` multiplies g by this node, so a backward pass built of
    nodes uses the mask of whichever pass computed the dropout node: the
    mask node comes after it in every schedule and reads the mask that pass
    kept. Backward: none (the mask does not depend on x).
    """

    op = "dropout_mask"
    differentiable = False

    def infer_shape(self, f):
        return f

    def forward(self, f):
        dropout = self.inputs[0]
        if not dropout.active:
            return np.ones_like(f)
        if not dropout.keep:
            raise ValueError(f"dropout '{dropout.name}' kept no mask in its last forward pass (grad=False): "
                             "its mask node needs a pass that keeps what backward needs")
        return dropout.mask


def dropout(x, p=0.5, rng=None, seed=None, name=None):
    """Inverted dropout of `x` with drop probability `p`.

    `rng` is a numpy Generator (or an int seed); `seed` is an alternative
    way to give the int seed. Without either, the generator is seeded from
    the operating system.
    """
    if rng is not None and seed is not None:
        raise ValueError("give either rng or seed, not both")
    return Dropout(x, p=p, rng=rng if rng is not None else seed, name=name)

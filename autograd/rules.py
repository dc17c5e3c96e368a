"""Update rules: frozen sets of hyperparameters and the step each takes.

A rule holds hyperparameters only, and cannot be changed: `rule.with_lr(0.1)`
and `dataclasses.replace(rule, ...)` make a new one, so a rule shared by
several graphs or parameters is never changed under them. The
per-parameter state (momentum buffers, Adam moments, step count) lives in
`Parameter.state`, so a parameter owns its update and its optimizer state
travels with it. Weight decay is applied by the one update path
(`autograd.update.apply_update`), the same way for every rule: added to the
gradient as L2 regularisation (g + wd w), except for rules that decouple it
(`AdamW`: w <- w (1 - lr wd)), as in PyTorch.

`rule.step(w, g, state, lr)` changes the array `w` in place.
"""

import dataclasses
import math

import numpy as np


class Rule:
    """Base of the update rules (frozen dataclasses with `lr` and `weight_decay` fields)."""

    #: True for rules whose weight decay shrinks w directly instead of adding wd w to g (AdamW).
    decoupled_decay = False

    def with_lr(self, lr):
        """The same rule at learning rate `lr` (a new rule; this one is unchanged)."""
        return dataclasses.replace(self, lr=lr)

    def step(self, w, g, state, lr):
        """Change `w` in place from the gradient `g` (weight decay already applied) and `state`."""
        raise NotImplementedError(f"{type(self).__name__} has no step()")

    def _check(self, **conditions):
        """Refuse the hyperparameters for which a condition is false, naming them."""
        bad = [name for name, ok in conditions.items() if not ok]
        if bad:
            values = ", ".join(f"{name}={getattr(self, name)!r}" for name in bad)
            raise ValueError(f"{type(self).__name__}: {values} out of range ({self._ranges})")

    def _finite_non_negative(self, *names):
        return {name: math.isfinite(getattr(self, name)) and getattr(self, name) >= 0 for name in names}


@dataclasses.dataclass(frozen=True)
class SGD(Rule):
    """Stochastic gradient descent, optionally with (Nesterov) momentum, as PyTorch's `torch.optim.SGD`.

    Plain:     w <- w - lr * g
    Momentum:  v <- mu * v + g;  w <- w - lr * v
    Nesterov:  v <- mu * v + g;  w <- w - lr * (g + mu * v)
    """

    lr: float = 0.01
    momentum: float = 0.0
    nesterov: bool = False
    weight_decay: float = 0.0
    _ranges = "lr, momentum and weight_decay must be finite and >= 0; Nesterov needs momentum > 0"

    def __post_init__(self):
        self._check(**self._finite_non_negative("lr", "momentum", "weight_decay"),
                    nesterov=not self.nesterov or self.momentum > 0)

    def step(self, w, g, state, lr):
        """One SGD step on `w` in place."""
        if not self.momentum:
            w -= lr * g
            return
        v = state.get("velocity")
        if v is None:
            v = state["velocity"] = np.zeros_like(w)
        v *= self.momentum
        v += g
        w -= lr * (g + self.momentum * v) if self.nesterov else lr * v


@dataclasses.dataclass(frozen=True)
class Adam(Rule):
    """Adam (Kingma and Ba, 2015), as PyTorch's `torch.optim.Adam` (weight decay as L2 on the gradient).

    m <- b1 m + (1 - b1) g;  v <- b2 v + (1 - b2) g^2;  t <- t + 1
    w <- w - lr * (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps)
    """

    lr: float = 1e-3
    betas: tuple = (0.9, 0.999)
    eps: float = 1e-8
    weight_decay: float = 0.0
    _ranges = "lr and weight_decay must be finite and >= 0, eps > 0, betas in [0, 1)"

    def __post_init__(self):
        object.__setattr__(self, "betas", tuple(float(b) for b in self.betas))
        b1, b2 = self.betas
        self._check(**self._finite_non_negative("lr", "weight_decay"), eps=self.eps > 0,
                    betas=0 <= b1 < 1 and 0 <= b2 < 1)

    def step(self, w, g, state, lr):
        """One Adam step on `w` in place; the moments and the step count live in `state`."""
        b1, b2 = self.betas
        if "m" not in state:
            state["m"] = np.zeros_like(w)
            state["v"] = np.zeros_like(w)
            state["t"] = np.zeros((), dtype=np.int64)
        m, v = state["m"], state["v"]
        state["t"] += 1
        t = int(state["t"])
        m *= b1
        m += (1 - b1) * g
        v *= b2
        v += (1 - b2) * g * g
        # The bias corrections folded into one scale and into eps: the same
        # numbers as the textbook form, without two temporaries of w's size.
        correction = math.sqrt(1 - b2**t)
        w -= (lr * correction / (1 - b1**t)) * m / (np.sqrt(v) + self.eps * correction)


@dataclasses.dataclass(frozen=True)
class AdamW(Adam):
    """Adam with decoupled weight decay (Loshchilov and Hutter, 2019), as PyTorch's `torch.optim.AdamW`.

    Before the Adam step: w <- w (1 - lr wd). Default weight decay 0.01, as PyTorch's.
    """

    weight_decay: float = 0.01
    decoupled_decay = True

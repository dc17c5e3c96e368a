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

`rule.step(w, g, state, lr)` changes the array `w` in place. Every rule also
takes, by keyword, a learning-rate `schedule` (`autograd.schedules`: the
rule's lr times the schedule's factor at each update) and per-parameter
gradient clipping (`clip_value`, `clip_norm`), both applied by the update path.
"""

import dataclasses
import math

import numpy as np

from . import compiled, rule_kernels


@dataclasses.dataclass(frozen=True, repr=False)
class Rule:
    """Base of the update rules: frozen dataclasses with `lr` and `weight_decay` fields of their own.

    Keyword fields every rule has: `schedule` (a Schedule, or None for a
    constant lr), `clip_value` (clip each gradient entry to [-v, v]) and
    `clip_norm` (scale each parameter's gradient down to this norm at most),
    both None for no clipping.
    """

    schedule: object = dataclasses.field(default=None, kw_only=True)
    clip_value: float = dataclasses.field(default=None, kw_only=True)
    clip_norm: float = dataclasses.field(default=None, kw_only=True)

    #: True for rules whose weight decay shrinks w directly instead of adding wd w to g (AdamW).
    decoupled_decay = False

    def __repr__(self):
        # Only what differs from the defaults, in field order: `Adam(lr=0.01, amsgrad=True)`.
        fields = [f for f in dataclasses.fields(self) if f.kw_only is False] + [
            f for f in dataclasses.fields(self) if f.kw_only]
        shown = [f"{f.name}={getattr(self, f.name)!r}" for f in fields if getattr(self, f.name) != f.default]
        return f"{type(self).__name__}({', '.join(shown)})"

    def with_lr(self, lr):
        """The same rule at learning rate `lr` (a new rule; this one is unchanged)."""
        return dataclasses.replace(self, lr=lr)

    def at(self, step):
        """The rule in effect at update number `step` (from 0): the schedule's lr (and momentum) filled in."""
        if self.schedule is None:
            return self
        changes = {"lr": self.lr * self.schedule.factor(step), "schedule": None}
        momentum = self.schedule.momentum(step)
        if momentum is not None:
            changes.update(self._momentum_changes(momentum))
        return dataclasses.replace(self, **changes)

    def step(self, w, g, state, lr):
        """Change `w` in place from the gradient `g` (weight decay already applied) and `state`."""
        raise NotImplementedError(f"{type(self).__name__} has no step()")

    def _momentum_changes(self, momentum):
        """The fields a schedule's momentum sets (SGD's momentum, Adam's first beta)."""
        raise ValueError(f"{type(self).__name__} has no momentum for the schedule {self.schedule!r} to cycle")

    def _check(self, **conditions):
        """Refuse the hyperparameters for which a condition is false, naming them."""
        conditions.update(self._common_conditions())
        bad = [name for name, ok in conditions.items() if not ok]
        if bad:
            values = ", ".join(f"{name}={getattr(self, name)!r}" for name in bad)
            raise ValueError(f"{type(self).__name__}: {values} out of range ({self._ranges})")
        if self.schedule is not None and self.schedule.cycles_momentum:
            self._momentum_changes(0.9)  # refuses a rule without momentum now, not at the first update

    def _common_conditions(self):
        return {name: getattr(self, name) is None or math.isfinite(getattr(self, name)) and getattr(self, name) > 0
                for name in ("clip_value", "clip_norm")}

    def _finite_non_negative(self, *names):
        return {name: math.isfinite(getattr(self, name)) and getattr(self, name) >= 0 for name in names}


@dataclasses.dataclass(frozen=True, repr=False)
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
    dampening: float = 0.0
    _ranges = ("lr, momentum, dampening and weight_decay must be finite and >= 0; Nesterov needs momentum > 0 "
               "and no dampening; clip_value and clip_norm > 0")

    def __post_init__(self):
        self._check(**self._finite_non_negative("lr", "momentum", "weight_decay", "dampening"),
                    nesterov=not self.nesterov or self.momentum > 0 and self.dampening == 0)

    def step(self, w, g, state, lr):
        """One SGD step on `w` in place (with dampening d: v <- mu v + (1 - d) g after the first step, v = g)."""
        if not self.momentum:
            w -= lr * g
            return
        v = state.get("velocity")
        if v is None:
            v = state["velocity"] = np.array(g, dtype=w.dtype)  # the first step: v = g, as PyTorch
        else:
            v *= self.momentum
            v += g if not self.dampening else (1 - self.dampening) * g
        w -= lr * (g + self.momentum * v) if self.nesterov else lr * v

    def _momentum_changes(self, momentum):
        if not self.momentum:
            raise ValueError("SGD without momentum has no momentum for a schedule to cycle: give it momentum > 0")
        return {"momentum": momentum}


@dataclasses.dataclass(frozen=True, repr=False)
class Adam(Rule):
    """Adam (Kingma and Ba, 2015), as PyTorch's `torch.optim.Adam` (weight decay as L2 on the gradient).

    m <- b1 m + (1 - b1) g;  v <- b2 v + (1 - b2) g^2;  t <- t + 1
    w <- w - lr * (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps)
    With `amsgrad`, v in the step is the largest v seen so far (v_max).
    A schedule that cycles momentum (one-cycle) cycles b1. Where numba is
    installed (and NODEGRAD_KERNELS is not "numpy"), the step of a
    contiguous float32 or float64 parameter without amsgrad is one compiled
    pass (autograd.rule_kernels): the same operations in the same order.
    """

    lr: float = 1e-3
    betas: tuple = (0.9, 0.999)
    eps: float = 1e-8
    weight_decay: float = 0.0
    amsgrad: bool = False
    _ranges = "lr and weight_decay must be finite and >= 0, eps > 0, betas in [0, 1); clip_value and clip_norm > 0"

    def __post_init__(self):
        object.__setattr__(self, "betas", tuple(float(b) for b in self.betas))
        b1, b2 = self.betas
        self._check(**self._finite_non_negative("lr", "weight_decay"), eps=self.eps > 0,
                    betas=0 <= b1 < 1 and 0 <= b2 < 1)

    def step(self, w, g, state, lr):
        """One Adam step on `w` in place; the moments and the step count live in `state`, which a step that
        fails before its update leaves as it was (but for moments the numpy path had begun to change)."""
        b1, b2 = self.betas
        lr, eps = float(lr), float(self.eps)  # Python floats keep the arrays' dtype; a numpy float64 would not
        fast = not self.amsgrad and _compiled()  # first: a bad NODEGRAD_KERNELS is refused before any change
        fresh = "m" not in state
        m, v = (np.zeros_like(w), np.zeros_like(w)) if fresh else (state["m"], state["v"])
        t = 1 if fresh else int(state["t"]) + 1
        # The bias corrections folded into one scale and into eps: the same
        # numbers as the textbook form, without two temporaries of w's size.
        correction = math.sqrt(1 - b2**t)
        scale, eps = lr * correction / (1 - b1**t), eps * correction
        if fast and _kernel_fits(w, g, m, v):
            kind = w.dtype.type
            rule_kernels.adam(w.reshape(-1), g.reshape(-1), m.reshape(-1), v.reshape(-1), kind(b1), kind(1 - b1),
                              kind(b2), kind(1 - b2), kind(scale), kind(eps))
        else:
            self._numpy_step(w, g, m, v, state, scale, eps)
        if fresh:
            state["m"], state["v"], state["t"] = m, v, np.zeros((), dtype=np.int64)
        state["t"] += 1

    def _numpy_step(self, w, g, m, v, state, scale, eps):
        """The step in numpy, an operation per pass (the order the kernel keeps)."""
        b1, b2 = self.betas
        m *= b1
        m += (1 - b1) * g
        v *= b2
        v += (1 - b2) * g * g
        if self.amsgrad:  # the largest second moment so far (Reddi et al., 2018), as PyTorch keeps it
            v = state["v_max"] = np.maximum(state["v_max"], v) if "v_max" in state else v.copy()
        w -= scale * m / (np.sqrt(v) + eps)

    def _momentum_changes(self, momentum):
        return {"betas": (momentum, self.betas[1])}


@dataclasses.dataclass(frozen=True, repr=False)
class AdamW(Adam):
    """Adam with decoupled weight decay (Loshchilov and Hutter, 2019), as PyTorch's `torch.optim.AdamW`.

    Before the Adam step: w <- w (1 - lr wd). Default weight decay 0.01, as PyTorch's.
    """

    weight_decay: float = 0.01
    decoupled_decay = True


@dataclasses.dataclass(frozen=True, repr=False)
class RMSprop(Rule):
    """RMSprop (Hinton's lecture notes), as PyTorch's `torch.optim.RMSprop`.

    v <- alpha v + (1 - alpha) g^2
    centered: a <- alpha a + (1 - alpha) g;  s = v - a^2  (else s = v)
    momentum mu > 0:  b <- mu b + g / (sqrt(s) + eps);  w <- w - lr b
    otherwise:        w <- w - lr g / (sqrt(s) + eps)
    """

    lr: float = 0.01
    alpha: float = 0.99
    eps: float = 1e-8
    weight_decay: float = 0.0
    momentum: float = 0.0
    centered: bool = False
    _ranges = "lr, weight_decay and momentum finite and >= 0, alpha in [0, 1], eps > 0; clip_value and clip_norm > 0"

    def __post_init__(self):
        self._check(**self._finite_non_negative("lr", "weight_decay", "momentum"), alpha=0 <= self.alpha <= 1,
                    eps=self.eps > 0)

    def step(self, w, g, state, lr):
        """One RMSprop step on `w` in place; the running averages live in `state`."""
        if "square_avg" not in state:
            state["square_avg"] = np.zeros_like(w)
        v = state["square_avg"]
        v *= self.alpha
        v += (1 - self.alpha) * g * g
        if self.centered:
            a = state.setdefault("grad_avg", np.zeros_like(w))
            a *= self.alpha
            a += (1 - self.alpha) * g
            denominator = np.sqrt(v - a * a)
        else:
            denominator = np.sqrt(v)
        denominator += self.eps
        if self.momentum:
            b = state.setdefault("momentum_buffer", np.zeros_like(w))
            b *= self.momentum
            b += g / denominator
            w -= lr * b
        else:
            w -= lr * g / denominator

    def _momentum_changes(self, momentum):
        if not self.momentum:
            raise ValueError("RMSprop without momentum has no momentum for a schedule to cycle: give it momentum > 0")
        return {"momentum": momentum}


@dataclasses.dataclass(frozen=True, repr=False)
class Adagrad(Rule):
    """Adagrad (Duchi et al., 2011), as PyTorch's `torch.optim.Adagrad`.

    t <- t + 1;  lr_t = lr / (1 + (t - 1) lr_decay);  s <- s + g^2  (s starts at initial_accumulator_value)
    w <- w - lr_t g / (sqrt(s) + eps)
    """

    lr: float = 0.01
    lr_decay: float = 0.0
    weight_decay: float = 0.0
    initial_accumulator_value: float = 0.0
    eps: float = 1e-10
    _ranges = "lr, lr_decay, weight_decay and initial_accumulator_value finite and >= 0, eps > 0; clips > 0"

    def __post_init__(self):
        self._check(**self._finite_non_negative("lr", "lr_decay", "weight_decay", "initial_accumulator_value"),
                    eps=self.eps > 0)

    def step(self, w, g, state, lr):
        """One Adagrad step on `w` in place; the sum of squares and the step count live in `state`."""
        if "sum" not in state:
            state["sum"] = np.full_like(w, self.initial_accumulator_value)
            state["t"] = np.zeros((), dtype=np.int64)
        state["t"] += 1
        s = state["sum"]
        s += g * g
        w -= (lr / (1 + (int(state["t"]) - 1) * self.lr_decay)) * g / (np.sqrt(s) + self.eps)


def _compiled():
    """Whether the rules' steps take their compiled kernels where the arrays fit (autograd.compiled: numba
    installed, NODEGRAD_KERNELS not "numpy"; a bad value is refused here)."""
    return compiled.choose(None, "update rule") == "numba"


def _kernel_fits(w, g, *state):
    """Whether a kernel takes w, its gradient g and its state arrays: `compiled.fits_flat` (float32 or float64
    alike, C-contiguous, all of w's shape), and w and the state writeable."""
    if not compiled.fits_flat(w, g, *state):
        return False
    for a in (w, *state):  # a loop, not all(...) over a generator: this runs for every parameter at every step
        if not a.flags.writeable:
            return False
    return True

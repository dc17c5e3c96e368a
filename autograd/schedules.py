"""Learning-rate schedules: the factor a rule's learning rate is multiplied by at each update.

A schedule is given to a rule (`Adam(lr=1e-3, schedule=Cosine(total=5000))`)
and read by the update path at update number t (counted by the graph from
0, one per applied update: micro-batches accumulated into one update count
once). Each follows the PyTorch scheduler of the same shape, with the rule's
lr as the base:

    StepDecay(step_size, gamma)   gamma ** (t // step_size)            (StepLR)
    Exponential(gamma)            gamma ** t                           (ExponentialLR)
    Cosine(total, min_factor)     m + (1 - m) (1 + cos(pi t' / total)) / 2, t' = min(t, total)
                                                                       (CosineAnnealingLR, eta_min = m lr)
    LinearWarmup(steps, start)    start + (1 - start) min(t, steps) / steps      (LinearLR)
    OneCycle(total, ...)          up from lr / div to lr, then cosine down to lr / (div final_div),
                                  cycling momentum the other way           (OneCycleLR)

and compose: `LinearWarmup(500).then(Cosine(4500))` runs the second from
update 500 on, counting its own updates from 0 (SequentialLR).
"""

import dataclasses
import math


class Schedule:
    """Base of the schedules: `factor(t)` times the rule's lr; `momentum(t)` None unless it cycles momentum."""

    #: Whether `momentum(t)` gives values (one-cycle); the rule must then have a momentum to set.
    cycles_momentum = False

    def factor(self, step):
        """The learning-rate factor at update `step` (from 0)."""
        raise NotImplementedError

    def momentum(self, step):
        """The momentum (SGD's, or Adam's first beta) at update `step`, or None to leave the rule's."""
        return None

    def then(self, schedule, after=None):
        """This schedule for `after` updates (default: its own length), then `schedule`, counting afresh."""
        after = self.length if after is None else after
        if after is None:
            raise ValueError(f"{self!r} has no length of its own: say after how many updates to switch")
        return Sequence((self, schedule), (int(after),))

    #: Updates the schedule is made for (None: it goes on for ever).
    length = None


def _positive_int(schedule, **values):
    for name, value in values.items():
        if not (isinstance(value, int) and value > 0):
            raise ValueError(f"{type(schedule).__name__}: {name} must be a positive int, got {value!r}")


@dataclasses.dataclass(frozen=True)
class StepDecay(Schedule):
    """lr times gamma every `step_size` updates (PyTorch's StepLR)."""

    step_size: int
    gamma: float = 0.1

    def __post_init__(self):
        _positive_int(self, step_size=self.step_size)

    def factor(self, step):
        """gamma ** (step // step_size)."""
        return self.gamma ** (step // self.step_size)


@dataclasses.dataclass(frozen=True)
class Exponential(Schedule):
    """lr times gamma at every update (PyTorch's ExponentialLR)."""

    gamma: float

    def factor(self, step):
        """gamma ** step."""
        return self.gamma**step


@dataclasses.dataclass(frozen=True)
class Cosine(Schedule):
    """Cosine annealing from lr down to min_factor lr over `total` updates, then flat (CosineAnnealingLR)."""

    total: int
    min_factor: float = 0.0

    def __post_init__(self):
        _positive_int(self, total=self.total)

    @property
    def length(self):
        """The updates it anneals over."""
        return self.total

    def factor(self, step):
        """min_factor + (1 - min_factor) (1 + cos(pi min(step, total) / total)) / 2."""
        progress = min(step, self.total) / self.total
        return self.min_factor + (1 - self.min_factor) * (1 + math.cos(math.pi * progress)) / 2


@dataclasses.dataclass(frozen=True)
class LinearWarmup(Schedule):
    """lr rising linearly from start_factor lr to lr over `steps` updates, then flat (LinearLR)."""

    steps: int
    start_factor: float = 0.0

    def __post_init__(self):
        _positive_int(self, steps=self.steps)

    @property
    def length(self):
        """The warm-up's updates."""
        return self.steps

    def factor(self, step):
        """start + (1 - start) min(step, steps) / steps."""
        return self.start_factor + (1 - self.start_factor) * min(step, self.steps) / self.steps


@dataclasses.dataclass(frozen=True)
class OneCycle(Schedule):
    """The one-cycle policy (Smith, 2018) as PyTorch's OneCycleLR (cosine annealing, two phases).

    With the rule's lr as the peak: over the first `pct_start` of `total`
    updates the lr rises from lr / div_factor to lr and the momentum falls
    from max_momentum to base_momentum; then the lr falls to
    lr / (div_factor final_div_factor) and the momentum rises back. Phase k
    anneals with a + (b - a) (1 - cos(pi p)) / 2, p its progress in [0, 1].
    """

    total: int
    pct_start: float = 0.3
    div_factor: float = 25.0
    final_div_factor: float = 1e4
    cycle_momentum: bool = True
    base_momentum: float = 0.85
    max_momentum: float = 0.95

    def __post_init__(self):
        _positive_int(self, total=self.total)
        if not 0 < self.pct_start < 1:
            raise ValueError(f"OneCycle: pct_start must be in (0, 1), got {self.pct_start!r}")

    @property
    def cycles_momentum(self):
        """As asked by `cycle_momentum`."""
        return self.cycle_momentum

    @property
    def length(self):
        """The cycle's updates."""
        return self.total

    def _phase(self, step):
        """(progress in the phase, start value index, end value index): 0 = low, 1 = peak, 2 = final."""
        peak = self.pct_start * self.total - 1  # PyTorch's phase boundary, an update number
        if step <= peak:
            return step / peak if peak > 0 else 1.0, 0, 1
        return min((step - peak) / (self.total - 1 - peak), 1.0), 1, 2

    def factor(self, step):
        """The lr factor of the cycle at `step` (1 at the peak)."""
        progress, start, end = self._phase(step)
        levels = (1 / self.div_factor, 1.0, 1 / (self.div_factor * self.final_div_factor))
        return _anneal(levels[start], levels[end], progress)

    def momentum(self, step):
        """The momentum of the cycle at `step` (None with cycle_momentum=False)."""
        if not self.cycle_momentum:
            return None
        progress, start, end = self._phase(step)
        levels = (self.max_momentum, self.base_momentum, self.max_momentum)
        return _anneal(levels[start], levels[end], progress)


def _anneal(start, end, progress):
    """Cosine from `start` (progress 0) to `end` (progress 1)."""
    return end + (start - end) * (1 + math.cos(math.pi * progress)) / 2


@dataclasses.dataclass(frozen=True)
class Sequence(Schedule):
    """Schedules one after another: part k runs from milestone k-1 on, counting its updates from 0 (SequentialLR)."""

    schedules: tuple
    milestones: tuple

    def __post_init__(self):
        object.__setattr__(self, "schedules", tuple(self.schedules))
        object.__setattr__(self, "milestones", tuple(self.milestones))
        if len(self.milestones) != len(self.schedules) - 1 or list(self.milestones) != sorted(self.milestones):
            raise ValueError(f"Sequence: {len(self.schedules)} schedules need {len(self.schedules) - 1} "
                             f"increasing milestones, got {self.milestones}")

    @property
    def cycles_momentum(self):
        """Whether any part cycles momentum."""
        return any(s.cycles_momentum for s in self.schedules)

    def then(self, schedule, after=None):
        """This sequence, then `schedule` after `after` updates (default: when the last part's length ends)."""
        last = self.schedules[-1].length
        if after is None and last is None:
            raise ValueError(f"{self.schedules[-1]!r} has no length of its own: say after how many updates to switch")
        at = self.milestones[-1] + last if after is None else int(after)
        return Sequence((*self.schedules, schedule), (*self.milestones, at))

    def _part(self, step):
        start = 0
        for schedule, milestone in zip(self.schedules, self.milestones):
            if step < milestone:
                return schedule, step - start
            start = milestone
        return self.schedules[-1], step - start

    def factor(self, step):
        """The factor of the part running at `step`, at its own count."""
        schedule, local = self._part(step)
        return schedule.factor(local)

    def momentum(self, step):
        """The momentum of the part running at `step`, if it cycles momentum."""
        schedule, local = self._part(step)
        return schedule.momentum(local)

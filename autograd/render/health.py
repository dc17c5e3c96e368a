"""What the diagram says about a node's numbers: gradient summaries and health flags.

Gradient norms are Frobenius norms, checked in float64 whenever float32
could overflow or underflow. An edge's gradient is the addend the consumer
sent back to that input, reduced to the input's shape the way the engine
reduces it before summing: that is what the input actually received. (The
engine keeps the addends already reduced; an unreduced one is reduced here
the same way.)

A drawing looks at each array once: `Stats` computes what the labels, the
health flags and the edge widths need of an array in one pass and keeps it,
so a gradient shared by a node and the edge into it costs one norm.
"""

import math

import numpy as np

from ..parameter import Parameter
from ..unbroadcast import unbroadcast

# float32 sums of squares outside this range may have overflowed or
# underflowed; they are recomputed in float64.
_SAFE_LOW, _SAFE_HIGH = 1e-30, 1e30


class Thresholds:
    """When a node is flagged.

    `dead_relu`: fraction of exact zeros in a ReLU's output at or above which
    it is called dead. `vanishing` / `exploding`: bounds on the RMS of dG/df
    (norm / sqrt(size), so independent of the tensor's size).
    """

    def __init__(self, dead_relu=0.95, vanishing=1e-8, exploding=1e3):
        self.dead_relu = dead_relu
        self.vanishing = vanishing
        self.exploding = exploding


class Summary:
    """Size, norm and finiteness of one array (mean and std on request)."""

    __slots__ = ("array", "size", "norm", "finite", "_mean_std")

    def __init__(self, a):
        a = np.asarray(a)
        self.array = a
        self.size = a.size
        self._mean_std = None
        if a.size == 0:
            self.norm, self.finite = 0.0, True
            return
        if a.dtype.kind not in "fc":
            a = a.astype(np.float64)
        flat = a.reshape(-1)
        squares = float(np.dot(flat, flat)) if a.dtype.kind == "f" else float(np.vdot(flat, flat).real)
        if a.dtype != np.float64 and not (_SAFE_LOW <= squares <= _SAFE_HIGH):
            wide = flat.astype(np.complex128 if a.dtype.kind == "c" else np.float64)
            squares = float(np.vdot(wide, wide).real)
        if math.isfinite(squares):
            self.norm, self.finite = math.sqrt(squares), True
        elif bool(np.isfinite(flat).all()):  # finite values too large to square: scale them first
            scale = float(np.max(np.abs(flat)))
            scaled = (flat / scale).astype(np.float64)
            self.norm, self.finite = scale * math.sqrt(float(np.vdot(scaled, scaled).real)), True
        else:
            self.norm, self.finite = (math.nan if bool(np.isnan(flat).any()) else math.inf), False

    @property
    def rms(self):
        """Root mean square of the entries: the norm independent of the array's size."""
        return self.norm / math.sqrt(self.size) if self.size else 0.0

    def mean_std(self):
        """(mean, std) of the entries in float64, computed on first request."""
        if self._mean_std is None:
            if self.size == 0:
                self._mean_std = (0.0, 0.0)
            else:
                a = self.array
                self._mean_std = (float(np.mean(a, dtype=np.float64)), float(np.std(a, dtype=np.float64)))
        return self._mean_std


class Stats:
    """Summaries of arrays, each computed once per drawing (keyed by the array's identity)."""

    def __init__(self):
        self._seen = {}

    def of(self, a):
        """The Summary of array `a`, computed on its first request."""
        key = id(a)
        hit = self._seen.get(key)
        if hit is None or hit[0] is not a:
            hit = self._seen[key] = (a, Summary(a))
        return hit[1]


def norm(a):
    """The Frobenius norm of an array (NaN or inf when it holds them)."""
    with np.errstate(all="ignore"):
        return Summary(a).norm


def received_addend(consumer, index):
    """The addend `consumer` sent to its input `index`, in that input's shape (or None).

    Needs a backward pass run with keep_addends=True.
    """
    addends = consumer.addends
    if addends is None or index >= len(addends) or addends[index] is None:
        return None
    needs = consumer.needs
    if needs is not None and index < len(needs) and not needs[index]:
        return None
    a = addends[index]
    target = consumer.inputs[index].value
    if target is not None:
        want = target.shape if isinstance(target, np.ndarray) else np.shape(target)
        if (a.shape if isinstance(a, np.ndarray) else np.shape(a)) != want:
            a = unbroadcast(np.asarray(a), want)
    return a


def value_is_finite(v):
    """False when a float value holds NaN or inf (one sum, and a full check only if the sum is not finite)."""
    if v is None:
        return True
    v = np.asarray(v)
    if v.dtype.kind not in "fc" or v.size == 0:
        return True
    total = complex(np.add.reduce(v, axis=None))
    if math.isfinite(total.real) and math.isfinite(total.imag):
        return True
    return bool(np.isfinite(v).all())


def problems(node, thresholds, grad=None, stats=None):
    """Health flags of a node, strongest first: a list of (flag, short explanation).

    `grad` is the node's current gradient (None when it has none, or only a
    stale one); `stats` a `Stats` to share summaries with the rest of a drawing.
    """
    stats = stats or Stats()
    found = []
    if not value_is_finite(node.value):
        found.append(("nonfinite", "NaN/inf in value"))
    elif grad is not None and not stats.of(grad).finite:
        found.append(("nonfinite", "NaN/inf in gradient"))
    if isinstance(node, Parameter) and node.frozen:
        found.append(("frozen", "frozen"))
    if getattr(node, "op", None) == "relu" and node.value is not None and np.size(node.value):
        zeros = 1.0 - np.count_nonzero(node.value) / np.size(node.value)
        if zeros >= thresholds.dead_relu:
            found.append(("dead_relu", f"dead ReLU: {zeros:.0%} zeros"))
    if grad is not None:
        s = stats.of(grad)
        if s.finite and s.size:
            if s.rms < thresholds.vanishing:
                found.append(("vanishing", "vanishing gradient"))
            elif s.rms > thresholds.exploding:
                found.append(("exploding", "exploding gradient"))
    return found

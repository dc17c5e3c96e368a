"""Gradient-check cases shared by the node tests.

Every test module under tests/nodes lists its cases in a module-level
`CASES` list and checks them with `run`; tests/nodes/test_every_node_checked.py
builds every case's graph and fails when some node class of the library never
appears in one, so a new node type cannot go unchecked.
"""

import dataclasses
from collections.abc import Callable

import numpy as np

from autograd import check_node


@dataclasses.dataclass
class GradCase:
    """`factory(*input_nodes)` builds the node(s) checked at inputs `arrays`."""

    id: str
    factory: Callable
    arrays: tuple
    wrt_inputs: tuple | None = None
    tolerance: float = 1e-5
    before_forward: Callable | None = None

    def __str__(self):
        return self.id


def run(case):
    """Check `case`; fails the test with the report when the check fails."""
    return check_node(
        case.factory,
        *case.arrays,
        wrt_inputs=case.wrt_inputs,
        tolerance=case.tolerance,
        before_forward=case.before_forward,
    )


def randn(*shape, seed=0, away_from_zero=False):
    """Float64 normal samples; `away_from_zero` keeps |x| >= 0.1 (kinks of relu, abs...)."""
    x = np.random.default_rng(seed).standard_normal(shape)
    if away_from_zero:
        x = np.where(np.abs(x) < 0.1, np.sign(x + 1e-12) * (0.1 + np.abs(x)), x)
    return x


def positive(*shape, seed=0, low=0.5, high=2.0):
    """Float64 uniform samples in [low, high) (for log, sqrt, division)."""
    return np.random.default_rng(seed).uniform(low, high, shape)

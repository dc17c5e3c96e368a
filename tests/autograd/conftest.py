"""Set-up shared by the engine's tests.

`affine` is the smallest graph with an input and a parameter, x @ w, for
tests of feeding, modes and updates that need some graph and no particular
one; a test that needs other wiring builds it itself, in plain sight.
"""

import types

import numpy as np
import pytest

import autograd as ag
import nodes  # noqa: F401 - registers the operators (`x @ w`) the fixtures use


@pytest.fixture
def affine():
    """x @ w with x an Input of shape (N, 3) and w = arange(6).reshape(3, 2), in the default float32.

    Returns a namespace with `x`, `w` and `graph` (default rule: SGD, lr 0.01).
    """
    x = ag.Input("x", shape=(None, 3))
    w = ag.Parameter(np.arange(6.0).reshape(3, 2), name="w")
    return types.SimpleNamespace(x=x, w=w, graph=ag.Graph(x @ w))

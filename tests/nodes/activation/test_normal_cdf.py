"""The normal CDF behind the exact GELU: accurate to the rounding of float32 and float64."""

import importlib.util
import math
from pathlib import Path

import numpy as np
import pytest
from scipy.special import ndtr

from nodes.activation import normal_cdf as module
from nodes.activation.normal_cdf import half_square_exp, normal_cdf

SCRIPT = Path(__file__).resolve().parents[3] / "scripts" / "fit_normal_cdf.py"
EPS32 = float(np.finfo(np.float32).eps)


def by_math(x):
    """Phi(x) from Python's math.erfc, which has no cancellation in the lower tail."""
    return np.array([0.5 * math.erfc(-v / math.sqrt(2)) for v in np.asarray(x, dtype=np.float64).ravel()])


def _condition(x, ref):
    """1 + |x phi(x) / Phi(x)|: how much one ulp of x moves Phi, in ulps (about x^2 in the lower tail)."""
    return 1 + np.abs(x) * np.exp(-x * x / 2) / math.sqrt(2 * math.pi) / ref


def test_float64_matches_python_erfc_to_rounding():
    x = np.linspace(-30, 8, 3001)
    ref = by_math(x)
    error = np.abs(normal_cdf(x) - ref) / (ref * _condition(x, ref))
    assert error.max() < 4 * np.finfo(np.float64).eps


def test_float64_known_values():
    np.testing.assert_allclose(normal_cdf(np.array([0.0, 1.0, -1.0])), [0.5, 0.8413447460685429, 0.15865525393145707],
                               rtol=1e-15)


def _float32_error_in_ulps(x):
    """|error| of the float32 CDF in units of the rounding its conditioning allows, per entry.

    The reference is scipy's float64 CDF at the float32 inputs themselves. An
    evaluation in float32 is allowed eps * Phi * (1 + |x phi(x) / Phi(x)|):
    one ulp of the result plus the effect of one ulp of x (about x^2 ulps
    in the lower tail). Results below float32's smallest normal number
    (x < -13.1), which have fewer digits, are left out.
    """
    x = np.asarray(x, dtype=np.float32)
    got = normal_cdf(x).astype(np.float64)
    xd = x.astype(np.float64)
    ref = ndtr(xd)
    normal = ref >= np.finfo(np.float32).tiny
    assert normal.mean() > 0.99  # the check is not vacuous
    return np.abs(got - ref)[normal] / (EPS32 * ref * _condition(xd, ref))[normal]


def test_float32_is_accurate_to_a_few_ulps_on_a_dense_grid():
    x = np.linspace(-13, 9, 1_000_001)
    assert _float32_error_in_ulps(x).max() < 6


def test_float32_is_accurate_on_random_inputs():
    x = np.random.default_rng(3).standard_normal(200_000) * 3
    assert _float32_error_in_ulps(x).max() < 6


def test_float32_keeps_its_dtype_and_agrees_with_python_erfc():
    x = np.array([-6.0, -2.5, -1.0, -0.0, 0.0, 0.3, 1.0, 4.0], dtype=np.float32)
    got = normal_cdf(x)
    assert got.dtype == np.float32
    np.testing.assert_allclose(got, by_math(x), rtol=6 * EPS32 * 40)  # 40: the conditioning at x = -6


def test_float32_limits_and_nan():
    with np.errstate(over="raise", invalid="raise", divide="raise"):  # underflow to 0 is right
        got = normal_cdf(np.array([-np.inf, -50.0, 50.0, np.inf], dtype=np.float32))
    np.testing.assert_array_equal(got, [0.0, 0.0, 1.0, 1.0])
    assert np.isnan(normal_cdf(np.array([np.nan], dtype=np.float32)))[0]


def test_zero_dimensional_inputs_stay_arrays():
    for dtype in (np.float32, np.float64):
        got = normal_cdf(np.array(0.0, dtype=dtype))
        assert isinstance(got, np.ndarray) and got.shape == () and got == 0.5


def test_half_square_exp():
    x = np.array([0.0, 1.0, -3.0])
    np.testing.assert_allclose(half_square_exp(x), [1.0, math.exp(-0.5), math.exp(-4.5)], rtol=1e-15)


def test_the_coefficients_are_the_fit_scripts():
    spec = importlib.util.spec_from_file_location("fit_normal_cdf", SCRIPT)
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    assert script.P == module.P
    np.testing.assert_allclose(script.fit(), module.Q, rtol=1e-9)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_symmetry(dtype):
    x = np.linspace(0, 5, 101).astype(dtype)
    np.testing.assert_allclose(normal_cdf(x) + normal_cdf(-x), 1, atol=2 * float(np.finfo(dtype).eps))

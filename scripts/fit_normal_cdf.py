"""Fit the coefficients of the float32 normal CDF in nodes/activation/normal_cdf.py and print them.

For a >= 0 the lower tail Phi(-a) = erfc(a / sqrt(2)) / 2 is written as
    Phi(-a) = exp(-a^2 / 2) Q(t),   t = 1 / (1 + p a),
where Q (a polynomial of degree DEGREE with Q(0) = 0) is smooth on t in
(0, 1] and tends to 0 like t as a grows. Q is fitted by least squares of the
relative error, at Chebyshev points in t, to Phi(-a) exp(a^2 / 2) computed
with Python's math.erfc. Run `python scripts/fit_normal_cdf.py` to
reproduce the table; tests/nodes/activation/test_normal_cdf.py checks the
result against an independent float64 CDF on a dense grid.
"""

import math

import numpy as np

P = 0.35
DEGREE = 9
POINTS = 6000
#: Beyond this a the float32 CDF underflows (exp(-a^2 / 2) < 1e-39 at a = 13.3).
LARGEST = 20.0


def fit(p=P, degree=DEGREE, points=POINTS, largest=LARGEST):
    """Coefficients c_1 .. c_degree of Q(t) = sum_k c_k t^k."""
    k = np.arange(points)
    t = 0.5 + 0.5 * np.cos(np.pi * (k + 0.5) / points)
    a = (1 / t - 1) / p
    t, a = t[a < largest], a[a < largest]
    h = np.array([0.5 * math.erfc(v / math.sqrt(2)) * math.exp(v * v / 2) for v in a])
    powers = np.vander(t, degree + 1, increasing=True)[:, 1:]
    coefficients, *_ = np.linalg.lstsq(powers / h[:, None], np.ones_like(h), rcond=None)
    return coefficients


if __name__ == "__main__":
    print(f"P = {P!r}")
    print("Q = (" + ", ".join(repr(float(c)) for c in fit()) + ")")

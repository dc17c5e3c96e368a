"""Compiled kernels of batch normalisation with the batch's statistics, on x as (M, C) rows: see autograd.compiled.

Per-channel sums are added in float64. Forward reads x three times (the
mean, the variance of x - mean, the output) and writes once; backward reads
g and x twice and writes dG/dx once. The node keeps x as (M, C) rows (a
view, or a copy where x is not contiguous, as an NCHW input seen as NHWC),
the mean and 1 / std, not x - mean: backward recentres x itself. Measured on the speedrun's first batch norm
(128 x 24 x 24 x 16 float32, one core, inside a training step): forward
about 0.86 ms and backward 0.90, against 1.9 and 2.0 ms for the numpy
path's slabs.
"""

import numpy as np

from autograd.compiled import jit


@jit
def statistics(x2):
    """(mean, biased variance) per channel of x2 (M, C), float64, the variance as the mean of (x - mean)^2."""
    m, c = x2.shape
    sums = np.zeros(c, np.float64)
    for r in range(m):
        for j in range(c):
            sums[j] += x2[r, j]
    mean = sums / m
    squares = np.zeros(c, np.float64)
    for r in range(m):
        for j in range(c):
            d = x2[r, j] - mean[j]
            squares[j] += d * d
    return mean, squares / m


@jit
def scale_and_shift(x2, mean, scale, shift):
    """(x2 - mean) scale + shift per channel, in x2's dtype."""
    m, c = x2.shape
    out = np.empty_like(x2)
    for r in range(m):
        for j in range(c):
            out[r, j] = (x2[r, j] - mean[j]) * scale[j] + shift[j]
    return out


@jit
def gradient_sums(g2, x2, mean):
    """(sum of g, sum of g (x - mean)) per channel over the rows, float64."""
    m, c = x2.shape
    plain = np.zeros(c, np.float64)
    centred = np.zeros(c, np.float64)
    for r in range(m):
        for j in range(c):
            plain[j] += g2[r, j]
            centred[j] += g2[r, j] * (x2[r, j] - mean[j])
    return plain, centred


@jit
def input_gradient(g2, x2, mean, scale, slope, shift):
    """g2 scale - (x2 - mean) slope - shift per channel, in g2's dtype."""
    m, c = x2.shape
    out = np.empty_like(g2)
    for r in range(m):
        for j in range(c):
            out[r, j] = g2[r, j] * scale[j] - (x2[r, j] - mean[j]) * slope[j] - shift[j]
    return out

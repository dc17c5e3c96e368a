"""Compiled kernels of layer normalisation on x as (rows, m): see autograd.compiled.

Each row's m values (64 in the ViT benchmark) stay in cache through its
mean, its variance and its output, where numpy makes a full-size pass for
each step; backward sums each row's two means in one pass and writes dG/dx
in a second, and adds dG/dgamma and dG/dbeta over the rows itself (into
float64), so the engine has no full-size addends to reduce. The node keeps
x and each row's mean and 1 / std, not xh. The sums along a row may be
reordered (`jit(reassociate=True)`) so that they run in vector registers:
measured on the ViT benchmark's norms (64 x 17 rows of 64, float32),
forward 43 us and backward 55 us, against 156 and 113 us in strict order.
"""

import numpy as np

from autograd.compiled import jit


@jit(reassociate=True)
def forward(x2, gamma, beta, eps):
    """(f, mean, inv_std): f = (x - mean) inv_std gamma + beta per row, with the rows' mean and 1/std (float64)."""
    rows, m = x2.shape
    out = np.empty_like(x2)
    means = np.empty(rows, np.float64)
    inv_stds = np.empty(rows, np.float64)
    for r in range(rows):
        total = 0.0
        for j in range(m):
            total += x2[r, j]
        mu = total / m
        squares = 0.0
        for j in range(m):
            d = x2[r, j] - mu
            squares += d * d
        s = 1.0 / np.sqrt(squares / m + eps)
        means[r], inv_stds[r] = mu, s
        for j in range(m):
            out[r, j] = (x2[r, j] - mu) * s * gamma[j] + beta[j]
    return out, means, inv_stds


@jit(reassociate=True)
def backward(g2, x2, gamma, means, inv_stds):
    """(dG/dx, dG/dgamma, dG/dbeta): dx = s (d - mean(d) - xh mean(d xh)) per row, d = g gamma; the sums of
    g xh and of g over the rows (float64)."""
    rows, m = x2.shape
    gx = np.empty_like(g2)
    g_gamma = np.zeros(m, np.float64)
    g_beta = np.zeros(m, np.float64)
    for r in range(rows):
        mu, s = means[r], inv_stds[r]
        mean_d, mean_dxh = 0.0, 0.0
        for j in range(m):
            xh = (x2[r, j] - mu) * s
            d = g2[r, j] * gamma[j]
            mean_d += d
            mean_dxh += d * xh
            g_gamma[j] += g2[r, j] * xh
            g_beta[j] += g2[r, j]
        mean_d /= m
        mean_dxh /= m
        for j in range(m):
            xh = (x2[r, j] - mu) * s
            gx[r, j] = s * (g2[r, j] * gamma[j] - mean_d - xh * mean_dxh)
    return gx, g_gamma, g_beta

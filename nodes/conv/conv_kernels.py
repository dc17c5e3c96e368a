"""Compiled kernel of a convolution's input gradient, col2im(G W^T), for NHWC images: see autograd.compiled.

For a few images at a time (about CHUNK_BYTES of window rows), one BLAS
matmul makes their rows G W^T, (pixels, kh*kw*C) in (a, b, c) order, and a
compiled loop adds each row back at its window of a padded buffer, C
contiguous values at a time, while the rows are still in cache. Any stride,
padding and dilation; one group. Measured against the numpy paths of
im2col.py (float32, 2 cores): the speedrun's second convolution
(128 x 12 x 12 x 16 -> 32, 5x5) 3.9 -> 2.1 ms, a 3x3 32 -> 64 on
64 x 14 x 14 (padding 1) 6.3 -> 3.4 ms, a 5x5 16 -> 32 on 128 x 14 x 14
(padding 2) 9.4 -> 6.4 ms. Materialising all rows at once (13 to 40 MB
here) instead lost up to half of that to memory traffic.
"""

import numpy as np

from autograd.compiled import jit

#: Bytes of window rows computed and added back per chunk of images: measured best from 1 to 4 MiB.
CHUNK_BYTES = 1 << 21


@jit
def add_windows(padded, rows, first_image, ho, wo, kh, kw, sh, sw, dh, dw):
    """padded[first_image + i, r sh + a dh, q sw + b dw, :] += rows[(i Ho + r) Wo + q, (a kw + b) C : ... + C]."""
    c = padded.shape[3]
    for i in range(rows.shape[0] // (ho * wo)):
        for r in range(ho):
            for q in range(wo):
                row = rows[(i * ho + r) * wo + q]
                for a in range(kh):
                    for b in range(kw):
                        out = padded[first_image + i, r * sh + a * dh, q * sw + b * dw]
                        base = (a * kw + b) * c
                        for ch in range(c):
                            out[ch] += row[base + ch]


def input_gradient(geometry, g, w, input_shape):
    """dG/dx (N, H, W, C) of conv(x, w) for the output gradient g (N, Ho, Wo, C_out), w (kh, kw, C, C_out)."""
    n, h, wd, c = input_shape
    (ph, pw), (kh, kw), (sh, sw), (dh, dw) = geometry.padding, geometry.kernel, geometry.stride, geometry.dilation
    ho, wo, out = g.shape[1:]
    padded = np.zeros((n, h + 2 * ph, wd + 2 * pw, c), dtype=g.dtype)
    w_t = np.ascontiguousarray(w.reshape(kh * kw * c, out).T)
    per_chunk = max(1, CHUNK_BYTES // (ho * wo * kh * kw * c * g.itemsize))
    for first in range(0, n, per_chunk):
        rows = g[first : first + per_chunk].reshape(-1, out) @ w_t
        add_windows(padded, rows, first, ho, wo, kh, kw, sh, sw, dh, dw)
    if not (ph or pw):
        return padded
    return np.ascontiguousarray(padded[:, ph : ph + h, pw : pw + wd])

"""Data augmentation: random small rotations and shifts of a batch of images, in one vectorised step.

Each image of a batch gets its own angle, uniform in [-max_degrees,
max_degrees], and its own shift, uniform in [-max_shift, max_shift] pixels
along each axis (not whole pixels: a digit is not always one pixel off).
Every output pixel p is read from the source point

    s = R(-angle) (p - c - shift) + c        (c the image's centre)

by bilinear interpolation, the outside of the image counting as 0 (the
background). All images of the batch are sampled at once with numpy index
arithmetic; the draws come from the augmenter's own generator, whose state
checkpoints keep, so a resumed run augments exactly as an uninterrupted one.
"""

import numpy as np


class Augmenter:
    """Random rotations and shifts of (N, H, W) images; `augmenter(images)` returns new images."""

    def __init__(self, seed=0, max_shift=2.0, max_degrees=10.0):
        if not (max_shift >= 0 and max_degrees >= 0):
            raise ValueError(f"max_shift and max_degrees must be >= 0, got {max_shift} and {max_degrees}")
        self.rng = np.random.default_rng(seed)
        self.max_shift, self.max_degrees = float(max_shift), float(max_degrees)

    def __call__(self, images):
        n = len(images)
        angles = np.deg2rad(self.rng.uniform(-self.max_degrees, self.max_degrees, n))
        shifts = self.rng.uniform(-self.max_shift, self.max_shift, (n, 2))
        return transform(images, angles, shifts)


def transform(images, angles, shifts):
    """`images` (N, H, W) rotated by `angles` (radians, counter-clockwise on screen) and moved by `shifts` (N, 2).

    shifts[:, 0] moves down (rows), shifts[:, 1] right (columns). Computed in
    float32: a tenth of a pixel's error would not matter, twice the time would.
    """
    n, h, w = images.shape
    f = np.float32
    cy, cx = f((h - 1) / 2), f((w - 1) / 2)
    cos, sin = (np.asarray(t(angles), dtype=f)[:, None, None] for t in (np.cos, np.sin))
    # Relative to the centre, shift undone: (N, H, W) by broadcasting (N, 1, 1) against the grid.
    dy = (np.arange(h, dtype=f)[:, None] - cy)[None] - np.asarray(shifts[:, 0], dtype=f)[:, None, None]
    dx = (np.arange(w, dtype=f)[None, :] - cx)[None] - np.asarray(shifts[:, 1], dtype=f)[:, None, None]
    # The inverse rotation (by -angle) of the output point gives its source; rows grow downwards.
    x = cos * dx - sin * dy + cx
    y = sin * dx + cos * dy + cy
    return _bilinear(images, y, x)


def _bilinear(images, y, x):
    """images sampled at the points (y, x) of shape (N, H, W), zero outside."""
    n, h, w = images.shape
    # A border of zeros (1 before, 2 after) makes every clipped corner a valid index.
    stride, size = w + 3, (h + 3) * (w + 3)
    padded = np.zeros((n, h + 3, w + 3), dtype=images.dtype)
    padded[:, 1 : h + 1, 1 : w + 1] = images
    np.clip(y, -1, h, out=y)
    np.clip(x, -1, w, out=x)
    y0, x0 = np.floor(y), np.floor(x)
    fy, fx = y - y0, x - x0
    corner = (y0.astype(np.int64) + 1) * stride + (x0.astype(np.int64) + 1) + (np.arange(n) * size)[:, None, None]
    flat = padded.ravel()
    a, b, c, d = flat[corner], flat[corner + 1], flat[corner + stride], flat[corner + stride + 1]
    top = a + (b - a) * fx
    bottom = c + (d - c) * fx
    return top + (bottom - top) * fy

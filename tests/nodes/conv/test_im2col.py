import numpy as np
import pytest

from nodes.conv.im2col import Geometry, input_gradient_by_rows, input_gradient_by_shifts, stride_one_input_gradient

# (input shape, kernel (kh, kw, C, C_out), padding, dilation): odd sizes, rectangles, 1 channel, margins.
SHAPES = [
    ((2, 7, 6, 3), (3, 2, 3, 4), (0, 0), (1, 1)),
    ((3, 5, 9, 1), (5, 3, 1, 2), (2, 1), (1, 1)),
    ((1, 8, 7, 4), (3, 3, 4, 5), (1, 2), (2, 1)),
    ((2, 6, 6, 2), (2, 3, 2, 3), (0, 2), (1, 2)),
    ((2, 4, 5, 6), (1, 1, 6, 2), (0, 0), (1, 1)),
    ((1, 3, 3, 2), (3, 3, 2, 2), (1, 1), (1, 1)),
]


def _reference(g, w, input_shape, padding, dilation):
    """dG/dx of a stride-1 convolution: g[n, i, j] W[a, b]^T added at padded pixel (i + a dh, j + b dw)."""
    n, h, wd, c = input_shape
    (ph, pw), (dh, dw) = padding, dilation
    ho, wo = g.shape[1:3]
    padded = np.zeros((n, h + 2 * ph, wd + 2 * pw, c))
    for a in range(w.shape[0]):
        for b in range(w.shape[1]):
            padded[:, a * dh:a * dh + ho, b * dw:b * dw + wo] += np.einsum("nijo,co->nijc", g, w[a, b])
    return padded[:, ph:ph + h, pw:pw + wd]


@pytest.mark.parametrize(("input_shape", "kernel", "padding", "dilation"), SHAPES, ids=str)
def test_both_stride_one_input_gradients_match_a_loop_reference(input_shape, kernel, padding, dilation):
    rng = np.random.default_rng(3)
    geometry = Geometry(kernel[:2], 1, padding, dilation)
    ho, wo = geometry.out_hw(*input_shape[1:3])
    g, w = rng.standard_normal((input_shape[0], ho, wo, kernel[3])), rng.standard_normal(kernel)
    expected = _reference(g, w, input_shape, padding, dilation)
    for got in (input_gradient_by_rows(geometry, g, w, input_shape),
                input_gradient_by_shifts(geometry, g, w.reshape(-1, kernel[3]), input_shape),
                stride_one_input_gradient(geometry, g, w, input_shape)):
        assert got.shape == input_shape and got.flags.c_contiguous
        np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-12)


def test_the_rows_keep_float32():
    geometry = Geometry((3, 3), 1, 1, 1)
    g, w = np.ones((2, 4, 4, 3), np.float32), np.ones((3, 3, 2, 3), np.float32)
    assert input_gradient_by_rows(geometry, g, w, (2, 4, 4, 2)).dtype == np.float32

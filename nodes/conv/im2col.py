"""Window geometry for convolution and pooling on NHWC arrays: im2col and col2im.

A 2-D window operation with kernel (kh, kw), stride s, dilation d and zero
padding p reads, for every output pixel (n, i, j), the kh*kw*C values
x_padded[n, i*s + a*d, j*s + b*d, c]. `im2col` lays them out as one row per
output pixel, in (a, b, c) order, so a convolution is one matmul with the
weights reshaped to (kh*kw*C, C_out); `col2im` adds such rows back into an
image (the adjoint of im2col, used for input gradients); `col2im_transposed`
does the same from the transposed matrix, and `input_gradient_by_shifts` and
`input_gradient_by_rows` compute a stride-1 convolution's input gradient
with shifted adds (`stride_one_input_gradient` picks the faster).

Measured on float32 LeNet-sized batches (64 x 28 x 28): with few channels
copying the kh*kw shifted slices beats a strided-window copy (whose
innermost run is only kw*C values long); with 8 or more channels the
strided-window copy wins. For col2im, `np.add.at` over a cached flat index
beats a loop of strided adds over kernel offsets in NHWC, a loop of adds
into a channels-first buffer (contiguous runs of Wo values) beats both, and
for stride 1 the shifted adds of `input_gradient_by_shifts` beat all three,
and `input_gradient_by_rows` beats those where it moves fewer values.
"""

import functools

import numpy as np
from numpy.lib.stride_tricks import as_strided

#: Up to this many input channels im2col copies shifted slices (see above).
SLICE_COPY_MAX_CHANNELS = 3


def pair(value, what):
    """(v, v) for an int, (a, b) for a pair; refuses non-positive sizes (padding may be 0)."""
    a, b = (value, value) if isinstance(value, (int, np.integer)) else tuple(value)
    low = 0 if what == "padding" else 1
    if int(a) != a or int(b) != b or a < low or b < low:
        raise ValueError(f"{what} must be an int or a pair of ints >= {low}, got {value!r}")
    return int(a), int(b)


def output_size(size, kernel, stride, padding, dilation):
    """Number of window positions along one axis (None if the size is unknown)."""
    if size is None:
        return None
    return (size + 2 * padding - dilation * (kernel - 1) - 1) // stride + 1


class Geometry:
    """Kernel, stride, padding and dilation of a window op, as (height, width) pairs."""

    def __init__(self, kernel, stride=1, padding=0, dilation=1):
        self.kernel = pair(kernel, "kernel size")
        self.stride = pair(stride, "stride")
        self.padding = pair(padding, "padding")
        self.dilation = pair(dilation, "dilation")

    def out_hw(self, h, w):
        return tuple(
            output_size(n, k, s, p, d)
            for n, k, s, p, d in zip((h, w), self.kernel, self.stride, self.padding, self.dilation, strict=True)
        )

    def pad(self, x, fill=0):
        """x (N, H, W, C) with the padding added (x itself when there is none)."""
        ph, pw = self.padding
        if not (ph or pw):
            return x
        n, h, w, c = x.shape
        xp = np.full((n, h + 2 * ph, w + 2 * pw, c), fill, dtype=x.dtype)
        xp[:, ph : ph + h, pw : pw + w] = x
        return xp

    def windows(self, xp):
        """Strided view (N, Ho, Wo, kh, kw, C) of the windows of a padded NHWC array."""
        n, h, w, c = xp.shape
        ho, wo = self._out_padded(h, w)
        sn, sh, sw, sc = xp.strides
        (kh, kw), (st, sv), (dh, dw) = self.kernel, self.stride, self.dilation
        return as_strided(xp, (n, ho, wo, kh, kw, c), (sn, sh * st, sw * sv, sh * dh, sw * dw, sc), writeable=False)

    def offset_slices(self, h, w):
        """For each kernel offset (a, b) in row-major order: the (rows, cols) slices it reads."""
        ho, wo = self._out_padded(h, w)
        (kh, kw), (st, sv), (dh, dw) = self.kernel, self.stride, self.dilation
        return [
            (slice(a * dh, a * dh + (ho - 1) * st + 1, st), slice(b * dw, b * dw + (wo - 1) * sv + 1, sv))
            for a in range(kh)
            for b in range(kw)
        ]

    def _out_padded(self, h, w):
        (kh, kw), (st, sv), (dh, dw) = self.kernel, self.stride, self.dilation
        return (h - dh * (kh - 1) - 1) // st + 1, (w - dw * (kw - 1) - 1) // sv + 1

    def key(self):
        return self.kernel, self.stride, self.padding, self.dilation


def im2col(geometry, xp, ones_column=False):
    """The (N*Ho*Wo, kh*kw*C) matrix of windows of the padded array `xp`.

    With `ones_column` a last column of ones is appended, so that a bias
    stacked under the weights is added by the same matmul, and its gradient
    (the column sums of the output gradient) comes out of the weight
    gradient's matmul: one BLAS call and one pass over the output fewer.
    With few channels the result is the transpose of a C-ordered
    (columns, N*Ho*Wo) array, built by kh*kw slice copies; BLAS takes either
    order without a copy.
    """
    n, h, w, c = xp.shape
    ho, wo = geometry._out_padded(h, w)
    kh, kw = geometry.kernel
    k, m = kh * kw * c, n * ho * wo
    extra = 1 if ones_column else 0
    if c <= SLICE_COPY_MAX_CHANNELS:
        cols = np.empty((k + extra, m), dtype=xp.dtype)
        per_offset = cols[:k].reshape(kh * kw, c, n, ho, wo)
        for i, (rows, columns) in enumerate(geometry.offset_slices(h, w)):
            per_offset[i] = np.moveaxis(xp[:, rows, columns, :], 3, 0)
        if extra:
            cols[k] = 1
        return cols.T
    windows = geometry.windows(xp)
    if not extra:
        return windows.reshape(m, k)
    cols = np.empty((m, k + 1), dtype=xp.dtype)
    np.copyto(cols[:, :k].reshape(windows.shape), windows)
    cols[:, k] = 1
    return cols


def col2im(geometry, cols, padded_shape):
    """Adjoint of im2col: add each row of `cols` back at its window; returns the padded array."""
    index = _scatter_index(geometry.key(), tuple(padded_shape))
    out = np.zeros(int(np.prod(padded_shape)), dtype=cols.dtype)
    np.add.at(out, index, cols.reshape(-1))
    return out.reshape(padded_shape)


def col2im_transposed(geometry, cols_t, input_shape):
    """col2im from the transposed matrix (kh*kw*C, N*Ho*Wo); returns the unpadded NHWC array.

    Each kernel offset's (C, N, Ho, Wo) block is added into a channels-first
    padded buffer, where both sides of every add are runs of Wo contiguous
    values (in NHWC the runs would be only C long), then the interior is
    copied out in NHWC order. Measured faster than `col2im` (np.add.at) plus
    the strided view of the interior it leaves to the next node.
    """
    n, h, w, c = input_shape
    (ph, pw) = geometry.padding
    hp, wp = h + 2 * ph, w + 2 * pw
    ho, wo = geometry._out_padded(hp, wp)
    blocks = cols_t.reshape(-1, c, n, ho, wo)
    acc = np.zeros((c, n, hp, wp), dtype=cols_t.dtype)
    for block, (rows, columns) in zip(blocks, geometry.offset_slices(hp, wp), strict=True):
        acc[:, :, rows, columns] += block
    return np.ascontiguousarray(acc[:, :, ph : ph + h, pw : pw + w].transpose(1, 2, 3, 0))


def input_gradient_by_shifts(geometry, g, w2d, input_shape):
    """dG/dx of a stride-1 convolution, (N, H, W, C), from g (N, Ho, Wo, C_out) and w2d (kh*kw*C, C_out).

    Place g on the padded grid, each output pixel at its window's top-left
    corner (zeros elsewhere), and flatten that grid to R = N*Hp*Wp rows.
    Kernel offset (a, b) then sends row r to padded row r + a*dh*Wp + b*dw,
    the same shift for every row: with B = w2d g^T in (kh*kw, C, R) blocks,
    col2im is kh*kw adds of a contiguous (C, R) block at a shifted position
    of a channels-first buffer, long contiguous runs instead of
    col2im's short ones. The grid's margins cost about (Hp*Wp)/(Ho*Wo) more
    matmul rows; measured about a third faster than `col2im_transposed`.
    """
    n, h, w, c = input_shape
    (ph, pw), (dh, dw) = geometry.padding, geometry.dilation
    hp, wp = h + 2 * ph, w + 2 * pw
    ho, wo, out = g.shape[1:]
    rows = n * hp * wp
    grid = np.zeros((n, hp, wp, out), dtype=g.dtype)
    grid[:, :ho, :wo] = g
    blocks = (w2d @ grid.reshape(rows, out).T).reshape(-1, c, rows)
    kh, kw = geometry.kernel
    acc = np.zeros((c, rows + (kh - 1) * dh * wp + (kw - 1) * dw), dtype=g.dtype)
    for k, block in enumerate(blocks):
        a, b = divmod(k, kw)
        shift = a * dh * wp + b * dw
        acc[:, shift : shift + rows] += block
    # Every window lies inside its image's padded grid, so nothing real lands past `rows`.
    padded = acc[:, :rows].reshape(c, n, hp, wp)
    return np.ascontiguousarray(padded[:, :, ph : ph + h, pw : pw + w].transpose(1, 2, 3, 0))


def stride_one_input_gradient(geometry, g, w, input_shape):
    """dG/dx of a stride-1 convolution (N, H, W, C) by the faster of the two ways, for g and w (kh, kw, C, C_out).

    `input_gradient_by_rows` copies a matrix of kw*C_out values per row of
    Ho*N*Wp and adds kh*C; `input_gradient_by_shifts` adds kh*kw*C per row of
    N*Hp*Wp (per image and padded column: Ho (kw C_out + kh C) against
    Hp kh kw C). The one that moves fewer values wins in every case measured
    (1 to 64 channels, 3x3 and 5x5 kernels): the shifts with few input
    channels or many output channels, the rows otherwise.
    """
    h, c = input_shape[1], input_shape[3]
    ph, (kh, kw) = geometry.padding[0], geometry.kernel
    ho, out = g.shape[1], g.shape[3]
    by_rows = ho * (kw * out + kh * c)
    by_shifts = (h + 2 * ph) * kh * kw * c
    if by_rows < by_shifts:
        return input_gradient_by_rows(geometry, g, w, input_shape)
    return input_gradient_by_shifts(geometry, g, w.reshape(kh * kw * c, out), input_shape)


def input_gradient_by_rows(geometry, g, w, input_shape):
    """dG/dx of a stride-1 convolution, (N, H, W, C), from g (N, Ho, Wo, C_out) and the weights w (kh, kw, C, C_out).

    A full correlation of g with the kernel, in two halves. Along the width,
    g is padded by the kernel's span (kw - 1) dw on both sides; kernel
    column b sends g's column j to padded column j + b dw, so padded column
    x collects g's columns x - b dw: a window of kw columns of the padded g,
    which a strided view lists for every (row, image, column) and one copy
    makes a matrix of R = Ho*N*Wp rows and kw*C_out columns. One matmul
    with the weights arranged as (kh*C, kw*C_out) gives, for each kernel row
    a, the gradient of padded row i + a dh from g's row i. Along the height
    those are kh adds of contiguous (C, Ho*N*Wp) blocks into a buffer laid
    out (C, Hp, N, Wp), shifted by a dh rows. The matmul is Wp / Wo times
    larger than the plain G W^T (not Hp Wp / (Ho Wo), as in shifting every
    kernel offset), and the adds are kh long runs, not kh*kw: measured 1.8
    times faster than `input_gradient_by_shifts` on the speedrun's second
    convolution (16 -> 32 channels, 12 x 12 inputs, float32).
    """
    n, h, wd, c = input_shape
    (ph, pw), (dh, dw), (kh, kw) = geometry.padding, geometry.dilation, geometry.kernel
    hp, wp = h + 2 * ph, wd + 2 * pw
    ho, wo, out = g.shape[1:]
    span = (kw - 1) * dw  # wp = wo + span at stride 1
    wide = np.zeros((n, ho, wo + 2 * span, out), dtype=g.dtype)
    wide[:, :, span : span + wo] = g
    sn, si, sx, so = wide.strides
    # Row (i, n, x) of the matrix: kernel column kw - 1 - b' for b' = 0..kw-1 reads wide[n, i, x + b' dw].
    windows = as_strided(wide, (ho, n, wp, kw, out), (si, sn, sx, sx * dw, so), writeable=False)
    rows = ho * n * wp
    weights = w[:, ::-1].transpose(0, 2, 1, 3).reshape(kh * c, kw * out)
    blocks = (weights @ windows.reshape(rows, kw * out).T).reshape(kh, c, rows)
    acc = np.zeros((c, hp * n * wp), dtype=g.dtype)
    for a, block in enumerate(blocks):
        shift = a * dh * n * wp
        acc[:, shift : shift + rows] += block
    padded = acc.reshape(c, hp, n, wp)
    return np.ascontiguousarray(padded[:, ph : ph + h, :, pw : pw + wd].transpose(2, 1, 3, 0))


def unpad(geometry, xp):
    """The interior of a padded array (the inverse of `Geometry.pad` for values)."""
    ph, pw = geometry.padding
    if not (ph or pw):
        return xp
    return xp[:, ph : xp.shape[1] - ph, pw : xp.shape[2] - pw]


@functools.lru_cache(maxsize=16)
def _scatter_index(key, padded_shape):
    """Flat position in the padded array of every element of im2col's row-major matrix."""
    geometry = Geometry(*key)
    positions = np.arange(int(np.prod(padded_shape)), dtype=np.intp).reshape(padded_shape)
    index = geometry.windows(positions).reshape(-1)
    index.flags.writeable = False
    return index

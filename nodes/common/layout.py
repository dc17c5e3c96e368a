"""Image layouts: NHWC (channels last, the library's own) and NCHW (channels first, PyTorch's).

The convolution, pooling and batch-norm nodes compute on NHWC arrays,
which measured faster (see nodes/conv/__init__.py). With layout="NCHW"
their wiring functions and blocks put a moveaxis node on each side: the
input is seen as NHWC and the output as NCHW again. A moveaxis node is a
view, so it copies nothing itself; the node after it copies the data
once when it needs it contiguous (convolution's window matrix and batch
norm's rows do anyway), and between two NCHW operations the two
moves cancel to the NHWC array the first one made.
"""

from nodes.array.transpose import moveaxis

#: NHWC: (batch, height, width, channels), the default; NCHW: (batch, channels, height, width), PyTorch's.
LAYOUTS = ("NHWC", "NCHW")
#: The axis order that makes PyTorch's OIHW convolution weights (C_out, C_in / groups, kh, kw) HWIO.
OIHW_TO_HWIO = (2, 3, 1, 0)


def check_layout(layout):
    """`layout` itself if it is one of LAYOUTS; a ValueError naming them otherwise."""
    if layout not in LAYOUTS:
        raise ValueError(f"layout must be one of {LAYOUTS}, got {layout!r}")
    return layout


def to_nhwc(x, layout):
    """x itself for an NHWC layout; for NCHW a moveaxis node (a view) making (N, C, H, W) into (N, H, W, C).

    The channels axis moves from second to last whatever the number of
    axes, so (N, C) stays as it is.
    """
    if check_layout(layout) == "NHWC":
        return x
    return moveaxis(x, 1, -1, name="to_nhwc")


def from_nhwc(y, layout):
    """y itself for an NHWC layout; for NCHW a moveaxis node (a view) making (N, H, W, C) into (N, C, H, W)."""
    if check_layout(layout) == "NHWC":
        return y
    return moveaxis(y, -1, 1, name="to_nchw")

"""Conv2d layer: a convolution node with its weight and bias parameters."""

import numpy as np

from autograd import Block, Parameter
from nodes.common.init import init_weight
from nodes.common.layout import check_layout

from .conv2d import conv2d
from .im2col import pair


class Conv2d(Block):
    """y = conv2d(x, W) + b, with He-initialised weights, on NHWC (default) or NCHW images.

    Creates `<name>.weight`, drawn with std sqrt(2 / fan_in), fan_in = kh kw
    in_channels / groups, and `<name>.bias` (out_channels,) of zeros, inside
    the scope `<name>`; calling the layer on a node wires `<name>.conv2d`.
    With layout="NHWC" the weight is HWIO (kh, kw, in_channels / groups,
    out_channels); with layout="NCHW" images are (N, C, H, W) and the
    weight is PyTorch's OIHW (out_channels, in_channels / groups, kh, kw),
    so an nn.Conv2d's weight and bias load as they are. The same `rng`
    draws the same weights in both layouts (one is the other transposed).

    PyTorch: `nn.Conv2d(in_channels, out_channels, kernel_size, stride,
    padding, dilation, groups, bias)` on NCHW images, whose `weight` is OIHW
    (out_channels, in_channels / groups, kh, kw): the NCHW layer's as it is,
    the NHWC layer's transposed by (3, 2, 0, 1). Groups split the channels the same way (group g: the g-th
    run of consecutive input and output channels). `kernels` chooses numpy's
    or the compiled path for every call (see Convolution).
    """

    default_name = "conv"

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1,
                 name=None, bias=True, rng=None, layout="NHWC", kernels=None):
        if in_channels % groups or out_channels % groups:
            raise ValueError(f"in_channels {in_channels} and out_channels {out_channels} split into {groups} groups")
        super().__init__(name)
        self.in_channels, self.out_channels = in_channels, out_channels
        self.kernel_size = pair(kernel_size, "kernel size")
        self.stride, self.padding, self.dilation, self.groups = stride, padding, dilation, groups
        self.layout = check_layout(layout)
        self.kernels = kernels
        kh, kw = self.kernel_size
        fan_in = kh * kw * in_channels // groups
        shape = (kh, kw, in_channels // groups, out_channels)
        weight = init_weight(shape, fan_in, kh * kw * out_channels, "he", rng)
        self.weight = Parameter(weight if layout == "NHWC" else weight.transpose(3, 2, 0, 1))
        self.bias = Parameter(np.zeros(out_channels)) if bias else None

    def wire(self, x):
        """The convolution of x with the weights (and bias)."""
        return conv2d(x, self.weight, self.bias, stride=self.stride, padding=self.padding,
                      dilation=self.dilation, groups=self.groups, layout=self.layout, kernels=self.kernels,
                      name="conv2d")

    def export_state(self, state, layout):
        """HWIO weights as PyTorch's OIHW (an NCHW layer's weight is OIHW already)."""
        if layout == "torch" and self.layout == "NHWC":
            state = {**state, "weight": np.ascontiguousarray(state["weight"].transpose(3, 2, 0, 1))}
        return state

    def import_state(self, state, layout):
        """PyTorch's OIHW weights as an NHWC layer's HWIO (an NCHW layer takes them as they are)."""
        if layout == "torch" and self.layout == "NHWC":
            state = {**state, "weight": state["weight"].transpose(2, 3, 1, 0)}
        return state

    def __repr__(self):
        return (f"Conv2d({self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, "
                f"stride={self.stride}, padding={self.padding}, layout={self.layout!r}, name={self.name!r})")

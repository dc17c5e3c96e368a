"""Conv2d layer: a convolution node with its weight and bias parameters."""

import numpy as np

from autograd import Block, Parameter
from nodes.common.init import init_weight

from .conv2d import conv2d
from .im2col import pair


class Conv2d(Block):
    """y = conv2d(x, W) + b on NHWC images, with He-initialised weights.

    Creates `<name>.weight` of shape (kh, kw, in_channels / groups,
    out_channels), drawn with std sqrt(2 / fan_in), fan_in = kh kw
    in_channels / groups, and `<name>.bias` (out_channels,) of zeros, inside
    the scope `<name>`; calling the layer on a node wires `<name>.conv2d`.

    PyTorch: `nn.Conv2d(in_channels, out_channels, kernel_size, stride,
    padding, dilation, groups, bias)` on NCHW images, whose `weight` is OIHW
    (out_channels, in_channels / groups, kh, kw): ours transposed by
    (3, 2, 0, 1). Groups split the channels the same way (group g: the g-th
    run of consecutive input and output channels).
    """

    default_name = "conv"

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1,
                 name=None, bias=True, rng=None):
        if in_channels % groups or out_channels % groups:
            raise ValueError(f"in_channels {in_channels} and out_channels {out_channels} split into {groups} groups")
        super().__init__(name)
        self.in_channels, self.out_channels = in_channels, out_channels
        self.kernel_size = pair(kernel_size, "kernel size")
        self.stride, self.padding, self.dilation, self.groups = stride, padding, dilation, groups
        kh, kw = self.kernel_size
        fan_in = kh * kw * in_channels // groups
        shape = (kh, kw, in_channels // groups, out_channels)
        self.weight = Parameter(init_weight(shape, fan_in, kh * kw * out_channels, "he", rng))
        self.bias = Parameter(np.zeros(out_channels)) if bias else None

    def wire(self, x):
        """The convolution of x with the weights (and bias)."""
        return conv2d(x, self.weight, self.bias, stride=self.stride, padding=self.padding,
                      dilation=self.dilation, groups=self.groups, name="conv2d")

    def export_state(self, state, layout):
        """HWIO weights as PyTorch's OIHW."""
        if layout == "torch":
            state = {**state, "weight": np.ascontiguousarray(state["weight"].transpose(3, 2, 0, 1))}
        return state

    def import_state(self, state, layout):
        """PyTorch's OIHW weights as nodegrad's HWIO."""
        if layout == "torch":
            state = {**state, "weight": state["weight"].transpose(2, 3, 1, 0)}
        return state

    def __repr__(self):
        return (f"Conv2d({self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, "
                f"stride={self.stride}, padding={self.padding}, name={self.name!r})")

"""Convolution and pooling on NHWC (batch, height, width, channels) images.

Layout, chosen by measurement: images are NHWC and convolution weights
HWIO (kh, kw, C_in / groups, C_out). In NHWC the im2col matrix is a plain
strided-window copy and one matmul yields the output already in NHWC; in
NCHW either the windows or the output need a transposing copy. On a batch
of 64 14x14 images, 8 -> 16 channels, 3x3, float32, im2col plus matmul took
about 0.35 ms in NHWC against 0.63 ms for the best NCHW variant (a batched
matmul per image) and 1.7 ms for NCHW with one big matmul. NHWC is the
default; layout="NCHW" (PyTorch's images and OIHW weights) wraps the
NHWC nodes in moveaxis views (see nodes.common.layout).
"""

from .avg_pooling import AveragePooling, avg_pool2d
from .conv2d import Convolution, conv2d
from .layer import Conv2d
from .max_pooling import MaxPoolIndices, MaxPooling, max_pool2d
from .pooling import GlobalAveragePooling, global_avg_pool

__all__ = [
    "AveragePooling", "Conv2d", "Convolution", "GlobalAveragePooling", "MaxPoolIndices", "MaxPooling", "avg_pool2d",
    "conv2d", "global_avg_pool", "max_pool2d",
]

"""Loss functions."""

from .softmax_cross_entropy import SoftmaxCrossEntropy, softmax_cross_entropy

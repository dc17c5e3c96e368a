"""Loss functions."""

from .binary_cross_entropy import BinaryCrossEntropyWithLogits, binary_cross_entropy_with_logits
from .mse import MSE, mse
from .softmax_cross_entropy import SoftmaxCrossEntropy, softmax_cross_entropy

__all__ = [
    "BinaryCrossEntropyWithLogits", "MSE", "SoftmaxCrossEntropy", "binary_cross_entropy_with_logits", "mse",
    "softmax_cross_entropy",
]

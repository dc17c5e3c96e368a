"""Activation functions."""

from .gelu import GELU, gelu
from .relu import LeakyReLU, ReLU, leaky_relu, relu
from .sigmoid import Sigmoid, sigmoid, stable_sigmoid
from .softmax import LogSoftmax, Softmax, log_softmax, softmax
from .tanh import Tanh, tanh

__all__ = [
    "GELU", "LeakyReLU", "LogSoftmax", "ReLU", "Sigmoid", "Softmax", "Tanh", "gelu", "leaky_relu",
    "log_softmax", "relu", "sigmoid", "softmax", "tanh",
]

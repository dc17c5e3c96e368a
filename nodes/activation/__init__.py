"""Activation functions."""

from .elu import ELU, SELU_ALPHA, SELU_SCALE, elu, selu
from .gelu import GELU, gelu
from .relu import LeakyReLU, ReLU, leaky_relu, relu
from .sigmoid import Sigmoid, sigmoid, stable_sigmoid
from .silu import SiLU, silu, swish
from .softmax import LogSoftmax, Softmax, log_softmax, softmax
from .softplus import Softplus, softplus
from .tanh import Tanh, tanh

__all__ = [
    "ELU", "GELU", "LeakyReLU", "LogSoftmax", "ReLU", "SELU_ALPHA", "SELU_SCALE", "SiLU", "Sigmoid", "Softmax",
    "Softplus", "Tanh", "elu", "gelu", "leaky_relu", "log_softmax", "relu", "selu", "sigmoid", "silu", "softmax",
    "softplus", "swish", "tanh",
]

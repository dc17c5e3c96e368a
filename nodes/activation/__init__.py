"""Activation functions."""

from .relu import LeakyReLU, ReLU, leaky_relu, relu

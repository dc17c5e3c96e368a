"""Elementwise maths and reductions."""

from .arithmetic import Add, Div, Elementwise, Mul, Neg, Pow, Scale, Sub, add, broadcast_shape, div, mul, neg, pow, sub

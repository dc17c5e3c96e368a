"""Elementwise maths and reductions."""

from .arithmetic import Add, Div, Elementwise, Mul, Neg, Pow, Scale, Sub, add, broadcast_shape, div, mul, neg, pow, sub
from .minmax import Clip, Maximum, Minimum, clip, maximum, minimum
from .reduction import Max, Mean, Sum, max, mean, sum
from .unary import Abs, Exp, Log, Sqrt, abs, exp, log, sqrt

__all__ = [
    "Abs", "Add", "Clip", "Div", "Exp", "Log", "Max", "Maximum", "Mean", "Minimum", "Mul", "Neg", "Pow",
    "Scale", "Sqrt", "Sub", "Sum", "abs", "add", "clip", "div", "exp", "log", "max", "maximum", "mean",
    "minimum", "mul", "neg", "pow", "sqrt", "sub", "sum",
]

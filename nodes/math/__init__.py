"""Elementwise maths and reductions."""

# Importable from here since before nodes.common existed; they live there now.
from nodes.common.elementwise import Elementwise
from nodes.common.shapes import broadcast_shape

from .arithmetic import Add, Div, Mul, Neg, Pow, Scale, Sub, add, div, mul, neg, pow, sub
from .minmax import Clip, Maximum, Minimum, clip, maximum, minimum
from .reduction import Max, Mean, Sum, max, mean, sum
from .select import Where, where
from .unary import Abs, Exp, Log, Sqrt, abs, exp, log, sqrt

__all__ = [
    "Abs", "Add", "Clip", "Div", "Exp", "Log", "Max", "Maximum", "Mean", "Minimum", "Mul", "Neg", "Pow",
    "Scale", "Sqrt", "Sub", "Sum", "Where", "abs", "add", "clip", "div", "exp", "log", "max", "maximum", "mean",
    "minimum", "mul", "neg", "pow", "sqrt", "sub", "sum", "where",
]

"""Elementwise maths and reductions."""

# Importable from here since before nodes.common existed; they live there now.
from nodes.common.elementwise import Elementwise
from nodes.common.shapes import broadcast_shape

from .arithmetic import Add, Div, Mul, Neg, Pow, Scale, Sub, add, div, mul, neg, pow, sub
from .logsumexp import LogSumExp, logsumexp
from .minmax import Clip, Maximum, Minimum, clip, maximum, minimum
from .reduction import Max, Mean, Sum, max, mean, sum
from .select import Where, where
from .trigonometric import Cos, Sin, cos, sin
from .unary import Abs, Exp, Log, Sqrt, abs, exp, log, sqrt

__all__ = [
    "Abs", "Add", "Clip", "Cos", "Div", "Exp", "Log", "LogSumExp", "Max", "Maximum", "Mean", "Minimum", "Mul",
    "Neg", "Pow", "Scale", "Sin", "Sqrt", "Sub", "Sum", "Where", "abs", "add", "clip", "cos", "div", "exp", "log",
    "logsumexp", "max", "maximum", "mean", "minimum", "mul", "neg", "pow", "sin", "sqrt", "sub", "sum", "where",
]

"""Elementwise maths and reductions."""

from .arithmetic import Add, Div, Elementwise, Mul, Neg, Pow, Scale, Sub, add, broadcast_shape, div, mul, neg, pow, sub
from .minmax import Clip, Maximum, Minimum, clip, maximum, minimum
from .reduction import Max, Mean, Sum, max, mean, sum
from .unary import Abs, Exp, Log, Sqrt, abs, exp, log, sqrt

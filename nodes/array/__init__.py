"""Array manipulation: reshaping, axis permutations, joining, indexing."""

from .concat import Concat, Stack, concat, stack
from .getitem import GetItem, getitem
from .reshape import Flatten, Reshape, flatten, reshape
from .transpose import SwapAxes, Transpose, swapaxes, transpose

__all__ = [
    "Concat", "Flatten", "GetItem", "Reshape", "Stack", "SwapAxes", "Transpose",
    "concat", "flatten", "getitem", "reshape", "stack", "swapaxes", "transpose",
]

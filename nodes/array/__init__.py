"""Array manipulation: reshaping, axis permutations, joining, indexing."""

from .concat import Concat, Stack, concat, stack
from .getitem import GetItem, getitem
from .reshape import Flatten, Reshape, flatten, reshape
from .transpose import MoveAxis, SwapAxes, Transpose, moveaxis, swapaxes, transpose

__all__ = [
    "Concat", "Flatten", "GetItem", "MoveAxis", "Reshape", "Stack", "SwapAxes", "Transpose",
    "concat", "flatten", "getitem", "moveaxis", "reshape", "stack", "swapaxes", "transpose",
]

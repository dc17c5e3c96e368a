"""Boolean masks (True = keep) given either as a fixed array at wiring or as a node fed at every pass."""

import numpy as np

from autograd import Node, ShapeError
from autograd.errors import static_shape

from .shapes import broadcasts_to


def split_mask(mask, what):
    """(fixed mask, mask node): a boolean array is fixed at wiring, a node is an input fed at every pass."""
    if mask is None:
        return None, None
    if isinstance(mask, Node):
        return None, mask
    mask = np.asarray(mask)
    if mask.dtype != bool:
        raise TypeError(f"a{what} mask must be a boolean array or node (True = keep), got {mask.dtype}")
    return mask, None


def check_mask_shape(mask, shape, what):
    """At wiring: a ShapeError unless a mask of static shape `mask` (None: no mask) broadcasts to `shape`."""
    if mask is not None and not broadcasts_to(mask, shape):
        raise ShapeError(f"mask of shape {static_shape(mask)} does not broadcast to the {what} {static_shape(shape)}")


def checked_mask(mask, shape, what):
    """`mask` (a fed value) if it is boolean and broadcasts to `shape`; a ValueError naming both otherwise."""
    if mask.dtype != bool:
        raise ValueError(f"the {what} mask must be boolean (True = keep), got {mask.dtype}")
    if not broadcasts_to(mask.shape, shape):
        raise ValueError(f"mask of shape {mask.shape} does not broadcast to the {what} {shape}")
    return mask

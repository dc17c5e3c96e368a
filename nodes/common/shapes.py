"""Broadcasting of static shapes, in which None (the batch axis) matches any size."""

from autograd import ShapeError
from autograd.errors import static_shape


def broadcast_shape(*shapes):
    """numpy's broadcast of static shapes, where None (the batch axis) matches anything."""
    ndim = max(len(s) for s in shapes)
    padded = [(1,) * (ndim - len(s)) + tuple(s) for s in shapes]
    out = []
    for dims in zip(*padded):
        known = {d for d in dims if d is not None and d != 1}
        if len(known) > 1:
            raise ShapeError(f"shapes {' and '.join(map(static_shape, shapes))} do not broadcast")
        if known:
            out.append(known.pop())
        elif None in dims:
            out.append(None)
        else:
            out.append(1)
    return tuple(out)


def broadcasts_to(shape, target):
    """Whether an array of static `shape` broadcasts to `target` without changing it (None matches anything)."""
    if len(shape) > len(target):
        return False
    aligned = zip(shape, target[len(target) - len(shape):])
    return all(s == 1 or s is None or t is None or s == t for s, t in aligned)

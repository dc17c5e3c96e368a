"""Static shapes, in which None marks an axis of unknown size (the batch): broadcasting and inference."""

from autograd import ShapeError
from autograd.errors import static_shape

#: Sizes standing in for unknown axes in shape inference: a tiny and a large
#: one, so that whatever depends on an unknown size differs between the two.
STAND_INS = (1, 7919)


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


def infer_with_stand_ins(rule, shape):
    """The static shape that `rule` gives for `shape`, whose unknown (None) axes may have any size.

    `rule` maps a fully known shape to an output shape. It runs twice, with
    every unknown axis set to each of the STAND_INS sizes; the output axes
    that differ between the two runs depend on the unknown sizes and are
    None. Returns None when the two outputs differ in length. What `rule`
    raises (a stand-in size that does not fit) reaches the caller.
    """
    one, other = (rule(tuple(size if d is None else d for d in shape)) for size in STAND_INS)
    if len(one) != len(other):
        return None
    return tuple(a if a == b else None for a, b in zip(one, other, strict=True))


def same_shape(pred, target, what=("prediction", "target")):
    """The shape shared by the static shapes `pred` and `target`, which must be equal (None matches any size).

    For losses that compare entry by entry: a ShapeError names both shapes
    when they differ, and what numpy's broadcasting would have made of them
    (an (N, 1) prediction against an (N,) target broadcasts to (N, N)).
    """
    if len(pred) == len(target) and all(p is None or t is None or p == t for p, t in zip(pred, target)):
        return tuple(t if p is None else p for p, t in zip(pred, target))
    try:
        hint = f" (numpy would broadcast them to {static_shape(broadcast_shape(pred, target))})"
    except ShapeError:
        hint = ""
    first, second = what
    raise ShapeError(
        f"{first} of shape {static_shape(pred)} and {second} of shape {static_shape(target)} must have the same "
        f"shape{hint}"
    )

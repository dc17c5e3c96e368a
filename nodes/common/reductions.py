"""The reduction modes of the losses: how the per-entry losses become the output."""

#: mean: the average over all entries; sum: their total; none: every entry's loss, unreduced.
REDUCTIONS = ("mean", "sum", "none")


def check_reduction(reduction):
    """`reduction` itself if it is one of REDUCTIONS; a ValueError naming the valid ones otherwise."""
    if reduction not in REDUCTIONS:
        raise ValueError(f"reduction must be one of {REDUCTIONS}, got {reduction!r}")
    return reduction

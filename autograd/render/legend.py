"""What the legend explains: only the edge colours and health flags that are on the drawing."""

from .scene import EdgeKey, Legend
from .style import FLAG_ORDER


def legend_of(items, edges, *, with_addends=False, numbers=True, span=None):
    """The Legend of a drawing of `items` and `edges`.

    with_addends: the edges carry addends (else the legend says nothing of
    edges); numbers: the edges write their norms; span: the weakest and
    strongest finite non-zero norm (`edges.norm_span`).
    """
    seen = {flag for item in items for flag, _ in item.flags}
    flags = tuple(f for f in FLAG_ORDER if f in seen)
    if not with_addends:
        return Legend(None, flags)
    sent = [e.addend for e in edges if e.addend is not None and e.addend.sent]
    zero = any(a.finite and a.norm == 0 for a in sent)
    nonfinite = any(not a.finite for a in sent)
    return Legend(EdgeKey(numbers, span, zero, nonfinite), flags)

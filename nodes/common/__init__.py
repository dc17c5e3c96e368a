"""Helpers shared by the node library, one small module per job.

`elementwise` (the base of elementwise nodes), `shapes` (static shapes:
broadcasting, inference with stand-in sizes), `axes` (axis normalisation),
`reductions` (a loss's reduction mode), `init` (weight initialisation),
`masks` (boolean masks fixed at wiring or fed at every pass), `layout`
(NHWC and PyTorch's NCHW images) and `rows` (maxima and sums along the
last axis, fast for short rows).

Import each helper from its module. This package exports nothing itself;
the helpers that were public before it existed stay importable where they
were (`nodes.math.Elementwise`, `nodes.math.broadcast_shape`,
`nodes.connection.init_weight`), as the same objects.
"""

__all__ = []

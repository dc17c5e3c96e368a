"""Compiled kernel of ReLU's backward, dG/dx = g [f > 0] in one pass: see nodes.common.compiled.

numpy makes the mask and the product in two passes over the data;
measured on the speedrun's first ReLU (128 x 24 x 24 x 16 float32) 0.46
ms against 0.20 ms for this loop. g is multiplied by the mask, not
selected, so a NaN in g stays NaN where f <= 0, as in numpy's path.
"""

import numpy as np

from nodes.common.compiled import jit


@jit
def masked_gradient(g, f):
    """g * [f > 0] of two flat arrays of one size, in g's dtype."""
    out = np.empty_like(g)
    for i in range(g.size):
        out[i] = g[i] * (f[i] > 0)
    return out

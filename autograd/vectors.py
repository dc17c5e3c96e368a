"""Read-only constant arrays, made once per size and dtype and then shared.

Sums and means over rows run fastest as BLAS products with a constant
vector (`ones(n) @ a` sums the rows of `a`), and label indexing needs
`arange(n)` at every step. Building those vectors anew on every call costs
an allocation each time, so they are cached here, in the engine, where
both the engine (`unbroadcast`) and the node library can use them.

Each function keeps its most recently used results in a `functools.lru_cache`
of `CACHE_SIZE` entries, so a run with many batch sizes cannot grow memory
without bound. Every array is read-only: it is handed to many callers, and
a write by one would corrupt the others' results.
"""

import functools

import numpy as np

#: Entries each cache keeps (sizes times dtypes); the least recently used goes first.
CACHE_SIZE = 32


def _read_only(array):
    array.flags.writeable = False
    return array


@functools.lru_cache(maxsize=CACHE_SIZE)
def ones(shape, dtype=np.float64):
    """Ones of `shape` (a length n, or a shape tuple) and `dtype`, read-only and shared."""
    return _read_only(np.ones(shape, dtype=dtype))


@functools.lru_cache(maxsize=CACHE_SIZE)
def mean_weights(n, dtype=np.float64):
    """n entries of 1/n in `dtype`, read-only and shared: `a @ mean_weights(n)` averages the n columns of `a`."""
    return _read_only(np.full(n, 1.0 / n, dtype=dtype))


@functools.lru_cache(maxsize=CACHE_SIZE)
def arange(n):
    """np.arange(n) (integer positions 0 .. n-1), read-only and shared, for indexing one entry per row."""
    return _read_only(np.arange(n))

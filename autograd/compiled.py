"""Compiled kernels (numba, the optional `fast` extra) for the hottest nodes and rules, and the choice of path.

It sits in the core because update rules live there (autograd.rules,
whose kernels are in autograd.rule_kernels); the nodes' kernels (beside
their nodes, `<name>_kernels.py`) use it from above. A rule chooses at
each step, with `choose(None, ...)`. A node that has a compiled kernel takes `kernels=None | "numpy" | "numba"`:
None picks numba where it is installed and `NODEGRAD_KERNELS` is not
"numpy" (read when the node is built), "numpy" always takes the numpy path,
"numba" insists on the compiled one. Both paths compute the same
mathematics and their tests compare them value for value and gradient for
gradient; the rounding may differ, as the kernels add (and the layer
norm's computes) in float64, which also keeps a float32 input near
overflow finite where numpy's squares overflow.

numba is imported when the first node that could use it is built, or at
the first step of a rule that has a kernel (Adam's, whatever its dtype),
not by `import autograd` or `import nodes`, and `jit` compiles a kernel when it is first called (about
2.4 s for the speedrun CNN's), caching the machine code on disk, so that
later processes load it in a fraction of a second. Loading numba and its
compiler adds about 115 MB to a process's resident set.
"""

import functools
import importlib
import os

import numpy as np

#: The values of `kernels=` and of NODEGRAD_KERNELS.
KERNELS = ("numpy", "numba")

#: The dtypes the kernels are compiled for; other floats (float16) take the numpy path.
DTYPES = ("float32", "float64")
_DTYPES = tuple(map(np.dtype, DTYPES))  # compared directly: a dtype's name is a slow property

#: The environment variable that rules the compiled kernels out for nodes built without `kernels=`.
ENVIRONMENT = "NODEGRAD_KERNELS"


@functools.cache
def _numba():
    """The numba module, imported on first use; None where it is not installed."""
    try:
        return importlib.import_module("numba")
    except ImportError:  # the optional extra is not installed: every node takes its numpy path
        return None


def available():
    """True where numba is installed."""
    return _numba() is not None


def environment():
    """NODEGRAD_KERNELS: "numpy", "numba" or "" (unset); any other value is refused in one sentence."""
    wanted = os.environ.get(ENVIRONMENT, "")
    if wanted not in ("", *KERNELS):
        raise ValueError(f"{ENVIRONMENT} must be 'numpy' or 'numba' (or unset), got {wanted!r}")
    return wanted


def choose(kernels, node_kind):
    """"numba" or "numpy" for a node of `node_kind` built with `kernels` (None, "numpy" or "numba")."""
    asked = f"kernels={kernels!r}"
    if kernels is None:
        wanted = environment()
        kernels, asked = wanted or ("numba" if available() else "numpy"), f"{ENVIRONMENT}={wanted}"
    if kernels not in KERNELS:
        raise ValueError(f"{node_kind}: kernels must be None, 'numpy' or 'numba', got {kernels!r}")
    if kernels == "numba" and not available():
        raise ImportError(
            f"{node_kind}: {asked} needs numba, which is not installed; install the fast extra (bash "
            "scripts/install.sh demo,fast, or pip install -e '.[fast]', in the checkout), or ask for the numpy path"
        )
    return kernels


def supports(*arrays):
    """Whether the compiled kernels take arrays of these dtypes (float32 or float64, all alike)."""
    dtype = arrays[0].dtype
    return dtype in _DTYPES and all(a.dtype == dtype for a in arrays)


def fits_flat(*arrays):
    """Whether a kernel that reads these arrays flat, element k of each together, takes them: `supports`, and
    all C-contiguous and of the first one's shape (such kernels neither broadcast nor check bounds)."""
    if not supports(*arrays):
        return False
    shape = arrays[0].shape
    for a in arrays:  # a loop, not all(...) over a generator: this runs for every parameter at every step
        if a.shape != shape or not a.flags.c_contiguous:
            return False
    return True


def jit(function=None, *, reassociate=False):
    """`function` to be compiled by numba (no Python objects, cached on disk) at its first call.

    A kernel so made is called from Python only, never from another kernel.
    `reassociate=True` (as `@jit(reassociate=True)`) lets the compiler
    reorder sums and fuse multiply-adds, so that a reduction along the
    innermost loop runs in vector registers: the same values up to
    rounding, fixed for a given machine (NaN and infinities propagate as in
    strict order). Division follows numpy's rules (x / 0 is inf or NaN, not
    an error), as the numpy paths do. Serial: numba's own
    threads, run between OpenBLAS calls whose threads are still spinning,
    made the speedrun's training step more than twice as slow on 2 cores
    (59 against 18 ms per step with one thread).
    """
    if function is None:
        return functools.partial(jit, reassociate=reassociate)
    # numba's disk cache is keyed on the kernel's own source file: after changing these options, delete the
    # kernels' *.nbi and *.nbc files under nodes/*/__pycache__ and autograd/__pycache__, or the old machine code
    # is loaded.
    compiled = None
    fastmath = {"reassoc", "contract"} if reassociate else False

    @functools.wraps(function)
    def kernel(*args):
        nonlocal compiled
        if compiled is None:
            compiled = _numba().njit(cache=True, nogil=True, fastmath=fastmath, error_model="numpy")(function)
        return compiled(*args)

    return kernel

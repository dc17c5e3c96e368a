"""Keep freed memory inside the process, for numpy code that allocates afresh at every step.

A training step allocates its arrays anew. With glibc's default settings a
freed block of more than 128 KiB goes straight back to the operating system
(munmap, or a trim of the heap), and touching it again in the next step
costs a page fault for every 4 KiB. Measured on the LeNet-like benchmark
(batch 64): about 1,100 faults per step, which made a hand-written numpy
step about 40% slower and a nodegrad step about 10% slower. Raising glibc's
thresholds keeps the blocks for reuse (faults fall to about 10 per step),
at the price of a process that keeps its peak memory.

This changes the whole process's allocator, so the engine never calls it on
its own: an application opts in at start-up (the benchmarks do). It lives
with the demo, above the engine, because only applications may change it.
"""

import ctypes
import ctypes.util
import sys

# mallopt parameters, from glibc's malloc.h.
_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3
#: The largest block served from the heap: glibc's ceiling for M_MMAP_THRESHOLD on 64-bit.
MMAP_THRESHOLD = 32 * 1024 * 1024
#: Free memory at the top of the heap kept rather than trimmed.
TRIM_THRESHOLD = 1 << 30


def keep_freed_memory():
    """Tell glibc to keep freed blocks for reuse; returns whether it applied (False off glibc)."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):  # musl or another libc without mallopt
        return False
    mallopt.argtypes, mallopt.restype = (ctypes.c_int, ctypes.c_int), ctypes.c_int
    return bool(mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD)) and bool(mallopt(_M_TRIM_THRESHOLD, TRIM_THRESHOLD))

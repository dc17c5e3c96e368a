"""Process-wide settings of a benchmark run, set once by the entry point (benchmarks.bench or a module's main)."""

from autograd.demo.allocator import keep_freed_memory

#: Whether glibc keeps freed memory for reuse in this run (see autograd.demo.allocator); the default.
KEEP_FREED_MEMORY = False


def configure(default_malloc=False):
    """Apply the allocator setting (unless `default_malloc`); returns a line describing it."""
    global KEEP_FREED_MEMORY
    KEEP_FREED_MEMORY = not default_malloc and keep_freed_memory()
    if KEEP_FREED_MEMORY:
        return "allocator: glibc keeps freed memory for reuse, in every implementation (--default-malloc: off)"
    return "allocator: default settings (freed blocks go back to the OS)"

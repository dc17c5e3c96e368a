"""keep_freed_memory stops glibc from returning each freed block to the OS (measured in page faults)."""

import subprocess
import sys

import pytest

COUNT_FAULTS = """
import resource, sys
import numpy as np
from autograd.demo.allocator import keep_freed_memory
applied = keep_freed_memory() if sys.argv[1] == "keep" else None
step = lambda: [np.ones(1 << 20, np.float32) for _ in range(8)]  # a "step": eight 4 MiB arrays, then freed
step()
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
for _ in range(20):
    step()
print(applied, resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
"""


def _faults(mode):
    out = subprocess.run([sys.executable, "-c", COUNT_FAULTS, mode], capture_output=True, text=True, check=True)
    applied, faults = out.stdout.split()
    return applied, int(faults)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's mallopt exists on Linux only")
def test_freed_blocks_are_kept_for_reuse():
    _, default = _faults("default")
    applied, kept = _faults("keep")
    assert applied == "True"
    assert default > 20 * 8 * 500  # about 1,024 faults per 4 MiB array and step by default
    assert kept < 500

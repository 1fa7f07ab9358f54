"""The heap kept while a year's batches are built (gx_pipeline.staging.heap)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from gx_pipeline.staging.heap import _glibc

#: in a fresh interpreter (glibc's thresholds move with what a process has freed): how many
#: of four 4 MiB blocks glibc maps on their own, before, inside and after kept_heap
_PROBE = """
import ctypes, json
from gx_pipeline.staging.heap import _glibc, kept_heap

class Info(ctypes.Structure):
    _fields_ = [(n, ctypes.c_size_t) for n in (
        "arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks",
        "fordblks", "keepcost")]

libc = _glibc()
libc.mallinfo2.restype = Info

def mapped():
    before = libc.mallinfo2().hblks
    held = [bytearray(4 << 20) for _ in range(4)]
    return libc.mallinfo2().hblks - before

out = {"before": mapped()}
with kept_heap() as kept:
    out["kept"], out["inside"] = kept, mapped()
out["after"] = mapped()
print(json.dumps(out))
"""


@pytest.mark.skipif(
    _glibc() is None or not hasattr(_glibc(), "mallinfo2"), reason="glibc 2.33+ only"
)
def test_large_blocks_come_from_the_heap_inside_and_are_mapped_again_after() -> None:
    probe = subprocess.run(
        [sys.executable, "-c", _PROBE], capture_output=True, text=True, check=True
    )
    got = json.loads(probe.stdout)
    # glibc's default: a block past 128 KiB is a mapping of its own, unmapped when freed, and
    # the next batch faults its pages in again
    assert got["before"] == 4
    assert got["kept"] is True
    assert got["inside"] == 0  # from the heap, which keeps them between batches
    assert got["after"] == 4  # the defaults are back for what runs after the step

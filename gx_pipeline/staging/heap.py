"""glibc's heap kept while a year's batches are built, and given back afterwards.

Each batch of 500 reports builds ~100,000 rows as Python lists, NumPy arrays and Arrow buffers
and frees them again. With glibc's defaults every large block is its own mmap (the threshold
starts at 128 KiB) and the heap's free top goes back to the kernel past 128 KiB, so the next
batch faults the same memory in again: on a national year the run's own process spent ~0.9 ms
of kernel time a page on page faults (`perf stat`: 3.6 s of system time on 3,000 pages, 1.8 s
with the heap kept). Inside `kept_heap` blocks below 32 MiB come from the heap and its free top
is kept; on leaving, the defaults come back and `malloc_trim` returns what is free, so the load
after it (DuckDB's own allocator) does not sit on top of a heap the parse no longer needs.

Elsewhere than glibc (musl, macOS) it does nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
from collections.abc import Iterator
from contextlib import contextmanager

# mallopt parameters (malloc.h)
_M_TRIM_THRESHOLD, _M_TOP_PAD, _M_MMAP_THRESHOLD = -1, -2, -3
#: glibc's defaults (malloc.h: DEFAULT_TRIM_THRESHOLD, DEFAULT_MMAP_THRESHOLD_MIN; the top pad
#: is 128 KiB in glibc's build, DEFAULT_TOP_PAD)
_DEFAULT_TRIM, _DEFAULT_TOP_PAD, _DEFAULT_MMAP = 128 * 1024, 128 * 1024, 128 * 1024
#: blocks up to this size come from the heap (glibc's upper bound for the threshold on 64 bits)
KEPT_MMAP_THRESHOLD = 32 * 1024 * 1024
#: the heap's free top is kept up to this size
KEPT_TRIM_THRESHOLD = 1024 * 1024 * 1024
#: the heap grows by this much at a time
KEPT_TOP_PAD = 64 * 1024 * 1024


@functools.cache
def _glibc() -> ctypes.CDLL | None:
    if not ctypes.util.find_library("c"):
        return None
    libc = ctypes.CDLL(None)
    needed = ("mallopt", "malloc_trim", "gnu_get_libc_version")
    return libc if all(hasattr(libc, name) for name in needed) else None


def _set(libc: ctypes.CDLL, trim: int, pad: int, mmap: int) -> bool:
    return all(
        libc.mallopt(param, value) == 1
        for param, value in (
            (_M_TRIM_THRESHOLD, trim),
            (_M_TOP_PAD, pad),
            (_M_MMAP_THRESHOLD, mmap),
        )
    )


@contextmanager
def kept_heap() -> Iterator[bool]:
    """Keep glibc's heap between batches; yields whether it is glibc's (and so kept)."""
    libc = _glibc()
    kept = libc is not None and _set(libc, KEPT_TRIM_THRESHOLD, KEPT_TOP_PAD, KEPT_MMAP_THRESHOLD)
    try:
        yield kept
    finally:
        if libc is not None:
            _set(libc, _DEFAULT_TRIM, _DEFAULT_TOP_PAD, _DEFAULT_MMAP)
            libc.malloc_trim(0)

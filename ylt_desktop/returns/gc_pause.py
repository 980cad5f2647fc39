"""Cyclic garbage collection paused while a writer builds its file.

A return's rows, its PDF layout and the writers' own objects are hundreds of thousands of
containers that live until the file is written; every few thousand allocations the collector
walks them again, which cost a fifth of the PDF writer's time, and finds little: the writers
make a few tens of thousands of cyclic objects per export. Paused for the write, the
collector runs as usual afterwards (reference counting frees everything else at once).
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def paused_gc() -> Iterator[None]:
    """No cyclic collection inside the block; enabled again after it when it was before.

    The switch is per process: another thread's pause ending first turns it on early, which
    only costs time."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()

"""Python's cyclic garbage collector paused while many long-lived objects are made.

A long list's part (rows, their texts) and a return's rows and PDF layout are thousands of
containers that live on after the block and form few cycles. The collector runs every few
hundred new objects and walks them again each time: a third of the staff list's whole read at
50,000 people (bench/lists.py), a fifth of the PDF writer's time. Paused for the block, they
are walked once when it ends; reference counting frees everything else as usual meanwhile.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused() -> Iterator[None]:
    """No cyclic collection inside the block (it runs again after, if it ran before).

    The switch is per process: another thread's pause ending first turns it on early, which
    only costs time."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()

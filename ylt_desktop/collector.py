"""Python's cyclic garbage collector paused while a long list's part is read and held.

A part makes thousands of objects (rows, their texts) that live as long as the list and form
no cycle. The collector runs every few hundred new objects and walks the young ones again
each time, and the older ones ever more often as the list grows: at 50,000 people it was a
third of the staff list's whole read (bench/lists.py). Paused for the part, the objects are
walked once when it ends. Refcounting frees everything else as usual meanwhile.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused() -> Iterator[None]:
    """No cyclic collection inside the block (it runs again after, if it ran before)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()

"""Whether a process of this PC still runs (stdlib only): the owner of a temporary file."""

from __future__ import annotations

import os


def process_alive(pid: int) -> bool:
    """True when process ``pid`` exists on this PC (POSIX); another user's process counts."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # another user's process: it exists
    return True

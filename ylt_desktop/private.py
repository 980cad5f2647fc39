"""Files holding personal data are readable by their owner only (PIPL): the database, its
backups, exports and the log. On Linux they are made 0600 (and the process umask 077); on
Windows they live under the user's profile, whose ACL already keeps other users out."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

OWNER_ONLY = 0o600


def owner_only(path: str | Path) -> None:
    """Make an existing file ``path`` owner-only; quietly nothing where that cannot be done."""
    if os.name != "posix":
        return
    with contextlib.suppress(OSError):
        os.chmod(path, OWNER_ONLY)


def private_umask() -> None:
    """Every file the process creates from now on is owner-only (program and ``ylt`` start)."""
    if os.name == "posix":
        os.umask(0o077)

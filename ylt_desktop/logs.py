"""Logging set-up: records kept in memory from the start, then a rotating file in the per-user
log folder, which is opened only after the window's first paint."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

# logging.handlers and platformdirs (~10 ms each) are imported in setup_logging: the first
# paint of the window does not need them.

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def mask_ids(text: str) -> str:
    """``text`` with every identity number masked: a log line, also its traceback (DESIGN.md
    §1). ``domain.masking`` is imported at the first line written, not before the first paint."""
    from ylt_desktop.domain.masking import mask_id_numbers

    return mask_id_numbers(text)


class MaskingFormatter(logging.Formatter):
    """Formats as usual, then masks every identity number in the line and its traceback."""

    def format(self, record: logging.LogRecord) -> str:
        return mask_ids(super().format(record))


class EarlyBuffer(logging.Handler):
    """Keeps the records logged before the log file is open (a missing font, a failure in
    building the window), so that they reach the file: a windowed build has no stderr."""

    def __init__(self, capacity: int = 1000) -> None:
        super().__init__()
        self.capacity = capacity
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        if len(self.records) < self.capacity:
            self.records.append(record)

    def hand_over(self, handler: logging.Handler) -> None:
        """Put ``handler`` on the root logger in place of this buffer, and replay into it."""
        root = logging.getLogger()
        with self.lock:
            root.addHandler(handler)
            root.removeHandler(self)
            records, self.records, self.capacity = self.records, [], 0
        for record in records:
            handler.handle(record)


def buffer_early_records(level: int = logging.INFO) -> EarlyBuffer:
    """The program's first step: keep ``level`` and above in memory until setup_logging."""
    buffer = EarlyBuffer()
    root = logging.getLogger()
    root.addHandler(buffer)
    root.setLevel(level)
    return buffer


def _early_buffers() -> list[EarlyBuffer]:
    return [h for h in logging.getLogger().handlers if isinstance(h, EarlyBuffer)]


def _attach(handler: logging.Handler) -> None:
    buffers = _early_buffers()
    if not buffers:
        logging.getLogger().addHandler(handler)
    for buffer in buffers:
        buffer.hand_over(handler)


def setup_logging(
    folder: Path | None = None, level: int = logging.INFO, name: str = "ylt.log"
) -> Path:
    """Open the rotating log file; the records kept since the start are written to it first.
    ``name``: the command line keeps a file of its own (the window may hold ylt.log open)."""
    from logging.handlers import RotatingFileHandler

    from ylt_desktop.paths import log_dir
    from ylt_desktop.private import owner_only

    folder = folder or log_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name

    class LogFile(RotatingFileHandler):
        def handleError(self, record: logging.LogRecord) -> None:  # noqa: N802 - logging's name
            """A record that cannot be written (a full disk, a file another program holds
            while rotating) is dropped: logging's own report would print it on stderr, in
            English, with its message and arguments unmasked, under the command's output."""

    handler = LogFile(path, maxBytes=2_000_000, backupCount=5, encoding="utf-8")
    owner_only(path)
    handler.setFormatter(MaskingFormatter(FORMAT))
    logging.getLogger().setLevel(level)
    _attach(handler)
    return path


def log_to_stderr() -> None:
    """When the log file cannot be opened: the kept records, and those to come, go to stderr.
    Without a stderr (a windowed build) the buffer stays, so memory use stays bounded."""
    if sys.stderr is None:
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(MaskingFormatter(FORMAT))
    _attach(handler)

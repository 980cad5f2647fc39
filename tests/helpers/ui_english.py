"""Finding English in what the program's windows show a clerk: words of Latin letters outside
a short list of names every clerk knows (Excel, PDF, …), with file paths and file names left
out. (``english.py`` does the same for what ``ylt`` prints, where command names are allowed.)"""

from __future__ import annotations

import re

# Names of programs, formats and folders that are the same words in a Chinese office.
ALLOWED = {"excel", "pdf", "jpg", "png", "sha", "xlsx", "sqlite", "backups", "usb", "wps"}
ALLOWED |= {"kb", "mb", "gb", "ctrl", "del", "id"}
ALLOWED |= {"postgresql"}  # the database server's name (县域网络版, docs/POSTGRESQL.md)
_PATH = re.compile(r"\S*[/\\]\S*")
_FILE = re.compile(r"\S+\.(?:xlsx|pdf|sqlite|png|jpe?g|csv|txt|html)\b", re.IGNORECASE)
# Whole words of letters: not a piece of a code or digest (e8303fef…), not an extension.
_WORD = re.compile(r"(?<![A-Za-z0-9_.])[A-Za-z]{2,}(?![A-Za-z0-9_])")


# A name in Chinese quotes (用户“clerk”) is the clerk's own data, not a word to read.
_QUOTED = re.compile(r"“[^”]*”")
# A command the message tells the clerk to type (新建请用 ylt init) is typed, not read.
_COMMAND = re.compile(r"\bylt(?: [a-z-]+)?")


def english_words(text: str) -> list[str]:
    """The English words in ``text`` (paths, file names, ylt commands and ALLOWED words left
    out)."""
    text = _QUOTED.sub(" ", _COMMAND.sub(" ", _FILE.sub(" ", _PATH.sub(" ", text))))
    return [w for w in _WORD.findall(text) if w.lower() not in ALLOWED]

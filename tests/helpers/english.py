"""Finding English left in what ``ylt`` prints: what a clerk would have to read in English.

Allowed: the words a clerk types (``ylt``, command names, ``--options``), file and format names
(JSON, Excel, PDF, xlsx, README, backups), paths, quarters (2026Q3), dates (YYYY-MM-DD) and codes
(USCC, agreement numbers). Lines of JSON output are machine output (their keys are documented).
"""

from __future__ import annotations

import re

ALLOWED = frozenset(
    {
        "ylt",
        "JSON",
        "Excel",
        "PDF",
        "xlsx",
        "README",
        "backups",
        "sqlite",
        "PostgreSQL",  # the database server's name (docs/POSTGRESQL.md)
        # commands and their actions: typed, not read
        "init",
        "demo",
        "consortium",
        "institutions",
        "agreements",
        "staff",
        "rotations",
        "backup",
        "restore",
        "audit",
        "import",
        "template",
        "check",
        "export",
        "submit",
        "reopen",
        "list",
        "figures",
        "indicators",
        "users",
        "add",
        "admin",
        "role",
        "reset",
        "password",
        "disable",
        "enable",
        "delete",
        "verify",
        # ylt package (issue #16): the group, its actions; YLT_EXCHANGE_PASSPHRASE
        "package",
        "passphrase",
        "roster",
        "make",
        "open",
        "status",
        "return",
        "EXCHANGE",
        "PASSPHRASE",
        # the demo users' names (data the clerk typed, quoted in messages)
        "clerk",
        "reviewer",
        # environment variable names (YLT_USER, YLT_PASSWORD, YLT_NEW_PASSWORD): typed
        "YLT",
        "USER",
        "PASSWORD",
        "NEW",
    }
)
_REMOVE = [
    re.compile(r"\S*[/\\]\S*"),  # paths
    re.compile(r"\S+\.(?:xlsx|pdf|sqlite|xls|csv|ylt)\b"),  # file names
    re.compile(r"(?<![\w-])--?[a-z][a-z-]*"),  # options
    re.compile(r"YYYY-MM-DD"),
    re.compile(r"\d{4}[Qq][1-4]"),  # quarters
    re.compile(r"\b(?=[A-Z0-9-]*\d)[A-Z0-9]+(?:-[A-Z0-9]+)*\b"),  # codes: 12360428MB1234562A
]
_JSON_LINE = re.compile(r'^\s*(?:"[^"]*":|[\[\]{}]|"[^"]*",?$|-?\d)')
_WORD = re.compile(r"[A-Za-z]{2,}")


def english_words(text: str) -> list[str]:
    """Every English word in ``text`` that a clerk would have to read."""
    found = []
    for line in text.splitlines():
        if _JSON_LINE.match(line):
            continue
        for pattern in _REMOVE:
            line = pattern.sub(" ", line)
        found += [w for w in _WORD.findall(line) if w not in ALLOWED]
    return found

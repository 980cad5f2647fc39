"""How long a return's file path may be on the clerks' Windows PCs (checked before writing)."""

from __future__ import annotations

import sys
from pathlib import Path

from ylt_desktop.store.backup import DatabaseProblem

EXCEL_PATH_LIMIT = 218
"""Excel does not open a workbook whose full path is longer (its own limit)."""
WINDOWS_PATH_LIMIT = 259
"""Windows' MAX_PATH without its closing NUL: longer paths fail unless long paths are on."""


class PathTooLong(DatabaseProblem):
    """A file of the return would lie too deep for Windows (or for Excel to open it)."""

    def __init__(self, target: Path, length: int, limit: int) -> None:
        who = "Excel 能打开的" if limit == EXCEL_PATH_LIMIT else "Windows 允许的"
        super().__init__(
            f"保存位置太深：文件“{target.name}”的完整路径有 {length} 个字符，超过{who} "
            f"{limit} 个字符。请选一个较浅的文件夹（如桌面）后重新导出：{target.parent}"
        )
        self.target = target


def _path_limits_apply() -> bool:
    """The clerks' PCs run Windows; elsewhere (development) no limit is checked."""
    return sys.platform == "win32"


def check_path_lengths(targets: list[Path]) -> None:
    """Raise ``PathTooLong`` before anything is written when a target's full path (with the
    "（新）" a file kept beside an open one gets) is longer than Windows or Excel take."""
    if not _path_limits_apply():
        return
    for target in targets:
        length = len(str(target.absolute())) + len("（新）")
        limit = EXCEL_PATH_LIMIT if target.suffix.lower() == ".xlsx" else WINDOWS_PATH_LIMIT
        if length > limit:
            raise PathTooLong(target, length, limit)

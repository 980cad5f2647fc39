"""File errors in the clerk's words, said in one place (``store/access.py``): ``os_error_text``
for a line that names the file itself, ``explain`` for any error shown by ``show_error``."""

from __future__ import annotations

import errno

import pytest

from ylt_desktop.store.access import explain, os_error_text

CASES = [
    (errno.ENOENT, FileNotFoundError, "找不到文件或文件夹"),
    (errno.EACCES, PermissionError, "无权限写入或读取（文件或文件夹只读，或正被其他程序使用）"),
    (errno.EPERM, PermissionError, "无权限写入或读取（文件或文件夹只读，或正被其他程序使用）"),
    (errno.EISDIR, IsADirectoryError, "所指定的是一个文件夹，不是文件"),
    (errno.ENOTDIR, NotADirectoryError, "路径中有一段不是文件夹"),
    (errno.EROFS, OSError, "磁盘只读，不能写入"),
    (errno.EEXIST, FileExistsError, "文件已存在"),
]


@pytest.mark.parametrize(("code", "kind", "reason"), CASES)
def test_each_file_error_has_one_reason_for_both(code: int, kind: type, reason: str) -> None:
    exc = OSError(code, "English words of the system", "/报表/表.xlsx")
    assert isinstance(exc, kind)  # Python picks the subclass by the code
    assert os_error_text(exc) == reason
    assert explain(exc) == f"{reason}：/报表/表.xlsx"
    assert explain(RuntimeError("wrapped")) is None
    wrapped = RuntimeError("export failed")
    wrapped.__cause__ = exc
    assert explain(wrapped) == f"{reason}：/报表/表.xlsx"  # found down the chain


@pytest.mark.parametrize(("code", "kind", "reason"), [c for c in CASES if c[1] is not OSError])
def test_an_error_without_a_code_is_known_by_its_kind(code: int, kind: type, reason: str) -> None:
    exc = kind("no errno given")
    assert exc.errno is None
    assert os_error_text(exc) == reason
    assert explain(exc) == reason  # no path to name


def test_a_full_disk_says_how_much_and_where() -> None:
    exc = OSError(errno.ENOSPC, "No space left on device", "/报表/表.xlsx")
    assert os_error_text(exc).startswith("磁盘空间不足；")
    assert explain(exc) == "磁盘空间不足：/报表；请清理磁盘后重试，已有数据没有被改动"
    exc.needed = 5 * 1024 * 1024
    assert "磁盘空间不足（需要约 5 MB）" in os_error_text(exc)


def test_an_unusual_error_has_its_code_and_is_not_explained_away() -> None:
    exc = OSError(errno.EIO, "Input/output error", "/报表/表.xlsx")
    assert os_error_text(exc) == f"系统错误（代码 {errno.EIO}）"
    assert "Input/output" not in os_error_text(exc)
    assert explain(exc) is None  # a program error box, with its details

"""A package file the OS will not read (locked by another program, no permission, a failing
USB stick): said in Chinese. The refusal carried the system's English words
("无法读取文件：…（Permission denied）")."""

from __future__ import annotations

import errno
from pathlib import Path

import pytest

from ylt_desktop.exchange.sealed import PackageRefused, read_file


@pytest.mark.parametrize(
    ("code", "english"),
    [(errno.EACCES, "Permission denied"), (errno.EIO, "Input/output error")],
)
def test_an_unreadable_package_is_said_in_chinese(tmp_path, monkeypatch, code, english) -> None:  # noqa: ANN001
    path = tmp_path / "示例县医共体-示例县青山镇卫生院-2026Q3.ylt"
    path.write_bytes(b"YLTPKG")

    def refuse(self: Path) -> bytes:
        raise OSError(code, english, str(self))

    monkeypatch.setattr(Path, "read_bytes", refuse)
    with pytest.raises(PackageRefused) as refused:
        read_file(path)
    text = str(refused.value)
    assert str(path) in text and english not in text, text
    assert "无法读取文件" in text

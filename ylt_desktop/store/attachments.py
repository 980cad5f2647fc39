"""The signed scan of an agreement (附件): kept in the database with its SHA-256 and name.

Only PDF, JPG and PNG files up to 20 MB are taken; the type is judged by the first bytes of
the file and must agree with its extension. The hash is checked every time the file is read
back, and a mismatch is refused with a message, never passed over. What is not a regular
readable file (a folder named x.pdf, a dangling link, a pipe or device) is refused before it is
opened, so nothing blocks; a scan is viewed through a name short enough for any file system.
"""

from __future__ import annotations

import errno
import hashlib
import os
import re
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from ylt_desktop.domain.problems import Problem, RuleViolation, error
from ylt_desktop.store.models import Agreement, Attachment
from ylt_desktop.store.tx import transaction

FIELD = "attachment"
MAX_SIZE = 20 * 1024 * 1024
RULE = "签署扫描件须为 PDF、JPG 或 PNG 文件，且不超过 20 MB"

# Extension → (type name, magic prefixes).
_TYPES: dict[str, tuple[str, tuple[bytes, ...]]] = {
    ".pdf": ("PDF", (b"%PDF-",)),
    ".jpg": ("JPG", (b"\xff\xd8\xff",)),
    ".jpeg": ("JPG", (b"\xff\xd8\xff",)),
    ".png": ("PNG", (b"\x89PNG\r\n\x1a\n",)),
}


class AttachmentMismatch(RuleViolation):
    """The stored bytes no longer match the hash taken when the file was attached."""


@dataclass(frozen=True)
class AttachmentInfo:
    """What the list shows about an attachment, without loading its bytes."""

    agreement_id: int
    file_name: str
    sha256: str
    size: int

    @property
    def size_text(self) -> str:
        if self.size >= 1024 * 1024:
            return f"{self.size / (1024 * 1024):.1f} MB"
        return f"{max(1, round(self.size / 1024))} KB"


def sniff_type(content: bytes) -> str | None:
    """PDF, JPG or PNG by the file's first bytes; ``None`` for anything else."""
    for name, prefixes in _TYPES.values():
        if any(content.startswith(p) for p in prefixes):
            return name
    return None


def check_file(file_name: str, size: int, head: bytes) -> list[Problem]:
    """Problems of taking a file named ``file_name`` of ``size`` bytes starting with ``head``."""
    suffix = Path(file_name).suffix.lower()
    if suffix not in _TYPES:
        return [error(FIELD, f"不支持的文件类型“{suffix or '无扩展名'}”：{RULE}")]
    if size > MAX_SIZE:
        mb = size / (1024 * 1024)
        return [error(FIELD, f"文件过大（{mb:.2f} MB，{size} 字节）：{RULE}")]
    if size == 0:
        return [error(FIELD, f"文件为空：{RULE}")]
    expected = _TYPES[suffix][0]
    actual = sniff_type(head)
    if actual != expected:
        what = f"实为 {actual} 文件" if actual else "内容不是 PDF、JPG 或 PNG"
        return [error(FIELD, f"文件“{file_name}”扩展名为 {expected}，但{what}：{RULE}")]
    return []


def sha256_of(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def attach(
    session: Session, *, agreement_id: int, file_name: str, content: bytes
) -> AttachmentInfo:
    """Store (or replace) the agreement's signed scan in one transaction."""
    name = Path(file_name).name
    problems = check_file(name, len(content), content[:16])
    if problems:
        raise RuleViolation(problems)
    with transaction(session):
        if session.get(Agreement, agreement_id) is None:
            raise RuleViolation([error(FIELD, "该协议已被删除")])
        row = session.scalars(
            select(Attachment).where(Attachment.agreement_id == agreement_id)
        ).first()
        if row is None:
            row = Attachment(agreement_id=agreement_id)
            session.add(row)
        row.file_name, row.content, row.size = name, content, len(content)
        row.sha256 = sha256_of(content)
        info = AttachmentInfo(agreement_id, name, row.sha256, row.size)
    return info


def attach_file(session: Session, *, agreement_id: int, path: str | Path) -> AttachmentInfo:
    """Read ``path`` and attach it; the kind, size and type are checked before reading it whole."""
    path = Path(path)
    return attach(session, agreement_id=agreement_id, file_name=path.name, content=read_scan(path))


def _shown(path: Path) -> str:
    name = path.name or str(path)
    return name if len(name) <= 60 else name[:57] + "…"


def _refuse(path: Path, why: str) -> RuleViolation:
    return RuleViolation([error(FIELD, f"无法上传“{_shown(path)}”：{why}")])


_OS_REASONS = {
    errno.ENOENT: "文件不存在（或是指向已不存在文件的链接/快捷方式）",
    errno.EACCES: "没有读取该文件的权限",
    errno.EPERM: "没有读取该文件的权限",
    errno.EISDIR: "所选的是文件夹，不是文件",
    errno.ENAMETOOLONG: "文件路径过长",
    errno.ELOOP: "链接指向自身（循环链接）",
}


def _os_reason(exc: OSError) -> str:
    return _OS_REASONS.get(exc.errno, "文件无法读取（可能在网络盘或移动盘上已断开）")


def read_scan(path: Path) -> bytes:
    """The bytes of a scan the clerk chose, refused with a Chinese message unless it is a
    regular readable PDF/JPG/PNG file of at most 20 MB. The kind is judged by ``os.stat``
    before opening (opening a pipe would block), and again on the open file."""
    try:
        info = os.stat(path)
        if stat.S_ISDIR(info.st_mode):
            raise _refuse(path, "所选的是文件夹，不是文件")
        if not stat.S_ISREG(info.st_mode):
            raise _refuse(path, "不是普通文件（可能是管道或设备），不能作为签署扫描件")
        # Extension, size and emptiness first (a head of the expected type), the content later.
        suffix = path.suffix.lower()
        head = _TYPES[suffix][1][0] if suffix in _TYPES else b""
        problems = check_file(path.name, info.st_size, head)
        if problems:
            raise RuleViolation(problems)
        flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
        fd = os.open(path, flags)
        with os.fdopen(fd, "rb") as f:
            if not stat.S_ISREG(os.fstat(f.fileno()).st_mode):  # swapped since the stat
                raise _refuse(path, "不是普通文件（可能是管道或设备），不能作为签署扫描件")
            content = f.read(MAX_SIZE + 1)
    except OSError as exc:
        raise _refuse(path, _os_reason(exc)) from None
    problems = check_file(path.name, len(content), content[:16])
    if problems:
        raise RuleViolation(problems)
    return content


def attachment_info(session: Session, agreement_id: int) -> AttachmentInfo | None:
    return attachment_infos(session, [agreement_id]).get(agreement_id)


def attachment_infos(
    session: Session, agreement_ids: list[int] | None = None
) -> dict[int, AttachmentInfo]:
    """Name, hash and size per agreement id (all agreements when ``None``); no bytes loaded."""
    stmt = select(Attachment.agreement_id, Attachment.file_name, Attachment.sha256, Attachment.size)
    if agreement_ids is not None:
        stmt = stmt.where(Attachment.agreement_id.in_(agreement_ids))
    return {row[0]: AttachmentInfo(*row) for row in session.execute(stmt)}


def read_attachment(session: Session, *, agreement_id: int) -> tuple[AttachmentInfo, bytes]:
    """The stored file with its hash checked; raises AttachmentMismatch when it does not match."""
    row = session.scalars(select(Attachment).where(Attachment.agreement_id == agreement_id)).first()
    if row is None:
        raise RuleViolation([error(FIELD, "该协议尚未上传签署扫描件")])
    content = bytes(row.content)
    actual = sha256_of(content)
    info = AttachmentInfo(agreement_id, row.file_name, row.sha256, row.size)
    if actual != row.sha256 or len(content) != row.size:
        raise AttachmentMismatch(
            [
                error(
                    FIELD,
                    f"附件“{row.file_name}”校验失败，文件已损坏或被改动：上传时的 SHA-256 为 "
                    f"{row.sha256}，现在为 {actual}。请勿使用该文件，并重新上传签署扫描件。",
                )
            ]
        )
    return info, content


def safe_file_name(name: str) -> str:
    """The original name without path parts or characters a file system refuses."""
    cleaned = re.sub(r'[\\/:*?"<>|\x00-\x1f]', "_", Path(name).name).strip(" .")
    return cleaned or "附件"


VIEW_NAME_BYTES = 100  # file systems allow 255 bytes a name; Windows 260 characters a path


def viewing_name(name: str) -> str:
    """``safe_file_name``, its stem shortened so the name stays under ``VIEW_NAME_BYTES``
    bytes (a 300-character name could be attached but never written out to be viewed)."""
    cleaned = safe_file_name(name)
    if len(cleaned.encode()) <= VIEW_NAME_BYTES:
        return cleaned
    suffix = Path(cleaned).suffix.lower()
    suffix = suffix if suffix in _TYPES else ""
    stem = cleaned[: len(cleaned) - len(suffix)] if suffix else cleaned
    while len((stem + "…" + suffix).encode()) > VIEW_NAME_BYTES:
        stem = stem[:-1]
    return stem.rstrip(" .") + "…" + suffix


def write_for_viewing(session: Session, *, agreement_id: int, folder: Path | None = None) -> Path:
    """Check the hash, then write the file under its (shortened) name into a fresh temp folder."""
    info, content = read_attachment(session, agreement_id=agreement_id)
    folder = Path(tempfile.mkdtemp(prefix="ylt-attachment-", dir=folder))
    target = folder / viewing_name(info.file_name)
    target.write_bytes(content)
    return target


def remove_attachment(session: Session, *, agreement_id: int) -> None:
    with transaction(session):
        row = session.scalars(
            select(Attachment).where(Attachment.agreement_id == agreement_id)
        ).first()
        if row is not None:
            session.delete(row)

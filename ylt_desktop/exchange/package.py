"""Making package files and reading them back (DESIGN.md §7).

``make_roster`` (the lead, for one member) and ``make_data_package`` (a member, for one
quarter) write one ``.ylt`` file each, named ``<医联体>-<单位>-2026Q3-<时间>.ylt`` (a roster:
``…-名册-<时间>.ylt``), written under a temporary name and renamed. ``read_package`` decrypts
and checks a file; every refusal is a ``PackageRefused`` with a Chinese message.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from ylt_desktop.domain.periods import Quarter
from ylt_desktop.domain.roles import Permission
from ylt_desktop.exchange import content as parts_of
from ylt_desktop.exchange.content import DATA, KIND_LABELS, ROSTER
from ylt_desktop.exchange.sealed import (
    HOST,
    Keys,
    PackageRefused,
    Sealed,
    read_file,
    scrypt_cost,
    seal,
    unseal,
    write_atomically,
)
from ylt_desktop.processes import process_alive
from ylt_desktop.store import exchange as store
from ylt_desktop.store.models import Institution

SUFFIX = ".ylt"
# Packages and rosters are ordered by the time they were made; one dated more than this
# ahead of the opening PC's clock is refused (a wrong date would block every later one).
CLOCK_TOLERANCE = dt.timedelta(days=1)
_UNSAFE = re.compile(r'[\\/:*?"<>|\s]+')


@dataclass
class Package:
    """A package read and checked: its header, its parts and where it came from."""

    path: Path
    header: dict[str, Any]
    parts: dict[str, list] = field(repr=False)
    sha256: str = ""

    @property
    def kind(self) -> str:
        return str(self.header["kind"])

    @property
    def member_id(self) -> int:
        return int(self.header["member_id"])

    @property
    def member(self) -> str:
        return str(self.header.get("member", ""))

    @property
    def quarter(self) -> Quarter | None:
        q = self.header.get("quarter")
        return Quarter.parse(q) if q else None

    @property
    def created_at(self) -> dt.datetime:
        return dt.datetime.fromisoformat(self.header["created_at"])

    @property
    def package_id(self) -> str:
        return str(self.header["package_id"])

    @property
    def made_by(self) -> str:
        return str(self.header.get("made_by", ""))


def _now() -> dt.datetime:
    return dt.datetime.now()


def file_name(consortium: str, member: str, what: str, at: dt.datetime) -> str:
    def safe(text: str) -> str:
        return _UNSAFE.sub("_", text).strip("._") or "未命名"

    return f"{safe(consortium)}-{safe(member)}-{what}-{at:%Y%m%d-%H%M%S}{SUFFIX}"


def _free(path: Path) -> Path:
    """``path``, or ``…-2.ylt``, ``…-3.ylt`` when a file of that name exists already."""
    n = 2
    found = path
    while found.exists():
        found = path.with_name(f"{path.stem}-{n}{path.suffix}")
        n += 1
    return found


STALE_PARTIAL_AFTER = 120.0
"""Seconds after which a partial package file whose writer cannot be asked is a leftover."""


def remove_stale_partials(out: Path, name: str) -> list[Path]:
    """Delete in ``out`` the temporary files a killed make of the same package left: the
    ``.~<医联体>-<单位>-<季度|名册>-<any time>[-n].ylt[.<pid>].partial`` of ``name``'s unit and
    quarter (nothing else). One whose process on this PC is gone goes at once (POSIX; one
    of another PC, in a shared folder, may be a live make's: its id means nothing here); any
    once older
    than ``STALE_PARTIAL_AFTER`` (a make writes its file in seconds: a live one is not cut
    off; a killed one's id may have been given to another process since)."""
    target = re.fullmatch(r"(.*-)\d{8}-\d{6}" + re.escape(SUFFIX), name)
    if target is None or not out.is_dir():
        return []
    ours = re.compile(
        r"\.~" + re.escape(target[1]) + r"\d{8}-\d{6}(?:-\d+)?" + re.escape(SUFFIX)
        + r"(?:\.(\d+)(?:-([0-9a-f]{8}))?)?\.partial"
    )  # fmt: skip
    limit = time.time() - STALE_PARTIAL_AFTER
    removed = []
    for entry in out.iterdir():
        found = ours.fullmatch(entry.name)
        if found is None:
            continue
        with contextlib.suppress(OSError):
            if not entry.is_file() or entry.is_symlink():
                continue
            here = found[1] and found[2] == HOST  # another PC's id means nothing here
            gone = bool(here) and os.name == "posix" and not process_alive(int(found[1]))
            if gone or entry.stat().st_mtime <= limit:
                entry.unlink()
                removed.append(entry)
    return removed


def _write_new(out: Path, name: str, data: bytes) -> Path:
    """Write the package into ``out`` (made when missing) under a free name, after removing
    what a killed make of the same package left (``remove_stale_partials``); when the write
    fails (a full disk, a USB stick pulled out) the folders made for it are removed again."""
    made = [p for p in (out, *out.parents) if not p.exists()]  # the innermost first
    out.mkdir(parents=True, exist_ok=True)
    remove_stale_partials(out, name)
    try:
        return write_atomically(_free(out / name), data)
    except BaseException:
        for folder in made:
            try:
                folder.rmdir()  # only while empty
            except OSError:
                break
        raise


def _who(session: Session) -> str:
    from ylt_desktop.store.audit import os_user
    from ylt_desktop.store.users import current_actor

    actor = current_actor(session)
    return actor.name if actor is not None else os_user()


def _require_passphrase(session: Session, passphrase: str) -> None:
    matches = store.passphrase_matches(session, passphrase)
    if matches is None:
        raise PackageRefused(
            "尚未设置数据交换口令：请由管理员先设置（命令行 ylt package passphrase）"
        )
    if not matches:
        raise PackageRefused("交换口令不正确，请重新输入")


def package_bytes(
    *,
    kind: str,
    exchange_id: str,
    consortium: str,
    member: Institution,
    quarter: Quarter | None,
    parts: dict[str, list],
    keys: Keys,
    made_by: str,
    created_at: dt.datetime | None = None,
) -> tuple[dict[str, Any], bytes]:
    """The header and the file's bytes of a package with ``parts``."""
    cost = scrypt_cost()
    header = {
        "kind": kind,
        "consortium_id": exchange_id,
        "consortium": consortium,
        "member_id": member.id,
        "member": member.name,
        "quarter": str(quarter) if quarter is not None else None,
        "created_at": (created_at or _now()).isoformat(),
        "package_id": str(uuid.uuid4()),
        "made_by": made_by,
        "kdf": {"name": "scrypt", **cost},
        "cipher": "AES-256-GCM",
    }
    content = {"manifest": parts_of.manifest(header, parts), "parts": parts}
    return header, seal(header, content, keys.key(exchange_id, cost))


def make_roster(
    session: Session,
    *,
    member_id: int,
    passphrase: str,
    out_dir: str | Path,
    now: dt.datetime | None = None,
) -> Path:
    """The lead's roster package for one member (审核人 or 管理员), written into ``out_dir``."""
    from ylt_desktop.store.institutions import get_consortium
    from ylt_desktop.store.users import require

    require(session, Permission.RECEIVE_PACKAGE)
    c = get_consortium(session)
    if c is None:
        raise PackageRefused("尚未创建医联体：请先完成首次使用设置")
    if c.db_kind == store.MEMBER:
        raise PackageRefused("本数据库是成员库，名册包只能由牵头单位的汇总库生成")
    _require_passphrase(session, passphrase)
    member = session.get(Institution, member_id)
    if member is None:
        raise PackageRefused("没有这个成员单位")
    now = now or _now()
    parts = parts_of.roster_parts(session, member_id)
    _header, data = package_bytes(
        kind=ROSTER, exchange_id=c.exchange_id, consortium=c.name, member=member, quarter=None,
        parts=parts, keys=Keys(passphrase), made_by=_who(session), created_at=now,
    )  # fmt: skip
    return _write_new(Path(out_dir), file_name(c.name, member.name, "名册", now), data)


def make_data_package(
    session: Session,
    *,
    quarter: Quarter,
    passphrase: str,
    out_dir: str | Path,
    now: dt.datetime | None = None,
) -> Path:
    """A member's data package for ``quarter`` (any signed-in user), written into ``out_dir``."""
    from ylt_desktop.store.institutions import get_consortium

    c = get_consortium(session)
    if c is None or c.db_kind != store.MEMBER or c.member_id is None:
        raise PackageRefused(
            "本数据库是汇总库（牵头单位）：数据包由成员单位的成员库生成；"
            "成员库用牵头单位发来的名册包建立"
        )
    _require_passphrase(session, passphrase)
    member = session.get(Institution, c.member_id)
    now = now or _now()
    parts = parts_of.data_parts(session, member.id, quarter)
    _header, data = package_bytes(
        kind=DATA, exchange_id=c.exchange_id, consortium=c.name, member=member, quarter=quarter,
        parts=parts, keys=Keys(passphrase), made_by=_who(session), created_at=now,
    )  # fmt: skip
    return _write_new(Path(out_dir), file_name(c.name, member.name, str(quarter), now), data)


def check_header(
    sealed: Sealed, *, kind: str | None, exchange_id: str | None, own_name: str = ""
) -> None:
    """Refuse a package of the wrong kind or of another consortium before decrypting it
    (whatever the passphrase); ``own_name``: this database's consortium, named too."""
    h = sealed.header
    if h.get("kind") not in KIND_LABELS:
        raise PackageRefused("不是本程序生成的数据包（类型不明）")
    if kind is not None and h["kind"] != kind:
        have, want = KIND_LABELS[h["kind"]], KIND_LABELS[kind]
        raise PackageRefused(f"这是{have}，这里应打开{want}")
    if exchange_id is not None and h.get("consortium_id") != exchange_id:
        theirs = str(h.get("consortium", ""))
        ours = f"，本数据库属于医联体“{own_name}”" if own_name else ""
        same = "（两者同名，但不是同一个医联体）" if own_name and own_name == theirs else ""
        raise PackageRefused(
            f"这个{KIND_LABELS[h['kind']]}属于另一个医联体“{theirs}”{ours}{same}，"
            "不是本医联体的，不能打开"
        )
    try:
        dt.datetime.fromisoformat(str(h.get("created_at")))
        int(h.get("member_id"))
        if h.get("quarter") is not None:
            Quarter.parse(str(h["quarter"]))
        uuid.UUID(str(h.get("package_id")))
        if not isinstance(h.get("kdf"), dict):
            raise ValueError
    except (TypeError, ValueError):
        raise PackageRefused("数据包的文件头已损坏，无法读取") from None


def read_package(
    path: str | Path,
    keys: Keys,
    *,
    kind: str | None,
    exchange_id: str | None,
    own_name: str = "",
) -> Package:
    """Read, decrypt and check one package file (``kind``/``exchange_id``: None = any;
    ``own_name``: this database's consortium, named when the file is another's)."""
    sealed = read_file(path)
    check_header(sealed, kind=kind, exchange_id=exchange_id, own_name=own_name)
    h = sealed.header
    content = unseal(sealed, keys.key(str(h["consortium_id"]), h["kdf"]))
    parts = parts_of.checked_parts(content, h)
    return Package(Path(path), h, parts, sealed.sha256)

"""Two clerks, one record (DESIGN.md §8): versions, a stale save refused, the other's values.

Every ``Versioned`` record (``models.py``: institutions, staff, rotations, agreements, the
operating-figure rows) carries ``version``, which grows with every saved change. A form keeps
the version it loaded and hands it to the update or delete command (``version=``); when the
record has moved on since, the command raises ``RecordChanged`` ("该记录已被他人修改") with the
other's current values (``theirs``), who saved them and when, and writes nothing. The form
shows both, field by field (``differences``), keeps what the clerk typed, and the clerk redoes
the edit on top of the other's version.

Between that check and the write, SQLAlchemy's ``version_id_col`` makes the UPDATE or DELETE
itself conditional (``WHERE version = :v``): a writer of another program that slipped in
between (possible on a server, where writers do not queue for one file lock) makes the flush
fail with ``StaleDataError``; ``refusing`` turns that into ``RecordChanged`` as well.

A change of a record's parts only (a rotation's quarter figures, an agreement's recipients or
volumes) moves the record's version too: ``install_versions`` touches the record before each
flush, so its UPDATE is emitted and checked.

This module holds the comparison the form shows (``differences``); the mechanism lives in
``version_check``, and all its names are importable from here as well.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ylt_desktop.domain.codes import mask_id
from ylt_desktop.domain.periods import Quarter
from ylt_desktop.domain.rotation import VOLUME_LABELS
from ylt_desktop.store.models import Institution, Staff

# The mechanism lives in ``version_check``; every name of it is known here too.
from ylt_desktop.store.version_check import (  # noqa: F401
    AGREEMENT,
    CHANGED,
    INSTITUTION,
    KIND_WORDS,
    ROTATION,
    STAFF,
    RecordChanged,
    changed,
    current_values,
    expect_version,
    form_values,
    from_stale,
    install_versions,
    last_saved,
    refusing,
)

# --- the comparison the form shows --------------------------------------------------------

_LABELS: dict[str, dict[str, str]] = {
    INSTITUTION: {},
    STAFF: {},
    ROTATION: {"quarters": "季度数据"},
    AGREEMENT: {
        "recipient_ids": "接收方",
        "recipient_shares": "接收方分配比例(%)",
        "volumes": "服务量",
    },
}


def _label(kind: str, name: str) -> str:
    from ylt_desktop.store.audit_text import label

    return _LABELS.get(kind, {}).get(name) or label(kind, name)


@dataclasses.dataclass(frozen=True)
class Difference:
    """One field (or one cell of a grid) where the clerk's value and the other's differ."""

    label: str
    mine: str
    theirs: str


def differences(
    session: Session, kind: str, mine: dict[str, Any], theirs: dict[str, Any]
) -> list[Difference]:
    """Field by field, where ``mine`` (the form) and ``theirs`` (saved by the other) differ,
    in words: names for references, ID numbers masked, grids cell by cell."""
    names = _Names(session)
    out: list[Difference] = []
    # Only what ``mine`` holds (a list row holds fewer fields than a form); all without it.
    shared = [k for k in theirs if not mine or k in mine]
    for name in [*shared, *(k for k in mine if k not in theirs)]:
        a, b = mine.get(name), theirs.get(name)
        if _same(a, b):
            continue
        if isinstance(a, dict) or isinstance(b, dict):
            out += _cells(kind, name, a or {}, b or {}, names)
            continue
        label = _label(kind, name)
        out.append(Difference(label, _text(name, a, names), _text(name, b, names)))
    return out


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, str | type(None)) and isinstance(b, str | type(None)):
        return (a or "").strip() == (b or "").strip()
    if isinstance(a, list) and isinstance(b, list):
        return sorted(a) == sorted(b)
    return a == b


def _cells(kind: str, name: str, a: dict, b: dict, names: _Names) -> list[Difference]:
    out = []
    for key in sorted(set(a) | set(b), key=str):
        x, y = a.get(key), b.get(key)
        if x == y:
            continue
        if dataclasses.is_dataclass(x) or dataclasses.is_dataclass(y):  # a rotation's quarter
            for attr, label in {"days": "工作天数", **VOLUME_LABELS}.items():
                u, v = getattr(x, attr, None), getattr(y, attr, None)
                if u != v:
                    where = f"{_quarter_words(key)} {label}"
                    out.append(Difference(where, _plain(u), _plain(v)))
            continue
        if isinstance(key, tuple):  # an agreement's volume: (quarter, measure)
            where = f"{_label(kind, name)} {_quarter_words(key[0])} {key[1]}"
        else:  # a recipient's share
            where = f"{_label(kind, name)} {names.institution(key)}"
        out.append(Difference(where, _plain(x), _plain(y)))
    return out


def _quarter_words(key: str) -> str:
    """``2026Q3`` as 2026年第3季度 (``Quarter.label``); any other key as it is."""
    try:
        return Quarter.parse(key).label
    except ValueError:
        return key


def _plain(value: Any) -> str:
    if value is None or value == "":
        return "（空）"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _text(name: str, value: Any, names: _Names) -> str:
    if value is None or value == "" or value == []:
        return "（空）"
    if name == "id_number":
        return mask_id(str(value))
    if name == "staff_id":
        return names.staff(value)
    if name in ("home_id", "from_id", "to_id", "provider_id"):
        return names.institution(value)
    if name == "recipient_ids":
        return "、".join(names.institution(i) for i in sorted(value))
    return _plain(value)


class _Names:
    """Names of the institutions and people a form refers to by id (read once each)."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._inst: dict[int, str] = {}

    def institution(self, inst_id: Any) -> str:
        if not isinstance(inst_id, int):
            return _plain(inst_id)
        if inst_id not in self._inst:
            name = self.session.scalar(select(Institution.name).where(Institution.id == inst_id))
            self._inst[inst_id] = name or f"#{inst_id}"
        return self._inst[inst_id]

    def staff(self, staff_id: Any) -> str:
        if not isinstance(staff_id, int):
            return _plain(staff_id)
        row = self.session.execute(
            select(Staff.name, Staff.id_number).where(Staff.id == staff_id)
        ).first()
        return f"{row[0]}（{mask_id(row[1])}）" if row else f"#{staff_id}"


def as_text(diffs: list[Difference]) -> str:
    """The comparison as lines (a message box's details, the command line)."""
    return "\n".join(f"{d.label}：您的值 {d.mine}；他人保存的值 {d.theirs}" for d in diffs)


def dumps(values: dict[str, Any]) -> str:
    """``values`` as JSON (dates as text), e.g. for a log line without ID numbers."""
    return json.dumps(values, ensure_ascii=False, default=str, sort_keys=True)

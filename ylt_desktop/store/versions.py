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
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event, func, select
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError
from sqlalchemy.orm.util import identity_key

from ylt_desktop.domain.codes import mask_id
from ylt_desktop.domain.periods import Quarter
from ylt_desktop.domain.problems import RuleViolation, error
from ylt_desktop.domain.rotation import VOLUME_LABELS
from ylt_desktop.store.models import (
    Agreement,
    AgreementRecipient,
    AgreementVolume,
    AuditEntry,
    Institution,
    Rotation,
    RotationQuarter,
    Staff,
)

INSTITUTION, STAFF, ROTATION, AGREEMENT = "institution", "staff", "rotation", "agreement"
KIND_WORDS = {
    INSTITUTION: "成员单位",
    STAFF: "人员",
    ROTATION: "人员流动记录",
    AGREEMENT: "资源共享协议",
    "member_figures": "运行指标",
    "county_figures": "县域运行指标",
}
_MODELS: dict[str, type] = {
    INSTITUTION: Institution,
    STAFF: Staff,
    ROTATION: Rotation,
    AGREEMENT: Agreement,
}
CHANGED = "该记录已被他人修改"


class RecordChanged(RuleViolation):
    """A save or delete based on an older version of a record, refused; nothing was written.

    ``theirs``: the record's current values (field → value, as ``current_values`` gives them)
    and ``version`` its version now,
    None when it is gone or could not be read; ``by``/``at``: who saved them and when (from the
    audit log), when known; ``deleted``: the other deleted the record.
    """

    def __init__(
        self,
        *,
        kind: str,
        record_id: int | None,
        theirs: dict[str, Any] | None = None,
        by: str | None = None,
        at: dt.datetime | None = None,
        deleting: bool = False,
        deleted: bool = False,
        field: str = "",
        version: int | None = None,
    ) -> None:
        self.kind, self.record_id, self.theirs = kind, record_id, theirs
        self.version = version  # the record's version now: a form's next save builds on it
        self.by, self.at, self.deleting, self.deleted = by, at, deleting, deleted
        self.at_write = False  # found by the UPDATE/DELETE itself (``from_stale``)
        super().__init__([error(field, self.describe())])

    def describe(self) -> str:
        what = KIND_WORDS.get(self.kind, "记录")
        if self.record_id is None:  # many records at once (an import): which one is unknown
            return f"{CHANGED}：写入时有{what}已被其他程序修改，本次操作未写入任何数据，请重试"
        if self.deleted:
            return f"{CHANGED}：该{what}已被他人删除，您的修改未保存"
        who = ""
        if self.by:
            when = f"于 {self.at:%Y-%m-%d %H:%M} " if self.at else ""
            who = f"（{self.by} {when}保存）"
        if self.deleting:
            return f"{CHANGED}{who}，未删除。请查看他人保存的内容后再决定是否删除"
        if self.kind in ("member_figures", "county_figures"):  # a grid that saves each row
            return (
                f"{CHANGED}{who}，您的保存未写入。表格已换为他人保存的值，"
                "您填写的值列在下面：请对照后重新填写"
            )
        return (
            f"{CHANGED}{who}，您的保存未写入。"
            "您填写的内容仍在表单中：请对照他人保存的值修改后再保存"
        )


# --- the check ----------------------------------------------------------------------------


def expect_version(
    session: Session, record: Any, version: int | None, *, kind: str, deleting: bool = False
) -> None:
    """Refuse (``RecordChanged``) when ``record`` is no longer at ``version`` (None: no check,
    for scripts and imports that hold the write lock while they read and write)."""
    if version is None or record.version == version:
        return
    by, at = last_saved(session, kind, record.id)
    raise RecordChanged(
        kind=kind,
        record_id=record.id,
        theirs=current_values(session, kind, record),
        by=by,
        at=at,
        deleting=deleting,
        version=record.version,
    )


@contextmanager
def refusing(
    session: Session, kind: str, record_id: int | None, *, deleting: bool = False
) -> Iterator[None]:
    """Around one command's transaction: a write that found the row at another version
    (``StaleDataError``, rolled back by then) is refused as ``RecordChanged`` with the
    other's values, read afresh."""
    try:
        yield
    except RecordChanged as exc:
        if not exc.at_write:
            raise
        raise changed(session, kind, record_id, deleting=deleting) from None


def changed(
    session: Session, kind: str, record_id: int | None, *, deleting: bool = False
) -> RecordChanged:
    """The refusal for a record another program changed or deleted, with its values now
    (read after the failed transaction rolled back)."""
    model = _MODELS.get(kind)
    record = None
    if model is not None and record_id is not None:
        record = session.get(model, record_id, populate_existing=True)
    if record is None:
        session.rollback()  # only read: leave no transaction open
        return RecordChanged(kind=kind, record_id=record_id, deleting=deleting, deleted=True)
    by, at = last_saved(session, kind, record_id)
    theirs, version = current_values(session, kind, record), record.version
    session.rollback()
    return RecordChanged(
        kind=kind, record_id=record_id, theirs=theirs, by=by, at=at, deleting=deleting,
        version=version,
    )  # fmt: skip


def from_stale(exc: StaleDataError) -> RecordChanged:
    """A refusal for a failed UPDATE/DELETE of a whole import or other many-record write."""
    text = str(exc)
    kind = next((k for k in KIND_WORDS if f"'{k}'" in text), "")
    refused = RecordChanged(kind=kind, record_id=None)
    refused.at_write = True
    return refused


def last_saved(
    session: Session, kind: str, record_id: int | str
) -> tuple[str | None, dt.datetime | None]:
    """Who saved the record (or one of its parts: a rotation's quarters, an agreement's
    recipients and volumes) last and when, from the audit log; (None, None) when not logged."""
    from sqlalchemy import or_

    e = AuditEntry
    found = [(e.table_name == kind) & (e.record_id == str(record_id))]
    if kind == ROTATION:
        ids = select(RotationQuarter.id).where(RotationQuarter.rotation_id == record_id)
        rows = [str(i) for i in session.scalars(ids)]
        found.append((e.table_name == "rotation_quarter") & e.record_id.in_(rows))
    elif kind == AGREEMENT:
        ids = select(AgreementVolume.id).where(AgreementVolume.agreement_id == record_id)
        rows = [str(i) for i in session.scalars(ids)]
        found.append((e.table_name == "agreement_volume") & e.record_id.in_(rows))
        found.append(
            (e.table_name == "agreement_recipient") & e.record_id.like(f"{int(record_id)},%")
        )
    stmt = select(e.user, e.at).where(or_(*found)).order_by(e.id.desc()).limit(1)
    row = session.execute(stmt).first()
    return (row[0], row[1]) if row else (None, None)


# --- values, as the forms hold them ----------------------------------------------------------


def current_values(session: Session, kind: str, record: Any) -> dict[str, Any]:
    """The record's values as its form holds them (the domain data and the free text)."""
    if kind == INSTITUTION:
        from ylt_desktop.store.institutions import to_data

        return form_values(to_data(record))
    if kind == STAFF:
        from ylt_desktop.store.staff import to_data

        return form_values(to_data(record))
    if kind == ROTATION:
        from ylt_desktop.store.rotations import get_rotation, to_data

        full = get_rotation(session, record.id) or record
        return form_values(to_data(full), note=full.note or "")
    if kind == AGREEMENT:
        from ylt_desktop.store.agreements import get_agreement, to_data

        full = get_agreement(session, record.id) or record
        return form_values(to_data(full), terms=full.terms or "")
    raise ValueError(kind)


def form_values(data: Any, **extra: Any) -> dict[str, Any]:
    """A form's data object (a domain dataclass) and extra fields as one flat mapping."""
    values = {f.name: getattr(data, f.name) for f in dataclasses.fields(data)}
    values.update(extra)
    return values


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


# --- a record's parts move its version -----------------------------------------------------

_PARTS: dict[type, tuple[type, str, str]] = {
    RotationQuarter: (Rotation, "rotation_id", "rotation"),
    AgreementRecipient: (Agreement, "agreement_id", "agreement"),
    AgreementVolume: (Agreement, "agreement_id", "agreement"),
}


def _owner(session: Session, part: Any) -> Any:
    owner_model, fk, rel = _PARTS[type(part)]
    owner = part.__dict__.get(rel)  # set by the collection it was added to
    if owner is None and getattr(part, fk, None) is not None:
        key = identity_key(owner_model, getattr(part, fk))
        owner = session.identity_map.get(key) or session.get(owner_model, getattr(part, fk))
    return owner


def _touch_owners(session: Session, _context: Any, _instances: Any) -> None:
    touched: set[int] = set()
    owners = []
    for obj in session.dirty:
        if hasattr(obj, "version") and session.is_modified(obj):
            owners.append(obj)
    for obj in [*session.new, *session.dirty, *session.deleted]:
        if type(obj) in _PARTS and (
            obj in session.new or session.is_modified(obj) or obj in session.deleted
        ):
            owner = _owner(session, obj)
            if owner is not None:
                owners.append(owner)
    for owner in owners:
        if id(owner) in touched or owner in session.new or owner in session.deleted:
            continue
        touched.add(id(owner))
        # An SQL expression, so the audit log does not list it; the UPDATE it forces moves
        # the version and checks the old one.
        owner.updated_at = func.current_timestamp()


def install_versions(sessions: sessionmaker) -> None:
    if getattr(sessions, "_ylt_versioned", False):
        return
    event.listen(sessions, "before_flush", _touch_owners)
    sessions._ylt_versioned = True  # type: ignore[attr-defined]

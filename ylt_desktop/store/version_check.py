"""The version mechanism (see ``versions`` for the whole story, DESIGN.md §8): the kinds, the
refusal ``RecordChanged``, the check before a write, the conditional write turned into a refusal,
the other's values, and a record's parts moving its version. ``versions`` re-exports all of it."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event, func, select
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError
from sqlalchemy.orm.util import identity_key

from ylt_desktop.domain.problems import RuleViolation, error
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

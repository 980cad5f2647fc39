"""What a data package would do at the lead (``exchange/receive.py``'s results): the
constants, the preview's dataclasses, the plan a package is written from, and small helpers
shared by planning (``plan.py``, ``plan_deletions.py``) and writing (``write.py``)."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ylt_desktop.domain.codes import mask_id
from ylt_desktop.domain.figures import MemberFigures
from ylt_desktop.domain.institution import InstitutionData
from ylt_desktop.domain.periods import Quarter
from ylt_desktop.domain.rotation import VOLUME_LABELS
from ylt_desktop.domain.staff import StaffData
from ylt_desktop.exchange.content import PART_LABELS, VOLUMES, quarter_row
from ylt_desktop.exchange.package import Package
from ylt_desktop.store.models import MemberQuarterFigures, Rotation, Staff

NEW, CHANGED, REMOVED, UNCHANGED = "新增", "修改", "删除", "不变"
ACTIONS = (NEW, CHANGED, REMOVED, UNCHANGED)
KINDS = ("profile", "staff", "rotations", "volumes", "figures")
# Profile fields a member may not change: membership is the lead's.
LEAD_OWNED = ("role", "joined", "left")
ROTATION_VALUES = ("form", "end", "note", "days", *VOLUMES)
VALUE_LABELS = {"form": "流动形式", "end": "结束日期", "note": "备注", "days": "工作天数",
                **VOLUME_LABELS}  # fmt: skip


@dataclass
class Change:
    kind: str  # a part of DATA_PARTS
    action: str  # NEW / CHANGED / REMOVED / UNCHANGED
    label: str  # what record, in words, identity numbers masked
    fields: list[tuple[str, str, str]] = field(default_factory=list)  # (label, before, after)


@dataclass
class Option:
    member_id: int
    member: str
    values: dict[str, Any]


@dataclass
class Conflict:
    """Two units disagree about one record; the caller chooses whose values stand."""

    key: str  # stable across preview and apply; pass it in ``choices``
    kind: str  # "rotations" or "volumes"
    label: str
    options: list[Option]  # this package's first, then the other units'
    current: dict[str, Any] | None  # the lead's values now (None: not yet in this database)
    labels: dict[str, str] = field(default_factory=dict)  # value key → Chinese label


@dataclass
class PackagePreview:
    path: Path
    file_name: str
    refusal: str | None = None  # why it cannot be applied (Chinese)
    duplicate: bool = False  # accepted before: nothing to do
    member_id: int | None = None
    member: str = ""
    quarter: Quarter | None = None
    created_at: dt.datetime | None = None
    made_by: str = ""
    package_id: str = ""
    changes: list[Change] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    package: Package | None = field(default=None, repr=False)

    @property
    def usable(self) -> bool:
        return self.refusal is None and not self.duplicate

    def counts(self) -> dict[str, dict[str, int]]:
        """Per kind: how many records are new, changed, unchanged."""
        return _count(self.changes)

    def summary_lines(self) -> list[str]:
        lines = []
        for kind, n in self.counts().items():
            removed = f"，删除 {n[REMOVED]}" if n[REMOVED] else ""
            lines.append(
                f"{PART_LABELS[kind]}：新增 {n[NEW]}，修改 {n[CHANGED]}{removed}，不变 {n[UNCHANGED]}"
            )
        if self.conflicts:
            lines.append(f"冲突 {len(self.conflicts)} 处（须选择采用哪一方的数据）")
        return lines


@dataclass
class ApplyResult:
    applied: list[PackagePreview]
    skipped: list[PackagePreview]  # duplicates: accepted before
    backup: Path | None


# ---------------------------------------------------------------- the plan


@dataclass
class _Plan:
    changes: list[Change] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    profile: tuple[InstitutionData, dt.date | None] | None = None
    level_steps: list[tuple[dt.date, str, str]] = field(default_factory=list)  # before it
    staff_new: list[StaffData] = field(default_factory=list)
    staff_changed: list[tuple[int, StaffData]] = field(default_factory=list)
    rotations: list[tuple[dict, int | None]] = field(default_factory=list)  # row, lead id
    removed: list[int] = field(default_factory=list)  # rotations the member no longer reports
    staff_removed: list[int] = field(default_factory=list)  # its persons it no longer reports
    volumes_removed: list[int] = field(default_factory=list)  # agreements: the quarter's volumes
    figures_removed: bool = False  # its figures for the quarter, reported before, now none
    persons: list[str] = field(default_factory=list)  # keys of its own persons in the package
    volumes: list[tuple[int, dict[str, float]]] = field(default_factory=list)
    figures: MemberFigures | None = None
    shared: dict[str, dict[str, Any]] = field(default_factory=dict)  # key → reported values
    owners: dict[str, list[int]] = field(default_factory=dict)  # key → units of the record


def _shown(value: Any) -> str:
    if value is None or value == "":
        return "（空）"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a volume typed 120 is stored 120.0 (amounts may have cents)
    return str(value)


def _same(a: Any, b: Any) -> bool:
    """Equal, an empty text and a missing value counting alike (never 0 and empty)."""
    return a == b or (a in (None, "") and b in (None, ""))


def _key(*parts: Any) -> str:
    return hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()[:20]


def _person_label(row: dict) -> str:
    return f"{row['name']}（{mask_id(str(row['id_number']))}）"


def _count(changes: list[Change]) -> dict[str, dict[str, int]]:
    found = {k: dict.fromkeys(ACTIONS, 0) for k in KINDS}
    for c in changes:
        found[c.kind][c.action] += 1
    return found


def _people(session: Session, keys: list[tuple[str, str]]) -> dict[tuple[str, str], Staff]:
    """The stored persons of ``keys`` (证件类型, 证件号码), read by number in chunks."""
    numbers = sorted({str(number) for _t, number in keys})
    found: dict[tuple[str, str], Staff] = {}
    for i in range(0, len(numbers), 500):
        stmt = select(Staff).where(Staff.id_number.in_(numbers[i : i + 500]))
        found.update(((p.id_type, p.id_number), p) for p in session.scalars(stmt))
    return found


def _figures_row(session: Session, member_id: int, key_q: str) -> MemberQuarterFigures | None:
    """The member's stored operating figures for the quarter ``key_q`` (None: none)."""
    return session.scalars(
        select(MemberQuarterFigures).where(
            MemberQuarterFigures.institution_id == member_id,
            MemberQuarterFigures.quarter == key_q,
        )
    ).first()


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


# ---------------------------------------------------------------- helpers


def _rotation_values(row: dict) -> dict[str, Any]:
    """A packaged rotation's values for the quarter (what two units may disagree on)."""
    return {"form": row["form"], "end": row["end"], "note": row.get("note") or "",
            **row["quarter"]}  # fmt: skip


def _stored_rotation_values(rotation: Rotation, key_q: str) -> dict[str, Any]:
    q = next((x for x in rotation.quarters if x.quarter == key_q), None)
    return {"form": rotation.form, "end": _iso(rotation.end), "note": rotation.note or "",
            **quarter_row(q)}  # fmt: skip


def _differs(before: dict | None, values: dict) -> bool:
    """``before`` (a unit's reported values, possibly from a package made before a value was
    carried) is not the same as ``values``; a key ``before`` lacks is not a difference."""
    if before is None:
        return True
    return any(k in before and not _same(before[k], v) for k, v in values.items()) or any(
        k not in values for k in before
    )

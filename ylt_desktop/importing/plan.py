"""Rows → planned actions: each row new, changed, unchanged or rejected, with its problems.

A planner reads what it needs from the database once (no query per row), checks each row with
the domain rules (``validate_*``: the same Chinese messages as the forms) plus the store's
rules kept in memory (unique names and codes, references by name), and remembers the rows
already planned so the file cannot contradict itself. Fields absent from the file keep the
stored value, so a return table (which leaves some fields out) updates only what it shows.
The store commands check every row again when it is written (``apply.py``).

The staff planner is in ``plan_staff.py``, rotations in ``plan_links.py``, agreements in
``plan_agreements.py``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from ylt_desktop.domain import lists
from ylt_desktop.domain.institution import InstitutionData, normalized_and_checked
from ylt_desktop.domain.periods import Quarter
from ylt_desktop.domain.problems import Problem
from ylt_desktop.domain.text import normalize_code, normalize_name
from ylt_desktop.importing import parse
from ylt_desktop.importing.columns import target_labels, targets
from ylt_desktop.store import institutions as inst_store
from ylt_desktop.store import institutions_bulk as inst_bulk
from ylt_desktop.store.consortium import other_units_profile
from ylt_desktop.store.exchange import own_member_id
from ylt_desktop.store.models import Institution

NEW, CHANGED, UNCHANGED, REJECTED = "new", "changed", "unchanged", "rejected"
STATUS_LABELS = {NEW: "新增", CHANGED: "修改", UNCHANGED: "无变化", REJECTED: "有错误"}
Writer = Callable[[Session], Any]


@dataclass(frozen=True)
class RowProblem:
    row: int
    column: str
    message: str
    is_error: bool = True

    def __str__(self) -> str:
        where = f"第{self.row}行" + (f" {self.column}" if self.column else "")
        return f"{where}：{self.message}"


@dataclass
class SourceRow:
    """One data row: its sheet row number, and raw values keyed by target field."""

    number: int
    values: dict[str, Any]
    problems: list[RowProblem] = field(default_factory=list)


@dataclass
class Planned:
    row: int
    status: str
    problems: list[RowProblem]
    write: Writer | None = None
    label: str = ""


@dataclass(eq=False)
class Bulk:
    """A writer of one record (new or changed) that ``apply.py`` may write together with its
    neighbours: ``many(session, [data, …])`` (a bulk store command, all or none) for a run of
    rows with the same ``many``, else ``one(session, data)``; ``done(record)`` follows either."""

    data: Any
    one: Callable[[Session, Any], Any]
    many: Callable[[Session, list], list]
    done: Callable[[Any], Any]

    def __call__(self, session: Session) -> Any:
        return self.done(self.one(session, self.data))


class Planner:
    """Base: cell parsing with problems, and domain problems placed on their columns."""

    kind = ""
    # Data field of a domain problem → the import target that fills it.
    FIELD_TARGETS: dict[str, str] = {}

    def __init__(
        self,
        session: Session,
        *,
        columns: dict[str, str],
        quarter: Quarter | None = None,
        today: dt.date | None = None,
    ) -> None:
        self.session = session
        self.columns = columns  # target key → "B列（机构名称）"
        self.present = set(columns)
        self.quarter = quarter
        self.today = today or dt.date.today()
        self.labels = target_labels(self.kind)
        self.types = {t.key: t.kind for t in targets(self.kind)}
        self.notes: list[str] = []
        self._problems: list[RowProblem] = []
        self._row = 0
        self.institutions = InstitutionIndex(session)

    # --- cells ------------------------------------------------------------------------

    def column(self, key: str) -> str:
        return self.columns.get(key) or f"（{self.labels.get(key, key)}）"

    def problem(self, key: str, message: str, *, is_error: bool = True) -> None:
        self._problems.append(RowProblem(self._row, self.column(key) if key else "", message,
                                         is_error))  # fmt: skip

    def value(self, row: SourceRow, key: str, default: Any = None) -> Any:
        """The typed value of ``key`` in ``row``; a problem (and ``default``) when it is bad."""
        if key not in row.values:
            return default
        raw = row.values[key]
        label = self.labels[key]
        try:
            kind = self.types[key]
            if kind == "int":
                return parse.to_int(raw, label)
            if kind == "float":
                return parse.to_float(raw, label)
            if kind == "date":
                return parse.to_date(raw, label)
            if kind == "code":
                return parse.to_code(raw, label)
            return parse.to_text(raw)
        except parse.CellError as exc:
            self.problem(key, str(exc))
            return default

    def domain(self, problems: list[Problem]) -> None:
        """Rule problems on their columns; a column whose cell was unreadable says so once."""
        unreadable = {p.column for p in self._problems if p.is_error and p.column}
        for p in problems:
            root = p.field.split(".")[0]
            key = self.FIELD_TARGETS.get(p.field) or self.FIELD_TARGETS.get(root) or root
            key = key if key in self.labels else ""
            if key and self.column(key) in unreadable:
                continue
            message = p.message
            if key and key not in self.present and p.is_error:  # the clerk cannot see why
                message += f"（文件中没有“{self.labels[key]}”列：请在表中加上该列后再导入）"
            self.problem(key, message, is_error=p.is_error)

    # --- one row ----------------------------------------------------------------------

    def plan(self, row: SourceRow) -> Planned:
        self._row = row.number
        self._problems = list(row.problems)
        status, write, label = self.plan_row(row)
        problems = self._problems
        if any(p.is_error for p in problems):
            status, write = REJECTED, None
        return Planned(row.number, status, problems, write if status != UNCHANGED else None,
                       label)  # fmt: skip

    def plan_row(self, row: SourceRow) -> tuple[str, Writer | None, str]:
        raise NotImplementedError

    def duplicate(self, key: str, earlier: int, what: str) -> None:
        self.problem(key, f"与第{earlier}行为同一{what}，同一文件中不得重复")


class InstitutionIndex:
    """Institutions by name and by USCC, loaded once; rows of the file add theirs."""

    def __init__(self, session: Session) -> None:
        self.by_name: dict[str, int] = {}
        self.by_uscc: dict[str, int] = {}
        self.data: dict[int, InstitutionData] = {}
        self.lead_id: int | None = None
        for inst in session.query(Institution).order_by(Institution.id):
            self.add(inst.id, inst_store.to_data(inst))

    def add(self, inst_id: int, d: InstitutionData, *, normalized: bool = False) -> None:
        d = d if normalized else d.normalized()
        self.by_name[d.name] = inst_id
        if d.uscc:
            self.by_uscc[d.uscc] = inst_id
        self.data[inst_id] = d
        if d.role == lists.ROLE_LEAD:
            self.lead_id = inst_id

    def find(self, text: str) -> int | None:
        """By USCC when the text is one, else by name (trimmed, full-width spaces removed)."""
        code = normalize_code(text)
        if code in self.by_uscc:
            return self.by_uscc[code]
        return self.by_name.get(normalize_name(text))

    def member(self, inst_id: int) -> tuple[dt.date | None, dt.date | None] | None:
        d = self.data.get(inst_id)
        return None if d is None else (d.joined, d.left)


def not_member(label: str, text: str) -> str:
    return f"{label}“{text}”不是本医联体的成员单位（按机构名称或统一社会信用代码未找到）"


# --- institutions ----------------------------------------------------------------------


class InstitutionPlanner(Planner):
    kind = "institutions"
    _placeholder = 0

    def __init__(self, session: Session, **kw: Any) -> None:
        super().__init__(session, **kw)
        self.seen: dict[int, int] = {}  # institution id (or placeholder) → row
        self.fields = [f for f in dataclasses.fields(InstitutionData) if f.name in self.present]
        self._session = session
        self._member = own_member_id(session)  # a member's database: its own unit's id

    def plan_row(self, row: SourceRow) -> tuple[str, Writer | None, str]:
        idx = self.institutions
        names = self.fields
        values = {f.name: self.value(row, f.name, _BAD) for f in names}
        name = normalize_name(_good(values, "name"))
        uscc = normalize_code(_good(values, "uscc"))
        own = idx.by_uscc.get(uscc) if uscc else None
        if own is None and name:
            own = idx.by_name.get(name)
        old = idx.data.get(own) if own is not None and own > 0 else None
        d = dataclasses.replace(old) if old is not None else InstitutionData()
        for f in names:
            value = values[f.name]
            if value is not _BAD:
                setattr(d, f.name, value if value is not None else _empty(f))
        d, problems = normalized_and_checked(d)
        if own is not None and own in self.seen:
            self.duplicate("name", self.seen[own], "机构（名称或统一社会信用代码相同）")
        self.domain(problems)
        self._unique(d, own)
        label = d.name
        if self._problems and any(p.is_error for p in self._problems):
            return REJECTED, None, label
        if own is None:
            InstitutionPlanner._placeholder -= 1
            own = InstitutionPlanner._placeholder
            self.seen[own] = row.number
            idx.add(own, d, normalized=True)
            return NEW, _creator(idx, own, d), label
        self.seen[own] = row.number
        if old is not None and d == old:
            return UNCHANGED, None, label
        refused = self._member not in (None, own) and other_units_profile(self._session, own)
        if refused:
            self.problem("name", refused)
            return REJECTED, None, label
        idx.add(own, d, normalized=True)
        return CHANGED, _updater(idx, own, d), label

    def _unique(self, d: InstitutionData, own: int | None) -> None:
        """The store's rules, against the stored records and the rows planned so far."""
        idx = self.institutions
        other = idx.by_name.get(d.name)
        if d.name and other is not None and other != own:
            self.problem("name", f"机构名称“{d.name}”已存在，同一医联体内不得重名")
        other = idx.by_uscc.get(d.uscc) if d.uscc else None
        if other is not None and other != own:
            self.problem("uscc", f"统一社会信用代码 {d.uscc} 已被其他机构使用")
        if d.role == lists.ROLE_LEAD and idx.lead_id not in (None, own):
            lead = idx.data[idx.lead_id].name
            self.problem("role", f"医联体只能有一个牵头单位，现为“{lead}”；请先将其改为成员单位")


_BAD = object()  # a cell that could not be read (its problem is already recorded)


def _good(values: dict[str, Any], key: str) -> str:
    value = values.get(key)
    return "" if value is None or value is _BAD else str(value)


def _empty(f: dataclasses.Field) -> Any:
    return 0 if f.type == "int" else ("" if f.type == "str" else None)


def _create_institution(session: Session, d: InstitutionData) -> int:
    return inst_store.create_institution(session, data=d).id


def _create_institutions(session: Session, rows: list[InstitutionData]) -> list[int]:
    return inst_bulk.create_institutions(session, rows=rows)


def _creator(idx: InstitutionIndex, placeholder: int, d: InstitutionData) -> Writer:
    def done(inst_id: int) -> int:
        _rekey(idx, placeholder, inst_id)
        return inst_id

    return Bulk(d, _create_institution, _create_institutions, done)


def _update_institution(session: Session, pair: tuple[int, InstitutionData]) -> int:
    return inst_store.update_institution(session, institution_id=pair[0], data=pair[1]).id


def _update_institutions(session: Session, pairs: list) -> list[int]:
    return inst_bulk.update_institutions(session, rows=pairs)


def _updater(idx: InstitutionIndex, inst_id: int, d: InstitutionData) -> Writer:
    return Bulk((inst_id, d), _update_institution, _update_institutions, _same)


def _same(inst_id: int) -> int:
    return inst_id


def _rekey(idx: InstitutionIndex, old: int, new: int) -> None:
    """A placeholder id of a planned institution becomes the stored id once written."""
    d = idx.data.pop(old, None)
    if d is not None:
        idx.add(new, d, normalized=True)  # the index keeps its data normalized
    if idx.lead_id == old:
        idx.lead_id = new

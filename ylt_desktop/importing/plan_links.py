"""Planners for records that point at others: rotations here (person by ID number,
institutions by name or USCC, a missing person created from the same row); agreements in
``plan_agreements.py``. ``planner_for`` picks the planner of a kind.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from sqlalchemy.orm import Session

from ylt_desktop.domain.codes import mask_id
from ylt_desktop.domain.problems import RuleViolation, has_errors
from ylt_desktop.domain.rotation import (
    QuarterFigures,
    RotationData,
    Span,
    default_days,
    note_problems,
    validate_rotation,
)
from ylt_desktop.domain.staff import StaffData, validate_staff
from ylt_desktop.importing.plan import (
    CHANGED,
    NEW,
    REJECTED,
    UNCHANGED,
    Bulk,
    Planner,
    SourceRow,
    Writer,
    not_member,
)
from ylt_desktop.importing.plan_staff import StaffIndex, StaffRows
from ylt_desktop.store import rotations as rotation_store
from ylt_desktop.store import rotations_bulk
from ylt_desktop.store import staff as staff_store

_FIGURES = ("days", "outpatient", "procedures", "trainees", "rounds", "lectures")
RotationKey = tuple[int, int, int, Any]
NewRotation = tuple[RotationData, str, Any]  # (data, note, the person when new, else None)


class RotationPlanner(Planner):
    kind = "rotations"
    FIELD_TARGETS = {"staff_id": "id_number", "from_id": "from", "to_id": "to", "quarters": "days"}

    def __init__(self, session: Session, **kw: Any) -> None:
        super().__init__(session, **kw)
        self.staff = StaffIndex(session)
        self.people = StaffRows(self, self.staff)
        self.existing: dict[RotationKey, rotation_store.StoredRotation] = {}
        self.spans: dict[int, list[Span]] = {}
        for r in rotation_store.stored_rotations(session):
            self.existing[(r.staff_id, r.from_id, r.to_id, r.start)] = r
            span = Span(r.id, r.start, r.end, r.form, self._units(r.from_id, r.to_id))
            self.spans.setdefault(r.staff_id, []).append(span)
        self.new_people: dict[int, StaffData] = {}  # stand-in staff id → the person to create
        self.seen: dict[RotationKey, int] = {}
        self.new_staff: dict[int, Any] = {}  # placeholder id → written id (a one-item box)
        # Bound once: apply.py batches neighbouring rows whose ``many`` is the same object.
        self._create_one, self._create_many = self._create_rotation, self._create_rotations
        self._update_one, self._update_many = self._update_rotation, self._update_rotations
        self._next = 0
        if self.quarter is None and self.present & set(_FIGURES):
            self.notes.append(
                "未能确定报表季度，本季度工作天数和服务量未导入（请在导入时选择季度，或在文件名中写明，如 2026Q3）"
            )
        elif self.present & set(_FIGURES):  # shown before writing: a wrong quarter is seen
            self.notes.append(f"本季度工作天数和服务量记入{self.quarter.label}")

    def plan_row(self, row: SourceRow) -> tuple[str, Writer | None, str]:
        staff_id, person = self.people.read(row, None)
        label = person.name or mask_id(person.id_number)  # reports never show a whole ID
        if not person.id_number:
            self.problem("id_number", "证件号码为必填项")
            return REJECTED, None, label
        if staff_id is None and not person.name:
            self.problem("id_number", f"未找到证件号码为 {mask_id(person.id_number)} 的人员；请先导入人员，"
                         "或在表中填写姓名、职称以便同时登记该人员")  # fmt: skip
            return REJECTED, None, label
        from_id = self._institution(row, "from", "派出单位")
        if staff_id is None:
            person.home_id = from_id if from_id and from_id > 0 else None
            self.domain([p for p in validate_staff(person, today=self.today)
                         if p.field != "home_id"])  # fmt: skip
            self._next -= 1
            staff_id = self._next
            self.staff.add(staff_id, person)
            self.new_people[staff_id] = person
        to_id = self._institution(row, "to", "接收单位")
        start = self.value(row, "start")
        key = (staff_id, from_id, to_id, start)
        old = self.existing.get(key)
        if key in self.seen:
            self.duplicate(
                "start", self.seen[key], "流动记录（人员、派出单位、接收单位、开始日期相同）"
            )
        d = rotation_store.to_data(old) if old is not None else RotationData()
        d.staff_id, d.from_id, d.to_id, d.start = staff_id, from_id, to_id, start
        for name in ("form", "end"):
            if name in self.present:
                setattr(d, name, self.value(row, name, getattr(d, name)) or _blank(name))
        note = (self.value(row, "note", "") or "") if "note" in self.present else None
        self.domain(note_problems(note, stored=old.note if old is not None else None))
        changed_figures = self._figures(row, d, old)
        home = self.staff.data[staff_id].home_id if staff_id > 0 else person.home_id
        others = [s for s in self.spans.get(staff_id, []) if old is None or s.id != old.id]
        self.domain(
            validate_rotation(
                d,
                from_member=self.institutions.member(from_id) if from_id else None,
                to_member=self.institutions.member(to_id) if to_id else None,
                others=others,
                today=self.today,
                staff_home_id=home,
            )
        )
        if any(p.is_error for p in self._problems):
            return REJECTED, None, label
        self.seen[key] = row.number
        if d.start is not None:  # later rows see this one's dates, as they would row by row
            spans = self.spans.setdefault(staff_id, [])
            own = old.id if old is not None else None
            spans[:] = [s for s in spans if own is None or s.id != own]
            spans.append(Span(own, d.start, d.end, d.form, self._units(from_id, to_id)))
        if old is not None:
            same = (
                d.form == old.form and d.end == old.end and not changed_figures
                and (note is None or note.strip() == (old.note or ""))
            )  # fmt: skip
            if same:
                return UNCHANGED, None, label
            return CHANGED, self._writer(d, note, old.id, None), label
        # Every row of a person new to the register carries them: the first row written creates
        # them, even when an earlier row of theirs was refused.
        return NEW, self._writer(d, note, None, self.new_people.get(staff_id)), label

    def _units(self, from_id: int | None, to_id: int | None) -> str:
        """ "派出单位 → 接收单位", as the store words another rotation in its messages."""
        names = self.institutions.data
        a, b = names.get(from_id), names.get(to_id)
        return f"{a.name if a else ''} → {b.name if b else ''}"

    def _institution(self, row: SourceRow, key: str, label: str) -> int | None:
        text = self.value(row, key, "") or ""
        if not text:
            return None
        found = self.institutions.find(text)
        if found is None:
            self.problem(key, not_member(label, text))
        return found

    def _figures(
        self, row: SourceRow, d: RotationData, old: rotation_store.StoredRotation | None
    ) -> bool:
        """This quarter's days and volumes from the row; True when they differ from stored."""
        q = self.quarter
        given = [f for f in _FIGURES if f in self.present]
        if q is None or not given or d.start is None:
            return False
        stored = rotation_store.quarter_figures(old, q) if old is not None else None
        current = QuarterFigures(*(getattr(stored, f, None) for f in _FIGURES))
        if stored is None:
            current = QuarterFigures(None, 0, 0, 0, 0, 0)
        new = dataclasses.replace(current)
        for f in given:
            value = self.value(row, f, getattr(current, f))
            setattr(new, f, value if value is not None or f == "days" else 0)
        if new == current:
            return False
        if new.days is not None and new.days == default_days(d.form, d.start, d.end, q):
            new.days = None  # follows the dates, as the form keeps it
        d.quarters[str(q)] = new
        return True

    def _writer(self, d: RotationData, note: str | None, own: int | None, person: Any) -> Writer:
        if own is None:  # a new rotation, with its person when they are new too
            return Bulk((d, note or "", person), self._create_one, self._create_many, _rotation_id)
        return Bulk((own, d, note), self._update_one, self._update_many, _rotation_id)

    def _update_rotation(self, session: Session, item: tuple[int, RotationData, str | None]) -> int:
        own, d, note = item
        return rotation_store.update_rotation(
            session, rotation_id=own, data=self._stored(d), note=note, today=self.today
        ).id

    def _update_rotations(self, session: Session, items: list) -> list[int]:
        rows = [(own, self._stored(d), note) for own, d, note in items]
        return rotations_bulk.update_rotations(session, rows=rows, today=self.today)

    def _person(self, d: RotationData, person: StaffData) -> StaffData:
        """A person first met in this import, as stored: at home in their sending unit."""
        return dataclasses.replace(person, home_id=person.home_id or d.from_id)

    def _stored(self, d: RotationData) -> RotationData:
        """``d`` with a person written earlier in this import under their stored id."""
        box = self.new_staff
        return dataclasses.replace(d, staff_id=box.get(d.staff_id, d.staff_id))

    def _create_rotation(self, session: Session, item: NewRotation) -> int:
        d, note, person = item
        if person is not None and d.staff_id not in self.new_staff:
            # Both checked before either is written: a refused row registers nobody.
            staff = self._person(d, person)
            problems = staff_store.check_staff(session, staff)
            if not has_errors(problems):
                (problems,) = rotations_bulk.check_new_rotations(
                    session, [d], today=self.today, new_people={d.staff_id: staff.home_id}
                )
            if has_errors(problems):
                raise RuleViolation(problems)
            self.new_staff[d.staff_id] = staff_store.create_staff(session, data=staff).id
        return rotation_store.create_rotation(
            session, data=self._stored(d), note=note, today=self.today
        ).id

    def _create_rotations(self, session: Session, items: list[NewRotation]) -> list[int]:
        """New rotations, and the new persons they name, with two bulk commands. Everything is
        checked before anything is written, so a refusal leaves the session as it was (and
        ``apply`` writes the rows one by one to say which row is refused and why)."""
        people: dict[int, StaffData] = {}  # each new person once, as their first row creates
        for d, _note, p in items:
            if p is not None and d.staff_id not in self.new_staff and d.staff_id not in people:
                people[d.staff_id] = self._person(d, p)
        if people:
            for problems in staff_store.check_many_staff(session, list(people.values())):
                if has_errors(problems):
                    raise RuleViolation(problems)
            checked = rotations_bulk.check_new_rotations(
                session,
                [self._stored(d) for d, _note, _p in items],
                today=self.today,
                new_people={pid: p.home_id for pid, p in people.items()},
            )
            for problems in checked:
                if has_errors(problems):
                    raise RuleViolation(problems)
            made = staff_store.create_many_staff(session, rows=list(people.values()))
            self.new_staff.update(zip(people, made, strict=True))
        rows = [(self._stored(d), note) for d, note, _p in items]
        try:
            return rotations_bulk.create_rotations(session, rows=rows, today=self.today)
        except RuleViolation as exc:
            if not people:
                raise  # nothing written: apply falls back to row by row
            # Checked above with the same rules; the persons are written, so do not let the
            # row-by-row fallback write them twice: fail the import (all or nothing).
            raise RuntimeError("人员流动导入：新登记人员已写入但流动记录被拒绝") from exc


def _rotation_id(rotation_id: int) -> int:
    return rotation_id


def _blank(name: str) -> Any:
    return "" if name == "form" else None


def planner_for(kind: str) -> type[Planner]:
    from ylt_desktop.importing.plan import InstitutionPlanner
    from ylt_desktop.importing.plan_agreements import AgreementPlanner
    from ylt_desktop.importing.plan_figures import FiguresPlanner
    from ylt_desktop.importing.plan_staff import StaffPlanner

    return {
        "institutions": InstitutionPlanner,
        "staff": StaffPlanner,
        "rotations": RotationPlanner,
        "agreements": AgreementPlanner,
        "figures": FiguresPlanner,
    }[kind]


__all__ = ["RotationPlanner", "planner_for", "CHANGED", "NEW"]

"""Planning a staff (人员) import, and the person columns shared with the rotation planner."""

from __future__ import annotations

import dataclasses
from typing import Any

from sqlalchemy.orm import Session

from ylt_desktop.domain import lists
from ylt_desktop.domain.codes import ric_sex
from ylt_desktop.domain.staff import StaffData, validate_staff
from ylt_desktop.domain.text import normalize_code
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
from ylt_desktop.store import staff as staff_store
from ylt_desktop.store.models import Staff


class StaffIndex:
    """People by (证件类型, 证件号码) and by number alone, loaded once."""

    def __init__(self, session: Session) -> None:
        self.by_key: dict[tuple[str, str], int] = {}
        self.by_number: dict[str, int] = {}
        self.data: dict[int, StaffData] = {}
        for s in session.query(Staff).order_by(Staff.id):
            self.add(s.id, staff_store.to_data(s))

    def add(self, staff_id: int, d: StaffData) -> None:
        self.by_key[(d.id_type, d.id_number)] = staff_id
        self.by_number.setdefault(d.id_number, staff_id)
        self.data[staff_id] = d

    def find(self, id_type: str, number: str) -> int | None:
        if id_type:
            return self.by_key.get((id_type, number))
        return self.by_number.get(number)


class StaffRows:
    """Turns a row's person columns into StaffData (shared by staff and rotation imports)."""

    def __init__(self, planner: Planner, staff: StaffIndex) -> None:
        self.p = planner
        self.staff = staff

    def read(self, row: SourceRow, home_key: str | None) -> tuple[int | None, StaffData]:
        """(stored id or None, the person's data with the row's values over the stored ones)."""
        p = self.p
        id_type = (p.value(row, "id_type", "") or "").strip()
        number = normalize_code(p.value(row, "id_number", ""))
        own = self.staff.find(id_type, number) if number else None
        old = self.staff.data.get(own) if own is not None else None
        d = dataclasses.replace(old) if old is not None else StaffData()
        d.id_type = id_type or d.id_type or lists.ID_RIC
        d.id_number = number or d.id_number
        for key in ("name", "sex", "licence_code", "title", "specialty"):
            if key in p.present:
                setattr(d, key, p.value(row, key, "") or "")
        if not d.sex and d.id_type == lists.ID_RIC:
            d.sex = ric_sex(d.id_number) or ""
        home_text = (p.value(row, home_key, "") or "") if home_key else ""
        if not home_text and home_key == "home":
            home_text = p.value(row, "from", "") or ""
        if home_text:
            home = p.institutions.find(home_text)
            if home is None:
                p.problem(home_key if home_key in p.present else "from",
                          not_member("所属机构", home_text))  # fmt: skip
            elif old is None or "home" in p.present:
                d.home_id = home
        return own, staff_store.normalized(d)


class StaffPlanner(Planner):
    kind = "staff"
    FIELD_TARGETS = {"home_id": "home"}

    def __init__(self, session: Session, **kw: Any) -> None:
        super().__init__(session, **kw)
        self.staff = StaffIndex(session)
        self.rows = StaffRows(self, self.staff)
        self.seen: dict[tuple[str, str], tuple[int, StaffData]] = {}
        self._next = 0

    def plan_row(self, row: SourceRow) -> tuple[str, Writer | None, str]:
        own, d = self.rows.read(row, "home")
        key = (d.id_type, d.id_number)
        if key in self.seen and d.id_number:
            earlier, planned = self.seen[key]
            if planned == d:  # the same person on another row (表2 lists one per rotation)
                return UNCHANGED, None, d.name
            self.duplicate("id_number", earlier, "人员（证件号码相同）但内容不同")
        self.domain(validate_staff(d, today=self.today))
        if any(p.is_error for p in self._problems):
            return REJECTED, None, d.name
        self.seen[key] = (row.number, d)
        if own is None:
            return NEW, Bulk(d, _create_staff, _create_many_staff, _same), d.name
        if self.staff.data[own] == d:
            return UNCHANGED, None, d.name
        return CHANGED, Bulk((own, d), _update_staff, _update_many_staff, _staff_id), d.name


def _create_staff(session: Session, d: StaffData) -> int:
    return staff_store.create_staff(session, data=d).id


def _create_many_staff(session: Session, rows: list[StaffData]) -> list[int]:
    return staff_store.create_many_staff(session, rows=rows)


def _same(staff_id: int) -> int:
    return staff_id


def _update_staff(session: Session, pair: tuple[int, StaffData]) -> Staff:
    return staff_store.update_staff(session, staff_id=pair[0], data=pair[1])


def _update_many_staff(session: Session, pairs: list) -> list[Staff]:
    return staff_store.update_many_staff(session, rows=pairs)


def _staff_id(staff: Staff) -> int:
    return staff.id

"""The operating-figures planner (运行指标): one row per member unit, for one quarter.

The unit is found by name or USCC and must be a member during the quarter; the figures are
checked with ``domain/figures.py``'s rules. Columns absent from the file keep the stored
values, so 表6 of an exported return (which may leave some out) re-imports. A locked
quarter refuses every row with the message that says how to reopen it.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from sqlalchemy.orm import Session

from ylt_desktop.domain.figures import MEMBER_FIELDS, MemberFigures, validate_member_figures
from ylt_desktop.importing.plan import (
    CHANGED,
    NEW,
    REJECTED,
    UNCHANGED,
    Planner,
    SourceRow,
    Writer,
    not_member,
)
from ylt_desktop.store import figures as figure_store

KEYS = tuple(f.key for f in MEMBER_FIELDS)


class FiguresPlanner(Planner):
    kind = "figures"

    def __init__(self, session: Session, **kw: Any) -> None:
        super().__init__(session, **kw)
        if self.quarter is None:  # import_file refuses the file before planning
            raise ValueError("运行指标导入须指定季度")
        self.notes.append(f"运行指标记入{self.quarter.label}")
        self.units = {u.id: u for u in figure_store.units_in(session, self.quarter)}
        # A member's database (成员库) takes its own unit's figures only: a package carries no other.
        self.taken = {u.id for u in figure_store.figure_units(session, self.quarter)}
        self.stored = figure_store.member_figures(session, self.quarter)
        self.locked = figure_store.lock_problem(session, self.quarter)
        self.seen: dict[int, int] = {}

    def plan_row(self, row: SourceRow) -> tuple[str, Writer | None, str]:
        name = self.value(row, "name") or ""
        label = str(name)
        if not name:
            self.problem("name", "机构名称为必填项")
            return REJECTED, None, label
        inst_id = self.institutions.find(str(name))
        if inst_id is None:
            self.problem("name", not_member("机构", str(name)))
            return REJECTED, None, label
        unit = self.units.get(inst_id)
        if unit is None:
            self.problem("name", f"“{name}”在{self.quarter.label}不是医联体成员单位")
            return REJECTED, None, label
        label = unit.name
        if inst_id not in self.taken:
            self.problem(
                "name",
                f"本数据库是成员库，只导入本单位的运行指标；“{unit.name}”的运行指标由该单位自己填报",
            )
            return REJECTED, None, label
        if inst_id in self.seen:
            self.duplicate("name", self.seen[inst_id], "机构")
        self.seen[inst_id] = row.number
        for p in self.locked:
            self.problem("", p.message)
        old = self.stored.get(inst_id)
        figures = dataclasses.replace(old) if old is not None else MemberFigures()
        for key in KEYS:
            if key in self.present:
                setattr(figures, key, self.value(row, key))
        self.domain(validate_member_figures(figures, unit))
        if any(p.is_error for p in self._problems):
            return REJECTED, None, label
        if old is not None and figures == old:
            return UNCHANGED, None, label
        quarter = self.quarter

        def write(session: Session) -> None:
            figure_store.save_figures(session, quarter=quarter, members={inst_id: figures})

        return (NEW if old is None else CHANGED), write, label

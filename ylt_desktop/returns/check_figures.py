"""The pre-export check's part on operating figures (DESIGN §4, §5).

Missing figures are warnings (表6 shows the cell empty and 表7 "—"; the return can still be
sent); a stored figure that breaks a rule keeps its level; the consortium's consistency
warnings (sent ≈ received referrals, the county's visits ≥ the members') are listed too.
Each item's kind is ``figures`` with the institution's id, so the UI can open the grid.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from ylt_desktop.domain.figures import COUNTY_FIELDS, missing_fields
from ylt_desktop.domain.periods import Quarter
from ylt_desktop.domain.problems import Level
from ylt_desktop.store import figures as store

KIND = "figures"


def figure_items(session: Session, quarter: Quarter) -> list:
    from ylt_desktop.returns.check import CheckItem

    units = store.figure_units(session, quarter)  # a member's database: its own unit
    stored = store.member_figures(session, quarter)
    county = store.county_figures(session, quarter)
    if not store.takes_county_figures(session):
        # Rows of other units or the county stored before a member refused them: not its own.
        taken = {u.id for u in units}
        stored = {i: f for i, f in stored.items() if i in taken}
        county = None
    items = []
    if units and not stored:  # nobody has reported: one line, not one per member
        message = (
            f"{quarter.label}尚未填写运行指标（{len(units)} 家成员单位）："
            "表6 将为空白，表7 的指标显示“—”"
        )
        items.append(CheckItem(Level.WARNING, message, KIND, None, "figures"))
        units = []
    for unit in units:
        gaps = missing_fields(unit, stored.get(unit.id))
        if gaps:
            message = f"成员单位“{unit.name}”{quarter.label}运行指标未填写：{'、'.join(gaps)}"
            items.append(CheckItem(Level.WARNING, message, KIND, unit.id, "figures"))
    values = county.values() if county is not None else {}
    gaps = [f.label for f in COUNTY_FIELDS[:4] if values.get(f.key) is None]
    if gaps and store.takes_county_figures(session):
        message = f"{quarter.label}县域运行指标未填写：{'、'.join(gaps)}"
        items.append(CheckItem(Level.WARNING, message, KIND, None, "county"))
    for p in store.check_figures(session, quarter, members=stored, county=county):
        parts = p.field.split(".")
        record_id = int(parts[1]) if parts[0] == "members" else None
        items.append(CheckItem(p.level, f"运行指标：{p.message}", KIND, record_id, parts[-1]))
    from ylt_desktop.store.targets import ignored_targets

    for message in ignored_targets(session):
        items.append(CheckItem(Level.WARNING, message, KIND, None, "targets"))
    return items

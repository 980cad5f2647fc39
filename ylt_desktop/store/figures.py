"""Operating figures (运行指标 per member, 县域运行指标 per quarter): queries and one command.

Rules live in ``domain/figures.py``; this module adds what needs the database: the quarter
lock (a submitted quarter's figures cannot change), that each row's unit was a member during
the quarter, and the cross-member warnings over what is stored plus what is being saved.
Problem fields are ``members.<institution id>.<figure>`` and ``county.<figure>``, so a grid
can place each message on its cell.
"""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from ylt_desktop.domain import lists
from ylt_desktop.domain.figures import (
    COUNTY_FIELDS,
    MEMBER_FIELDS,
    CountyFigures,
    MemberFigures,
    Unit,
    consortium_problems,
    validate_county_figures,
    validate_member_figures,
)
from ylt_desktop.domain.periods import Quarter
from ylt_desktop.domain.problems import Problem, RuleViolation, error
from ylt_desktop.store.models import CountyQuarterFigures, Institution, MemberQuarterFigures
from ylt_desktop.store.quarters import REOPEN_HINT, is_locked
from ylt_desktop.store.tx import transaction

MEMBER_KEYS = tuple(f.key for f in MEMBER_FIELDS)
COUNTY_KEYS = tuple(f.key for f in COUNTY_FIELDS)


# --- queries ---------------------------------------------------------------------------


def unit_of(inst: Institution) -> Unit:
    return Unit(inst.id, inst.name, inst.category, inst.level, inst.beds_actual or 0)


def members_in(session: Session, quarter: Quarter) -> list[Institution]:
    """Members on any day of Q, the lead first, then in the order they were entered."""
    stmt = (
        select(Institution)
        .where(Institution.joined <= quarter.last_day)
        .where(or_(Institution.left.is_(None), Institution.left >= quarter.first_day))
        .order_by(Institution.id)
    )
    return sorted(session.scalars(stmt), key=lambda i: i.role != lists.ROLE_LEAD)


def units_in(session: Session, quarter: Quarter) -> list[Unit]:
    """The units of ``members_in``, in its order, read as plain columns."""
    i = Institution
    stmt = (
        select(i.id, i.name, i.category, i.level, i.beds_actual, i.role)
        .where(i.joined <= quarter.last_day)
        .where(or_(i.left.is_(None), i.left >= quarter.first_day))
        .order_by(i.id)
    )
    rows = sorted(session.execute(stmt), key=lambda r: r.role != lists.ROLE_LEAD)
    return [Unit(r.id, r.name, r.category, r.level, r.beds_actual or 0) for r in rows]


def _own_member(session: Session) -> int | None:
    from ylt_desktop.store.exchange import own_member_id

    return own_member_id(session)


def figure_units(session: Session, quarter: Quarter) -> list[Unit]:
    """The units whose figures this database takes: ``units_in``, or in a member's database
    (成员库) its own unit only (its data package carries no other unit's figures)."""
    units = units_in(session, quarter)
    own = _own_member(session)
    return units if own is None else [u for u in units if u.id == own]


def takes_county_figures(session: Session) -> bool:
    """The county's figures are the lead's to enter; a member's package does not carry them."""
    return _own_member(session) is None


def _member_refusals(
    session: Session, members: dict[int, MemberFigures], county: CountyFigures | None
) -> list[Problem]:
    """In a member's database: figures of another unit or of the county, which no package
    would carry to the lead (typed there, they were silently never reported)."""
    own = _own_member(session)
    if own is None:
        return []
    own_inst = session.get(Institution, own)
    own_name = own_inst.name if own_inst is not None else f"编号 {own}"
    problems = []
    for inst_id in members:
        if inst_id != own:
            inst = session.get(Institution, inst_id)
            name = inst.name if inst is not None else f"编号 {inst_id}"
            problems.append(
                error(
                    f"members.{inst_id}.visits",
                    f"本数据库是“{own_name}”的成员库，只填写本单位的运行指标；"
                    f"“{name}”的运行指标由该单位自己填报（填在这里不会报送给牵头单位）",
                )
            )
    if county is not None:
        problems.append(
            error(
                "county.resident_population",
                "县域运行指标由牵头单位填写；成员库的数据包不带县域运行指标，填在这里不会报送",
            )
        )
    return problems


def _member(row: MemberQuarterFigures) -> MemberFigures:
    return MemberFigures(**{k: getattr(row, k) for k in MEMBER_KEYS})


def _county(row: CountyQuarterFigures) -> CountyFigures:
    return CountyFigures(**{k: getattr(row, k) for k in COUNTY_KEYS})


def member_figures(session: Session, quarter: Quarter) -> dict[int, MemberFigures]:
    """Institution id → the figures stored for ``quarter`` (members without a row are absent);
    in a member's database its own unit's only (``_read_here``)."""
    columns = [getattr(MemberQuarterFigures, k) for k in MEMBER_KEYS]
    stmt = select(MemberQuarterFigures.institution_id, *columns).where(
        MemberQuarterFigures.quarter == str(quarter)
    )
    own = _own_member(session)
    if own is not None:
        stmt = stmt.where(MemberQuarterFigures.institution_id == own)
    return {
        row[0]: MemberFigures(**dict(zip(MEMBER_KEYS, row[1:], strict=True)))
        for row in session.execute(stmt)
    }


def county_figures(session: Session, quarter: Quarter) -> CountyFigures | None:
    """The county's figures for ``quarter``; None when not entered, and always in a member's
    database (``_read_here``)."""
    if not takes_county_figures(session):
        return None
    row = session.get(CountyQuarterFigures, str(quarter))
    return None if row is None else _county(row)


# _read_here: a member's database reads the figures it takes (``figure_units``,
# ``takes_county_figures``) and no others. Figures of other units or the county typed there
# before ``save_figures`` refused them stay in the file, never sent (its package carries its
# own row) and no longer shown: its page, check, 概览 and its own return's 表6/表7 all read
# through these functions, so none of them shows figures the lead never received.


def figures_by_quarter(
    session: Session, quarters: list[Quarter]
) -> tuple[dict[str, dict[int, MemberFigures]], dict[str, CountyFigures]]:
    """Stored member and county figures of many quarters, read in two queries."""
    keys = [str(q) for q in quarters]
    members: dict[str, dict[int, MemberFigures]] = {k: {} for k in keys}
    table = MemberQuarterFigures
    columns = [table.quarter, table.institution_id, *(getattr(table, k) for k in MEMBER_KEYS)]
    stmt = select(*columns).where(table.quarter.in_(keys))  # plain rows: many quarters
    own = _own_member(session)
    if own is not None:  # _read_here
        stmt = stmt.where(table.institution_id == own)
    for quarter, inst_id, *values in session.connection().execute(stmt):
        members[quarter][inst_id] = MemberFigures(*values)
    if own is not None:
        return members, {}
    stmt2 = select(CountyQuarterFigures).where(CountyQuarterFigures.quarter.in_(keys))
    county = {row.quarter: _county(row) for row in session.scalars(stmt2)}
    return members, county


def figure_versions(session: Session, quarter: Quarter) -> tuple[dict[int, int], int | None]:
    """The versions of ``quarter``'s stored rows, as a grid loads them: institution id → version
    of its row, and the county row's version (None: no row yet). ``save_figures`` compares."""
    table = MemberQuarterFigures
    stmt = select(table.institution_id, table.version).where(table.quarter == str(quarter))
    members = {inst_id: version for inst_id, version in session.execute(stmt)}
    county = session.scalar(
        select(CountyQuarterFigures.version).where(CountyQuarterFigures.quarter == str(quarter))
    )
    return members, county


NOT_CHECKED = -1
"""``county_version`` when the caller did not load the county row (no check)."""


def quarters_with_figures(session: Session) -> list[Quarter]:
    stmt = select(MemberQuarterFigures.quarter).distinct()
    own = _own_member(session)
    if own is not None:  # _read_here
        stmt = stmt.where(MemberQuarterFigures.institution_id == own)
    found = set(session.scalars(stmt))
    if own is None:
        found |= set(session.scalars(select(CountyQuarterFigures.quarter)))
    return sorted(Quarter.parse(k) for k in found)


# --- checks ----------------------------------------------------------------------------


def lock_problem(session: Session, quarter: Quarter) -> list[Problem]:
    if not is_locked(session, quarter):
        return []
    return [
        error("quarter", f"{quarter.label}已报送并锁定，不能修改该季度的运行指标。{REOPEN_HINT}")
    ]


def check_figures(
    session: Session,
    quarter: Quarter,
    *,
    members: dict[int, MemberFigures] | None = None,
    county: CountyFigures | None = None,
) -> list[Problem]:
    """Every problem of the quarter's figures with ``members``/``county`` replacing the stored.

    Member problems carry ``members.<id>.<figure>``; the county's ``county.<figure>``; rules
    across members name the sums (their field is ``consortium.<figure>``).
    """
    units = {u.id: u for u in units_in(session, quarter)}
    merged = member_figures(session, quarter)
    merged.update(members or {})
    problems: list[Problem] = []
    for inst_id, figures in (members or {}).items():
        unit = units.get(inst_id)
        if unit is None:
            inst = session.get(Institution, inst_id)
            name = inst.name if inst is not None else f"编号 {inst_id}"
            problems.append(
                error(
                    f"members.{inst_id}.visits",
                    f"“{name}”在{quarter.label}不是医联体成员单位，不能填写运行指标",
                )
            )
            continue
        for p in validate_member_figures(figures, unit):
            problems.append(
                Problem(f"members.{inst_id}.{p.field}", p.level, f"{unit.name}：{p.message}")
            )
    if _own_member(session) is not None:
        # A member's database: its own unit's figures; the county's and the rules across the
        # consortium's units (sums of referrals, the county's visits) are the lead's.
        return problems
    whole_county = county if county is not None else county_figures(session, quarter)
    if county is not None:
        for p in validate_county_figures(county):
            problems.append(Problem(f"county.{p.field}", p.level, f"县域运行指标：{p.message}"))
    rows = [(units[i], f) for i, f in merged.items() if i in units]
    for p in consortium_problems(rows, whole_county):
        problems.append(Problem(f"consortium.{p.field}", p.level, p.message))
    return problems


# --- the command -----------------------------------------------------------------------


def save_figures(
    session: Session,
    *,
    quarter: Quarter,
    members: dict[int, MemberFigures] | None = None,
    county: CountyFigures | None = None,
    versions: dict[int, int | None] | None = None,
    county_version: int | None = NOT_CHECKED,
) -> list[Problem]:
    """Replace the figures of the given members (and of the county, when given) for Q.

    One transaction; refused (``RuleViolation``) when Q is locked or any error stands. A
    member whose figures are all empty loses its row. Returns the warnings that stand.
    ``versions`` (institution id → the version its row had when the grid loaded it, None: no
    row) and ``county_version``: a row another saved since is refused
    (``versions.RecordChanged`` with their figures); nothing is written.
    """
    with transaction(session):
        problems = lock_problem(session, quarter) or _member_refusals(
            session, members or {}, county
        )
        if problems:
            raise RuleViolation(problems)
        _refuse_changed(session, quarter, members or {}, versions or {})
        if county is not None and county_version != NOT_CHECKED:
            row = session.get(CountyQuarterFigures, str(quarter))
            _expect(session, "county_figures", row, county_version, str(quarter), COUNTY_KEYS)
        problems = check_figures(session, quarter, members=members, county=county)
        if any(p.is_error for p in problems):
            raise RuleViolation(problems)
        key = str(quarter)
        if members:
            stmt = select(MemberQuarterFigures).where(
                MemberQuarterFigures.quarter == key,
                MemberQuarterFigures.institution_id.in_(list(members)),
            )
            stored = {row.institution_id: row for row in session.scalars(stmt)}
            for inst_id, figures in members.items():
                _put_member(session, stored.get(inst_id), inst_id, key, figures)
        if county is not None:
            _put_county(session, key, county)
        return [p for p in problems if not p.is_error]


def _refuse_changed(
    session: Session,
    quarter: Quarter,
    members: dict[int, MemberFigures],
    expected: dict[int, int | None],
) -> None:
    checked = [i for i in members if i in expected]
    if not checked:
        return
    stmt = select(MemberQuarterFigures).where(
        MemberQuarterFigures.quarter == str(quarter),
        MemberQuarterFigures.institution_id.in_(checked),
    )
    stored = {row.institution_id: row for row in session.scalars(stmt)}
    for inst_id in checked:
        _expect(session, "member_figures", stored.get(inst_id), expected[inst_id], inst_id,
                MEMBER_KEYS)  # fmt: skip


def _expect(
    session: Session, kind: str, row: object, expected: int | None, key: object, names: tuple
) -> None:
    """Refuse when the stored row is not at ``expected`` (None: no row was there)."""
    from ylt_desktop.store.versions import RecordChanged, last_saved

    now = getattr(row, "version", None)
    if now == expected:
        return
    rid = getattr(row, "id", None) or getattr(row, "quarter", None)
    by, at = last_saved(session, kind, rid) if rid is not None else (None, None)
    theirs = {name: getattr(row, name, None) for name in names}
    raise RecordChanged(kind=kind, record_id=key, theirs=theirs, by=by, at=at, version=now)


def _put_member(
    session: Session,
    row: MemberQuarterFigures | None,
    inst_id: int,
    key: str,
    figures: MemberFigures,
) -> None:
    if figures.is_empty:
        if row is not None:
            session.delete(row)
        return
    if row is None:
        row = MemberQuarterFigures(institution_id=inst_id, quarter=key)
        session.add(row)
    for name, value in figures.values().items():
        if getattr(row, name) != value:
            setattr(row, name, value)


def _put_county(session: Session, key: str, county: CountyFigures) -> None:
    row = session.get(CountyQuarterFigures, key)
    if county.is_empty:
        if row is not None:
            session.delete(row)
        return
    if row is None:
        row = CountyQuarterFigures(quarter=key)
        session.add(row)
    for name, value in county.values().items():
        if getattr(row, name) != value:
            setattr(row, name, value)

"""A member's database from the lead's roster package, and its updates (DESIGN.md §7).

``open_roster`` on an empty database sets it up as a 成员库 of the unit the roster is for; on
that member's database a newer roster updates the consortium, the other units, the agreements
the member takes part in and the persons of other units who rotate to it, and brings the
lead's decisions: a quarter the lead accepted is locked here, one it returned is reopened with
the lead's reason. The member's own profile (but for its membership: role, 加入日期, 退出日期),
persons, rotations, volumes and figures are its own and are never overwritten by a roster
(only filled in at the set-up). Units and agreements the lead deleted (or, for an
agreement, no longer includes this member in) leave this database too, unless records the
lead has not seen still need them (then kept, and ``RosterResult`` says why). An older roster than
the last opened is refused; the same one twice changes nothing. One transaction.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from ylt_desktop.domain.institution import InstitutionData
from ylt_desktop.domain.periods import Quarter
from ylt_desktop.domain.roles import Permission
from ylt_desktop.exchange.content import (
    INSTITUTION_FIELDS,
    ROSTER,
    STAFF_FIELDS,
    day,
    person_hash,
)
from ylt_desktop.exchange.package import CLOCK_TOLERANCE, Package, check_header, read_package
from ylt_desktop.exchange.roster_agreements import remove_agreements, write_agreements
from ylt_desktop.exchange.sealed import BAD_CONTENT, Keys, PackageRefused, read_file
from ylt_desktop.store import exchange as store
from ylt_desktop.store import levels
from ylt_desktop.store.member_agreements import ROSTER_SETTING, WITHDRAWN
from ylt_desktop.store.models import (
    Agreement,
    Consortium,
    Institution,
    InstitutionLevel,
    PackageEvent,
    QuarterEvent,
    QuarterLock,
    Rotation,
    Setting,
    Staff,
)
from ylt_desktop.store.tx import all_or_nothing


@dataclass
class RosterResult:
    created: bool  # the database was set up from this roster
    unchanged: bool  # the same roster was opened before: nothing changed
    member: str
    consortium: str
    counts: dict[str, int] = field(default_factory=dict)  # part → rows applied
    locked: list[str] = field(default_factory=list)  # quarters the lead accepted (locked here)
    returned: list[tuple[str, str]] = field(default_factory=list)  # (quarter, reason)
    removed_units: list[str] = field(default_factory=list)  # units the lead deleted: gone here
    kept_units: list[str] = field(default_factory=list)  # deleted by the lead, kept here: why
    # Agreements the lead deleted, or no longer includes this member in: gone here, or kept
    # (with why) while this database holds volumes of a quarter the lead has not accepted,
    # or when the roster is no evidence (lists none without saying so; an older database).
    removed_agreements: list[str] = field(default_factory=list)
    kept_agreements: list[str] = field(default_factory=list)


def _roster_seen(session: Session) -> dict:
    row = session.get(Setting, ROSTER_SETTING)
    if row is None:
        return {}
    import json

    try:
        value = json.loads(row.value)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def roster_persons(session: Session) -> set[str]:
    """The hashes of the other units' persons every roster so far brought to this database."""
    return set(_roster_seen(session).get("persons") or [])


def open_roster(session: Session, path: str | Path, *, passphrase: str) -> RosterResult:
    """Set up (empty database) or update (this member's database) from the roster at ``path``.

    Refused (``PackageRefused``, nothing changed): not a roster, a lead's database, another
    consortium's or another member's roster, an older roster, a wrong passphrase, a damaged
    or altered file. Updating needs 审核人 or 管理员; the set-up needs nobody (first run)."""
    from ylt_desktop.store.institutions import get_consortium
    from ylt_desktop.store.users import require

    c = get_consortium(session)
    sealed = read_file(path)
    if c is not None and c.db_kind != store.MEMBER:
        raise PackageRefused(
            "本数据库是汇总库（牵头单位），不能打开名册包：名册包应在成员单位的电脑上打开，"
            "用来建立或更新成员库"
        )
    if c is None and any(
        session.scalar(select(model.id).limit(1)) is not None
        for model in (Institution, Staff, Agreement)
    ):
        # Only an empty database is set up from a roster: the roster's units would replace
        # records entered here (same ids), which the lead has never seen.
        raise PackageRefused(
            "本数据库已有数据（尚未设置医联体信息），不能用名册包建立成员库：名册包应在新的"
            "（空的）数据库上打开。当前数据库没有被改动"
        )
    # Another consortium's roster is refused here, before any key is tried: a member database
    # belongs to one consortium whatever the passphrase (at the set-up, any consortium).
    check_header(
        sealed,
        kind=ROSTER,
        exchange_id=c.exchange_id if c is not None else None,
        own_name=c.name if c is not None else "",
    )
    h = sealed.header
    if c is not None:
        if int(h["member_id"]) != c.member_id:
            own = session.get(Institution, c.member_id)
            raise PackageRefused(
                f"这是发给“{h.get('member', '')}”的名册包，本数据库属于“{own.name if own else ''}”"
            )
        # A passphrase the lead has changed since is fine: the roster's key check decides.
        require(session, Permission.RECEIVE_PACKAGE)
    seen = _roster_seen(session) if c is not None else {}
    if seen.get("package_id") == h["package_id"]:
        return RosterResult(False, True, str(h.get("member", "")), str(h.get("consortium", "")))
    created_at = dt.datetime.fromisoformat(h["created_at"])
    # Rosters are ordered by the time they were made: one dated ahead of this PC's clock
    # would make every later roster "older" until that date (and says this PC's date is
    # behind, which would date its data packages wrong too).
    if created_at > dt.datetime.now() + CLOCK_TOLERANCE:
        raise PackageRefused(
            f"这个名册包的生成时间（{created_at:%Y-%m-%d %H:%M}）晚于本机的当前时间："
            "本机或牵头单位电脑的日期不对。请校正电脑日期后再打开（或请牵头单位重新生成）"
        )
    if seen.get("created_at") and created_at < dt.datetime.fromisoformat(seen["created_at"]):
        raise PackageRefused(
            f"这个名册包（生成于 {created_at:%Y-%m-%d %H:%M}）比已打开的名册包"
            f"（{seen['created_at'][:16].replace('T', ' ')}）旧，未打开；请使用牵头单位最新的名册包"
            "（如果它是刚生成的，请牵头单位检查电脑的日期是否正确）"
        )
    package = read_package(path, Keys(passphrase), kind=ROSTER, exchange_id=h["consortium_id"])
    try:
        with all_or_nothing(session):
            return _write(session, package, passphrase, first=c is None)
    except (KeyError, TypeError, ValueError, AttributeError):
        raise PackageRefused(BAD_CONTENT) from None


def _write(session: Session, package: Package, passphrase: str, *, first: bool) -> RosterResult:
    import json

    from ylt_desktop.store.passwords import hash_password, verify_password

    parts = package.parts
    (cons,) = parts["consortium"]
    c = session.scalars(select(Consortium).limit(1)).first()
    if c is None:
        c = Consortium()
        session.add(c)
    c.name, c.kind, c.division = cons["name"], cons["kind"], cons["division"]
    c.founded = day(cons.get("founded"))
    c.db_kind, c.member_id = store.MEMBER, package.member_id
    c.exchange_id = package.header["consortium_id"]
    if not c.exchange_check or not verify_password(passphrase, c.exchange_check):
        c.exchange_check = hash_password(passphrase)
    result = RosterResult(first, False, package.member, c.name)
    seen = _roster_seen(session)
    filled = set(seen.get("volumes") or [])
    # The agreements rosters brought here: only those can be the lead's to delete (one the
    # member typed itself is its own). A database set up before this was remembered (00ba0dc)
    # cannot tell: ``None``, and nothing is deleted (said once, by this roster).
    remembered = first or "agreements" in seen
    brought_agreements = set(seen.get("agreements") or [])
    changed_units = _institutions(session, parts["institutions"], package.member_id, first)
    session.flush()
    result.counts["institutions"] = len(parts["institutions"])
    result.counts["staff"] = _staff(session, parts["staff"], package.member_id)
    result.counts["agreements"] = write_agreements(session, parts["agreements"], filled)
    _status(session, parts["status"], package.member_id, result)
    session.flush()
    # Agreements first: a unit the lead deleted may still be named by an agreement it deleted.
    withdrawn = remove_agreements(
        session,
        parts["agreements"],
        package.member_id,
        filled,
        brought_agreements if remembered else None,
        result,
        stated_count=cons.get("agreement_count"),
    )
    _removed_units(session, parts["institutions"], result)
    if changed_units and not first:
        levels.rederive_directions(session, changed_units)
    row = session.get(Setting, ROSTER_SETTING)
    if row is None:
        row = Setting(key=ROSTER_SETTING)
        session.add(row)
    brought = roster_persons(session) | {
        person_hash(r["id_type"], r["id_number"]) for r in parts["staff"]
    }
    numbers = {n for (n,) in session.execute(select(Agreement.number))}
    row.value = json.dumps(
        {
            "package_id": package.package_id,
            "created_at": package.header["created_at"],
            "persons": sorted(brought),  # every roster's other-unit persons, as hashes
            # The volumes rosters filled in (not the member's own), of agreements still here.
            "volumes": sorted(v for v in filled if json.loads(v)[0] in numbers),
            # The agreements rosters brought (the lead's), still here.
            "agreements": sorted(
                (brought_agreements | {str(r["number"]) for r in parts["agreements"]}) & numbers
            ),
            # Of those, the ones this roster no longer lists, kept here (volumes the lead has
            # not accepted, a scan): a package with their volumes is refused by the lead.
            WITHDRAWN: sorted(withdrawn & numbers),
        }
    )
    session.flush()
    return result


def _institutions(session: Session, rows: list[dict], own_id: int, first: bool) -> set[int]:
    from ylt_desktop.store.institutions import _apply

    if not any(r["id"] == own_id for r in rows):
        raise PackageRefused("名册包中没有本单位：文件已损坏或不是发给本单位的")
    existing = {i.id: i for i in session.scalars(select(Institution))}
    changed: set[int] = set()
    for row in rows:
        inst = existing.get(row["id"])
        if inst is not None and row["id"] == own_id and not first:
            # The member's own profile is its own; membership (role, dates) is the lead's.
            for k in ("role", "joined", "left"):
                value = day(row[k]) if k != "role" else row[k]
                if getattr(inst, k) != value:
                    setattr(inst, k, value)
            continue
        values = {k: row[k] for k in INSTITUTION_FIELDS}
        for k in ("joined", "left"):
            values[k] = day(values[k])
        data = InstitutionData(**values)
        if inst is None:
            inst = Institution(id=row["id"])
            session.add(inst)
        before = (inst.level, inst.category)
        _apply(inst, data)
        entries = [(day(e["since"]), e["level"], e["category"]) for e in row["levels"]]
        stored = [] if inst.id not in existing else levels.entries_of(session, inst.id)
        if [(e.since, e.level, e.category) for e in stored] != entries:
            for e in stored:
                session.delete(e)
            for since, level, category in entries:
                session.add(
                    InstitutionLevel(
                        institution_id=row["id"], since=since, level=level, category=category
                    )
                )
            changed.add(row["id"])
        elif before != (inst.level, inst.category):
            changed.add(row["id"])
    return changed


def _removed_units(session: Session, rows: list[dict], result: RosterResult) -> None:
    """Units the lead deleted (in this database, not in the roster): deleted here too when no
    record of this database points at them; otherwise kept, and the result says why (the
    member's own records there, which the lead has not seen, are never dropped silently)."""
    from ylt_desktop.store.institutions import delete_problems

    listed = {r["id"] for r in rows}
    for inst in list(session.scalars(select(Institution).order_by(Institution.id))):
        if inst.id in listed:
            continue
        # Other units' persons the roster brought there, with no rotation left here, go too.
        for person in list(session.scalars(select(Staff).where(Staff.home_id == inst.id))):
            if not session.scalar(select(Rotation.id).where(Rotation.staff_id == person.id)):
                session.delete(person)
        session.flush()
        problems = delete_problems(session, inst.id)
        if problems:
            why = "；".join(p.message for p in problems).removeprefix("不能删除：")
            result.kept_units.append(f"{inst.name}：牵头单位已删除该单位，但本库{why}，未删除")
        else:
            result.removed_units.append(inst.name)
            session.delete(inst)
    session.flush()


def _staff(session: Session, rows: list[dict], own_id: int) -> int:
    found = {(p.id_type, p.id_number): p for p in session.scalars(select(Staff))}
    n = 0
    for row in rows:
        if row["home_id"] == own_id:
            continue  # the member's own persons are its own
        person = found.get((row["id_type"], row["id_number"]))
        if person is None:
            person = Staff()
            session.add(person)
        for k in STAFF_FIELDS:
            if getattr(person, k) != row[k]:
                setattr(person, k, row[k])
        if person.home_id != row["home_id"]:
            person.home_id = row["home_id"]
        n += 1
    return n


def _day_time(text: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(text) if text else None


def _status(session: Session, rows: list[dict], own_id: int, result: RosterResult) -> None:
    """The lead's decisions: kept as ``PackageEvent`` rows; the latest per quarter locks
    (accepted) or reopens (returned) the member's quarter here."""
    have = {
        (e.quarter, e.action, e.at): e
        for e in session.scalars(select(PackageEvent).where(PackageEvent.member_id == own_id))
    }
    latest: dict[str, dict] = {}
    for row in rows:
        at = dt.datetime.fromisoformat(row["at"])
        latest[row["quarter"]] = row
        created = _day_time(row.get("package_created"))
        known = have.get((row["quarter"], row["action"], at))
        if known is not None:
            if known.package_created is None and created is not None:
                known.package_created = created  # brought by an older roster without it
            continue
        session.add(
            PackageEvent(
                member_id=own_id, quarter=row["quarter"], action=row["action"], at=at,
                by=row["by"][:30], reason=row["reason"], package_id=row["package_id"],
                package_created=created, summary="",
            )
        )  # fmt: skip
    now = dt.datetime.now().replace(microsecond=0)
    for key, row in sorted(latest.items()):
        lock = session.get(QuarterLock, key)
        label = Quarter.parse(key).label
        if row["action"] == store.ACCEPT:
            result.locked.append(key)
            if lock is None:
                at = dt.datetime.fromisoformat(row["at"])
                session.add(QuarterLock(quarter=key, submitted_at=at, submitted_by=row["by"][:30]))
                session.add(
                    QuarterEvent(
                        quarter=key,
                        action="submit",
                        at=now,
                        by=row["by"][:30],
                        reason=f"牵头单位已接收{label}的数据包",
                    )  # fmt: skip
                )
        else:
            result.returned.append((key, row["reason"]))
            if lock is not None:
                session.delete(lock)
                session.add(
                    QuarterEvent(
                        quarter=key,
                        action="reopen",
                        at=now,
                        by=row["by"][:30],
                        reason=f"牵头单位退回：{row['reason']}",
                    )  # fmt: skip
                )


def returned_quarters(session: Session) -> list[tuple[str, str, dt.datetime, str]]:
    """In a member's database: the quarters the lead returned (latest decision), with the
    lead's reason, when and by whom — the member fixes them and sends a new package."""
    latest: dict[str, PackageEvent] = {}
    for e in store.events(session):
        latest[e.quarter] = e
    return [
        (q, e.reason, e.at, e.by) for q, e in sorted(latest.items()) if e.action == store.RETURN
    ]

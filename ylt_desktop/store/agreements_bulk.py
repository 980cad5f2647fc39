"""Many agreements in one command, for imports: ``create_agreements`` and
``update_agreements`` check every row by the single-record rules of ``store/agreements.py`` as
if the rows were written in turn, then write them all with a few Core statements and the audit
entries the flush would write (``store/bulk_write.py``), in one transaction; a refused batch
changes nothing. Both return the ids.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ylt_desktop.domain.agreement import AgreementData, terms_problems, validate_agreement
from ylt_desktop.domain.periods import Quarter
from ylt_desktop.domain.problems import Problem, RuleViolation, error, has_errors
from ylt_desktop.store import audit, bulk_write
from ylt_desktop.store import quarters as locks
from ylt_desktop.store.agreements import _copy, _normalized, lock_problems
from ylt_desktop.store.exchange import is_member_database
from ylt_desktop.store.member_agreements import lead_agreement_problems
from ylt_desktop.store.models import Agreement, AgreementRecipient, AgreementVolume, Institution
from ylt_desktop.store.tx import transaction

# The columns ``agreements._apply`` sets, in its order (``terms`` apart).
_COLUMNS = ("number", "title", "kind", "other_measure", "provider_id", "provider_share",
            "signed", "effective_from", "effective_to", "terminated_on", "termination_reason")  # fmt: skip


def _check_new(session: Session, rows: list[AgreementData]) -> list[list[Problem]]:
    """``check_agreement`` of each new (normalized) row as if each were created in turn."""
    numbers = sorted({d.number for d in rows if d.number})
    taken: set[str] = set()
    for i in range(0, len(numbers), 500):
        chunk = numbers[i : i + 500]
        taken.update(session.scalars(select(Agreement.number).where(Agreement.number.in_(chunk))))
    ids = sorted({i for d in rows for i in [d.provider_id, *d.recipient_ids] if i is not None})
    known: set[int] = set()
    for i in range(0, len(ids), 500):
        chunk = ids[i : i + 500]
        known.update(session.scalars(select(Institution.id).where(Institution.id.in_(chunk))))
    any_locked = bool(locks.locked_quarters(session))
    out = []
    for d in rows:
        problems = validate_agreement(d)
        if d.number and d.number in taken:
            problems.append(error("number", f"协议编号“{d.number}”已存在，协议编号不得重复"))
        if d.provider_id is not None and d.provider_id not in known:
            problems.append(error("provider_id", "提供方不是本医联体的成员单位（可能已被删除）"))
        if any(i not in known for i in d.recipient_ids):
            problems.append(error("recipient_ids", "所选接收方中有单位不是本医联体的成员单位"))
        if any_locked:
            problems += lock_problems(session, None, d)
        if not has_errors(problems) and d.number:
            taken.add(d.number)
        out.append(problems)
    return out


def _columns(d: AgreementData) -> dict[str, Any]:
    """The agreement's own columns as ``agreements._apply`` sets them."""
    return {col: getattr(d, col) for col in _COLUMNS}


@lru_cache(maxsize=256)
def _volume_key(quarter: str) -> str:
    """The stored form of a volume's quarter (``agreements._sync_volumes``): a batch names a
    few quarters many times."""
    return str(Quarter.parse(quarter))


def create_agreements(session: Session, *, rows: Sequence[AgreementData]) -> list[int]:
    """``create_agreement`` for many rows: every row checked by the same rules (as if created in
    turn), then all inserted, in one transaction; returns the new ids in the order of ``rows``.
    Raises RuleViolation with the first bad row's problems (its index as ``.row``), inserting
    nothing, when any row has errors. The agreements, their recipients and volumes and the
    audit entries are written with a few bulk statements (``store/bulk_write.py``): the same
    records and entries (each agreement, then its recipients, then its volumes) as one flush
    of the same rows."""
    with transaction(session), session.no_autoflush:
        rows = [_normalized(_copy(d)) for d in rows]
        for i, problems in enumerate(_check_new(session, rows)):
            if has_errors(problems):
                exc = RuleViolation(problems)
                exc.row = i
                raise exc
        session.flush()  # what the session holds comes first in the audit log, as it would
        made = bulk_write.insert_rows(
            session, Agreement, [_columns(d) | {"terms": ""} for d in rows], key=None
        )
        recipients, volumes = [], []
        for a, d in zip(made, rows, strict=True):
            recipients.append(
                [{"agreement_id": a["id"], "institution_id": rid,
                  "share": d.recipient_shares.get(rid)} for rid in d.recipient_ids]
            )  # fmt: skip
            volumes.append(
                [{"agreement_id": a["id"], "quarter": _volume_key(q), "measure": m, "value": v}
                 for (q, m), v in d.volumes.items()]
            )  # fmt: skip
        bulk_write.insert_rows(
            session, AgreementRecipient, [r for part in recipients for r in part], key=None
        )
        stored = iter(
            bulk_write.insert_rows(
                session, AgreementVolume, [v for part in volumes for v in part], key=None
            )
        )
        at = audit.now()
        entries = []
        for a, mine, theirs in zip(made, recipients, volumes, strict=True):
            entries.append(audit.insert_entry("agreement", a["id"], a, at))
            for r in mine:
                key = f"{r['agreement_id']},{r['institution_id']}"
                entries.append(audit.insert_entry("agreement_recipient", key, r, at))
            for _ in theirs:
                v = next(stored)
                entries.append(audit.insert_entry("agreement_volume", v["id"], v, at))
        audit.write_entries(session, entries)
    return [a["id"] for a in made]


@dataclass
class _Stored:
    """An agreement as stored: its columns (``terms`` too), version, recipients (institution
    → share, in the order read) and volumes ((quarter, measure) → (id, value))."""

    columns: dict[str, Any]
    version: int
    recipients: dict[int, float | None] = field(default_factory=dict)
    volumes: dict[tuple[str, str], tuple[int, float]] = field(default_factory=dict)

    def data(self) -> AgreementData:
        """``agreements.to_data`` of the stored agreement."""
        c = self.columns
        return AgreementData(
            number=c["number"], title=c["title"], kind=c["kind"], provider_id=c["provider_id"],
            recipient_ids=sorted(self.recipients), signed=c["signed"],
            effective_from=c["effective_from"], effective_to=c["effective_to"],
            terminated_on=c["terminated_on"], termination_reason=c["termination_reason"],
            provider_share=c["provider_share"],
            recipient_shares={i: s for i, s in self.recipients.items() if s is not None},
            other_measure=c["other_measure"],
            volumes={key: value for key, (_vid, value) in self.volumes.items()},
        )  # fmt: skip


def _stored(session: Session, ids: list[int]) -> dict[int, _Stored]:
    """The agreements ``ids`` with their recipients and volumes, as plain columns read in this
    transaction."""
    found: dict[int, _Stored] = {}
    a, r, v = Agreement, AgreementRecipient, AgreementVolume
    cols = [getattr(a, c) for c in (*_COLUMNS, "terms")]
    for i in range(0, len(ids), 500):
        chunk = ids[i : i + 500]
        for aid, version, *values in session.execute(
            select(a.id, a.version, *cols).where(a.id.in_(chunk))
        ):
            found[aid] = _Stored(dict(zip((*_COLUMNS, "terms"), values, strict=True)), version)
        stmt = select(r.agreement_id, r.institution_id, r.share).where(r.agreement_id.in_(chunk))
        for aid, inst, share in session.execute(stmt):
            found[aid].recipients[inst] = share
        stmt = (
            select(v.agreement_id, v.id, v.quarter, v.measure, v.value)
            .where(v.agreement_id.in_(chunk))
            .order_by(v.id)
        )
        for aid, vid, quarter, measure, value in session.execute(stmt):
            found[aid].volumes[(quarter, measure)] = (vid, value)
    return found


def update_agreements(
    session: Session, *, rows: Sequence[tuple[int, AgreementData, str | None]]
) -> list[int]:
    """``update_agreement`` for many ``(id, data, terms)`` rows: every row checked by the same
    rules as if updated in turn, before any is applied, then written, in one transaction;
    returns the ids. Raises RuleViolation with the first bad row's problems (its index as
    ``.row``) and changes nothing when any row has errors. Written with a few bulk statements
    (``store/bulk_write.py``), as the flush writes them: each changed agreement's UPDATE checks
    and moves its version (a change of its recipients or volumes only moves it too), then the
    recipients and volumes changed, added and dropped; the audit entries are the flush's (the
    new recipients and volumes, row by row; the changes ordered by table and key; then the
    dropped recipients' and volumes' deletes by table and key)."""
    if len({aid for aid, _d, _t in rows}) < len(rows):
        raise ValueError("update_agreements: an agreement may appear once in a batch")
    with transaction(session), session.no_autoflush:
        prepared = [(aid, _normalized(_copy(d)), terms) for aid, d, terms in rows]
        found = _stored(session, sorted({aid for aid, _d, _t in prepared}))
        _check_updates(session, prepared, found)
        session.flush()  # what the session holds comes first in the audit log, as it would
        at = audit.now()
        batches: list[list[tuple[int, int, dict]]] = [[]]
        freed: set[str] = set()
        share_rows, value_rows, new_recipients, new_volumes = [], [], [], []
        gone_recipients, gone_volumes = [], []
        updates, deletes, written = [], [], []
        for aid, d, terms in prepared:
            old = found[aid]
            new = _columns(d)
            if terms is not None:
                new["terms"] = terms.strip()
            changed = {col: value for col, value in new.items() if old.columns[col] != value}
            touched = bool(changed)
            # Recipients, as agreements._sync_recipients: dropped, then kept or added in order.
            for inst, share in old.recipients.items():
                if inst not in d.recipient_ids:
                    gone_recipients.append((aid, inst))
                    values = {"agreement_id": aid, "institution_id": inst, "share": share}
                    entry = audit.delete_entry("agreement_recipient", f"{aid},{inst}", values, at)
                    deletes.append((("agreement_recipient", (aid, inst)), entry))
                    touched = True
            for inst in d.recipient_ids:
                share = d.recipient_shares.get(inst)
                if inst not in old.recipients:
                    new_recipients.append(
                        (aid, {"agreement_id": aid, "institution_id": inst, "share": share})
                    )
                    touched = True
                elif old.recipients[inst] != share:
                    share_rows.append(((aid, inst), {"share": share}))
                    entry = audit.update_entry(
                        "agreement_recipient", f"{aid},{inst}",
                        {"share": old.recipients[inst]}, {"share": share}, at,
                    )  # fmt: skip
                    updates.append((("agreement_recipient", (aid, inst)), entry))
                    touched = True
            # Volumes, as agreements._sync_volumes.
            dropped = set()
            for key, (vid, value) in old.volumes.items():
                if key not in d.volumes:
                    dropped.add(key)
                    gone_volumes.append(vid)
                    values = {"id": vid, "agreement_id": aid, "quarter": key[0],
                              "measure": key[1], "value": value}  # fmt: skip
                    entry = audit.delete_entry("agreement_volume", vid, values, at)
                    deletes.append((("agreement_volume", (vid,)), entry))
                    touched = True
            for (quarter, measure), value in d.volumes.items():
                key = (_volume_key(quarter), measure)
                if key not in old.volumes:
                    new_volumes.append(
                        (aid, {"agreement_id": aid, "quarter": key[0], "measure": measure,
                               "value": value})
                    )  # fmt: skip
                    touched = True
                elif key not in dropped and old.volumes[key][1] != value:
                    vid, was = old.volumes[key]
                    value_rows.append((vid, {"value": value}))
                    entry = audit.update_entry(
                        "agreement_volume", vid, {"value": was}, {"value": value}, at
                    )
                    updates.append((("agreement_volume", (vid,)), entry))
                    touched = True
            if not touched:
                continue
            written.append(aid)
            # SQLite and PostgreSQL check UNIQUE per row: a number an earlier row gave up is
            # taken in a later statement than that row's UPDATE (the ORM path flushed first).
            if d.number in freed:
                batches.append([])
                freed.clear()
            if old.columns["number"] != d.number:
                freed.add(old.columns["number"])
            batches[-1].append((aid, old.version, changed))
            if changed:
                was = {col: old.columns[col] for col in changed}
                entry = audit.update_entry("agreement", aid, was, changed, at)
                updates.append((("agreement", (aid,)), entry))
        # One executemany per set of changed columns (an agreement whose recipients or
        # volumes alone changed: its version and ``updated_at``, as the flush's touch of the
        # owner).
        for batch in batches:
            bulk_write.update_rows_grouped(session, Agreement, batch)
        bulk_write.update_parts(
            session, AgreementRecipient, share_rows, by=("agreement_id", "institution_id")
        )
        bulk_write.update_parts(session, AgreementVolume, value_rows)
        inserted = bulk_write.insert_rows(
            session, AgreementRecipient, [r for _aid, r in new_recipients], key=None
        )
        added = iter(
            bulk_write.insert_rows(session, AgreementVolume, [v for _a, v in new_volumes], key=None)
        )
        bulk_write.delete_rows(session, AgreementVolume, gone_volumes)
        bulk_write.delete_parts(
            session, AgreementRecipient, gone_recipients, by=("agreement_id", "institution_id")
        )
        # The new rows in the order the single commands add them: each row's recipients,
        # then its volumes; then the updates and the dropped rows, each by table and key.
        new_entries: dict[int, list[dict]] = {}
        for r in inserted:
            key = f"{r['agreement_id']},{r['institution_id']}"
            entry = audit.insert_entry("agreement_recipient", key, r, at)
            new_entries.setdefault(r["agreement_id"], []).append(entry)
        for _ in new_volumes:
            v = next(added)
            entry = audit.insert_entry("agreement_volume", v["id"], v, at)
            new_entries.setdefault(v["agreement_id"], []).append(entry)
        updates.sort(key=lambda item: item[0])
        deletes.sort(key=lambda item: item[0])
        audit.write_entries(
            session,
            [e for aid, _d, _t in prepared for e in new_entries.get(aid, [])]
            + [entry for _key, entry in updates + deletes],
        )
        _forget(session, written, share_rows, value_rows, gone_recipients, gone_volumes)
    return [aid for aid, _d, _t in rows]


def _forget(
    session: Session,
    written: list[int],
    shares: list[tuple[tuple[int, int], dict]],
    values: list[tuple[int, dict]],
    gone_recipients: list[tuple[int, int]],
    gone_volumes: list[int],
) -> None:
    """What the Core statements changed in the session's identity map is read again when
    next used: the agreements written (their columns and their lists of recipients and
    volumes), the recipients' and volumes' changed values; a dropped one leaves the session."""

    def held(model: Any, key: Any) -> Any:
        return session.identity_map.get(session.identity_key(model, key))

    for key in gone_recipients:
        if (part := held(AgreementRecipient, key)) is not None:
            session.expunge(part)
    for vid in gone_volumes:
        if (part := held(AgreementVolume, vid)) is not None:
            session.expunge(part)
    for model, rows in ((AgreementRecipient, shares), (AgreementVolume, values)):
        for key, new in rows:
            if (part := held(model, key)) is not None:
                session.expire(part, list(new))
    for aid in written:
        if (obj := held(Agreement, aid)) is not None:
            session.expire(obj)


def _check_updates(
    session: Session,
    rows: list[tuple[int, AgreementData, str | None]],
    found: dict[int, _Stored],
) -> None:
    """Raise for the first row ``update_agreement`` would refuse after the rows before it."""
    numbers = sorted({d.number for _a, d, _t in rows if d.number})
    holders: dict[str, int] = {}
    for i in range(0, len(numbers), 500):
        stmt = select(Agreement.number, Agreement.id).where(
            Agreement.number.in_(numbers[i : i + 500])
        )
        holders.update((number, aid) for number, aid in session.execute(stmt))
    ids = sorted({i for _a, d, _t in rows for i in [d.provider_id, *d.recipient_ids] if i})
    known: set[int] = set()
    for i in range(0, len(ids), 500):
        chunk = ids[i : i + 500]
        known.update(session.scalars(select(Institution.id).where(Institution.id.in_(chunk))))
    locked = locks.locked_quarters(session)
    now = {aid: a.columns["number"] for aid, a in found.items()}
    member = is_member_database(session)
    for i, (aid, d, terms) in enumerate(rows):
        if aid not in found:
            problems = [error("number", "该协议已被删除")]
        else:
            problems = validate_agreement(d, stored=found[aid].data())
            if terms is not None:
                problems += terms_problems(terms, stored=found[aid].columns["terms"])
            if d.number and holders.get(d.number, aid) != aid:
                problems.append(error("number", f"协议编号“{d.number}”已存在，协议编号不得重复"))
            if d.provider_id is not None and d.provider_id not in known:
                problems.append(
                    error("provider_id", "提供方不是本医联体的成员单位（可能已被删除）")
                )
            if any(r not in known for r in d.recipient_ids):
                problems.append(error("recipient_ids", "所选接收方中有单位不是本医联体的成员单位"))
            if locked:
                problems += lock_problems(session, found[aid].data(), d, locked=locked)
            if member and not has_errors(problems):
                old = found[aid]
                changed_terms = terms is not None and terms.strip() != old.columns["terms"]
                problems += lead_agreement_problems(
                    session, old.data(), d, terms_changed=changed_terms
                )
        if has_errors(problems):
            exc = RuleViolation(problems)
            exc.row = i
            raise exc
        if holders.get(now[aid]) == aid:
            del holders[now[aid]]
        if d.number:
            holders[d.number] = aid
        now[aid] = d.number

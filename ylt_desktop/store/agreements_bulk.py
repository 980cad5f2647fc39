"""Many agreements in one command, for imports: ``create_agreements`` and
``update_agreements`` check every row by the single-record rules of ``store/agreements.py`` as
if the rows were written in turn, then write them with (mostly) one flush, in one
transaction; a refused batch changes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from ylt_desktop.domain.agreement import AgreementData, validate_agreement
from ylt_desktop.domain.problems import Problem, RuleViolation, error, has_errors
from ylt_desktop.store import quarters as locks
from ylt_desktop.store.agreements import (
    _apply,
    _copy,
    _normalized,
    lock_problems,
    to_data,
)
from ylt_desktop.store.models import Agreement, Institution
from ylt_desktop.store.tx import transaction


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


def create_agreements(session: Session, *, rows: Sequence[AgreementData]) -> list[Agreement]:
    """``create_agreement`` for many rows: every row checked by the same rules (as if created in
    turn), then all inserted with one flush, in one transaction. Raises RuleViolation with the
    first bad row's problems (its index as ``.row``), inserting nothing, when any row has
    errors."""
    with transaction(session), session.no_autoflush:
        rows = [_normalized(_copy(d)) for d in rows]
        for i, problems in enumerate(_check_new(session, rows)):
            if has_errors(problems):
                exc = RuleViolation(problems)
                exc.row = i
                raise exc
        made = []
        for d in rows:
            a = Agreement(terms="")
            _apply(a, d)
            made.append(a)
        session.add_all(made)  # one flush as the transaction ends (or joins an outer one)
    return made


def update_agreements(
    session: Session, *, rows: Sequence[tuple[int, AgreementData, str | None]]
) -> list[Agreement]:
    """``update_agreement`` for many ``(id, data, terms)`` rows: every row checked by the same
    rules as if updated in turn, before any is applied, then written with (mostly) one flush,
    in one transaction. Raises RuleViolation with the first bad row's problems (its index as
    ``.row``) and changes nothing when any row has errors."""
    if len({aid for aid, _d, _t in rows}) < len(rows):
        raise ValueError("update_agreements: an agreement may appear once in a batch")
    with transaction(session), session.no_autoflush:
        prepared = [(aid, _normalized(_copy(d)), terms) for aid, d, terms in rows]
        found: dict[int, Agreement] = {}
        ids = sorted({aid for aid, _d, _t in prepared})
        for i in range(0, len(ids), 500):
            stmt = select(Agreement).where(Agreement.id.in_(ids[i : i + 500]))
            found.update((a.id, a) for a in session.scalars(stmt))
        _check_updates(session, prepared, found)
        # A flush sends its UPDATEs in primary-key order and SQLite checks UNIQUE per
        # statement: a row taking a number an earlier row gave up is flushed after it.
        freed: set[str] = set()
        for aid, d, terms in prepared:
            a = found[aid]
            if d.number in freed:
                session.flush()
                freed.clear()
            if a.number != d.number:
                freed.add(a.number)
            if terms is not None:
                a.terms = terms.strip()
            _apply(a, d)
    return [found[aid] for aid, _d, _t in rows]


def _check_updates(
    session: Session,
    rows: list[tuple[int, AgreementData, str | None]],
    found: dict[int, Agreement],
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
    now = {aid: a.number for aid, a in found.items()}
    for i, (aid, d, _terms) in enumerate(rows):
        if aid not in found:
            problems = [error("number", "该协议已被删除")]
        else:
            problems = validate_agreement(d)
            if d.number and holders.get(d.number, aid) != aid:
                problems.append(error("number", f"协议编号“{d.number}”已存在，协议编号不得重复"))
            if d.provider_id is not None and d.provider_id not in known:
                problems.append(
                    error("provider_id", "提供方不是本医联体的成员单位（可能已被删除）")
                )
            if any(r not in known for r in d.recipient_ids):
                problems.append(error("recipient_ids", "所选接收方中有单位不是本医联体的成员单位"))
            if locked:
                problems += lock_problems(session, to_data(found[aid]), d, locked=locked)
        if has_errors(problems):
            exc = RuleViolation(problems)
            exc.row = i
            raise exc
        if holders.get(now[aid]) == aid:
            del holders[now[aid]]
        if d.number:
            holders[d.number] = aid
        now[aid] = d.number

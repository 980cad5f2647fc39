"""Queries and one-transaction commands for resource-sharing agreements (资源共享协议).

Rules live in ``domain/agreement.py``; this module adds what needs the database: a unique
number, parties that exist, and the loading of the institutions an agreement names.

``AgreementRecipient`` has no relationship to its institution (``models.py`` leaves it out), so
the queries here load the recipients' institutions in one extra query and keep them on the
agreement; read them with ``recipient_institutions(agreement)``.

Ending an agreement by hand (终止) and undoing it live in ``agreement_terms.py``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, joinedload

from ylt_desktop.domain.agreement import (
    AgreementData,
    in_force_in,
    status_on,
    terms_problems,
    validate_agreement,
)
from ylt_desktop.domain.periods import Quarter
from ylt_desktop.domain.problems import Problem, RuleViolation, error, has_errors
from ylt_desktop.domain.text import clean
from ylt_desktop.store import quarters as locks
from ylt_desktop.store import versions
from ylt_desktop.store.member_agreements import (
    lead_agreement_delete_problems,
    lead_agreement_problems,
)
from ylt_desktop.store.models import (
    Agreement,
    AgreementRecipient,
    AgreementVolume,
    Institution,
    by_codepoint,
)
from ylt_desktop.store.tx import transaction

_RECIPIENTS_ATTR = "_ylt_recipient_institutions"


# --- queries -------------------------------------------------------------------------


def _load_recipient_institutions(session: Session, agreements: Sequence[Agreement]) -> None:
    ids = {r.institution_id for a in agreements for r in a.recipients}
    found = {}
    if ids:
        found = {
            i.id: i for i in session.scalars(select(Institution).where(Institution.id.in_(ids)))
        }
    for a in agreements:
        insts = [found[r.institution_id] for r in a.recipients if r.institution_id in found]
        setattr(a, _RECIPIENTS_ATTR, sorted(insts, key=lambda i: i.id))


def recipient_institutions(agreement: Agreement) -> list[Institution]:
    """The recipients' institutions in id order, as loaded by this module's queries."""
    try:
        return getattr(agreement, _RECIPIENTS_ATTR)
    except AttributeError:
        raise LookupError(
            "接收方机构未随协议加载：请用 store.agreements 的查询（get/list/agreements_in_force）"
        ) from None


def _loaded(session: Session, stmt) -> list[Agreement]:  # noqa: ANN001
    rows = list(session.scalars(stmt.options(joinedload(Agreement.provider))).unique())
    _load_recipient_institutions(session, rows)
    return rows


def list_agreements(session: Session) -> list[Agreement]:
    """Every agreement, by number, with provider, recipients' institutions and volumes."""
    return _loaded(session, select(Agreement).order_by(by_codepoint(Agreement.number)))


def get_agreement(session: Session, agreement_id: int) -> Agreement | None:
    rows = _loaded(session, select(Agreement).where(Agreement.id == agreement_id))
    return rows[0] if rows else None


def agreements_in_force(session: Session, quarter: Quarter) -> list[Agreement]:
    """Agreements in force on at least one day of ``quarter`` (DESIGN.md §4), by number.

    Provider, recipients' institutions and volumes are loaded.
    """
    first, last = quarter.first_day, quarter.last_day
    stmt = (
        select(Agreement)
        .where(Agreement.effective_from.is_not(None), Agreement.effective_from <= last)
        .where(or_(Agreement.effective_to.is_(None), Agreement.effective_to >= first))
        .where(or_(Agreement.terminated_on.is_(None), Agreement.terminated_on > first))
        .order_by(by_codepoint(Agreement.number))
    )
    # The SQL narrows; the domain rule decides (e.g. terminated before it took effect).
    return [a for a in _loaded(session, stmt) if in_force_in(quarter, **_dates(a))]


def quarter_volumes(agreement: Agreement, quarter: Quarter) -> dict[str, float]:
    """Measure → value of ``quarter`` for one agreement (only the measures entered)."""
    key = str(quarter)
    return {v.measure: v.value for v in agreement.volumes if v.quarter == key}


def status_of(agreement: Agreement, day: dt.date) -> str:
    return status_on(day, **_dates(agreement))


def _dates(a: Agreement) -> dict[str, dt.date | None]:
    return {
        "effective_from": a.effective_from,
        "effective_to": a.effective_to,
        "terminated_on": a.terminated_on,
    }


def to_data(a: Agreement) -> AgreementData:
    return AgreementData(
        number=a.number,
        title=a.title,
        kind=a.kind,
        provider_id=a.provider_id,
        recipient_ids=sorted(r.institution_id for r in a.recipients),
        signed=a.signed,
        effective_from=a.effective_from,
        effective_to=a.effective_to,
        terminated_on=a.terminated_on,
        termination_reason=a.termination_reason,
        provider_share=a.provider_share,
        recipient_shares={r.institution_id: r.share for r in a.recipients if r.share is not None},
        other_measure=a.other_measure,
        volumes={(v.quarter, v.measure): v.value for v in a.volumes},
    )


# --- checks --------------------------------------------------------------------------


def _normalized(d: AgreementData) -> AgreementData:
    """Invisible characters dropped and NFKC (``domain.text.clean``), then trimmed."""
    d.number = clean(d.number).strip()
    d.title = clean(d.title).strip()
    d.other_measure = clean(d.other_measure).strip() if d.kind == "其他" else ""
    d.termination_reason = clean(d.termination_reason).strip()
    return d


def _store_checks(session: Session, d: AgreementData, own_id: int | None) -> list[Problem]:
    problems = []
    if d.number:
        stmt = select(Agreement.id).where(Agreement.number == d.number)
        if own_id is not None:
            stmt = stmt.where(Agreement.id != own_id)
        if session.scalar(stmt.limit(1)) is not None:
            problems.append(error("number", f"协议编号“{d.number}”已存在，协议编号不得重复"))
    ids = {i for i in [d.provider_id, *d.recipient_ids] if i is not None}
    known = (
        set(session.scalars(select(Institution.id).where(Institution.id.in_(ids))))
        if ids
        else set()
    )
    if d.provider_id is not None and d.provider_id not in known:
        problems.append(error("provider_id", "提供方不是本医联体的成员单位（可能已被删除）"))
    if any(i not in known for i in d.recipient_ids):
        problems.append(error("recipient_ids", "所选接收方中有单位不是本医联体的成员单位"))
    return problems


def check_agreement(
    session: Session, data: AgreementData, *, own_id: int | None = None
) -> list[Problem]:
    """All problems of ``data`` as the form shows them: domain rules plus store rules."""
    d = _normalized(_copy(data))
    before = _stored(session, own_id)
    return (
        validate_agreement(d, stored=before)
        + _store_checks(session, d, own_id)
        + lock_problems(session, before, d)
        + (lead_agreement_problems(session, before, d) if before is not None else [])
    )


def _stored(session: Session, agreement_id: int | None) -> AgreementData | None:
    a = session.get(Agreement, agreement_id) if agreement_id is not None else None
    return to_data(a) if a is not None else None


def _quarter_key(text: str) -> str | None:
    try:
        return str(Quarter.parse(text))
    except ValueError:
        return None


def _data_dates(d: AgreementData) -> dict[str, dt.date | None]:
    return {
        "effective_from": d.effective_from,
        "effective_to": d.effective_to,
        "terminated_on": d.terminated_on,
    }


def _in_return(d: AgreementData | None, q: Quarter) -> tuple | None:
    """What the return of ``q`` shows of an agreement; ``None`` when it is not in it."""
    if d is None or not in_force_in(q, **_data_dates(d)):
        return None
    key = str(q)
    volumes = sorted((m, v) for (k, m), v in d.volumes.items() if _quarter_key(k) == key)
    return (
        (d.number or "").strip(),
        (d.title or "").strip(),
        d.kind,
        (d.other_measure or "").strip(),
        d.provider_id,
        tuple(sorted(d.recipient_ids)),
        d.effective_from,
        d.effective_to,
        # The return shows the status at the quarter's end, not the termination date itself.
        status_on(q.last_day, **_data_dates(d)),
        d.provider_share,
        tuple(sorted(d.recipient_shares.items())),
        tuple(volumes),
    )


def lock_problems(
    session: Session,
    before: AgreementData | None,
    after: AgreementData | None,
    *,
    field: str = "number",
    locked: Sequence[Quarter] | None = None,
) -> list[Problem]:
    """One error per submitted (locked) quarter whose return the change would alter.
    ``locked``: the locked quarters when the caller has read them already."""
    problems = []
    for q in sorted(locks.locked_quarters(session) if locked is None else locked):
        old, new = _in_return(before, q), _in_return(after, q)
        if old == new:
            continue
        only_volumes = old is not None and new is not None and old[:-1] == new[:-1]
        problems.append(
            error(
                "volumes" if only_volumes else field,
                f"{q.label}已报送并锁定，此修改会改变该季度报表中的协议数据。{locks.REOPEN_HINT}",
            )
        )
    return problems


def quarters_locked_for(session: Session, d: AgreementData) -> list[Quarter]:
    """The submitted (locked) quarters whose return shows the agreement ``d``."""
    return [q for q in sorted(locks.locked_quarters(session)) if _in_return(d, q) is not None]


def _copy(d: AgreementData) -> AgreementData:
    return dataclasses.replace(
        d,
        recipient_ids=list(d.recipient_ids),
        recipient_shares=dict(d.recipient_shares),
        volumes=dict(d.volumes),
    )


# --- commands ------------------------------------------------------------------------


def _apply(a: Agreement, d: AgreementData) -> None:
    a.number, a.title, a.kind, a.other_measure = d.number, d.title, d.kind, d.other_measure
    a.provider_id, a.provider_share = d.provider_id, d.provider_share
    a.signed, a.effective_from, a.effective_to = d.signed, d.effective_from, d.effective_to
    a.terminated_on, a.termination_reason = d.terminated_on, d.termination_reason
    _sync_recipients(a, d)
    _sync_volumes(a, d)


def _sync_recipients(a: Agreement, d: AgreementData) -> None:
    # Updated in place: re-adding a row with the same primary key would clash on flush.
    current = {r.institution_id: r for r in a.recipients}
    for rid, row in current.items():
        if rid not in d.recipient_ids:
            a.recipients.remove(row)
    for rid in d.recipient_ids:
        row = current.get(rid)
        if row is None:
            row = AgreementRecipient(institution_id=rid)
            a.recipients.append(row)
        row.share = d.recipient_shares.get(rid)


def _sync_volumes(a: Agreement, d: AgreementData) -> None:
    current = {(v.quarter, v.measure): v for v in a.volumes}
    for key, row in current.items():
        if key not in d.volumes:
            a.volumes.remove(row)
    for (quarter, measure), value in d.volumes.items():
        key = (str(Quarter.parse(quarter)), measure)
        row = current.get(key)
        if row is None:
            a.volumes.append(AgreementVolume(quarter=key[0], measure=measure, value=value))
        else:
            row.value = value


def _refuse_if_errors(problems: list[Problem]) -> None:
    if has_errors(problems):
        raise RuleViolation(problems)


def create_agreement(session: Session, *, data: AgreementData, terms: str = "") -> Agreement:
    """Validate and insert in one transaction; raises RuleViolation when errors stand."""
    with transaction(session):
        d = _normalized(_copy(data))
        _refuse_if_errors(check_agreement(session, d) + terms_problems(terms))
        a = Agreement(terms=terms.strip())
        session.add(a)
        _apply(a, d)
        session.flush()
    return a


def update_agreement(
    session: Session,
    *,
    agreement_id: int,
    data: AgreementData,
    terms: str | None = None,
    version: int | None = None,
) -> Agreement:
    """Validate and update in one transaction; ``version``: the one the form loaded (another's
    save since is refused, ``versions.RecordChanged``)."""
    with versions.refusing(session, versions.AGREEMENT, agreement_id), transaction(session):
        a = session.get(Agreement, agreement_id)
        if a is None:
            raise RuleViolation([error("number", "该协议已被删除")])
        versions.expect_version(session, a, version, kind=versions.AGREEMENT)
        d = _normalized(_copy(data))
        problems = check_agreement(session, d, own_id=agreement_id)
        if terms is not None:
            problems += terms_problems(terms, stored=a.terms)
        if terms is not None and terms.strip() != a.terms and not has_errors(problems):
            problems += lead_agreement_problems(session, to_data(a), d, terms_changed=True)
        _refuse_if_errors(problems)
        if terms is not None:
            a.terms = terms.strip()
        _apply(a, d)
    return a


def delete_agreement(session: Session, *, agreement_id: int, version: int | None = None) -> None:
    """Delete with its recipients, volumes and attachment, in one transaction; refused when it
    changed since ``version``."""
    kind = versions.AGREEMENT
    with versions.refusing(session, kind, agreement_id, deleting=True), transaction(session):
        a = session.get(Agreement, agreement_id)
        if a is not None:
            versions.expect_version(session, a, version, kind=kind, deleting=True)
            _refuse_if_errors(lead_agreement_delete_problems(session, a.number))
            _refuse_if_errors(lock_problems(session, to_data(a), None))
            session.delete(a)

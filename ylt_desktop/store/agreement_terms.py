"""Ending an agreement by hand (终止) and undoing it: the check, and one-transaction commands."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from ylt_desktop.domain.agreement import in_force_in, validate_agreement
from ylt_desktop.domain.periods import Quarter
from ylt_desktop.domain.problems import Problem, RuleViolation, error
from ylt_desktop.store.agreements import _refuse_if_errors, lock_problems, to_data
from ylt_desktop.store.member_agreements import lead_agreement_problems
from ylt_desktop.store.models import Agreement
from ylt_desktop.store.tx import transaction


def check_termination(
    session: Session, *, agreement_id: int, on: dt.date | None, reason: str
) -> list[Problem]:
    """Problems of ending the agreement by hand on ``on`` for ``reason``."""
    a = session.get(Agreement, agreement_id)
    if a is None:
        return [error("terminated_on", "该协议已被删除")]
    d = to_data(a)
    d.terminated_on, d.termination_reason = on, (reason or "").strip()
    problems = [
        p
        for p in validate_agreement(d, stored=to_data(a))
        if p.field in ("terminated_on", "termination_reason")
    ]
    if on is None and not problems:
        problems.append(error("terminated_on", "提前终止协议须填写提前终止日期"))
    problems += lock_problems(session, to_data(a), d, field="terminated_on")
    problems += lead_agreement_problems(session, to_data(a), d)
    if on is not None:
        stranded = sorted(
            {
                Quarter.parse(v.quarter)
                for v in a.volumes
                if not in_force_in(
                    Quarter.parse(v.quarter),
                    effective_from=a.effective_from,
                    effective_to=a.effective_to,
                    terminated_on=on,
                )
            }
        )
        if stranded:
            labels = "、".join(q.label for q in stranded)
            problems.append(
                error(
                    "terminated_on",
                    f"终止日期之后的季度已填写服务量（{labels}），"
                    "请先在协议中删除这些服务量或推迟终止日期",
                )
            )
    return problems


def terminate_agreement(
    session: Session, *, agreement_id: int, on: dt.date, reason: str
) -> Agreement:
    """End the agreement by hand (终止) from ``on``, with a reason; one transaction."""
    with transaction(session):
        _refuse_if_errors(
            check_termination(session, agreement_id=agreement_id, on=on, reason=reason)
        )
        a = session.get(Agreement, agreement_id)
        a.terminated_on, a.termination_reason = on, reason.strip()
    return a


def cancel_termination(session: Session, *, agreement_id: int) -> Agreement:
    """Undo a termination entered by mistake; the status follows the dates again."""
    with transaction(session):
        a = session.get(Agreement, agreement_id)
        if a is None:
            raise RuleViolation([error("terminated_on", "该协议已被删除")])
        after = to_data(a)
        after.terminated_on, after.termination_reason = None, ""
        _refuse_if_errors(
            lock_problems(session, to_data(a), after, field="terminated_on")
            + lead_agreement_problems(session, to_data(a), after)
        )
        a.terminated_on, a.termination_reason = None, ""
    return a

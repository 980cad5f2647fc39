"""The lead opens members' data packages: a preview per package, then all or nothing.

``preview_packages(db, paths, passphrase=…)`` reads every file and says per package what it
would change (new / changed / deleted / unchanged per kind) and where two units disagree
(conflicts), or why it is refused; it writes the packages as the apply would, in a
transaction it rolls back, so the store's rules refuse a package here already. ``apply_packages(db, previews, choices=…)`` writes every usable package
in one transaction after a backup, through the store commands (their rules and locks hold),
and logs each as accepted (``PackageEvent``); nothing is written when anything is refused.

Refused, nothing changed: another consortium's package, a damaged, truncated or altered file,
a wrong passphrase, a package older than the newest one accepted from that member (any
quarter), a newer one for a quarter already accepted (the lead returns the quarter first), a
quarter the lead has submitted. The same package twice is a duplicate: nothing to do.

Conflicts: a rotation is reported by both its units, an agreement's volumes by its provider
and its recipients; the lead unit's own data are those it typed into this database. When the
values another unit reported (or the lead unit's own) differ from the package's, the caller
gets both (``Conflict.options``) and chooses (``choices={conflict.key: member_id}``); apply
refuses while a conflict is unchosen. The choice is logged in the package's accept entry
(``PackageEvent.summary``, audited like every row).

Deletions: what the member reported in its last accepted package and no longer does (a
rotation, the quarter's volumes or figures; its own persons, against its newest accepted
package) is deleted here, unless another unit still reports it (kept, and said so).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from ylt_desktop.domain.masking import mask_identity_numbers
from ylt_desktop.domain.problems import RuleViolation, error
from ylt_desktop.domain.roles import Permission
from ylt_desktop.exchange.content import DATA
from ylt_desktop.exchange.package import Package, read_package
from ylt_desktop.exchange.plan import _refuse_early, plan_package
from ylt_desktop.exchange.preview_model import (
    ACTIONS,
    CHANGED,
    KINDS,
    LEAD_OWNED,
    NEW,
    REMOVED,
    ROTATION_VALUES,
    UNCHANGED,
    VALUE_LABELS,
    ApplyResult,
    Change,
    Conflict,
    Option,
    PackagePreview,
)
from ylt_desktop.exchange.sealed import BAD_CONTENT, Keys, PackageRefused
from ylt_desktop.exchange.write import _write, recipients_of
from ylt_desktop.store import exchange as store

# The preview's model, planning and writing live in their own modules; their public names
# stay importable from here.
__all__ = [
    "ACTIONS",
    "CHANGED",
    "KINDS",
    "LEAD_OWNED",
    "NEW",
    "REMOVED",
    "ROTATION_VALUES",
    "UNCHANGED",
    "VALUE_LABELS",
    "ApplyResult",
    "Change",
    "Conflict",
    "Option",
    "PackagePreview",
    "apply_packages",
    "plan_package",
    "preview_packages",
    "recipients_of",
    "unresolved",
]


def _receiving(session: Session) -> str:
    """The lead's exchange id; refuses a member's database and a lead without a passphrase."""
    from ylt_desktop.store.institutions import get_consortium

    c = get_consortium(session)
    if c is None:
        raise PackageRefused("尚未创建医联体：请先完成首次使用设置")
    if c.db_kind == store.MEMBER:
        raise PackageRefused(
            "本数据库是成员库：成员单位的数据包只能由牵头单位的汇总库打开（成员库可以打开名册包）"
        )
    if not c.exchange_id:
        raise PackageRefused(
            "尚未设置数据交换口令：请由管理员先设置（命令行 ylt package passphrase）"
        )
    return c.exchange_id


def preview_packages(
    db: Any, paths: list[str | Path], *, passphrase: str, today: dt.date | None = None
) -> list[PackagePreview]:
    """Read and check each file and plan it against the lead's database; nothing is written.

    A wrong passphrase (it does not match the one set in this database) refuses the whole
    opening; a file's own problems refuse that file only (``PackagePreview.refusal``).

    Each usable package is then written as ``apply_packages`` writes it (the same planning,
    the same store commands and rules, oldest first, each conflict taking the package's own
    values), inside one transaction that is rolled back: a package that a store rule would
    refuse at 应用 is refused here already, naming the file, the record and the rule."""
    with db.session() as session:
        exchange_id = _receiving(session)
        from ylt_desktop.store.institutions import get_consortium
        from ylt_desktop.store.users import require

        own_name = get_consortium(session).name

        require(session, Permission.RECEIVE_PACKAGE)
        if store.passphrase_matches(session, passphrase) is False:
            raise PackageRefused("交换口令不正确，请重新输入（与本汇总库设置的交换口令不符）")
        keys = Keys(passphrase)
        previews: list[PackagePreview] = []
        for path in paths:
            preview = PackagePreview(Path(path), Path(path).name)
            try:
                pkg = read_package(
                    path, keys, kind=DATA, exchange_id=exchange_id, own_name=own_name
                )
            except PackageRefused as exc:
                preview.refusal = str(exc)
            else:
                _describe(preview, pkg)
            previews.append(preview)
        newest: dict[tuple[int, str], Package] = {}
        for p in previews:
            if p.package is not None:
                k = (p.member_id, str(p.quarter))
                if k not in newest or newest[k].created_at < p.package.created_at:
                    newest[k] = p.package
        readable = sorted(
            (p for p in previews if p.package is not None), key=lambda p: p.package.created_at
        )
        from ylt_desktop.store.tx import rolled_back

        with rolled_back(session):
            actor = require(session, Permission.RECEIVE_PACKAGE)
            for p in readable:
                _try_package(session, p, newest, actor.name, today or dt.date.today())
    return previews


def _try_package(session: Session, p: PackagePreview, batch: dict, by: str, today: dt.date) -> None:
    """Plan ``p`` and write it inside a savepoint that is always rolled back to (the outer
    transaction is rolled back too): fills ``p.changes``/``p.conflicts`` or ``p.refusal``.
    A package that passes stays written for the packages after it, as at 应用."""
    if store.accepted_package(session, p.package_id) is not None:
        p.duplicate = True
        return
    p.refusal = _refuse_early(session, p.package, batch)
    if p.refusal:
        return
    savepoint = session.begin_nested()
    try:
        plan = plan_package(session, p.package)
        p.changes, p.conflicts = plan.changes, plan.conflicts
        own = {c.key: c.options[0].member_id for c in plan.conflicts}
        _write(session, p, plan, own, by, today)
        session.flush()
    except PackageRefused as exc:
        p.refusal = str(exc)
    except RuleViolation as exc:
        p.refusal = "；".join(x.message for x in exc.problems if x.is_error) or str(exc)
    except (KeyError, TypeError, ValueError, AttributeError):
        p.refusal = BAD_CONTENT
    if p.refusal:
        # A refusal may quote the member's text (an agreement's title): no identity number.
        p.refusal = mask_identity_numbers(p.refusal)
        savepoint.rollback()
    else:
        savepoint.commit()  # released into the outer transaction, which is rolled back


def _describe(preview: PackagePreview, pkg: Package) -> None:
    preview.package = pkg
    preview.member_id, preview.member = pkg.member_id, pkg.member
    preview.quarter, preview.created_at = pkg.quarter, pkg.created_at
    preview.made_by, preview.package_id = pkg.made_by, pkg.package_id


# ---------------------------------------------------------------- apply


def unresolved(previews: list[PackagePreview], choices: dict[str, int] | None) -> list[Conflict]:
    choices = choices or {}
    return [c for p in previews if p.usable for c in p.conflicts if c.key not in choices]


def apply_packages(
    db: Any,
    previews: list[PackagePreview],
    *,
    choices: dict[str, int] | None = None,
    today: dt.date | None = None,
) -> ApplyResult:
    """Write every usable package of ``previews`` in one transaction, after a backup.

    Refused (nothing written): any preview refused (``PackageRefused`` naming the files), a
    conflict without a choice, the store's rules (``RuleViolation``). ``choices``: conflict
    key → the member id whose values stand."""
    from ylt_desktop.store.backup import backup_before
    from ylt_desktop.store.tx import all_or_nothing
    from ylt_desktop.store.users import require

    choices = dict(choices or {})
    refused = [p for p in previews if p.refusal]
    if refused:
        raise PackageRefused(
            "；".join(f"{p.file_name}：{p.refusal}" for p in refused) + "。未接收任何数据包"
        )
    usable = sorted((p for p in previews if p.usable), key=lambda p: p.created_at)
    skipped = [p for p in previews if p.duplicate]
    if not usable:
        return ApplyResult([], skipped, None)
    with db.session() as session:
        require(session, Permission.RECEIVE_PACKAGE)
    open_ = unresolved(usable, choices)
    if open_:
        raise RuleViolation([_unchosen(open_)])
    backup = backup_before(db, "package")
    with db.session() as session, all_or_nothing(session):
        actor = require(session, Permission.RECEIVE_PACKAGE)
        batch = {(p.member_id, str(p.quarter)): p.package for p in usable}
        for p in usable:
            why = _refuse_early(session, p.package, batch)
            if store.accepted_package(session, p.package_id) is not None:
                why = "该数据包已接收过"
            if why:
                raise PackageRefused(f"{p.file_name}：{why}。未接收任何数据包")
            try:
                plan = plan_package(session, p.package)
            except (KeyError, TypeError, ValueError, AttributeError):
                raise PackageRefused(f"{p.file_name}：{BAD_CONTENT}。未接收任何数据包") from None
            missing = [c for c in plan.conflicts if c.key not in choices]
            if missing:
                raise RuleViolation([_unchosen(missing)])
            _write(session, p, plan, choices, actor.name, today or dt.date.today())
            session.flush()
    return ApplyResult(usable, skipped, backup)


def _unchosen(conflicts: list[Conflict]):  # noqa: ANN202
    shown = "；".join(c.label for c in conflicts[:5])
    more = f" 等 {len(conflicts)} 处" if len(conflicts) > 5 else ""
    return error("choices", f"有数据冲突尚未选择采用哪一方的数据：{shown}{more}")

"""The indicators' targets: the template's defaults, overridden per consortium by an 管理员.

Overrides are kept in the setting table (one key per indicator, audited like every table),
so a county that sets its own 基层诊疗量占比 target (e.g. 55%) keeps it across versions of the
template. ``set_target(..., target=None)`` returns an indicator to the template's default.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ylt_desktop.domain.problems import RuleViolation, error
from ylt_desktop.domain.targets import (
    KEYS,
    IndicatorSpec,
    load_indicators,
    validate_target,
    with_overrides,
)
from ylt_desktop.paths import resource_path
from ylt_desktop.store.models import Setting
from ylt_desktop.store.tx import transaction

PREFIX = "indicator_target."


@lru_cache(maxsize=1)
def default_indicators() -> tuple[IndicatorSpec, ...]:
    return tuple(load_indicators(resource_path("templates", "targets.json")))


def target_overrides(session: Session) -> dict[str, dict[str, Any]]:
    stmt = select(Setting).where(Setting.key.startswith(PREFIX))
    found = {}
    for row in session.scalars(stmt):
        try:
            found[row.key.removeprefix(PREFIX)] = json.loads(row.value)
        except ValueError:
            continue
    return found


def indicator_specs(session: Session) -> list[IndicatorSpec]:
    """The indicators of 表7 with this consortium's targets."""
    return with_overrides(list(default_indicators()), target_overrides(session))


def ignored_targets(session: Session) -> list[str]:
    """What ``with_overrides`` leaves out, said: a stored target of this consortium that the
    rules refuse now (a share's target above 100 %, set before that was refused), one
    message each naming the indicator, the rule and the default 表7 uses instead."""
    overrides = target_overrides(session)
    out = []
    for spec in default_indicators():
        raw = overrides.get(spec.key)
        if raw is None:
            continue
        problems = validate_target(raw, name=spec.name, unit=spec.unit, key=spec.key)
        if problems:
            rule = "；".join(p.message for p in problems)
            out.append(
                f"本医联体为「{spec.name}」保存的目标无效：{rule}。表7 按模板的默认目标"
                f"判断达标；请由管理员在“目标值”中重新设置"
            )
    return out


def require_target_editor(session: Session) -> None:
    """Only an 管理员 may change targets (DESIGN §6): refused with who may."""
    from ylt_desktop.domain.roles import Permission
    from ylt_desktop.store.users import require

    require(session, Permission.MANAGE_TARGETS)


def set_target(session: Session, *, key: str, target: dict[str, Any] | None) -> None:
    """Set (or with ``None`` reset to the template's) the consortium's target of ``key``."""
    with transaction(session):
        require_target_editor(session)
        if key not in KEYS:
            raise RuleViolation([error("key", f"未知的指标“{key}”")])
        spec = {x.key: x for x in default_indicators()}.get(key)
        name, unit = (spec.name, spec.unit) if spec is not None else (key, None)
        problems = [] if target is None else validate_target(target, name=name, unit=unit, key=key)
        if problems:
            raise RuleViolation(problems)
        row = session.get(Setting, PREFIX + key)
        if target is None:
            if row is not None:
                session.delete(row)
            return
        text = json.dumps(target, ensure_ascii=False, sort_keys=True)
        if row is None:
            session.add(Setting(key=PREFIX + key, value=text))
        elif row.value != text:
            row.value = text

"""Roles and what each may do (DESIGN.md §6): one table, asked by the store and the UI alike.

填表人 (clerk) enters, imports, checks and exports with identity numbers masked; 审核人
(reviewer) also submits and reopens quarters, exports whole identity numbers and receives
members' data packages; 管理员 (admin) also manages users and targets, backs up and restores.
"""

from __future__ import annotations

import enum
import re

from ylt_desktop.domain.problems import Problem, RuleViolation, error

CLERK, REVIEWER, ADMIN = "clerk", "reviewer", "admin"
ROLES = (CLERK, REVIEWER, ADMIN)
ROLE_LABELS = {CLERK: "填表人", REVIEWER: "审核人", ADMIN: "管理员"}
ROLE_BY_LABEL = {label: role for role, label in ROLE_LABELS.items()}


class Permission(enum.Enum):
    """An action a role may be refused; the value is what the refusal says is restricted."""

    SUBMIT = "标记季度已报送"
    REOPEN = "重新打开已报送的季度"
    EXPORT_FULL_IDS = "导出完整证件号码"
    RECEIVE_PACKAGE = "接收成员单位的数据包"
    BACKUP = "备份数据库"
    RESTORE = "从备份恢复数据库"
    MANAGE_USERS = "管理用户"
    MANAGE_TARGETS = "设置监测指标的目标值"
    MANAGE_EXCHANGE = "设置数据交换口令"


_REVIEW = frozenset({REVIEWER, ADMIN})
_ADMIN = frozenset({ADMIN})
PERMISSIONS: dict[Permission, frozenset[str]] = {
    Permission.SUBMIT: _REVIEW,
    Permission.REOPEN: _REVIEW,
    Permission.EXPORT_FULL_IDS: _REVIEW,
    Permission.RECEIVE_PACKAGE: _REVIEW,
    Permission.BACKUP: _ADMIN,
    Permission.RESTORE: _ADMIN,
    Permission.MANAGE_USERS: _ADMIN,
    Permission.MANAGE_TARGETS: _ADMIN,
    Permission.MANAGE_EXCHANGE: _ADMIN,
}


def role_label(role: str) -> str:
    return ROLE_LABELS.get(role, role)


def may(role: str | None, permission: Permission) -> bool:
    return role in PERMISSIONS[permission]


def who_may(permission: Permission) -> str:
    """The roles that may, in Chinese: ``审核人或管理员``."""
    return "或".join(ROLE_LABELS[r] for r in ROLES if r in PERMISSIONS[permission])


def refusal(permission: Permission, *, name: str | None = None, role: str | None = None) -> str:
    """The refusal's message: who may, and who tried."""
    text = f"只有{who_may(permission)}可以{permission.value}"
    if name:
        text += f"（当前用户“{name}”是{role_label(role or '')}）"
    return text


MIN_PASSWORD = 8
MAX_NAME = 30
_NAME_RE = re.compile(r"^[^\s:：]+$")


def validate_user(*, name: str, role: str, password: str | None) -> list[Problem]:
    """A new user's (or a changed user's) fields; ``password=None`` leaves it unchecked."""
    problems = []
    name = (name or "").strip()
    if not name:
        problems.append(error("name", "请填写用户名"))
    elif len(name) > MAX_NAME:
        problems.append(error("name", f"用户名不能超过 {MAX_NAME} 个字符"))
    elif not _NAME_RE.match(name):
        problems.append(error("name", "用户名不能含空格或冒号"))
    if role not in ROLES:
        problems.append(error("role", "角色须为 填表人、审核人 或 管理员"))
    if password is not None:
        problems += password_problems(password)
    return problems


def password_problems(password: str) -> list[Problem]:
    if len(password or "") < MIN_PASSWORD:
        return [error("password", f"密码至少 {MIN_PASSWORD} 个字符")]
    return []


class NotAllowed(RuleViolation):
    """A store command refused because of the acting user's role (or nobody signed in)."""

    def __init__(self, message: str) -> None:
        super().__init__([error("user", message)])

"""Users, signing in, and the one permission check every restricted command calls.

The acting user travels with the session: ``Database.sign_in(actor)`` (or ``open_database(...,
user=actor)``) puts an ``Actor`` into ``session.info["user"]`` of every later session, and a
restricted store command starts with ``require(session, Permission.X)``, which refuses with a
Chinese message naming the roles that may (``domain/roles.py`` holds the table).

Passwords are kept only as scrypt hashes (``store/passwords.py``); five wrong passwords lock the
user for five minutes. A user who appears in the audit log is never deleted, only disabled.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from ylt_desktop.domain.problems import RuleViolation, error
from ylt_desktop.domain.roles import (
    ADMIN,
    NotAllowed,
    Permission,
    may,
    password_problems,
    refusal,
    role_label,
    validate_user,
)
from ylt_desktop.store.models import AuditEntry, QuarterEvent, User, by_codepoint
from ylt_desktop.store.passwords import hash_password, needs_rehash, verify_password
from ylt_desktop.store.tx import transaction

USER_KEY = "user"
MAX_FAILED = 5
LOCK_MINUTES = 5


@dataclass(frozen=True)
class Actor:
    """Who acts: a plain value read from ``User`` at sign-in (``id`` None: not a stored user)."""

    name: str
    role: str
    id: int | None = None

    @property
    def role_label(self) -> str:
        return role_label(self.role)


# Scripts and the test suite that open a database without signing in set this; the program
# and ``ylt`` never do (they sign a user in).
DEFAULT_ACTOR: Actor | None = None


class SignInRefused(RuleViolation):
    """Wrong name or password, a locked or a disabled user."""

    def __init__(self, message: str) -> None:
        super().__init__([error("password", message)])


def _now() -> dt.datetime:
    return dt.datetime.now().replace(microsecond=0)


def current_actor(session: Session) -> Actor | None:
    actor = session.info.get(USER_KEY)
    return actor if isinstance(actor, Actor) else None


def require_actor(actor: Actor | None, permission: Permission) -> Actor:
    """The check on a known actor (callers without a session: restore)."""
    if actor is None:
        raise NotAllowed(f"请先登录。{refusal(permission)}")
    if not may(actor.role, permission):
        raise NotAllowed(refusal(permission, name=actor.name, role=actor.role))
    return actor


def require(session: Session, permission: Permission) -> Actor:
    """Refuse (``NotAllowed``) unless the session's user may; the stored user's current role
    and state count, so a role changed or a user disabled since sign-in takes effect at once."""
    actor = current_actor(session)
    if actor is not None and actor.id is not None:
        user = session.get(User, actor.id)
        if user is None or not user.active:
            raise NotAllowed(f"用户“{actor.name}”已停用，请重新登录")
        actor = Actor(user.name, user.role, user.id)
    return require_actor(actor, permission)


def has_users(session: Session) -> bool:
    return bool(session.scalar(select(exists().where(User.id.is_not(None)))))


def has_admin(session: Session) -> bool:
    stmt = select(exists().where(User.role == ADMIN, User.active.is_(True)))
    return bool(session.scalar(stmt))


def list_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(by_codepoint(User.name))))


def get_user(session: Session, name: str) -> User | None:
    return session.scalar(select(User).where(User.name == (name or "").strip()))


def lock_ends(user: User, now: dt.datetime | None = None) -> dt.datetime | None:
    """When the user's lock ends, or None when the user is not locked (now): a lock that has
    ended, or one set while the PC's date was ahead (``_locked``), is none."""
    now = now or dt.datetime.now()
    return user.locked_until if _locked(user.locked_until, now) else None


def _locked(until: dt.datetime | None, now: dt.datetime) -> bool:
    """Locked until ``until``; a lock ending more than ``LOCK_MINUTES`` from now was set while
    the PC's date was ahead (corrected since): it has lasted its five minutes."""
    if until is None or until <= now:
        return False
    return until - now <= dt.timedelta(minutes=LOCK_MINUTES)


def authenticate(
    session: Session, *, name: str, password: str, now: dt.datetime | None = None
) -> Actor:
    """Sign in: the user's ``Actor``, or ``SignInRefused`` (the failure is counted first)."""
    now = now or _now()
    with transaction(session):
        user = get_user(session, name)
        if user is None:
            failure = "用户名或密码错误"
        elif _locked(user.locked_until, now):
            minutes = max(1, -(-int((user.locked_until - now).total_seconds()) // 60))
            failure = f"密码连续输错 {MAX_FAILED} 次，该用户已锁定，请 {minutes} 分钟后再试"
        elif not user.active:
            failure = "该用户已停用，请联系管理员"
        elif not verify_password(password or "", user.password_hash):
            user.failed_attempts = (user.failed_attempts or 0) + 1
            left = MAX_FAILED - user.failed_attempts
            if left <= 0:
                user.failed_attempts = 0
                user.locked_until = now + dt.timedelta(minutes=LOCK_MINUTES)
                failure = f"密码连续输错 {MAX_FAILED} 次，该用户已锁定 {LOCK_MINUTES} 分钟"
            else:
                failure = f"用户名或密码错误（再输错 {left} 次将锁定 {LOCK_MINUTES} 分钟）"
        else:
            failure = ""
            user.failed_attempts, user.locked_until = 0, None
            actor = Actor(user.name, user.role, user.id)
            if needs_rehash(user.password_hash):  # parameters raised since: hash again
                session.info[USER_KEY] = actor
                user.password_hash = hash_password(password)
    if failure:
        raise SignInRefused(failure)
    return actor


def _check_new(session: Session, *, name: str, role: str, password: str | None) -> None:
    problems = validate_user(name=name, role=role, password=password)
    if not problems and get_user(session, name) is not None:
        problems.append(error("name", f"用户名“{name.strip()}”已存在"))
    if problems:
        raise RuleViolation(problems)


def create_first_admin(session: Session, *, name: str, password: str) -> Actor:
    """The first 管理员 of a database that has none (first run, or an older database); refused
    once an active 管理员 exists (then an 管理员 adds users)."""
    with transaction(session):
        if has_admin(session):
            raise NotAllowed("已有管理员；新增用户请由管理员在“用户管理”中添加")
        _check_new(session, name=name, role=ADMIN, password=password)
        user = User(name=name.strip(), role=ADMIN, password_hash=hash_password(password))
        session.info[USER_KEY] = Actor(user.name, ADMIN)  # the audit log names the new admin
        session.add(user)
        session.flush()
        actor = Actor(user.name, user.role, user.id)
    return actor


def add_user(session: Session, *, name: str, role: str, password: str) -> User:
    with transaction(session):
        require(session, Permission.MANAGE_USERS)
        _check_new(session, name=name, role=role, password=password)
        user = User(name=name.strip(), role=role, password_hash=hash_password(password))
        session.add(user)
    return user


def _existing(session: Session, name: str) -> User:
    user = get_user(session, name)
    if user is None:
        raise RuleViolation([error("name", f"没有用户“{name}”")])
    return user


def _keep_an_admin(session: Session, user: User) -> None:
    others = select(func.count(User.id)).where(
        User.role == ADMIN, User.active.is_(True), User.id != user.id
    )
    if user.role == ADMIN and user.active and not session.scalar(others):
        raise RuleViolation([error("role", "至少要保留一位启用的管理员")])


def change_role(session: Session, *, name: str, role: str) -> User:
    with transaction(session):
        require(session, Permission.MANAGE_USERS)
        user = _existing(session, name)
        problems = validate_user(name=user.name, role=role, password=None)
        if problems:
            raise RuleViolation(problems)
        if role != ADMIN:
            _keep_an_admin(session, user)
        user.role = role
    return user


def reset_password(session: Session, *, name: str, password: str) -> User:
    """Set a new password (管理员); also lifts a lock."""
    with transaction(session):
        require(session, Permission.MANAGE_USERS)
        user = _existing(session, name)
        problems = password_problems(password)
        if problems:
            raise RuleViolation(problems)
        user.password_hash = hash_password(password)
        user.failed_attempts, user.locked_until = 0, None
    return user


def set_active(session: Session, *, name: str, active: bool) -> User:
    with transaction(session):
        require(session, Permission.MANAGE_USERS)
        user = _existing(session, name)
        if not active:
            _keep_an_admin(session, user)
        user.active = active
    return user


def delete_user(session: Session, *, name: str) -> None:
    """Only a user who never changed anything (not in the audit log): others are disabled."""
    with transaction(session):
        require(session, Permission.MANAGE_USERS)
        user = _existing(session, name)
        acted = session.scalar(select(exists().where(AuditEntry.user == user.name))) or (
            session.scalar(select(exists().where(QuarterEvent.by == user.name)))
        )
        if acted:
            raise RuleViolation(
                [error("name", f"用户“{user.name}”在操作日志中有记录，不能删除，只能停用")]
            )
        _keep_an_admin(session, user)
        session.delete(user)

"""Users, passwords, lock-out, and the roles each restricted store command enforces."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import text

from ylt_desktop.domain.problems import RuleViolation
from ylt_desktop.domain.roles import (
    ADMIN,
    CLERK,
    PERMISSIONS,
    REVIEWER,
    ROLES,
    NotAllowed,
    Permission,
    may,
    who_may,
)
from ylt_desktop.store import quarters, users
from ylt_desktop.store.audit import list_entries
from ylt_desktop.store.audit_verify import verify_chain
from ylt_desktop.store.backup import backup_copy
from ylt_desktop.store.models import Setting, User
from ylt_desktop.store.passwords import hash_password, needs_rehash, verify_password
from ylt_desktop.store.restore import restore_database
from ylt_desktop.store.users import Actor, SignInRefused


@pytest.fixture
def staffed(db):  # noqa: ANN001, ANN201
    """A database with an admin, a reviewer and a clerk; ``db`` acts as the admin."""
    with db.session() as s:
        admin = users.create_first_admin(s, name="管理员甲", password="admin-pass")
    db.sign_in(admin)
    with db.session() as s:
        users.add_user(s, name="审核人乙", role=REVIEWER, password="review-pass")
        users.add_user(s, name="填表人丙", role=CLERK, password="clerk-pass")
    return db


def _as(db, name: str, password: str) -> Actor:  # noqa: ANN001
    with db.session() as s:
        actor = users.authenticate(s, name=name, password=password)
    db.sign_in(actor)
    return actor


def test_hash_keeps_its_parameters_and_salt() -> None:
    one, two = hash_password("秘密口令123"), hash_password("秘密口令123")
    assert one != two  # a random salt each time
    assert one.startswith("scrypt$n=16,r=8,p=1$")
    assert verify_password("秘密口令123", one)
    assert not verify_password("秘密口令124", one)
    assert not verify_password("x", "md5$whatever")
    assert not needs_rehash(one)
    assert needs_rehash(one.replace("n=16", "n=32"))


def test_sign_in_and_five_wrong_passwords_lock_for_five_minutes(staffed) -> None:  # noqa: ANN001
    now = dt.datetime(2026, 11, 1, 9, 0)
    with staffed.session() as s:
        actor = users.authenticate(s, name="填表人丙", password="clerk-pass", now=now)
    assert (actor.name, actor.role) == ("填表人丙", CLERK)
    for left in (4, 3, 2, 1):
        with staffed.session() as s, pytest.raises(SignInRefused, match=f"再输错 {left} 次"):
            users.authenticate(s, name="填表人丙", password="wrong", now=now)
    with staffed.session() as s, pytest.raises(SignInRefused, match="已锁定 5 分钟"):
        users.authenticate(s, name="填表人丙", password="wrong", now=now)
    later = now + dt.timedelta(minutes=4)
    with staffed.session() as s, pytest.raises(SignInRefused, match="1 分钟后再试"):
        users.authenticate(s, name="填表人丙", password="clerk-pass", now=later)
    after = now + dt.timedelta(minutes=5, seconds=1)
    with staffed.session() as s:
        assert users.authenticate(s, name="填表人丙", password="clerk-pass", now=after).id
    with staffed.session() as s, pytest.raises(SignInRefused, match="用户名或密码错误"):
        users.authenticate(s, name="无此人", password="clerk-pass")


def test_a_lock_set_under_a_clock_set_ahead_lasts_five_minutes_at_most(staffed) -> None:  # noqa: ANN001
    # Five wrong passwords while the PC's date was a year ahead (a wrong date, corrected
    # since): the user stayed locked for that year ("请 525601 分钟后再试"); the only 管理员
    # could then not manage users at all. A lock never lasts longer than five minutes.
    ahead = dt.datetime(2027, 11, 1, 9, 0)
    for _ in range(5):
        with staffed.session() as s, pytest.raises(SignInRefused):
            users.authenticate(s, name="填表人丙", password="wrong", now=ahead)
    right = dt.datetime(2026, 11, 1, 9, 0)  # the date corrected
    with staffed.session() as s:
        assert users.authenticate(s, name="填表人丙", password="clerk-pass", now=right).id


def test_sign_in_bookkeeping_and_passwords_stay_out_of_the_audit_log(staffed) -> None:  # noqa: ANN001
    with staffed.session() as s, pytest.raises(SignInRefused):
        users.authenticate(s, name="填表人丙", password="wrong")
    with staffed.session() as s:
        entries = list_entries(s, table="app_user")
        stored = [u.password_hash for u in users.list_users(s)]
    assert [e.action for e in entries] == ["insert"] * 3  # no entry for the failed attempt
    for entry in entries:
        values = json.loads(entry.new_values)
        assert values["password_hash"] == "（已设置）"
        assert "failed_attempts" not in values
        assert not any(h in (entry.new_values or "") for h in stored)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("permission", list(Permission))
def test_require_follows_the_table(db, role: str, permission: Permission) -> None:  # noqa: ANN001
    db.sign_in(Actor("某人", role))
    with db.session() as s:
        if may(role, permission):
            assert users.require(s, permission).role == role
        else:
            with pytest.raises(NotAllowed) as err:
                users.require(s, permission)
            assert f"只有{who_may(permission)}可以{permission.value}" in str(err.value)


def test_the_table_is_the_design() -> None:
    assert who_may(Permission.REOPEN) == "审核人或管理员"
    assert who_may(Permission.MANAGE_USERS) == "管理员"
    assert all(ADMIN in roles for roles in PERMISSIONS.values())
    assert not any(CLERK in roles for roles in PERMISSIONS.values())


def test_nobody_signed_in_may_not_submit(db) -> None:  # noqa: ANN001
    db.sign_in(None)
    with db.session() as s, pytest.raises(NotAllowed, match="请先登录"):
        quarters.submit_quarter(s, quarter="2026Q3", by="某人")


def test_quarter_commands_per_role(staffed) -> None:  # noqa: ANN001
    _as(staffed, "填表人丙", "clerk-pass")
    with staffed.session() as s, pytest.raises(NotAllowed, match="只有审核人或管理员可以标记"):
        quarters.submit_quarter(s, quarter="2026Q3")
    with staffed.session() as s, pytest.raises(NotAllowed, match="导出完整证件号码"):
        quarters.log_full_id_export(s, quarter="2026Q3", reason="存档")
    _as(staffed, "审核人乙", "review-pass")
    with staffed.session() as s:
        lock = quarters.submit_quarter(s, quarter="2026Q3", by="冒名")
        assert lock.submitted_by == "审核人乙"  # the signed-in user, whatever ``by`` says
    _as(staffed, "填表人丙", "clerk-pass")
    with staffed.session() as s, pytest.raises(NotAllowed, match="只有审核人或管理员可以重新打开"):
        quarters.reopen_quarter(s, quarter="2026Q3", reason="更正")
    _as(staffed, "审核人乙", "review-pass")
    with staffed.session() as s, pytest.raises(RuleViolation, match="用途"):
        quarters.log_full_id_export(s, quarter="2026Q3", reason=" ")
    with staffed.session() as s:
        quarters.log_full_id_export(s, quarter="2026Q3", reason="院内存档")
        quarters.reopen_quarter(s, quarter="2026Q3", reason="更正床位")
        events = [(e.action, e.by, e.reason) for e in quarters.quarter_events(s, "2026Q3")]
    assert events == [
        ("submit", "审核人乙", ""),
        ("full_ids", "审核人乙", "院内存档"),
        ("reopen", "审核人乙", "更正床位"),
    ]


def test_a_role_changed_since_sign_in_counts_at_once(staffed) -> None:  # noqa: ANN001
    reviewer = _as(staffed, "审核人乙", "review-pass")
    staffed.sign_in(Actor("管理员甲", ADMIN, 1))
    with staffed.session() as s:
        users.change_role(s, name="审核人乙", role=CLERK)
    staffed.sign_in(reviewer)
    with staffed.session() as s, pytest.raises(NotAllowed, match="填表人"):
        quarters.submit_quarter(s, quarter="2026Q3")


def test_user_management_is_for_the_admin(staffed) -> None:  # noqa: ANN001
    for name, password in (("填表人丙", "clerk-pass"), ("审核人乙", "review-pass")):
        _as(staffed, name, password)
        with staffed.session() as s, pytest.raises(NotAllowed, match="只有管理员可以管理用户"):
            users.add_user(s, name="新人", role=CLERK, password="12345678")
        with staffed.session() as s, pytest.raises(NotAllowed):
            users.reset_password(s, name="管理员甲", password="12345678")
    _as(staffed, "管理员甲", "admin-pass")
    with staffed.session() as s:
        with pytest.raises(RuleViolation, match="已存在"):
            users.add_user(s, name="填表人丙", role=CLERK, password="12345678")
        with pytest.raises(RuleViolation, match="至少 8 个字符"):
            users.add_user(s, name="新人", role=CLERK, password="short")
        users.add_user(s, name="新人", role=CLERK, password="12345678")
        users.reset_password(s, name="填表人丙", password="new-clerk-pass")
        users.set_active(s, name="审核人乙", active=False)
        with pytest.raises(RuleViolation, match="至少要保留一位启用的管理员"):
            users.change_role(s, name="管理员甲", role=CLERK)
        with pytest.raises(RuleViolation, match="不能删除，只能停用"):
            users.delete_user(s, name="管理员甲")  # the admin added users: in the log
        users.delete_user(s, name="新人")  # never changed anything
        assert [u.name for u in users.list_users(s)] == sorted(["管理员甲", "审核人乙", "填表人丙"])
    with staffed.session() as s, pytest.raises(SignInRefused, match="已停用"):
        users.authenticate(s, name="审核人乙", password="review-pass")
    assert _as(staffed, "填表人丙", "new-clerk-pass").role == CLERK


def test_a_write_needs_a_signed_in_user_once_users_exist(staffed) -> None:  # noqa: ANN001
    staffed.sign_in(None)
    with staffed.session() as s, pytest.raises(NotAllowed, match="请先登录"):
        s.add(Setting(key="k", value="v"))
        s.commit()
    _as(staffed, "填表人丙", "clerk-pass")
    with staffed.session() as s:
        s.add(Setting(key="k", value="v"))
        s.commit()
        assert list_entries(s, table="setting")[0].user == "填表人丙"


def test_first_admin_only_once(staffed) -> None:  # noqa: ANN001
    with staffed.session() as s, pytest.raises(NotAllowed, match="已有管理员"):
        users.create_first_admin(s, name="另一位", password="12345678")


@pytest.mark.sqlite_only(
    "restores a file; a server database's restore: tests/store/test_pg_backup.py"
)
def test_restore_over_a_database_with_users_needs_the_admin(staffed, tmp_path) -> None:  # noqa: ANN001
    copy = backup_copy(staffed.path, reason="manual")
    staffed.close()
    with pytest.raises(NotAllowed, match="只有管理员可以从备份恢复数据库"):
        restore_database(copy, staffed.path, actor=Actor("填表人丙", CLERK, 3))
    assert restore_database(copy, staffed.path, actor=Actor("管理员甲", ADMIN, 1)) is not None


def test_the_audit_chain_names_the_first_altered_entry(staffed) -> None:  # noqa: ANN001
    with staffed.session() as s:
        for n in range(3):
            s.add(Setting(key=f"k{n}", value=str(n)))
            s.commit()
        report = verify_chain(s)
        assert report.ok and report.entries >= 6
        target = list_entries(s, table="setting")[-1].id  # the oldest setting entry
    staffed.close()
    with staffed.engine.begin() as conn:  # outside the program: no audit entry of its own
        conn.execute(text("UPDATE audit_entry SET \"user\"='别人' WHERE id=:id"), {"id": target})
    with staffed.session() as s:
        report = verify_chain(s)
    assert report.first_bad_id == target
    assert f"第 {target} 条" in report.problems[0]


def test_the_audit_chain_notices_a_removed_entry(staffed) -> None:  # noqa: ANN001
    with staffed.session() as s:
        count = verify_chain(s).entries
    with staffed.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_entry WHERE id=2"))
    with staffed.session() as s:
        report = verify_chain(s)
    assert report.entries == count - 1
    assert report.first_bad_id == 2 and "已被删除" in report.problems[0]


def test_user_rows_are_plain(staffed) -> None:  # noqa: ANN001
    with staffed.session() as s:
        user = s.get(User, 1)
        assert user.name == "管理员甲" and user.role == ADMIN and user.active
        assert user.password_hash.startswith("scrypt$")

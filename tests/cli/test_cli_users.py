"""``ylt`` signs a user in and obeys the same role rules as the store; ``ylt users``;
``ylt audit verify`` names an entry altered with plain SQL (outside the program)."""

from __future__ import annotations

import pytest

from ylt_desktop.cli import main
from ylt_desktop.demo.users import DEMO_PASSWORDS, DEMO_USERS
from ylt_desktop.store import users

Q = "2026Q3"


@pytest.fixture
def demo(demo_target) -> str:  # noqa: ANN001
    return demo_target  # a copy of the demo: a file, or a database on the test server


def _as(monkeypatch, name: str) -> None:  # noqa: ANN001
    monkeypatch.setenv("YLT_USER", name)
    monkeypatch.setenv("YLT_PASSWORD", DEMO_PASSWORDS[name])


def _run(capsys, *argv: str) -> tuple[int, str, str]:  # noqa: ANN001
    capsys.readouterr()
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_demo_has_one_user_per_role(demo, capsys) -> None:  # noqa: ANN001
    code, out, _ = _run(capsys, "users", "list", "--db", demo)
    assert code == 0
    assert sorted(line.split("\t")[1] for line in out.splitlines()[1:]) == [
        "填表人",
        "审核人",
        "管理员",
    ]
    assert len(DEMO_USERS) == 3


def test_clerk_is_refused_what_the_reviewer_may(demo, tmp_path, capsys, monkeypatch) -> None:  # noqa: ANN001
    out_dir = str(tmp_path / "out")
    _as(monkeypatch, "clerk")
    refused = [
        (["submit", "--quarter", Q], "只有审核人或管理员可以标记季度已报送"),
        (
            ["export", "--quarter", Q, "--out", out_dir, "--xlsx-only", "--full-ids",
             "--id-reason", "存档"],
            "只有审核人或管理员可以导出完整证件号码",
        ),
        (["backup"], "只有管理员可以备份数据库"),
        (["users", "list"], "只有管理员可以管理用户"),
        (["restore", demo], "只有管理员可以从备份恢复数据库"),
    ]  # fmt: skip
    for argv, words in refused:
        code, _, err = _run(capsys, *argv, "--db", demo)
        assert code == 1, argv
        assert words in err and "当前用户“clerk”是填表人" in err
    # The refused export made the folder for its files and, having written none, removed it.
    assert not (tmp_path / "out").exists()
    code, out, _ = _run(capsys, "export", "--quarter", Q, "--out", out_dir, "--xlsx-only",
                        "--db", demo)  # fmt: skip
    assert code == 0 and out.strip().endswith(".xlsx")

    _as(monkeypatch, "reviewer")
    assert _run(capsys, "submit", "--quarter", Q, "--db", demo)[0] == 0
    code, _, err = _run(capsys, "export", "--quarter", Q, "--out", out_dir, "--xlsx-only",
                        "--full-ids", "--db", demo)  # fmt: skip
    assert code == 1 and "用途" in err
    code, _, _ = _run(capsys, "export", "--quarter", Q, "--out", out_dir, "--xlsx-only",
                      "--full-ids", "--id-reason", "院内存档", "--db", demo)  # fmt: skip
    assert code == 0
    _as(monkeypatch, "clerk")
    code, _, err = _run(capsys, "reopen", "--quarter", Q, "--reason", "更正", "--db", demo)
    assert code == 1 and "只有审核人或管理员可以重新打开已报送的季度" in err
    _as(monkeypatch, "reviewer")
    assert _run(capsys, "reopen", "--quarter", Q, "--reason", "更正", "--db", demo)[0] == 0
    code, out, _ = _run(capsys, "audit", "--table", "quarter_event", "--json", "--db", demo)
    assert [r["user"] for r in __import__("json").loads(out)] == ["reviewer"] * 3


def test_admin_manages_users(demo, capsys, monkeypatch) -> None:  # noqa: ANN001
    _as(monkeypatch, "admin")
    monkeypatch.setenv("YLT_NEW_PASSWORD", "new-user-pass")
    assert _run(capsys, "users", "add", "小李", "--role", "审核人", "--db", demo)[0] == 0
    assert _run(capsys, "users", "role", "小李", "填表人", "--db", demo)[0] == 0
    assert _run(capsys, "users", "disable", "clerk", "--db", demo)[0] == 0
    code, _, err = _run(capsys, "users", "delete", "admin", "--db", demo)
    assert code == 1 and "只能停用" in err
    assert _run(capsys, "users", "delete", "小李", "--db", demo)[0] == 0
    _as(monkeypatch, "clerk")
    code, _, err = _run(capsys, "institutions", "list", "--db", demo)
    assert code == 1 and "已停用" in err


def test_wrong_password_and_lock_out(demo, capsys, monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setenv("YLT_USER", "clerk")
    monkeypatch.setenv("YLT_PASSWORD", "not-the-password")
    for _ in range(5):
        code, out, err = _run(capsys, "institutions", "list", "--db", demo)
        assert code == 1 and out == ""
    assert "已锁定" in err
    _as(monkeypatch, "clerk")
    code, _, err = _run(capsys, "institutions", "list", "--db", demo)
    assert code == 1 and "分钟后再试" in err
    assert "not-the-password" not in err


def test_password_comes_from_a_prompt_never_an_argument(demo, capsys, monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.delenv("YLT_PASSWORD")
    monkeypatch.setattr("getpass.getpass", lambda prompt="": "clerk-demo")
    code, _, _ = _run(capsys, "institutions", "list", "--user", "clerk", "--db", demo)
    assert code == 0
    with pytest.raises(SystemExit):
        main(["institutions", "list", "--password", "x", "--db", demo])


def test_a_database_without_users_says_how_to_make_the_admin(tmp_path, capsys, monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setattr(users, "DEFAULT_ACTOR", None)
    db = str(tmp_path / "empty.sqlite")
    from ylt_desktop.store.db import open_database

    open_database(db).close()  # an empty database (or one from before users)
    code, _, err = _run(capsys, "institutions", "list", "--db", db)
    assert code == 2 and "ylt users add-admin" in err
    monkeypatch.setenv("YLT_NEW_PASSWORD", "first-admin-pass")
    assert _run(capsys, "users", "add-admin", "--name", "老王", "--db", db)[0] == 0
    code, _, err = _run(capsys, "users", "add-admin", "--name", "老张", "--db", db)
    assert code == 1 and "已有管理员" in err
    monkeypatch.setenv("YLT_USER", "老王")
    monkeypatch.setenv("YLT_PASSWORD", "first-admin-pass")
    assert _run(capsys, "institutions", "list", "--db", db)[0] == 0


def _outside(target: str, sql: str, **params: object) -> list | None:
    """``sql`` run on the database as another tool would (plain SQL: no audit entry of its own)."""
    from sqlalchemy import create_engine, text

    from ylt_desktop.store import server

    url = server.sqlalchemy_url(target) if server.is_server_url(target) else f"sqlite:///{target}"
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            result = conn.execute(text(sql), params)
            return result.fetchall() if result.returns_rows else None
    finally:
        engine.dispose()


def test_audit_verify_names_an_entry_altered_outside(demo, capsys) -> None:  # noqa: ANN001
    code, out, _ = _run(capsys, "audit", "verify", "--db", demo)
    assert code == 0 and "哈希链无误" in out
    _outside(
        demo, "UPDATE audit_entry SET new_values = replace(new_values, '3', '4') WHERE id = 57"
    )
    code, _, err = _run(capsys, "audit", "verify", "--db", demo)
    assert code == 1 and "操作日志第 57 条" in err and "被修改" in err


def test_audit_verify_notices_a_scan_rewritten_with_its_hash(demo, capsys) -> None:  # noqa: ANN001
    import hashlib

    from ylt_desktop.store.attachments import attach
    from ylt_desktop.store.db import open_database
    from ylt_desktop.store.models import Agreement

    db = open_database(demo)
    with db.session() as s:
        agreement_id = s.query(Agreement.id).first()[0]
        attach(s, agreement_id=agreement_id, file_name="协议.pdf", content=b"%PDF-1.4 scan")
    db.close()
    assert _run(capsys, "audit", "verify", "--db", demo)[0] == 0
    att_id, content = _outside(demo, "SELECT id, content FROM attachment LIMIT 1")[0]
    forged = bytes(content) + b"%forged"
    _outside(
        demo,
        "UPDATE attachment SET content=:c, sha256=:h, size=:n WHERE id=:id",
        c=forged, h=hashlib.sha256(forged).hexdigest(), n=len(forged), id=att_id,
    )  # fmt: skip
    code, _, err = _run(capsys, "audit", "verify", "--db", demo)
    assert code == 1 and f"附件 {att_id}" in err


def test_an_import_is_logged_under_the_signed_in_user(demo, tmp_path, capsys, monkeypatch) -> None:  # noqa: ANN001
    import json

    from tests.importing.conftest import INST_HEADER, village, write_book

    book = write_book(tmp_path / "v.xlsx", [INST_HEADER, village(901)])
    _as(monkeypatch, "clerk")
    code, _, err = _run(capsys, "import", "institutions", str(book), "--db", demo)
    assert code == 0, err
    code, out, _ = _run(capsys, "audit", "--table", "成员单位", "--json", "--db", demo)
    newest = json.loads(out)[0]
    assert newest["user"] == "clerk" and newest["action"] == "insert"


def test_a_users_problem_is_not_labelled_with_an_institutions_field(
    demo, capsys, monkeypatch
) -> None:  # noqa: ANN001, E501
    # Problems of users carry the fields name and role; they were printed under the
    # institution's labels: '错误	医联体角色	至少要保留一位启用的管理员', '错误	机构名称	用户名…'.
    _as(monkeypatch, "admin")
    monkeypatch.setenv("YLT_NEW_PASSWORD", "new-user-pass")
    code, _, err = _run(capsys, "users", "role", "admin", "填表人", "--db", demo)
    assert code == 1 and "至少要保留一位启用的管理员" in err
    code, _, err2 = _run(capsys, "users", "add", "小 李", "--role", "审核人", "--db", demo)
    assert code == 1 and "用户名不能含空格" in err2
    for said in (err, err2):
        assert "医联体角色" not in said and "机构名称" not in said, said


def test_users_list_shows_only_a_lock_that_holds(demo, capsys) -> None:  # noqa: ANN001
    """锁定至 names a lock in force; one that has ended, or one set while the PC's date was
    ahead (it lasts five minutes at most: 43066cc), shows nothing, as sign-in treats them."""
    import datetime as dt

    from sqlalchemy import update

    from ylt_desktop.store.db import open_database
    from ylt_desktop.store.models import User

    now = dt.datetime.now().replace(microsecond=0)
    locks = {
        "clerk": now + dt.timedelta(minutes=3),  # in force
        "reviewer": now - dt.timedelta(minutes=1),  # ended
        "admin": now.replace(year=now.year + 1),  # set under a clock a year ahead
    }
    assert set(locks) == {user[0] for user in DEMO_USERS}
    db = open_database(demo)
    with db.session() as s, s.begin():
        for name, until in locks.items():
            s.execute(update(User).where(User.name == name).values(locked_until=until))
    db.close()
    code, out, _ = _run(capsys, "users", "list", "--db", demo)  # as the admin: not locked
    assert code == 0, out
    shown = {line.split("\t")[0]: line.split("\t")[3] for line in out.splitlines()[1:]}
    assert shown == {"clerk": locks["clerk"].isoformat(sep=" "), "reviewer": "", "admin": ""}

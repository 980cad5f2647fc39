"""测试连接 without a server: the local file's answers, an unreachable server, a bad address,
and how the driver's errors are read (the PostgreSQL half runs against a real server)."""

from __future__ import annotations

import socket
import sqlite3

import pytest

from ylt_desktop.store import connect
from ylt_desktop.store.connect import ServerChoice, check_connection


def test_a_server_choice_keeps_no_password() -> None:
    choice = ServerChoice.from_url("postgresql://县域填报:secret@192.168.1.10:6543/医共体")
    assert choice == ServerChoice("192.168.1.10", "医共体", "县域填报", 6543)
    assert "secret" not in choice.url()
    assert ServerChoice.from_url(choice.url()) == choice  # what is remembered reads back
    assert ServerChoice.from_url("postgres://ylt@server/ylt").port == connect.DEFAULT_PORT
    local = ServerChoice.from_url("postgresql://ylt@/ylt?host=/run/postgresql&port=5433")
    assert local == ServerChoice("/run/postgresql", "ylt", "ylt", 5433)  # a socket folder
    assert ServerChoice.from_url(local.url()) == local and local.problems() == []


def test_a_server_choice_names_what_is_missing() -> None:
    problems = ServerChoice("", "", "", 0).problems()
    assert problems == [
        "请填写服务器地址（计算机名或 IP 地址）",
        "端口须在 1 到 65535 之间（默认 5432）",
        "请填写数据库名",
        "请填写用户名",
    ]
    assert ServerChoice("a b", "ylt", "ylt").problems() == ["服务器地址不能含空格、“/”或“@”"]


def test_our_database_file_connects(db) -> None:  # noqa: ANN001
    result = check_connection(db.location)
    assert (result.ok, result.reason) == (True, connect.OK)
    assert result.message.startswith("连接成功")


def test_a_missing_file_is_a_new_database(tmp_path) -> None:  # noqa: ANN001
    result = check_connection(tmp_path / "new.sqlite")
    assert (result.ok, result.reason) == (True, connect.EMPTY)
    assert not (tmp_path / "new.sqlite").exists()  # nothing was made by asking


def test_another_programs_file_is_refused(tmp_path) -> None:  # noqa: ANN001
    other = tmp_path / "other.sqlite"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    result = check_connection(other)
    assert (result.ok, result.reason) == (False, connect.NOT_YLT)
    assert "不是本程序的数据库" in result.message
    text = tmp_path / "notes.sqlite"
    text.write_text("这不是数据库" * 100, encoding="utf-8")
    assert check_connection(text).ok is False


def test_an_older_database_needs_an_upgrade(tmp_path) -> None:  # noqa: ANN001
    from alembic import command

    from ylt_desktop.store.db import alembic_config, make_engine

    path = tmp_path / "old.sqlite"
    engine = make_engine(path)
    command.upgrade(alembic_config(engine), "0008")
    engine.dispose()
    result = check_connection(path)
    assert (result.ok, result.reason) == (True, connect.NEEDS_MIGRATION)
    assert "需要升级" in result.message
    conn = sqlite3.connect(path)
    conn.execute("UPDATE alembic_version SET version_num = '9999'")
    conn.commit()
    conn.close()
    result = check_connection(path)
    assert (result.ok, result.reason) == (False, connect.NEWER)
    assert "比本程序新" in result.message


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # nobody listens there once closed


def test_an_unreachable_server_is_said_plainly() -> None:
    result = check_connection(f"postgresql://ylt@127.0.0.1:{_closed_port()}/ylt", timeout=3)
    assert (result.ok, result.reason) == (False, connect.UNREACHABLE)
    assert result.message.startswith("无法连接数据库服务器")
    assert "refused" not in result.message.lower()  # the driver's English is not shown


def test_an_incomplete_address_is_refused_before_connecting() -> None:
    result = check_connection("postgresql://@/ylt")
    assert (result.ok, result.reason) == (False, connect.BAD_ADDRESS)
    assert "请填写服务器地址" in result.message and "请填写用户名" in result.message


class _Error(Exception):
    def __init__(self, text: str, sqlstate: str | None = None) -> None:
        super().__init__(text)
        self.sqlstate = sqlstate


@pytest.mark.parametrize(
    ("text", "sqlstate", "reason"),
    [
        ('connection failed: FATAL:  password authentication failed for user "ylt"', None,
         connect.PASSWORD_WRONG),
        ("connection failed: fe_sendauth: no password supplied", None, connect.PASSWORD_NEEDED),
        ('connection failed: FATAL:  database "xian" does not exist', None, connect.NO_DATABASE),
        ('致命错误:  用户 "ylt" Password 认证失败', None, connect.PASSWORD_WRONG),
        ('致命错误:  数据库 "xian" 不存在', None, connect.NO_DATABASE),
        ("anything", "28P01", connect.PASSWORD_WRONG),
        ('FATAL:  no pg_hba.conf entry for host "10.0.0.5"', None, connect.REFUSED),
        ("connection failed: Connection refused", None, connect.UNREACHABLE),
        ("could not translate host name \"x\" to address", None, connect.UNREACHABLE),
    ],
)  # fmt: skip
def test_driver_errors_are_read_as_reasons(text: str, sqlstate: str | None, reason: str) -> None:
    assert connect.classify(_Error(text, sqlstate)) == reason

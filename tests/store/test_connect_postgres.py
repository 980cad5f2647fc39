"""测试连接 against a real PostgreSQL server (the session's throw-away cluster): our database,
an empty one, a missing one, another program's, and a password that is wrong, missing, typed
or in PGPASSWORD (libpq's own conventions)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ylt_desktop.store import connect
from ylt_desktop.store.connect import check_connection

PASSWORD = "县域-geheim-1"


def test_our_database_on_the_server_connects(pg_url) -> None:  # noqa: ANN001
    result = check_connection(pg_url)
    assert (result.ok, result.reason) == (True, connect.OK)
    assert result.message.startswith("连接成功")


def test_an_empty_and_a_missing_database(pg_cluster) -> None:  # noqa: ANN001
    name = pg_cluster.new_name("empty")
    url = pg_cluster.create_database(name)
    try:
        result = check_connection(url)
        assert (result.ok, result.reason) == (True, connect.EMPTY)
        assert "空数据库" in result.message
    finally:
        pg_cluster.drop_database(name)
    result = check_connection(pg_cluster.url("no_such_database"))
    assert (result.ok, result.reason) == (False, connect.NO_DATABASE)
    assert "没有这个数据库" in result.message


def test_another_programs_database_is_refused(pg_cluster) -> None:  # noqa: ANN001
    import psycopg

    name = pg_cluster.new_name("other")
    url = pg_cluster.create_database(name)
    try:
        with psycopg.connect(host=str(pg_cluster.dir), port=pg_cluster.port, user="ylt",
                             dbname=name, autocommit=True) as conn:  # fmt: skip
            conn.execute("CREATE TABLE orders (id int)")
        result = check_connection(url)
        assert (result.ok, result.reason) == (False, connect.NOT_YLT)
        assert "不是本程序的数据库" in result.message
    finally:
        pg_cluster.drop_database(name)


@pytest.fixture
def clerk_url(pg_cluster, pg_url) -> Iterator[str]:  # noqa: ANN001
    """``pg_url`` for a user ``clerk`` who must give a password (scram-sha-256): a first line
    in the cluster's pg_hba.conf, taken out again afterwards."""
    hba = pg_cluster.data / "pg_hba.conf"
    before = hba.read_text()
    pg_cluster.execute(f"CREATE ROLE clerk LOGIN PASSWORD '{PASSWORD}'")
    hba.write_text("local all clerk scram-sha-256\n" + before)
    pg_cluster.execute("SELECT pg_reload_conf()")
    try:
        yield pg_url.replace("postgresql://ylt@", "postgresql://clerk@")
    finally:
        hba.write_text(before)
        pg_cluster.execute("SELECT pg_reload_conf()")
        pg_cluster.execute("DROP ROLE IF EXISTS clerk")


def test_a_password_missing_wrong_typed_or_from_pgpassword(clerk_url, monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.delenv("PGPASSWORD", raising=False)
    monkeypatch.setenv("PGPASSFILE", "/nonexistent/pgpass")  # not the machine's own file
    result = check_connection(clerk_url)
    assert (result.ok, result.reason) == (False, connect.PASSWORD_NEEDED)
    assert "要求输入密码" in result.message
    result = check_connection(clerk_url, password="wrong")
    assert (result.ok, result.reason) == (False, connect.PASSWORD_WRONG)
    assert "用户名或密码不对" in result.message
    assert "wrong" not in result.message and "authentication" not in result.message
    result = check_connection(clerk_url, password=PASSWORD)
    assert result.ok and result.message.startswith("连接成功")
    monkeypatch.setenv("PGPASSWORD", PASSWORD)  # libpq's own source: no prompt needed
    assert check_connection(clerk_url).ok

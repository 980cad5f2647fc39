"""The program opened on a PostgreSQL server's address (``--db postgresql://…``): the database is
the server's, and a password the server asks for (and libpq found nowhere) is typed into a
password box, used, and kept nowhere."""

from __future__ import annotations

from PySide6.QtWidgets import QInputDialog, QWidget

from ylt_desktop import app
from ylt_desktop.store import server

SECRET = "Ser-ver-pass-ui"


def test_the_program_opens_a_server_address(qtbot, pg_url) -> None:  # noqa: ANN001
    args = app.parse_args(["--db", pg_url])
    assert args.db == pg_url  # kept as typed, not made a path
    window = QWidget()
    qtbot.addWidget(window)
    db = app._open(window, args)
    assert db is not None and db.on_server and db.location.startswith("postgresql://ylt@")
    db.close()


def test_a_server_password_is_asked_for(qtbot, pg_cluster, tmp_path, monkeypatch) -> None:  # noqa: ANN001
    from tests.conftest import pg_database

    role = "ui_pw"
    pg_cluster.execute(f"CREATE ROLE {role} LOGIN PASSWORD '{SECRET}'")
    hba = pg_cluster.data / "pg_hba.conf"
    hba.write_text(f"local all {role} scram-sha-256\n" + hba.read_text())
    pg_cluster.execute("SELECT pg_reload_conf()")
    monkeypatch.delenv("PGPASSWORD", raising=False)
    monkeypatch.setenv("PGPASSFILE", str(tmp_path / "none"))
    asked = []

    def typed(parent, title, label, echo):  # noqa: ANN001, ANN202
        asked.append((label, echo))
        return SECRET, True

    monkeypatch.setattr(QInputDialog, "getText", typed)
    with pg_database(pg_cluster, None) as url:
        name = server.sqlalchemy_url(url).database
        pg_cluster.execute(f'ALTER DATABASE "{name}" OWNER TO {role}')
        url = url.replace("postgresql://ylt@", f"postgresql://{role}@")
        window = QWidget()
        qtbot.addWidget(window)
        db = app._open(window, app.parse_args(["--db", url]))
        assert db is not None and db.on_server
        assert "要求输入密码" in asked[0][0] and SECRET not in db.location
        db.close()

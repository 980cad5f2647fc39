"""What must behave the same on an SQLite file and on a PostgreSQL server (DESIGN §8): the order
of Chinese names, times in UTC, texts longer than a column's declared length, audit numbering."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from ylt_desktop.domain.roles import CLERK
from ylt_desktop.store import users
from ylt_desktop.store.models import AuditEntry, Setting, by_codepoint

D = dt.date
NAMES = ["张三", "李四", "阿丽", "王五", "赵六", "Zhang", "abc", "钱七", "孙八", "周九", "吴十"]


def test_chinese_names_are_ordered_by_code_point_on_both_engines(db) -> None:  # noqa: ANN001
    with db.session() as s:
        for n, name in enumerate(NAMES):
            users.add_user(s, name=name, password=f"pass-{n:04d}x", role=CLERK)
        listed = [u.name for u in users.list_users(s)]
        settings = [f"键{name}" for name in NAMES]
        for key in settings:
            s.add(Setting(key=key, value=""))
        s.commit()
        ordered = s.scalars(
            select(Setting.key).where(Setting.key.like("键%")).order_by(by_codepoint(Setting.key))
        ).all()
    # Python's str order is code point order: what SQLite's BINARY collation gives.
    assert listed == sorted(listed) and set(NAMES) <= set(listed)
    assert ordered == sorted(settings)
    assert ordered.index("键Zhang") < ordered.index("键abc") < ordered.index("键吴十")


def test_server_times_are_utc_on_both_engines(db) -> None:  # noqa: ANN001
    with db.session() as s:
        users.add_user(s, name="时刻", password="pass-0000x", role=CLERK)
        s.expire_all()
        at = users.get_user(s, "时刻").created_at  # CURRENT_TIMESTAMP of the engine
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    assert at.tzinfo is None
    assert abs((now - at).total_seconds()) < 300


def test_a_text_longer_than_its_column_is_kept_on_both_engines(db) -> None:  # noqa: ANN001
    long_key = "很长的设置名" * 30  # 180 characters in a String(100) column
    with db.session() as s:
        s.add(Setting(key=long_key, value="v"))
        s.commit()
        assert s.get(Setting, long_key).value == "v"


def test_audit_entries_are_numbered_one_after_another(db) -> None:  # noqa: ANN001
    with db.session() as s:
        for n in range(5):
            s.add(Setting(key=f"n{n}", value=str(n)))
            s.commit()
        ids = s.scalars(select(AuditEntry.id).order_by(AuditEntry.id)).all()
    assert ids == list(range(ids[0], ids[0] + len(ids))) and len(ids) >= 5


def test_unindexed_compares_and_orders_as_the_column_on_both_engines(db) -> None:  # noqa: ANN001
    """``unindexed(col)`` keeps SQLite off the column's index (``+col``) and changes no
    answer: dates compare and sort as the column's own, on both engines."""
    from sqlalchemy import or_
    from sqlalchemy.dialects import postgresql, sqlite

    from tests.helpers.people import small_world
    from ylt_desktop.store.models import Rotation, unindexed

    starts = [D(2026, 9, 30), D(2026, 10, 1), D(2024, 1, 5), D(2026, 7, 1), D(2026, 9, 30)]
    with db.session() as s:
        ids = small_world(s)
        for n, start in enumerate(starts):
            s.add(Rotation(staff_id=ids["王"], from_id=ids["县医院"], to_id=ids["大树"],
                           form="派驻", direction="下沉", start=start,
                           end=None if n % 2 else start))  # fmt: skip
        s.commit()

        def found(col) -> list:  # noqa: ANN001
            stmt = (
                select(Rotation.id, Rotation.start)
                .where(
                    col <= D(2026, 9, 30),
                    or_(Rotation.end.is_(None), Rotation.end >= D(2024, 2, 1)),
                )
                .order_by(col, Rotation.id)
            )
            return s.execute(stmt).all()

        plain, wrapped = found(Rotation.start), found(unindexed(Rotation.start))
    assert wrapped == plain
    assert [d for _, d in wrapped] == [D(2026, 7, 1), D(2026, 9, 30), D(2026, 9, 30)]
    stmt = select(Rotation.id).where(unindexed(Rotation.start) <= D(2026, 9, 30))
    assert "+rotation.start" in str(stmt.compile(dialect=sqlite.dialect()))
    assert "+" not in str(stmt.compile(dialect=postgresql.dialect()))

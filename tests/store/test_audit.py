"""The audit log: inserts, updates and deletes with old and new values, in the same transaction."""

from __future__ import annotations

import datetime as dt
import hashlib
import json

import pytest
from sqlalchemy import select

from ylt_desktop.domain.codes import make_uscc
from ylt_desktop.domain.institution import InstitutionData
from ylt_desktop.store import audit
from ylt_desktop.store import institutions as store
from ylt_desktop.store.audit import list_entries, set_user
from ylt_desktop.store.models import Agreement, Attachment, AuditEntry, Setting
from ylt_desktop.store.tx import all_or_nothing


def hospital(name: str = "审计县人民医院", body: str = "12345678", **kw) -> InstitutionData:  # noqa: ANN003
    values = dict(
        name=name,
        uscc=make_uscc("12", "360428", body),
        division="360428",
        category="综合医院",
        level="二级甲等",
        joined=dt.date(2020, 1, 1),
        staff_total=100,
        health_tech_staff=80,
        doctors=30,
        nurses=40,
    )
    values.update(kw)
    return InstitutionData(**values)


def entries(db) -> list[AuditEntry]:  # noqa: ANN001
    with db.session() as s:
        return list(s.scalars(select(AuditEntry).order_by(AuditEntry.id)))


def test_insert_update_delete_are_recorded_with_values(db) -> None:  # noqa: ANN001
    with db.session() as s:
        set_user(s, "张三")
        inst_id = store.create_institution(s, data=hospital()).id
        data = store.to_data(s.get(store.Institution, inst_id))
        data.beds_actual = 321
        store.update_institution(s, institution_id=inst_id, data=data)
        store.delete_institution(s, institution_id=inst_id)
    found = entries(db)
    # the unit's first 等级变更记录 entry is recorded with it, and deleted with it
    assert [(e.table_name, e.action) for e in found if e.table_name != "institution"] == [
        ("institution_level", "insert"), ("institution_level", "delete")
    ]  # fmt: skip
    ins, upd, dele = [e for e in found if e.table_name == "institution"]
    assert [e.action for e in (ins, upd, dele)] == ["insert", "update", "delete"]
    assert {e.table_name for e in (ins, upd, dele)} == {"institution"}
    assert {e.record_id for e in (ins, upd, dele)} == {str(inst_id)}
    assert {e.user for e in (ins, upd, dele)} == {"张三"}
    new = json.loads(ins.new_values)
    assert new["name"] == "审计县人民医院" and new["joined"] == "2020-01-01"
    assert ins.old_values is None
    assert json.loads(upd.old_values) == {"beds_actual": 0}
    assert json.loads(upd.new_values) == {"beds_actual": 321}
    assert json.loads(dele.old_values)["beds_actual"] == 321
    assert dele.new_values is None
    assert abs(ins.at - dt.datetime.now()) < dt.timedelta(minutes=1)


def test_user_falls_back_to_the_os_user_and_can_be_set_for_a_database(db, monkeypatch) -> None:  # noqa: ANN001
    # Only on a database without users and with nobody signed in (a new or older database).
    monkeypatch.setattr(audit.getpass, "getuser", lambda: "clerk1")
    db.sign_in(None)
    with db.session() as s:
        s.add(Setting(key="a", value="1"))
        s.commit()
    set_user(db, "李四")
    with db.session() as s:
        s.add(Setting(key="b", value="2"))
        s.commit()
    assert [e.user for e in entries(db)] == ["clerk1", "李四"]
    assert entries(db)[0].record_id == "a"


def test_rollback_leaves_no_audit_row(db) -> None:  # noqa: ANN001
    with db.session() as s, pytest.raises(RuntimeError), all_or_nothing(s):
        store.create_institution(s, data=hospital())
        store.create_institution(s, data=hospital(name="第二医院", body="87654321"))
        raise RuntimeError("power cut")
    assert entries(db) == []
    with db.session() as s:
        assert store.count_institutions(s) == 0


def test_binary_content_is_recorded_as_size_and_hash(db) -> None:  # noqa: ANN001
    content = b"%PDF-1.4 scan" * 100
    with db.session() as s:
        inst = store.create_institution(s, data=hospital())
        agreement = Agreement(number="XY-1", title="协议", kind="远程会诊", provider_id=inst.id)
        s.add(agreement)
        s.flush()
        s.add(
            Attachment(
                agreement_id=agreement.id,
                file_name="scan.pdf",
                sha256=hashlib.sha256(content).hexdigest(),
                size=len(content),
                content=content,
            )
        )
        s.commit()
    with db.session() as s:
        (row,) = list_entries(s, table="attachment")
    recorded = json.loads(row.new_values)["content"]
    assert recorded == {"size": len(content), "sha256": hashlib.sha256(content).hexdigest()}
    assert "PDF" not in row.new_values


def test_list_entries_filters(db) -> None:  # noqa: ANN001
    with db.session() as s:
        a = store.create_institution(s, data=hospital()).id
        store.create_institution(s, data=hospital(name="乡镇卫生院", body="87654321"))
        store.delete_institution(s, institution_id=a)
        s.add(Setting(key="x", value="y"))
        s.commit()
        # and each unit's first 等级变更记录 entry, the deleted unit's deleted with it
        assert len(list_entries(s)) == 4 + 2 + 1
        assert [e.table_name for e in list_entries(s, action="delete")] == [
            "institution_level", "institution"
        ]  # fmt: skip
        assert len(list_entries(s, table="institution")) == 3
        assert len(list_entries(s, text="乡镇卫生院")) == 1
        today = dt.date.today()
        assert len(list_entries(s, since=today, until=today)) == 7
        assert list_entries(s, since=today + dt.timedelta(days=1)) == []
        assert list_entries(s, until=today - dt.timedelta(days=1)) == []
        assert list_entries(s)[0].table_name == "setting"  # newest first


def test_every_new_sessionmaker_is_audited_even_at_a_freed_ones_address(db) -> None:  # noqa: ANN001
    """A database opened after another was closed (a restore, say) must be audited too.
    SQLAlchemy's ``event.contains`` keys by id(): a new sessionmaker at the address of a freed
    one looked registered until the garbage collector ran, and got no audit hook."""
    import gc

    from sqlalchemy import func
    from sqlalchemy.orm import sessionmaker

    gc.disable()  # keep freed Session classes (and their stale registrations) around
    try:
        for n in range(30):
            sessions = sessionmaker(db.engine, expire_on_commit=False)
            audit.install_audit(sessions)
            audit.install_audit(sessions)  # twice on one sessionmaker: still one hook
            with sessions() as s:
                s.add(Setting(key=f"k{n}", value="v"))
                s.commit()
                count = s.scalar(select(func.count()).select_from(AuditEntry))
            assert count == n + 1, f"round {n}: no audit entry"
            del sessions, s
    finally:
        gc.enable()


def test_a_quarter_in_the_audit_log_reads_as_the_forms_say_it() -> None:
    from ylt_desktop.store.audit_text import show

    assert show("quarter_lock", "quarter", "2026Q3") == "2026年第3季度"
    assert show("quarter_event", "quarter", "2026Q4") == "2026年第4季度"
    assert show("quarter_event", "quarter", "第三季度") == "第三季度"  # not a key: as it is

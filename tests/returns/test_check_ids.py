"""An identity number saved in a printed text before the rules refused one (a person's name, a
rotation's 备注, an agreement's 协议名称) would be printed unmasked on the signed return: the
pre-export check warns about each, naming the record and the field, never quoting the number
(nor does the rare-character warning that quotes such a text); the export is not blocked."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import update

from tests.helpers.people import ric
from tests.returns.sample import Q3
from ylt_desktop.returns.check import check_quarter
from ylt_desktop.store.models import Agreement, Rotation, Staff
from ylt_desktop.store.tx import transaction

SOMEONE = ric(dt.date(1975, 3, 8), "男", 7)
RULE = "中含有居民身份证号码：报表会原样印出（不脱敏）"


def test_printed_texts_with_an_identity_number_are_warned_about(sample_db) -> None:  # noqa: ANN001
    ids = sample_db.ids
    with sample_db.session() as s, transaction(s):  # an older program took them
        s.execute(update(Rotation).where(Rotation.id == ids["r1"]).values(note=f"驻点 {SOMEONE}"))
        s.execute(update(Agreement).values(title=f"协议 联系人{SOMEONE}"))
        s.execute(update(Staff).where(Staff.id == ids["s2"]).values(name=f"李𬭚 {SOMEONE}"))
    with sample_db.session() as s:
        items = check_quarter(s, Q3, cover_fields={"preparer": "张三"})
    assert not any(SOMEONE in i.message for i in items)
    found = [i for i in items if RULE in i.message]
    assert found and not any(i.is_error for i in found)  # the export is not blocked
    kinds = {(i.kind, i.field) for i in found}
    assert {("rotation", "note"), ("agreement", "title"), ("rotation", "staff_id")} <= kinds
    assert any(i.record_id == ids["r1"] and i.field == "note" for i in found)
    rare = [i for i in items if "〓" in i.message and i.field == "staff_id"]
    assert rare and "李𬭚" in rare[0].message  # still quoted, the number masked


def test_no_warning_without_one(sample_db) -> None:  # noqa: ANN001
    with sample_db.session() as s:
        items = check_quarter(s, Q3, cover_fields={"preparer": "张三"})
    assert not [i for i in items if RULE in i.message]


def test_a_cover_field_typed_with_one_blocks_the_export(sample_db) -> None:  # noqa: ANN001
    """Typed for this export (``ylt export --preparer …``, or a field the page refused to
    remember): an error naming the field; kept as the cover was saved before: a warning."""
    from ylt_desktop.store.settings import set_setting

    cover = {"unit_head": "张三", "preparer": f"李四 {SOMEONE}"}
    with sample_db.session() as s:
        items = check_quarter(s, Q3, cover_fields=cover)
    assert not any(SOMEONE in i.message for i in items)
    found = [i for i in items if i.kind == "cover" and i.field == "preparer"]
    assert [
        (i.is_error, i.message.startswith("封面“填表人”中含有居民身份证号码")) for i in found
    ] == [(True, True)]
    with sample_db.session() as s:
        set_setting(s, key="return.cover", value=cover)  # an older program saved it
    with sample_db.session() as s:
        items = check_quarter(s, Q3, cover_fields=cover)
    found = [i for i in items if i.kind == "cover" and i.field == "preparer"]
    assert [(i.is_error, RULE in i.message) for i in found] == [(False, True)]

"""The shared table model and proxy, without widgets: filtering, sorting, mapping back."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt

from ylt_desktop.ui.widgets.predicate_proxy import PredicateFilterProxy
from ylt_desktop.ui.widgets.table_model import Column, RecordTableModel


@dataclass
class Rec:
    name: str
    beds: int | None


class RecModel(RecordTableModel[Rec]):
    columns = (
        Column("名称", lambda r: r.name, searchable=True),
        Column("床位", lambda r: r.beds, align_right=True),
    )


def make(qapp, recs):  # noqa: ANN001, ANN201
    model = RecModel()
    model.set_rows(recs)
    proxy = PredicateFilterProxy()
    proxy.setSourceModel(model)
    return model, proxy


def shown(model, proxy) -> list[str]:  # noqa: ANN001
    return [
        model.row_record(proxy.mapToSource(proxy.index(r, 0)).row()).name
        for r in range(proxy.rowCount())
    ]


RECS = [
    Rec("青山镇卫生院", 40),
    Rec("县人民医院", 600),
    Rec("东湖村卫生室", None),
    Rec("大树镇卫生院", 20),
]


def test_every_typed_word_must_match(qapp) -> None:  # noqa: ANN001
    model, proxy = make(qapp, RECS)
    proxy.set_search("卫生院")
    assert shown(model, proxy) == ["青山镇卫生院", "大树镇卫生院"]
    proxy.set_search("卫生院 大树")
    assert shown(model, proxy) == ["大树镇卫生院"]
    proxy.set_search("")
    assert len(shown(model, proxy)) == 4 == model.total_count()


def test_sort_puts_empty_first_and_keeps_the_filter(qapp) -> None:  # noqa: ANN001
    model, proxy = make(qapp, RECS)
    proxy.set_search("卫生")
    proxy.sort(1, Qt.SortOrder.AscendingOrder)
    assert shown(model, proxy) == ["东湖村卫生室", "大树镇卫生院", "青山镇卫生院"]
    proxy.sort(1, Qt.SortOrder.DescendingOrder)
    assert shown(model, proxy) == ["青山镇卫生院", "大树镇卫生院", "东湖村卫生室"]


def test_predicates_combine_with_words_and_survive_new_rows(qapp) -> None:  # noqa: ANN001
    model, proxy = make(qapp, RECS)
    proxy.set_predicate("big", lambda r: (r.beds or 0) >= 40)
    assert shown(model, proxy) == ["青山镇卫生院", "县人民医院"]
    proxy.set_search("镇")
    assert shown(model, proxy) == ["青山镇卫生院"]
    model.set_rows([*RECS, Rec("新塘镇卫生院", 80)])
    assert shown(model, proxy) == ["青山镇卫生院", "新塘镇卫生院"]
    proxy.set_predicate("big", None)
    proxy.set_search("")
    assert len(shown(model, proxy)) == 5

"""Templates are data: the default loads, mistakes are reported together, other layouts work."""

from __future__ import annotations

import json

import pytest

from tests.returns.sample import Q3
from ylt_desktop.returns.rows import quarter_rows
from ylt_desktop.returns.templates import TemplateError, default_template_path, load_template


def _raw() -> dict:
    return json.loads(default_template_path().read_text(encoding="utf-8"))


def test_default_loads():
    t = load_template()
    assert [s.key for s in t.tables] == [
        "members", "rotations", "rotation_summary", "agreements", "agreement_summary",
        "figures", "county_figures", "indicators",
    ]  # fmt: skip
    assert t.tables[0].title == "表1 成员单位基本情况表" and t.notes


def test_mistakes_are_listed_together(tmp_path):  # noqa: ANN001
    raw = _raw()
    cols = raw["tables"][0]["columns"]
    cols[1]["source"] = "nmae"
    cols[2]["kind"] = "money"
    cols[3]["total"] = True  # a text column
    raw["tables"][1]["sheet"] = "表2/明细"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(TemplateError) as exc:
        load_template(path)
    text = str(exc.value)
    for part in ("tables[0].columns[1].source", "nmae", "tables[0].columns[2].kind",
                 "tables[0].columns[3].total", "表2/明细"):  # fmt: skip
        assert part in text
    path.write_text("{ not json", encoding="utf-8")
    with pytest.raises(TemplateError, match="不是有效的 JSON"):
        load_template(path)


def test_one_column_per_measure(sample_db, tmp_path):  # noqa: ANN001
    raw = _raw()
    agreements = raw["tables"][3]
    agreements["columns"] = agreements["columns"][:3] + [
        {"source": "volume:影像诊断例数", "header": "影像诊断例数", "kind": "int", "group": "本季度服务量"},
        {"source": "volume:上转人次", "header": "上转人次", "kind": "int", "group": "本季度服务量"},
    ]  # fmt: skip
    agreements["total"] = True
    path = tmp_path / "province.json"
    path.write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
    with sample_db.session() as s:
        ret = quarter_rows(s, Q3, cover_fields={}, template=load_template(path))
    table = ret.tables[3]
    assert table.header_height == 2
    assert table.total_row[3:] == [1210, 30]

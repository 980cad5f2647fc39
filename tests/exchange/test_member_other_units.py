"""A member's database (成员库) changes no other unit's profile (walk3): the roster brings those
and the member's data package carries its own profile only (DESIGN §7), so a change made there
never reached the lead, and the next roster put the lead's back, without a word."""

from __future__ import annotations

import dataclasses

import pytest
from openpyxl import Workbook

from tests.exchange.world import LEAD, A, B, unit_ids
from ylt_desktop.domain.problems import RuleViolation
from ylt_desktop.importing import import_file
from ylt_desktop.store import institutions, institutions_bulk


def _data(s, name: str):  # noqa: ANN001, ANN202
    return institutions.to_data(s.get(institutions.Institution, unit_ids(s)[name]))


def test_another_units_profile_is_refused_and_its_own_is_kept(member) -> None:  # noqa: ANN001
    with member.session() as s:
        ids = unit_ids(s)
        lead = dataclasses.replace(_data(s, LEAD), phone="0792-9999999")
        with pytest.raises(RuleViolation) as refused:
            institutions.update_institution(s, institution_id=ids[LEAD], data=lead)
        message = str(refused.value)
        assert f"“{A}”的成员库" in message and f"“{LEAD}”" in message and "牵头单位" in message
        with pytest.raises(RuleViolation) as refused:  # the bulk command (imports) as well
            institutions_bulk.update_institutions(
                s,
                rows=[(ids[A], _data(s, A)), (ids[B], dataclasses.replace(_data(s, B), phone="1"))],
            )
        assert refused.value.row == 1 and f"“{B}”" in str(refused.value)
        own = dataclasses.replace(_data(s, A), phone="0792-1234567")
        institutions.update_institution(s, institution_id=ids[A], data=own)
    with member.session() as s:
        assert _data(s, A).phone == "0792-1234567"
        assert _data(s, LEAD).phone != "0792-9999999"


def test_an_import_rejects_another_units_row_in_its_dry_run(member, tmp_path) -> None:  # noqa: ANN001
    with member.session() as s:
        lead, own = _data(s, LEAD), _data(s, A)
    wb = Workbook()
    ws = wb.active
    ws.append(["机构名称", "统一社会信用代码", "实有床位"])
    ws.append([own.name, own.uscc, own.beds_actual + 1])
    ws.append([lead.name, lead.uscc, lead.beds_actual + 1])
    path = tmp_path / "成员单位.xlsx"
    wb.save(path)
    report = import_file(member, "institutions", path)
    assert report.counts["rejected"] == 1 and report.counts["changed"] == 1, report.counts
    assert any(LEAD in p.message and "成员库" in p.message for p in report.problems)

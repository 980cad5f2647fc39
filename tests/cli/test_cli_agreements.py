"""``ylt agreements list``: agreements in force in a quarter, their status and volumes."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from ylt_desktop.cli import main
from ylt_desktop.domain.agreement import AgreementData
from ylt_desktop.domain.codes import make_uscc
from ylt_desktop.domain.institution import InstitutionData
from ylt_desktop.store import agreements, institutions

D = dt.date


def _setup(db) -> None:  # noqa: ANN001
    with db.session() as s:
        a, b = (
            institutions.create_institution(
                s,
                data=InstitutionData(
                    name=name,
                    uscc=make_uscc("12", "360428", body),
                    division="360428",
                    category="综合医院",
                    level="二级",
                    joined=D(2020, 1, 1),
                ),
            ).id
            for name, body in (("甲医院", "11111111"), ("乙卫生院", "22222222"))
        )
        common = dict(kind="双向转诊绿色通道", provider_id=a, recipient_ids=[b])
        agreements.create_agreement(
            s,
            data=AgreementData(
                number="A-1",
                title="绿色通道",
                effective_from=D(2026, 1, 1),
                effective_to=D(2026, 8, 15),
                volumes={("2026Q3", "上转人次"): 12, ("2026Q2", "上转人次"): 30},
                **common,
            ),
        )
        agreements.create_agreement(
            s,
            data=AgreementData(
                number="A-2",
                title="已终止",
                effective_from=D(2026, 1, 1),
                terminated_on=D(2026, 7, 1),
                termination_reason="撤销",
                **common,
            ),
        )
        agreements.create_agreement(s, data=AgreementData(number="A-3", title="草案", **common))


def test_list_json(db, capsys) -> None:  # noqa: ANN001
    _setup(db)
    assert main(["agreements", "list", "--quarter", "2026Q3", "--db", db.location, "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["number"] for r in rows] == ["A-1"]
    (row,) = rows
    assert row["status"] == "到期"  # at the quarter's end, 15 August is past
    assert row["recipients"] == ["乙卫生院"] and row["provider"] == "甲医院"
    assert row["volumes"] == {"上转人次": 12}


def test_list_tsv_and_bad_quarter(db, capsys) -> None:  # noqa: ANN001
    _setup(db)
    assert main(["agreements", "list", "--quarter", "2026q2", "--db", db.location]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split("\t")[0] == "协议编号"
    assert [line.split("\t")[0] for line in lines[1:]] == ["A-1", "A-2"]
    assert lines[1].endswith("上转人次 30")
    with pytest.raises(SystemExit) as exit_:
        main(["agreements", "list", "--quarter", "2026-7", "--db", db.location])
    assert exit_.value.code == 2
    assert "2026Q3" in capsys.readouterr().err


def test_list_tsv_shows_a_large_amount_whole(db, capsys) -> None:  # noqa: ANN001
    """A 配送金额(元) of 1,234,567.89 was listed as "1.23457e+06" (6 significant digits):
    a clerk checking the quarter read 1,234,570 or nothing at all."""
    _setup(db)
    with db.session() as s:
        (found,) = (a for a in agreements.list_agreements(s) if a.number == "A-1")
        data = agreements.to_data(found)
        data.volumes[("2026Q2", "上转人次")] = 1234567.89
        agreements.update_agreement(s, agreement_id=found.id, data=data)
    assert main(["agreements", "list", "--quarter", "2026Q2", "--db", db.location]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[1].endswith("上转人次 1234567.89"), lines[1]

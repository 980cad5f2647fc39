"""An import checks each institution row's own rules once (the plan), and the store's bulk
commands take those rows without checking them again, yet still refuse a row changed since
its check or one never checked, and still check what needs the database (issue #18)."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from tests.importing.conftest import INST_HEADER, village, write_book
from ylt_desktop.domain import institution as domain
from ylt_desktop.domain.institution import InstitutionData, checked, normalized_and_checked
from ylt_desktop.domain.problems import RuleViolation
from ylt_desktop.importing import import_file
from ylt_desktop.store import institutions_bulk


def _village(n: int) -> InstitutionData:
    return InstitutionData(
        name=f" 测试村{n}卫生室 ",
        division="360428",
        category="村卫生室",
        joined=dt.date(2024, 1, 1),
    )


def test_the_proof_holds_only_for_the_values_checked() -> None:
    d, problems = normalized_and_checked(_village(1))
    assert problems == [] and checked(d) and d.name == "测试村1卫生室"
    assert not checked(_village(1))  # never checked
    assert not checked(dataclasses.replace(d))  # a copy is checked again
    assert d == d.normalized()  # the proof is no field: equality as before
    d.division = ""
    assert not checked(d)
    bad, problems = normalized_and_checked(InstitutionData(name="x", division=""))
    assert problems and not checked(bad)


def test_the_store_refuses_a_checked_row_changed_since(lead_db) -> None:  # noqa: ANN001
    good, _ = normalized_and_checked(_village(1))
    changed, _ = normalized_and_checked(_village(2))
    changed.category = "不存在的类别"
    with lead_db.session() as s, pytest.raises(RuleViolation) as info:
        institutions_bulk.create_institutions(s, rows=[good, changed])
    assert info.value.row == 1 and "机构类别" in str(info.value)
    with lead_db.session() as s:  # a name taken is the database's to say, checked or not
        institutions_bulk.create_institutions(s, rows=[good])
    again, _ = normalized_and_checked(_village(1))
    with lead_db.session() as s, pytest.raises(RuleViolation, match="已存在"):
        institutions_bulk.create_institutions(s, rows=[again])


def test_an_import_checks_each_row_once(tmp_path, lead_db, monkeypatch) -> None:  # noqa: ANN001
    calls = []
    real = domain.validate_normalized

    def counting(d: InstitutionData) -> list:
        calls.append(d.name)
        return real(d)

    monkeypatch.setattr(domain, "validate_normalized", counting)
    monkeypatch.setattr(institutions_bulk, "validate_normalized", counting)
    path = write_book(tmp_path / "a.xlsx", [INST_HEADER] + [village(i) for i in range(1, 61)])
    report = import_file(lead_db, "institutions", path, dry_run=False)
    assert report.new == 60 and report.written
    assert sorted(calls) == sorted(f"测试村{i}卫生室" for i in range(1, 61))
    calls.clear()  # and again, every row changed: the updates too
    path = write_book(
        tmp_path / "b.xlsx", [INST_HEADER] + [village(i, beds=3) for i in range(1, 61)]
    )
    report = import_file(lead_db, "institutions", path, dry_run=False)
    assert report.changed == 60 and report.written
    assert len(calls) == 60


@pytest.mark.parametrize("how", ["copy", "deepcopy", "pickle"])
def test_a_copy_carrying_the_proof_and_changed_since_is_checked_again(lead_db, how) -> None:  # noqa: ANN001
    """rev5's attack on 530a0a4: copy.copy, deepcopy and pickle copy ``__dict__``, the proof
    with it; a copy changed afterwards must be checked again, on creation and on update."""
    import copy
    import pickle

    make = {"copy": copy.copy, "deepcopy": copy.deepcopy,
            "pickle": lambda d: pickle.loads(pickle.dumps(d))}[how]  # fmt: skip
    good, _ = normalized_and_checked(_village(1))
    twin = make(good)
    assert checked(twin)  # the same values: the proof rightly holds
    twin.doctors, twin.health_tech_staff = 5, 1  # 医师多于卫生技术人员
    assert checked(good) and not checked(twin)
    with lead_db.session() as s, pytest.raises(RuleViolation, match="卫生技术人员"):
        institutions_bulk.create_institutions(s, rows=[twin])
    with lead_db.session() as s:
        [inst_id] = institutions_bulk.create_institutions(s, rows=[good])
    later = make(good)
    later.category = "不存在的类别"
    with lead_db.session() as s, pytest.raises(RuleViolation, match="机构类别"):
        institutions_bulk.update_institutions(s, rows=[(inst_id, later)])

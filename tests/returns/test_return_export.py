"""export_quarter: file names, the pre-export check, and atomic writes under cancel and failure."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest

from tests.returns.sample import Q3
from ylt_desktop.returns import files
from ylt_desktop.returns.check import check_quarter, errors_in
from ylt_desktop.returns.files import Cancelled, ExportBlocked, export_quarter, file_stem
from ylt_desktop.store.models import Agreement, Institution, Rotation


@pytest.fixture
def out(tmp_path):  # noqa: ANN001, ANN201
    return tmp_path / "out"


def _export(db, out, **kw):  # noqa: ANN001, ANN003, ANN202
    out.mkdir(exist_ok=True)
    with db.session() as s:
        return export_quarter(s, Q3, out, cover_fields={"preparer": "陈"}, **kw)


def test_files_named_and_written(sample_db, out):  # noqa: ANN001
    seen = []
    paths = _export(sample_db, out, progress=lambda d, t: seen.append((d, t)))
    assert [p.name for p in paths] == [
        "测试县医共体_2026Q3_季度报表.xlsx",
        "测试县医共体_2026Q3_季度报表.pdf",
    ]
    assert all(p.stat().st_size > 1000 for p in paths)
    assert sorted(x.name for x in out.iterdir()) == sorted(p.name for p in paths)
    assert seen[-1] == (100, 100) and [d for d, _ in seen] == sorted(d for d, _ in seen)
    assert file_stem('a/b:c*"', Q3) == "a_b_c___2026Q3_季度报表"


def test_only_one_kind(sample_db, out):  # noqa: ANN001
    (path,) = _export(sample_db, out, pdf=False)
    assert path.suffix == ".xlsx"


def _old_files(out):  # noqa: ANN001, ANN202
    stem = "测试县医共体_2026Q3_季度报表"
    out.mkdir(exist_ok=True)
    old = {out / f"{stem}.xlsx": b"old workbook", out / f"{stem}.pdf": b"old pdf"}
    for path, data in old.items():
        path.write_bytes(data)
    return old


def _assert_untouched(out, old):  # noqa: ANN001
    assert sorted(out.iterdir()) == sorted(old)  # no temporary file left over
    for path, data in old.items():
        assert path.read_bytes() == data


@pytest.mark.parametrize("stop_after", [3, 40])
def test_cancel_midway_leaves_old_files(sample_db, out, stop_after):  # noqa: ANN001
    old = _old_files(out)
    calls = [0]

    def cancel() -> bool:
        calls[0] += 1
        return calls[0] > stop_after

    # Progress every row so the cancel is polled often enough to fall inside a writer.
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr("ylt_desktop.returns.xlsx.TICK", 1)
        with pytest.raises(Cancelled):
            _export(sample_db, out, cancel=cancel)
    assert calls[0] > stop_after
    _assert_untouched(out, old)


def test_cancel_in_pdf_after_xlsx_done(sample_db, out):  # noqa: ANN001
    old = _old_files(out)
    state = {"pdf": False}
    real = files._jobs

    def jobs(xlsx, pdf):  # noqa: ANN001, ANN202
        out = real(xlsx, pdf)
        writer = out[1][1]

        def pdf_writer(*a, **k):  # noqa: ANN002, ANN003, ANN202
            state["pdf"] = True
            return writer(*a, **k)

        return [out[0], (".pdf", pdf_writer)]

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(files, "_jobs", jobs)
        with pytest.raises(Cancelled):
            _export(sample_db, out, cancel=lambda: state["pdf"])
    _assert_untouched(out, old)


def test_writer_failure_leaves_old_files(sample_db, out):  # noqa: ANN001
    old = _old_files(out)

    def broken(ret, path, **_):  # noqa: ANN001, ANN003, ANN202
        path.write_bytes(b"half")
        raise OSError("disk full")

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr("ylt_desktop.returns.pdf.write_pdf", broken)
        with pytest.raises(OSError, match="disk full"):
            _export(sample_db, out)
    _assert_untouched(out, old)


def test_success_replaces_old_file(sample_db, out):  # noqa: ANN001
    old = _old_files(out)
    paths = _export(sample_db, out)
    assert all(p.read_bytes() != old[p] for p in paths)
    assert openpyxl.load_workbook(paths[0]).sheetnames[0] == "封面"


def _break_things(db):  # noqa: ANN001
    ids = db.ids
    with db.session() as s, s.begin():
        s.get(Institution, ids["A"]).uscc = None  # a township centre must have one
        r = s.get(Rotation, ids["r2"])  # 坐诊/巡诊: days must be entered
        (figures,) = [q for q in r.quarters if q.quarter == "2026Q3"]
        figures.days = None
        a = s.get(Agreement, ids["g4"])
        a.volumes = [v for v in a.volumes if v.measure != "下转人次"]


def test_check_finds_problems_with_records(sample_db, out):  # noqa: ANN001
    with sample_db.session() as s:
        assert errors_in(check_quarter(s, Q3, today=dt.date(2026, 11, 1))) == []
        early = check_quarter(s, Q3, today=dt.date(2026, 9, 1))
        early = [i for i in early if i.kind != "figures"]  # no 运行指标 in the sample: warnings
        assert [i.kind for i in early] == ["quarter"] and not early[0].is_error
    _break_things(sample_db)
    with sample_db.session() as s:
        items = errors_in(check_quarter(s, Q3, today=dt.date(2026, 11, 1)))
    found = {(i.kind, i.record_id) for i in items}
    ids = sample_db.ids
    assert ("institution", ids["A"]) in found
    assert ("rotation", ids["r2"]) in found
    assert ("agreement", ids["g4"]) in found
    assert any("下转人次" in i.message for i in items)
    assert all(i.message for i in items)
    old = _old_files(out)
    with pytest.raises(ExportBlocked) as exc:
        _export(sample_db, out)
    assert len(errors_in(exc.value.items)) == len(items)
    _assert_untouched(out, old)


def test_lead_unit_missing(sample_db):  # noqa: ANN001
    with sample_db.session() as s, s.begin():
        s.get(Institution, sample_db.ids["L"]).role = "成员单位"
    with sample_db.session() as s:
        items = check_quarter(s, Q3, today=dt.date(2026, 11, 1))
    assert any(i.is_error and "牵头单位" in i.message and i.record_id is None for i in items)

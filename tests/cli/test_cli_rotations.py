"""``ylt staff list`` and ``ylt rotations list`` on a small consortium."""

from __future__ import annotations

import datetime as dt
import json

from tests.helpers.people import add_person, consortium
from ylt_desktop.cli import main
from ylt_desktop.domain.rotation import QuarterFigures, RotationData
from ylt_desktop.store import rotations
from ylt_desktop.store.models import Staff


def test_staff_and_rotation_lists(db, capsys) -> None:  # noqa: ANN001
    with db.session() as s:
        ids = consortium(s)
        staff_id = add_person(s, ids["县医院"])
        number = s.get(Staff, staff_id).id_number
        for start, end in (
            (dt.date(2026, 6, 1), dt.date(2026, 8, 31)),
            (dt.date(2026, 1, 5), dt.date(2026, 3, 20)),
        ):
            rotations.create_rotation(
                s,
                data=RotationData(
                    staff_id=staff_id,
                    from_id=ids["县医院"],
                    to_id=ids["大树"],
                    form="坐诊/巡诊",
                    start=start,
                    end=end,
                    quarters={"2026Q3": QuarterFigures(days=14, outpatient=420)}
                    if start.month == 6
                    else {},
                ),
                today=dt.date(2026, 11, 2),
            )
    path = db.location
    assert main(["staff", "list", "--db", path, "--json"]) == 0
    (person,) = json.loads(capsys.readouterr().out)
    assert person["id_number"] == f"{number[:6]}********{number[-4:]}"
    assert number not in json.dumps(person)
    assert main(["rotations", "list", "--quarter", "2026Q3", "--db", path, "--json"]) == 0
    (row,) = json.loads(capsys.readouterr().out)
    assert (row["name"], row["direction"], row["days"], row["outpatient"]) == (
        "王建国",
        "下沉",
        14,
        420,
    )
    assert main(["rotations", "list", "--quarter", "2026q3", "--db", path]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2 and "2026-06-01" in lines[1] and number not in lines[1]

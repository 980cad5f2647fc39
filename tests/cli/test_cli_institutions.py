"""The ``ylt`` command line for set-up and institutions."""

from __future__ import annotations

import json

from ylt_desktop.cli import main


def test_init_then_list_json(db_target, capsys) -> None:  # noqa: ANN001
    db = db_target
    code = main(
        [
            "init",
            "--db",
            db,
            "--name",
            "示例县医共体",
            "--kind",
            "县域医共体",
            "--division",
            "360428",
            "--lead",
            "示例县人民医院",
            "--lead-uscc",
            "12360428MB1234562A",
        ]
    )
    assert code == 0
    capsys.readouterr()
    assert main(["institutions", "list", "--db", db, "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [(r["name"], r["role"], r["uscc"]) for r in rows] == [
        ("示例县人民医院", "牵头单位", "12360428MB1234562A")
    ]


def test_init_with_bad_code_exits_1_with_chinese_message(db_target, capsys) -> None:  # noqa: ANN001
    db = db_target
    code = main(
        [
            "init",
            "--db",
            db,
            "--name",
            "示例县医共体",
            "--kind",
            "县域医共体",
            "--division",
            "360428",
            "--lead",
            "示例县人民医院",
            "--lead-uscc",
            "12360428MB1234562B",
        ]
    )
    assert code == 1
    err = capsys.readouterr().err
    assert "统一社会信用代码校验位错误，应为 A" in err
    assert main(["institutions", "list", "--db", db, "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []  # nothing half-created


def test_demo_twice_is_refused(db_target, capsys) -> None:  # noqa: ANN001
    db = db_target
    assert main(["demo", "--db", db]) == 0
    assert main(["demo", "--db", db]) == 1
    capsys.readouterr()
    main(["institutions", "list", "--db", db])
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("编号\t机构名称\t统一社会信用代码")
    assert len(lines) == 1 + 45

"""``ylt`` speaks Chinese: every help page, every usage error, the check and the lists."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from tests.helpers.english import english_words
from ylt_desktop.cli import build_parser, main
from ylt_desktop.cli.chinese_argparse import ChineseArgumentParser, display_width, wrap
from ylt_desktop.cli.common import db_arg


def _commands(parser: argparse.ArgumentParser, prefix: tuple[str, ...] = ()):  # noqa: ANN202
    """(argv prefix, parser) of every command and command group, depth first."""
    yield prefix, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from _commands(sub, (*prefix, name))


COMMANDS = list(_commands(build_parser()))
LEAVES = [(argv, p) for argv, p in COMMANDS if p.get_default("func") is not None]


@pytest.fixture(autouse=True)
def _short_data_folder(monkeypatch) -> None:  # noqa: ANN001
    """The help shows the default database path, which lies in the test session's folder: a
    long one (``--basetemp``, xdist's per-worker folders) was wrapped inside ``ylt.sqlite``
    and its tail ``ite`` read as an English word. The help's words are the point here."""
    monkeypatch.setenv("XDG_DATA_HOME", "/tmp/d")


def _run(argv: list[str], capsys) -> tuple[int, str]:  # noqa: ANN001
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    captured = capsys.readouterr()
    return exit_.value.code, captured.out + captured.err


def test_every_command_is_reached() -> None:
    names = {" ".join(argv) for argv, _p in LEAVES}
    assert {"init", "demo", "check", "export", "submit", "reopen", "import"} <= names
    assert {"institutions list", "staff list", "rotations list", "agreements list"} <= names


@pytest.mark.parametrize("argv", [a for a, _p in COMMANDS], ids=lambda a: " ".join(a) or "ylt")
def test_help_is_chinese(argv: tuple[str, ...], capsys) -> None:  # noqa: ANN001
    code, text = _run([*argv, "--help"], capsys)
    assert code == 0
    assert text.startswith("用法：ylt") and "显示本帮助并退出" in text
    assert "选项" in text
    assert not english_words(text), english_words(text)


def test_help_names_every_command_and_the_db_default(capsys) -> None:  # noqa: ANN001
    _code, text = _run(["--help"], capsys)
    for name in ("init", "demo", "import", "check", "export", "submit", "reopen"):
        assert f"\n  {name} " in text
    _code, text = _run(["check", "--help"], capsys)
    assert "数据库文件路径（默认：" in text and "ylt.sqlite" in text
    _code, text = _run(["init", "--help"], capsys)
    assert "牵头单位机构类别（默认：综合医院）" in text and "村卫生室" in text
    assert "牵头单位机构等级（默认：二级甲等）" in text and "三级甲等" in text


def _usage_errors(argv: tuple[str, ...], parser: argparse.ArgumentParser):  # noqa: ANN202
    yield [*argv, "--没有的选项"]
    if any(a.required for a in parser._actions):
        yield list(argv)
    for action in parser._actions:
        if not action.option_strings or action.nargs == 0 or "--help" in action.option_strings:
            continue
        yield [*argv, action.option_strings[0]]  # the value missing
        if action.type not in (None, str, Path, db_arg) or action.choices:  # any text: a path
            yield [*argv, action.option_strings[0], "坏值"]


def _error_cases():  # noqa: ANN202
    cases = [["没有的命令"], []]
    for argv, parser in COMMANDS:
        if parser.get_default("func") is None and argv:
            cases.append([*argv, "没有的操作"])
        if parser.get_default("func") is not None:
            cases += _usage_errors(argv, parser)
    cases += [["import", "某类别", "x.xlsx"]]
    return cases


@pytest.mark.parametrize("argv", _error_cases(), ids=lambda a: " ".join(a) or "ylt")
def test_usage_errors_are_chinese(argv: list[str], capsys, tmp_path) -> None:  # noqa: ANN001
    code, text = _run([*argv, "--db", str(tmp_path / "none.sqlite")] if argv else argv, capsys)
    assert code == 2
    assert "错误：" in text and text.startswith("用法：ylt")
    assert not english_words(text), english_words(text)
    assert not (tmp_path / "none.sqlite").exists()  # a usage error opens nothing


def test_the_parser_leaves_argparse_english_for_others(capsys) -> None:  # noqa: ANN001
    build_parser()
    plain = argparse.ArgumentParser(prog="other")
    assert "show this help message and exit" in plain.format_help()
    assert "用法：" in ChineseArgumentParser(prog="x").format_usage()
    assert plain.format_usage().startswith("usage:")


def test_help_wraps_by_display_width() -> None:
    lines = wrap("牵头单位机构类别：综合医院、中医医院 --lead-level 二级甲等" * 3, 30)
    assert all(display_width(line) <= 30 for line in lines)
    assert "--lead-level" in "".join(lines)  # an option is never cut


def test_check_names_places_in_chinese(demo_db, capsys) -> None:  # noqa: ANN001
    from sqlalchemy import select

    from ylt_desktop.store.models import Rotation, RotationQuarter, Staff

    with demo_db.session() as s, s.begin():
        # A periodic form: its days are typed, so an empty one is an error (a full-time
        # form's empty days default to the calendar days).
        figures = s.scalars(
            select(RotationQuarter)
            .join(Rotation)
            .where(RotationQuarter.quarter == "2026Q2", Rotation.form == "坐诊/巡诊")
            .limit(1)
        ).one()
        figures.days = None
        rotation_id = figures.rotation_id
        name = s.scalar(select(Staff.name).join(Rotation).where(Rotation.id == rotation_id))
    assert main(["check", "--quarter", "2026Q2", "--db", demo_db.location]) == 1
    out = capsys.readouterr().out
    assert f"错误\t人员流动 #{rotation_id} {name}\t" in out
    assert "rotation" not in out


def test_lists_have_chinese_headings_and_json_keeps_keys(demo_db, capsys) -> None:  # noqa: ANN001
    db = demo_db.location
    expected = {
        ("institutions", "list"): "编号\t机构名称\t统一社会信用代码",
        ("staff", "list"): "编号\t姓名\t性别",
        ("rotations", "list", "--quarter", "2026Q2"): "编号\t姓名\t证件号码",
        ("agreements", "list", "--quarter", "2026Q2"): "协议编号\t协议名称\t共享类型",
    }
    for argv, heading in expected.items():
        assert main([*argv, "--db", db]) == 0
        lines = capsys.readouterr().out.splitlines()
        assert lines[0].startswith(heading) and len(lines) > 1
        assert not english_words(lines[0])
        assert main([*argv, "--db", db, "--json"]) == 0
        rows = json.loads(capsys.readouterr().out)
        assert rows and all(key.isascii() for key in rows[0])


def test_the_english_detector_sees_argparse_english() -> None:
    text = argparse.ArgumentParser(prog="ylt").format_help()
    assert {"usage", "options", "show"} <= set(english_words(text))
    assert english_words("错误\trotation#21\tinstitution") == ["rotation", "institution"]
    assert not english_words("ylt check --quarter 2026Q3 --db /tmp/a b.sqlite 12360428MB1234562A")


@pytest.mark.parametrize("width", [60, 80, 120])
def test_help_fits_the_terminal(width: int) -> None:
    from ylt_desktop.cli.chinese_argparse import ChineseHelpFormatter

    for argv, parser in COMMANDS:
        parser.formatter_class = lambda prog, w=width: ChineseHelpFormatter(prog, width=w)
        for line in parser.format_help().splitlines():
            assert display_width(line) <= width, (argv, line)

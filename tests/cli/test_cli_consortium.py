"""``ylt consortium``: shows the consortium; corrects it and changes the lead like 设置."""

from __future__ import annotations

from ylt_desktop.cli import main
from ylt_desktop.store import institutions as store


def test_show_then_change_the_lead(demo_db, capsys) -> None:  # noqa: ANN001
    db = demo_db.location
    with demo_db.session() as s:
        founded = store.get_consortium(s).founded
    assert main(["consortium", "--db", db]) == 0
    out = capsys.readouterr().out
    assert "已保存" not in out
    assert "所在地区\t360428 江西省 都昌县" in out and "牵头单位\t示例县人民医院" in out
    assert f"成立日期\t{founded}" in out
    with demo_db.session() as s:
        assert store.get_consortium(s).founded == founded  # showing changes nothing
    assert main(["consortium", "--db", db, "--lead", "示例县中医医院", "--division", "360400"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("已保存") and "牵头单位\t示例县中医医院" in out
    with demo_db.session() as s:
        assert store.lead_institution(s).name == "示例县中医医院"
        assert store.get_consortium(s).division == "360400"


def test_refusals_change_nothing(demo_db, capsys) -> None:  # noqa: ANN001
    db = demo_db.location
    assert main(["consortium", "--db", db, "--lead", "没有这家医院"]) == 1
    assert "错误\t牵头单位\t没有名为“没有这家医院”的成员单位" in capsys.readouterr().err
    assert main(["consortium", "--db", db, "--kind", "医联体", "--name", "新名"]) == 1
    assert "医联体类型" in capsys.readouterr().err
    with demo_db.session() as s:
        assert store.get_consortium(s).name == "示例县医共体"
        assert store.lead_institution(s).name == "示例县人民医院"


def test_without_a_consortium_it_says_to_init(db, capsys) -> None:  # noqa: ANN001
    assert main(["consortium", "--db", db.location]) == 1
    assert "ylt init" in capsys.readouterr().err


def test_the_lead_is_found_by_a_unique_part_or_its_code(demo_db, capsys) -> None:  # noqa: ANN001
    """``--lead`` as a clerk types it: a part only one unit's name has, or the unit's
    统一社会信用代码 (full-width or lower-case as typed); a part several names share lists them."""
    db = demo_db.location
    with demo_db.session() as s:
        tcm = next(i for i in store.list_institutions(s) if i.name == "示例县中医医院")
    assert main(["consortium", "--db", db, "--lead", "县中医"]) == 0
    assert "牵头单位\t示例县中医医院" in capsys.readouterr().out
    assert main(["consortium", "--db", db, "--lead", "示例县人民医院"]) == 0
    capsys.readouterr()
    assert main(["consortium", "--db", db, "--lead", f" {tcm.uscc.lower()} "]) == 0
    assert "牵头单位\t示例县中医医院" in capsys.readouterr().out
    assert main(["consortium", "--db", db, "--lead", "卫生院"]) == 1
    err = capsys.readouterr().err
    assert "对应多个单位" in err and "请写出完整名称" in err
    with demo_db.session() as s:
        assert store.lead_institution(s).name == "示例县中医医院"

"""An empty (0-byte) file named as the database: refused, and the advice leads somewhere.

It said "新建请用 ylt init", and ``ylt init`` on that file refused with the same words: a
clerk following the advice went round in a circle.
"""

from __future__ import annotations

from ylt_desktop.cli import main

INIT = ["--name", "测试医共体", "--kind", "县域医共体", "--division", "360428",
        "--lead", "示例县人民医院", "--lead-uscc", "12100000400010398P", "--admin", "admin"]  # fmt: skip


def test_init_on_an_empty_file_says_what_to_do_instead(tmp_path, capsys) -> None:  # noqa: ANN001
    db = tmp_path / "ylt.sqlite"
    db.write_bytes(b"")
    code = main(["institutions", "list", "--db", str(db)])
    assert code == 2
    listed = capsys.readouterr().err
    code = main(["init", "--db", str(db), *INIT])
    assert code == 2
    err = capsys.readouterr().err
    assert db.read_bytes() == b""  # never written
    for said in (listed, err):
        assert "不是本程序的数据库" in said and "0 字节" in said, said
        assert "ylt init" not in said, said  # init refuses it too
        assert "删除" in said, said
    db.unlink()  # as advised: then init creates it
    assert main(["init", "--db", str(db), *INIT]) == 0

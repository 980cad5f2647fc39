"""``ylt package``: the lead sets the passphrase and makes a roster, a member database is set
up from it, the member makes a data package, the lead previews then applies it; status,
return; all in Chinese, no identity number printed, the passphrase never an argument."""

from __future__ import annotations

from pathlib import Path

from tests.exchange.world import PASSPHRASE, A, Q, build_consortium, enter_a
from tests.helpers.people import ric
from ylt_desktop.cli import main
from ylt_desktop.store.db import open_database


def run(capsys, *argv: str) -> tuple[int, str]:  # noqa: ANN001
    code = main([str(a) for a in argv])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def test_roster_package_open_and_status(tmp_path, capsys, monkeypatch) -> None:  # noqa: ANN001
    import datetime as dt

    monkeypatch.setenv("YLT_EXCHANGE_PASSPHRASE", PASSPHRASE)
    lead_path, member_path = tmp_path / "lead.sqlite", tmp_path / "member.sqlite"
    db = open_database(lead_path)
    build_consortium(db)
    db.close()
    code, out = run(capsys, "package", "passphrase", "--db", lead_path)
    assert code == 0 and "已设置数据交换口令" in out
    code, out = run(
        capsys, "package", "roster", "--member", A, "--out", tmp_path, "--db", lead_path
    )
    assert code == 0, out
    (roster,) = Path(tmp_path).glob("*-名册-*.ylt")

    code, out = run(capsys, "package", "open", roster, "--db", member_path, "--admin", "admin")
    assert code == 0, out
    assert "已建立成员库" in out and A in out
    member = open_database(member_path)
    enter_a(member)
    member.close()
    code, out = run(capsys, "package", "make", "--quarter", Q, "--out", tmp_path / "out",
                    "--db", member_path)  # fmt: skip
    assert code == 0, out
    (package,) = (tmp_path / "out").glob("*.ylt")

    code, out = run(capsys, "package", "open", package, "--details", "--db", lead_path)
    assert code == 0, out
    assert "以上为预览，未做任何改动" in out and "人员流动：新增 1" in out
    assert ric(dt.date(1985, 3, 2), "女", 2) not in out  # persons masked
    code, out = run(capsys, "package", "status", "--quarter", Q, "--db", lead_path)
    assert "未报送" in out and "已报送" not in out
    code, out = run(capsys, "package", "open", package, "--apply", "--db", lead_path)
    assert code == 0 and "已接收 1 个数据包" in out
    code, out = run(capsys, "package", "status", "--quarter", Q, "--db", lead_path)
    assert f"{A}\t已报送" in out
    code, out = run(capsys, "package", "open", package, "--apply", "--db", lead_path)
    assert code == 0 and "已经接收过" in out

    code, out = run(capsys, "package", "return", "--member", A, "--quarter", Q,
                    "--reason", "门诊人次有误", "--db", lead_path)  # fmt: skip
    assert code == 0, out
    code, out = run(capsys, "package", "status", "--quarter", Q, "--db", lead_path)
    assert f"{A}\t已退回" in out and "门诊人次有误" in out


def test_wrong_passphrase_is_refused_in_chinese(tmp_path, capsys, monkeypatch) -> None:  # noqa: ANN001
    lead_path = tmp_path / "lead.sqlite"
    db = open_database(lead_path)
    build_consortium(db)
    db.close()
    monkeypatch.setenv("YLT_EXCHANGE_PASSPHRASE", PASSPHRASE)
    assert run(capsys, "package", "passphrase", "--db", lead_path)[0] == 0
    monkeypatch.setenv("YLT_EXCHANGE_PASSPHRASE", "另一个口令-不对")
    code, out = run(
        capsys, "package", "roster", "--member", A, "--out", tmp_path, "--db", lead_path
    )
    assert code == 1 and "交换口令不正确" in out
    assert not list(tmp_path.glob("*.ylt"))


def test_a_roster_names_the_agreements_it_removed_or_kept(tmp_path, capsys, monkeypatch) -> None:  # noqa: ANN001
    """``ylt package open ROSTER`` at a member: the agreement the lead deleted and the member
    has no volume of is removed and named; one with the member's unaccepted volume is kept,
    and the line says why."""
    from sqlalchemy import select

    from tests.exchange.world import _volume, lead_database, member_database, unit_ids
    from ylt_desktop.exchange import make_roster
    from ylt_desktop.store import agreements
    from ylt_desktop.store.models import Agreement

    monkeypatch.setenv("YLT_EXCHANGE_PASSPHRASE", PASSPHRASE)
    lead = lead_database(tmp_path)
    with lead.session() as s:
        first = s.scalar(select(Agreement))
        data = agreements.to_data(first)
        data.number, data.title = "YX-2026-02", "心电诊断中心"
        agreements.create_agreement(s, data=data)
    member = member_database(lead, A, tmp_path)
    with member.session() as s:
        _volume(s, 120)  # on YX-2026-01
    member.close()
    with lead.session() as s:
        for a in list(s.scalars(select(Agreement))):
            agreements.delete_agreement(s, agreement_id=a.id)
        roster = make_roster(s, member_id=unit_ids(s)[A], passphrase=PASSPHRASE,
                             out_dir=tmp_path / "r2")  # fmt: skip
    lead.close()
    code, out = run(capsys, "package", "open", roster, "--db", tmp_path / "member-a.sqlite")
    assert code == 0, out
    assert "已删除协议“YX-2026-02 心电诊断中心”" in out
    assert "协议“YX-2026-01 影像诊断中心”：牵头单位已删除该协议" in out
    assert "2026年第3季度的服务量" in out and "未删除" in out


def test_make_warns_about_the_members_own_agreement_and_still_writes(
    tmp_path,  # noqa: ANN001
    capsys,  # noqa: ANN001
    monkeypatch,  # noqa: ANN001
) -> None:
    """``ylt package make`` with volumes of an agreement the member typed itself (no roster
    brought it): a warning naming it, before the file is written; the file is written anyway
    (code 0) and no identity number is printed. Only the roster's agreement: no warning."""
    import datetime as dt
    import re

    from sqlalchemy import select

    from tests.exchange.test_roster_agreement_attacks import OWN, _own_agreement
    from tests.exchange.world import lead_database, member_database
    from ylt_desktop.store import agreements
    from ylt_desktop.store.models import Agreement

    monkeypatch.setenv("YLT_EXCHANGE_PASSPHRASE", PASSPHRASE)
    lead = lead_database(tmp_path)
    member = member_database(lead, A, tmp_path)
    lead.close()
    enter_a(member)  # a person with an identity number, a volume of the roster's agreement
    member_path = tmp_path / "member-a.sqlite"
    member.close()
    code, out = run(capsys, "package", "make", "--quarter", Q, "--out", tmp_path / "o1",
                    "--db", member_path)  # fmt: skip
    assert code == 0 and "警告" not in out and "自行录入" not in out, out

    member = open_database(member_path)
    _own_agreement(member)
    with member.session() as s:
        ag = s.scalar(select(Agreement).where(Agreement.number == OWN))
        data = agreements.to_data(ag)
        data.volumes[(str(Q), "影像诊断例数")] = 42
        agreements.update_agreement(s, agreement_id=ag.id, data=data)
    member.close()
    from ylt_desktop.exchange import package

    said_before_writing: list[str] = []
    real = package.write_atomically

    def spy(path, data):  # noqa: ANN001, ANN202
        said_before_writing.append(capsys.readouterr().err)
        return real(path, data)

    monkeypatch.setattr(package, "write_atomically", spy)
    code, out = run(capsys, "package", "make", "--quarter", Q, "--out", tmp_path / "o2",
                    "--db", member_path)  # fmt: skip
    assert code == 0, out
    (made,) = (tmp_path / "o2").glob("*.ylt")
    assert "已生成" in out and "警告" not in out  # the warning came before the file
    (out,) = said_before_writing
    assert out.startswith("警告\t")
    assert f"“{OWN} 远程心电会诊”" in out and "YX-2026-01" not in out
    assert "协议清单中可能没有" in out and "协议编号相同" in out
    assert ric(dt.date(1985, 3, 2), "女", 2) not in out
    assert not re.search(r"\d{17}[\dX]", out)


def test_make_says_the_lead_will_refuse_an_agreement_it_deleted(
    tmp_path,  # noqa: ANN001
    capsys,  # noqa: ANN001
    monkeypatch,  # noqa: ANN001
) -> None:
    """The lead deleted YX-2026-01; A keeps it for its unaccepted volume (the roster says so).
    ``ylt package make`` says that the lead will refuse the package, naming the agreement and
    what to do, and writes nothing (code 2) unless ``--anyway`` (the program's 仍然生成)."""
    from sqlalchemy import select

    from tests.exchange.test_deletions import _roster
    from tests.exchange.world import _volume, lead_database, member_database
    from ylt_desktop.store import agreements
    from ylt_desktop.store.models import Agreement

    monkeypatch.setenv("YLT_EXCHANGE_PASSPHRASE", PASSPHRASE)
    lead = lead_database(tmp_path)
    member = member_database(lead, A, tmp_path)
    with member.session() as s:
        _volume(s, 120)
    with lead.session() as s:
        a = s.scalar(select(Agreement).where(Agreement.number == "YX-2026-01"))
        agreements.delete_agreement(s, agreement_id=a.id)
    assert _roster(lead, member, A, tmp_path / "r2").kept_agreements
    member.close()
    lead.close()
    code, out = run(capsys, "package", "make", "--quarter", Q, "--out", tmp_path / "o1",
                    "--db", tmp_path / "member-a.sqlite")  # fmt: skip
    assert code == 2 and "已生成" not in out, out
    assert not (tmp_path / "o1").exists() or not any((tmp_path / "o1").iterdir())
    refused = "".join(line for line in out.splitlines() if line.startswith("错误\t"))
    assert "协议“YX-2026-01 影像诊断中心”" in refused and "牵头单位已删除" in refused
    assert "拒收整个数据包" in refused and "--anyway" in refused
    code, out = run(capsys, "package", "make", "--quarter", Q, "--out", tmp_path / "o1",
                    "--db", tmp_path / "member-a.sqlite", "--anyway")  # fmt: skip
    assert code == 0 and "已生成" in out, out
    warned = [line for line in out.splitlines() if line.startswith("警告\t")]
    text = "".join(warned)
    assert "协议“YX-2026-01 影像诊断中心”" in text and "牵头单位已删除" in text
    assert "拒收整个数据包" in text and "重新生成" in text

"""Issue #16's refusals: a tampered byte, a truncated file, a wrong passphrase, another
consortium's package, an older package, a replay. Each leaves the lead's database unchanged
row for row (every table dumped) and makes no backup; each says in Chinese what is wrong."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from tests.exchange.world import (
    PASSPHRASE,
    A,
    Q,
    enter_a,
    lead_database,
    make_package,
    member_database,
)
from ylt_desktop.exchange import PackageRefused, apply_packages, preview_packages
from ylt_desktop.store import exchange
from ylt_desktop.store.backup import list_backups


def dump(path: Path) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


@pytest.fixture
def world(tmp_path):  # noqa: ANN001, ANN201
    lead = lead_database(tmp_path)
    member = member_database(lead, A, tmp_path)
    enter_a(member)
    package = make_package(member, tmp_path)
    yield lead, member, package
    member.close()
    lead.close()


def refused(lead, files: list[Path], words: str, passphrase: str = PASSPHRASE) -> str:  # noqa: ANN001
    """Preview and try to apply ``files``; the refusal names ``words``; nothing changed."""
    before, backups = dump(lead.path), len(list_backups(lead.path))
    try:
        previews = preview_packages(lead, files, passphrase=passphrase)
    except PackageRefused as exc:
        message = str(exc)
    else:
        (preview,) = [p for p in previews if p.refusal or p.duplicate][-1:]
        message = preview.refusal or "重复"
        if preview.refusal:
            with pytest.raises(PackageRefused):
                apply_packages(lead, previews)
        else:
            assert apply_packages(lead, previews).applied == []
    assert words in message, message
    assert dump(lead.path) == before
    assert len(list_backups(lead.path)) == backups
    for digit_run in ("11010519", "36042819"):  # no identity number in the message
        assert digit_run not in message
    return message


def tampered(path: Path, offset: int, out: Path) -> Path:
    data = bytearray(path.read_bytes())
    data[offset] ^= 0x01
    out.write_bytes(bytes(data))
    return out


def test_a_tampered_byte_in_the_body_is_refused(world, tmp_path) -> None:  # noqa: ANN001
    lead, _member, package = world
    size = package.stat().st_size
    bad = tampered(package, size - 40, tmp_path / "改过.ylt")
    refused(lead, [bad], "已被改动或已损坏")


def test_an_edited_header_is_refused(world, tmp_path) -> None:  # noqa: ANN001
    lead, _member, package = world
    data = package.read_bytes()
    edited = data.replace("青山".encode(), "石山".encode(), 1)
    assert edited != data
    (tmp_path / "改名.ylt").write_bytes(edited)
    refused(lead, [tmp_path / "改名.ylt"], "已被改动或已损坏")


def test_a_truncated_file_is_refused(world, tmp_path) -> None:  # noqa: ANN001
    lead, _member, package = world
    data = package.read_bytes()
    for cut, words in ((len(data) - 100, "被截断"), (30, "被截断"), (5, "不是本程序生成")):
        (tmp_path / "半个.ylt").write_bytes(data[:cut])
        refused(lead, [tmp_path / "半个.ylt"], words)


def test_a_wrong_passphrase_is_refused(world) -> None:  # noqa: ANN001
    lead, _member, package = world
    refused(lead, [package], "交换口令不正确", passphrase="不是这个口令-123")


def test_a_package_made_with_an_old_passphrase_is_refused(world) -> None:  # noqa: ANN001
    lead, _member, package = world
    with lead.session() as s:
        exchange.set_passphrase(s, passphrase="新的交换口令-2027")
    refused(lead, [package], "交换口令不正确", passphrase="新的交换口令-2027")


def test_another_consortiums_package_is_refused(world, tmp_path) -> None:  # noqa: ANN001
    lead, _member, _package = world
    other_lead = lead_database(tmp_path / "other")  # same names, its own exchange id
    other_member = member_database(other_lead, A, tmp_path / "other")
    enter_a(other_member)
    foreign = make_package(other_member, tmp_path / "other")
    message = refused(lead, [foreign], "属于另一个医联体")
    assert "示例县医共体" in message and "本数据库属于医联体“示例县医共体”" in message
    assert "两者同名" in message  # same name, another exchange id: said so
    other_member.close()
    other_lead.close()


def test_an_older_package_is_refused(world, tmp_path) -> None:  # noqa: ANN001
    from ylt_desktop.exchange import make_data_package

    lead, member, older = world
    with member.session() as s:
        newer = make_data_package(
            s, quarter=Q, passphrase=PASSPHRASE, out_dir=tmp_path / "newer",
            now=dt.datetime.now() + dt.timedelta(minutes=5),
        )  # fmt: skip
    apply_packages(lead, preview_packages(lead, [newer], passphrase=PASSPHRASE))
    refused(lead, [older], "旧，不能接收")
    # Returned, the quarter is open again: the older package is still refused.
    with lead.session() as s:
        exchange.return_quarter(s, member_id=older_member_id(lead), quarter=Q, reason="请核对")
    refused(lead, [older], "旧，不能接收")


def test_an_older_package_of_another_quarter_is_refused(world, tmp_path) -> None:  # noqa: ANN001
    """Per member, whatever the quarter (DESIGN §7): the older package's profile and persons
    would take back what the newer accepted one brought."""
    from ylt_desktop.domain.periods import Quarter
    from ylt_desktop.exchange import make_data_package

    lead, member, package = world  # Q, made now
    with member.session() as s:
        older = make_data_package(
            s, quarter=Quarter(2026, 2), passphrase=PASSPHRASE, out_dir=tmp_path / "q2",
            now=dt.datetime.now() - dt.timedelta(minutes=5),
        )  # fmt: skip
    apply_packages(lead, preview_packages(lead, [package], passphrase=PASSPHRASE))
    message = refused(lead, [older], "旧，不能接收")
    assert "2026年第3季度数据包" in message and "重新生成2026年第2季度" in message


def older_member_id(lead) -> int:  # noqa: ANN001
    from tests.exchange.world import unit_ids

    with lead.session() as s:
        return unit_ids(s)[A]


def test_the_same_package_twice_changes_nothing(world) -> None:  # noqa: ANN001
    lead, _member, package = world
    first = apply_packages(lead, preview_packages(lead, [package], passphrase=PASSPHRASE))
    assert len(first.applied) == 1
    message = refused(lead, [package], "重复")
    assert message == "重复"
    previews = preview_packages(lead, [package], passphrase=PASSPHRASE)
    assert previews[0].duplicate and previews[0].refusal is None


def test_a_newer_package_for_an_accepted_quarter_waits_for_a_return(world, tmp_path) -> None:  # noqa: ANN001
    from ylt_desktop.exchange import make_data_package

    lead, member, package = world
    apply_packages(lead, preview_packages(lead, [package], passphrase=PASSPHRASE))
    with member.session() as s:
        newer = make_data_package(
            s, quarter=Q, passphrase=PASSPHRASE, out_dir=tmp_path / "newer",
            now=dt.datetime.now() + dt.timedelta(minutes=5),
        )  # fmt: skip
    refused(lead, [newer], "接收并锁定")
    with lead.session() as s:
        exchange.return_quarter(s, member_id=older_member_id(lead), quarter=Q, reason="请核对")
    result = apply_packages(lead, preview_packages(lead, [newer], passphrase=PASSPHRASE))
    assert len(result.applied) == 1


def test_not_a_package_at_all(world, tmp_path) -> None:  # noqa: ANN001
    lead, _member, _package = world
    (tmp_path / "表格.ylt").write_bytes(b"PK\x03\x04" + b"\x00" * 200)
    refused(lead, [tmp_path / "表格.ylt"], "不是本程序生成的数据包")
    refused(lead, [tmp_path / "没有这个文件.ylt"], "找不到文件")


def test_a_quarter_the_lead_submitted_takes_no_package(world) -> None:  # noqa: ANN001
    from ylt_desktop.store.quarters import submit_quarter

    lead, _member, package = world
    with lead.session() as s:
        submit_quarter(s, quarter=Q)
    refused(lead, [package], "已报送并锁定")


def test_a_well_sealed_package_of_another_shape_is_refused(world, tmp_path) -> None:  # noqa: ANN001
    """Sealed with the right passphrase but not of this program's shape (another version):
    refused in words, no traceback, nothing changed."""
    from ylt_desktop.exchange.content import DATA, data_parts
    from ylt_desktop.exchange.package import package_bytes
    from ylt_desktop.exchange.sealed import Keys
    from ylt_desktop.store.models import Consortium, Institution

    lead, member, _package = world
    with member.session() as s:
        c = s.query(Consortium).one()
        inst = s.get(Institution, c.member_id)
        parts = data_parts(s, inst.id, Q)
        for row in parts["rotations"]:
            del row["person"]
        _h, data = package_bytes(kind=DATA, exchange_id=c.exchange_id, consortium=c.name,
                                 member=inst, quarter=Q, parts=parts, keys=Keys(PASSPHRASE),
                                 made_by="x")  # fmt: skip
    (tmp_path / "别的版本.ylt").write_bytes(data)
    refused(lead, [tmp_path / "别的版本.ylt"], "内容格式不符")


def rewrite_header(path: Path, out: Path, **changes: object) -> Path:
    """The package with its public header edited (kept well-formed, its length fixed)."""
    import json
    import struct

    from ylt_desktop.exchange.sealed import MAGIC, read_sealed

    data = path.read_bytes()
    sealed = read_sealed(data)
    header = json.dumps({**sealed.header, **changes}, ensure_ascii=False).encode()
    head = len(MAGIC) + 1 + 4 + len(sealed.header_bytes)
    prefix = MAGIC + data[len(MAGIC) : len(MAGIC) + 1] + struct.pack(">I", len(header))
    out.write_bytes(prefix + header + data[head:])
    return out


@pytest.mark.parametrize(
    "kdf",
    [
        {"name": "scrypt", "n": 2**20, "r": 8, "p": 1},  # would need 1 GiB and minutes
        {"name": "scrypt", "n": "很多", "r": 8, "p": 1},
        {"name": "scrypt", "n": 1000, "r": 8, "p": 1},  # not a power of two
    ],
)
def test_a_forged_key_cost_is_refused_before_any_work(world, tmp_path, kdf) -> None:  # noqa: ANN001
    lead, _member, package = world
    bad = rewrite_header(package, tmp_path / "伪造.ylt", kdf=kdf)
    refused(lead, [bad], "加密参数不正确")


def test_a_header_naming_another_member_is_refused(world, tmp_path) -> None:  # noqa: ANN001
    """The header claims the package comes from 大树镇卫生院: the key check passes, the body's
    authentication (the header is its associated data) does not."""
    from tests.exchange.world import B, unit_ids

    lead, _member, package = world
    with lead.session() as s:
        other = unit_ids(s)[B]
    bad = rewrite_header(package, tmp_path / "冒名.ylt", member_id=other, member=B)
    refused(lead, [bad], "已被改动或已损坏")


def test_a_rotation_reaching_into_a_submitted_quarter_is_refused_in_the_preview(
    tmp_path,  # noqa: ANN001
) -> None:
    """A's doctor's 巡诊 started in the second quarter, which the lead has submitted: the
    preview says which record and which quarter; nothing is written."""
    import datetime as dt

    from tests.exchange.world import TODAY, C, unit_ids
    from ylt_desktop.domain.rotation import QuarterFigures, RotationData
    from ylt_desktop.store import rotations
    from ylt_desktop.store.models import Staff
    from ylt_desktop.store.quarters import submit_quarter

    lead = lead_database(tmp_path)
    member = member_database(lead, A, tmp_path)
    enter_a(member)
    with member.session() as s:
        ids = unit_ids(s)
        person = s.query(Staff).filter(Staff.name == "钱小红").one()
        rotations.create_rotation(
            s,
            data=RotationData(staff_id=person.id, from_id=ids[A], to_id=ids[C], form="带教/查房",
                              start=dt.date(2026, 6, 1), end=dt.date(2026, 8, 31),
                              quarters={str(Q): QuarterFigures(days=5)}),
            today=TODAY,
        )  # fmt: skip
    package = make_package(member, tmp_path)
    with lead.session() as s:
        submit_quarter(s, quarter=Q.prev())
    message = refused(lead, [package], "已报送并锁定的2026年第2季度")
    assert "钱小红" in message and "2026-06-01" in message
    member.close()
    lead.close()


def test_a_store_rule_refuses_the_package_at_the_preview(world, tmp_path) -> None:  # noqa: ANN001
    """The lead renamed B since A's roster; A renamed itself to B's new name. A's rules could
    not see it; the lead's name rule refuses it in the preview already (the file, the record,
    the rule), not first at 应用."""
    import dataclasses

    from sqlalchemy import select

    from tests.exchange.world import B
    from ylt_desktop.store import institutions
    from ylt_desktop.store.models import Institution

    lead, member, _package = world
    with lead.session() as s:
        b = s.scalar(select(Institution).where(Institution.name == B))
        data = dataclasses.replace(institutions.to_data(b), name="示例县青山中心卫生院")
        institutions.update_institution(s, institution_id=b.id, data=data)
    with member.session() as s:
        a = s.scalar(select(Institution).where(Institution.name == A))
        data = dataclasses.replace(institutions.to_data(a), name="示例县青山中心卫生院")
        institutions.update_institution(s, institution_id=a.id, data=data)
    package = make_package(member, tmp_path / "renamed")
    message = refused(lead, [package], "机构名称")
    assert package.name in message and "本单位" in message, message

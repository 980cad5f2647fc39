"""Signed scans: byte-for-byte round trip with the hash, size and type rules, tampering."""

from __future__ import annotations

import datetime as dt
import hashlib
import os

import pytest
from sqlalchemy import func, select, update

from ylt_desktop.domain.agreement import AgreementData
from ylt_desktop.domain.codes import make_uscc
from ylt_desktop.domain.institution import InstitutionData
from ylt_desktop.domain.problems import RuleViolation
from ylt_desktop.store import agreements, attachments, institutions
from ylt_desktop.store.models import Attachment

PDF = b"%PDF-1.7\n" + os.urandom(4096) + b"\x00\xff%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8


def _inst(name: str, body: str) -> InstitutionData:
    return InstitutionData(
        name=name,
        uscc=make_uscc("12", "360428", body),
        division="360428",
        category="综合医院",
        level="二级",
        joined=dt.date(2020, 1, 1),
    )


@pytest.fixture
def agreement_id(db) -> int:  # noqa: ANN001
    with db.session() as s:
        a = institutions.create_institution(s, data=_inst("甲医院", "11111111")).id
        b = institutions.create_institution(s, data=_inst("乙卫生院", "22222222")).id
        data = AgreementData(
            number="A-1", title="远程会诊协议", kind="远程会诊", provider_id=a, recipient_ids=[b]
        )
        return agreements.create_agreement(s, data=data).id


def test_round_trip_byte_for_byte(db, agreement_id, tmp_path) -> None:  # noqa: ANN001
    source = tmp_path / "签署扫描件.pdf"
    source.write_bytes(PDF)
    with db.session() as s:
        info = attachments.attach_file(s, agreement_id=agreement_id, path=source)
    assert info.sha256 == hashlib.sha256(PDF).hexdigest()
    with db.session() as s:
        got_info, content = attachments.read_attachment(s, agreement_id=agreement_id)
        target = attachments.write_for_viewing(s, agreement_id=agreement_id, folder=tmp_path)
    assert content == PDF
    assert got_info == info
    assert got_info.file_name == "签署扫描件.pdf"
    assert target.name == "签署扫描件.pdf" and target.read_bytes() == PDF


def test_replace_keeps_one_attachment(db, agreement_id) -> None:  # noqa: ANN001
    with db.session() as s:
        attachments.attach(s, agreement_id=agreement_id, file_name="a.pdf", content=PDF)
        attachments.attach(s, agreement_id=agreement_id, file_name="b.PNG", content=PNG)
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Attachment)) == 1
        info, content = attachments.read_attachment(s, agreement_id=agreement_id)
    assert (info.file_name, content) == ("b.PNG", PNG)
    assert info.sha256 == hashlib.sha256(PNG).hexdigest()


def test_file_over_20_mb_refused(db, agreement_id, tmp_path) -> None:  # noqa: ANN001
    big = tmp_path / "big.pdf"
    with big.open("wb") as f:
        f.write(b"%PDF-1.4\n")
        f.truncate(20 * 1024 * 1024 + 1)
    exactly = tmp_path / "exactly.pdf"
    with exactly.open("wb") as f:
        f.write(b"%PDF-1.4\n")
        f.truncate(20 * 1024 * 1024)
    with db.session() as s:
        with pytest.raises(RuleViolation) as err:
            attachments.attach_file(s, agreement_id=agreement_id, path=big)
        assert "20 MB" in err.value.problems[0].message
        assert attachments.attachment_info(s, agreement_id) is None
        info = attachments.attach_file(s, agreement_id=agreement_id, path=exactly)
    assert info.size == 20 * 1024 * 1024


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("scan.docx", b"PK\x03\x04rest", "不支持的文件类型"),
        ("scan", PDF, "无扩展名"),
        ("scan.pdf", b"PK\x03\x04 a zip named pdf", "内容不是 PDF、JPG 或 PNG"),
        ("scan.jpg", PNG, "实为 PNG 文件"),
        ("scan.png", b"", "文件为空"),
    ],
)
def test_other_types_refused_naming_the_rule(db, agreement_id, name, content, words) -> None:  # noqa: ANN001
    with db.session() as s, pytest.raises(RuleViolation) as err:
        attachments.attach(s, agreement_id=agreement_id, file_name=name, content=content)
    message = err.value.problems[0].message
    assert words in message
    assert attachments.RULE in message


def test_tampered_blob_reported_on_open(db, agreement_id, tmp_path) -> None:  # noqa: ANN001
    with db.session() as s:
        attachments.attach(s, agreement_id=agreement_id, file_name="a.pdf", content=PDF)
    tampered = PDF[:-1] + b"X"
    with db.session() as s, s.begin():
        s.execute(
            update(Attachment)
            .where(Attachment.agreement_id == agreement_id)
            .values(content=tampered)
        )
    with db.session() as s:
        with pytest.raises(attachments.AttachmentMismatch) as err:
            attachments.read_attachment(s, agreement_id=agreement_id)
        with pytest.raises(attachments.AttachmentMismatch):
            attachments.write_for_viewing(s, agreement_id=agreement_id, folder=tmp_path)
    message = str(err.value)
    assert "校验失败" in message
    assert hashlib.sha256(PDF).hexdigest() in message
    assert hashlib.sha256(tampered).hexdigest() in message
    assert list(tmp_path.rglob("a.pdf")) == []  # nothing written for viewing


def test_deleting_the_agreement_deletes_its_attachment(db, agreement_id) -> None:  # noqa: ANN001
    with db.session() as s:
        attachments.attach(s, agreement_id=agreement_id, file_name="a.pdf", content=PDF)
        agreements.delete_agreement(s, agreement_id=agreement_id)
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Attachment)) == 0


def test_safe_file_name() -> None:
    assert attachments.safe_file_name("..\\a/b:c*?.pdf") == "b_c__.pdf"
    assert attachments.safe_file_name("...") == "附件"

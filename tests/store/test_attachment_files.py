"""Issue #11, case 16: what is not a regular readable file is refused with a Chinese message
(nothing stored, nothing blocks), and a scan with a 300-character name can be viewed."""

from __future__ import annotations

import concurrent.futures
import os

import pytest
from sqlalchemy import func, select

from tests.store.test_attachments import PDF, agreement_id  # noqa: F401  (fixture)
from ylt_desktop.domain.problems import RuleViolation
from ylt_desktop.store import attachments
from ylt_desktop.store.models import Attachment


def refused(db, agreement_id, path) -> str:  # noqa: ANN001, F811
    """The one problem's message; nothing stored. Run on a thread so a blocking open fails the
    test in seconds instead of hanging it."""

    def attach() -> None:
        with db.session() as s:
            attachments.attach_file(s, agreement_id=agreement_id, path=path)

    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        future = pool.submit(attach)
        with pytest.raises(RuleViolation) as info:
            future.result(timeout=20)
    (problem,) = info.value.problems
    assert problem.field == attachments.FIELD and "Error" not in problem.message
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Attachment)) == 0
    return problem.message


def test_a_folder_named_like_a_pdf(db, agreement_id, tmp_path) -> None:  # noqa: ANN001, F811
    (tmp_path / "x.pdf").mkdir()
    assert (
        refused(db, agreement_id, tmp_path / "x.pdf") == "无法上传“x.pdf”：所选的是文件夹，不是文件"
    )


def test_a_dangling_link(db, agreement_id, tmp_path) -> None:  # noqa: ANN001, F811
    link = tmp_path / "扫描件.pdf"
    link.symlink_to(tmp_path / "已删除.pdf")
    assert refused(db, agreement_id, link) == (
        "无法上传“扫描件.pdf”：文件不存在（或是指向已不存在文件的链接/快捷方式）"
    )


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes need a POSIX system")
@pytest.mark.parametrize("name", [".pdf", "x.pdf"])
def test_a_pipe_named_like_a_pdf_does_not_block(db, agreement_id, tmp_path, name) -> None:  # noqa: ANN001, F811
    os.mkfifo(tmp_path / name)
    message = refused(db, agreement_id, tmp_path / name)
    assert message == f"无法上传“{name}”：不是普通文件（可能是管道或设备），不能作为签署扫描件"


def test_a_link_to_a_good_scan_is_taken(db, agreement_id, tmp_path) -> None:  # noqa: ANN001, F811
    (tmp_path / "真.pdf").write_bytes(PDF)
    (tmp_path / "链接.pdf").symlink_to(tmp_path / "真.pdf")
    with db.session() as s:
        info = attachments.attach_file(s, agreement_id=agreement_id, path=tmp_path / "链接.pdf")
    assert info.file_name == "链接.pdf" and info.size == len(PDF)


def test_a_300_character_name_is_attached_and_viewed(db, agreement_id, tmp_path) -> None:  # noqa: ANN001, F811
    name = "签" * 80 + ".pdf"  # 244 bytes: the longest a Linux file name may be, near enough
    (tmp_path / name).write_bytes(PDF)
    stored = "医联体资源共享协议签署扫描件" * 21 + "xy.pdf"  # 300 characters, as kept from Windows
    assert len(stored) == 300
    with db.session() as s:
        attachments.attach_file(s, agreement_id=agreement_id, path=tmp_path / name)
        attachments.attach(s, agreement_id=agreement_id, file_name=stored, content=PDF)
        target = attachments.write_for_viewing(s, agreement_id=agreement_id, folder=tmp_path)
        assert attachments.attachment_info(s, agreement_id).file_name == stored
    assert target.read_bytes() == PDF
    assert target.suffix == ".pdf" and len(target.name.encode()) <= 100
    assert target.name.startswith("医联体资源共享协议签署扫描件") and target.name.endswith("….pdf")

"""Write the corpus of bad (and oddly typed) import files under tests/data/bad/, with
expected.json: for each file its kind, what must happen and the message it must give.

``expect``: ``file`` (refused whole, ImportFileError), ``row`` (a row rejected with that problem)
or ``ok`` (read without any rejected row; ``new`` rows counted). Run from the repository root:
``.venv/bin/python scripts/make_bad_corpus.py``. The test DB holds the lead unit 示例县人民医院
and 测试村1卫生室, 测试村2卫生室 (tests/importing/test_bad_corpus.py).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from pathlib import Path
from typing import Any

import openpyxl

OUT = Path(__file__).resolve().parent.parent / "tests" / "data" / "bad"
INST = ["机构名称", "统一社会信用代码", "行政区划代码", "机构类别", "机构等级", "经济类型",
        "医联体角色", "加入日期", "编制床位", "实有床位", "卫生技术人员", "执业(助理)医师",
        "注册护士", "联系电话", "退出日期"]  # fmt: skip
STAFF = ["姓名", "性别", "证件号码", "职称", "专业", "所属机构"]
ROT = ["姓名", "证件号码", "职称", "派出单位", "接收单位", "流动形式", "开始日期", "结束日期"]
AGR = ["协议编号", "协议名称", "共享类型", "提供方", "接收方", "生效日期", "终止日期",
       "利益分配比例"]  # fmt: skip
LEAD = "示例县人民医院"
RIC = "11010519491231002X"  # valid, 女
cases: list[dict[str, Any]] = []


def inst(name: str = "测试村9卫生室", **kw: Any) -> list[Any]:
    values = dict(zip(INST, [name, "", "360428", "村卫生室", "未定级", "公立", "成员单位",
                             dt.date(2024, 1, 1), 0, 0, 0, 0, 0, "", None], strict=True))  # fmt: skip
    values.update(kw)
    return [values[h] for h in INST]


def book(name: str, rows: list[list[Any]], *, merge: str | None = None,
         title: str | None = None) -> None:  # fmt: skip
    wb = openpyxl.Workbook()
    ws = wb.active
    if title:
        ws.append([title])
    for row in rows:
        ws.append(row)
    if merge:
        ws.merge_cells(merge)
    wb.save(OUT / name)


def case(name: str, kind: str, expect: str, message: str, **extra: Any) -> None:
    cases.append({"file": name, "kind": kind, "expect": expect, "message": message, **extra})


def raw(name: str, data: bytes) -> None:
    (OUT / name).write_bytes(data)


def ole(extra: bytes) -> bytes:
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + extra + b"\x00" * 512


def file_cases() -> None:
    raw("text_renamed.xlsx", "机构名称,统一社会信用代码\n示例,123\n".encode())
    case("text_renamed.xlsx", "institutions", "file", "不是 Excel 工作簿")
    raw("csv_renamed.xlsx", b"name,uscc\r\na,b\r\n")
    case("csv_renamed.xlsx", "institutions", "file", "可能是改了扩展名")
    raw("png_renamed.xlsx", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    case("png_renamed.xlsx", "institutions", "file", "不是 Excel 工作簿")
    raw("old_format.xls", ole(b"Workbook".ljust(64, b"\x00")))
    case("old_format.xls", "institutions", "file", "旧版 Excel 97-2003 工作簿（.xls）")
    raw("old_format_renamed.xlsx", ole(b"W\x00o\x00r\x00k\x00b\x00o\x00o\x00k\x00"))
    case("old_format_renamed.xlsx", "staff", "file", "另存为”Excel 工作簿（*.xlsx）")
    raw("encrypted.xlsx", ole("EncryptedPackage".encode("utf-16-le")))
    case("encrypted.xlsx", "institutions", "file", "设置了打开密码（已加密）")
    raw("empty_file.xlsx", b"")
    case("empty_file.xlsx", "institutions", "file", "文件是空的（0 字节）")
    book("empty_workbook.xlsx", [])
    case("empty_workbook.xlsx", "institutions", "file", "工作簿是空的")
    book("numbers_only.xlsx", [[1, 2, 3], [4, 5, 6]])
    case("numbers_only.xlsx", "institutions", "file", "未找到表头")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("hello.txt", "not a workbook")
    raw("zip_not_workbook.xlsx", buf.getvalue())
    case("zip_not_workbook.xlsx", "institutions", "file", "已损坏或不是有效的 Excel 工作簿")
    book("full.xlsx", [INST, inst()])
    raw("truncated.xlsx", (OUT / "full.xlsx").read_bytes()[:1500])
    (OUT / "full.xlsx").unlink()
    case("truncated.xlsx", "institutions", "file", "已损坏（不完整）")
    book("missing_name_column.xlsx", [INST[1:], inst()[1:]])
    case("missing_name_column.xlsx", "institutions", "file", "缺少必需的列：机构名称")
    book("rotation_missing_columns.xlsx", [["姓名", "证件号码", "职称"], ["王芳", RIC, "医师"]])
    case(
        "rotation_missing_columns.xlsx",
        "rotations",
        "file",
        "缺少必需的列：派出单位、接收单位、开始日期",
    )


def cell_cases() -> None:
    book("merged_data.xlsx", [INST, inst("测试村9卫生室"), inst("测试村8卫生室")], merge="D2:D3")
    case(
        "merged_data.xlsx",
        "institutions",
        "row",
        "第2行 D列（机构类别）：数据区有合并单元格（D2:D3）",
    )
    book("formula_no_value.xlsx", [INST, inst(编制床位="=1+1")])
    case(
        "formula_no_value.xlsx",
        "institutions",
        "row",
        "单元格 I2 是公式（=1+1），但文件中没有计算结果",
    )
    book("long_cell.xlsx", [INST, inst("长" * 10000)])
    case("long_cell.xlsx", "institutions", "row", "第2行 A列（机构名称）：内容过长（10000个字符）")
    book("long_name.xlsx", [INST, inst("长" * 101)])
    case("long_name.xlsx", "institutions", "row", "机构名称不得超过100个字符（现为101个）")
    book("date_impossible.xlsx", [INST, inst(加入日期="2026-13-45")])
    case("date_impossible.xlsx", "institutions", "row", "加入日期“2026-13-45”不是有效的日期")
    book("date_words.xlsx", [INST, inst(加入日期="去年春天")])
    case(
        "date_words.xlsx",
        "institutions",
        "row",
        "H列（加入日期）：加入日期“去年春天”不是可识别的日期",
    )
    book("beds_decimal.xlsx", [INST, inst(编制床位=12.5)])
    case("beds_decimal.xlsx", "institutions", "row", "编制床位应为整数（现为 12.5）")
    book("beds_words.xlsx", [INST, inst(编制床位="十张")])
    case("beds_words.xlsx", "institutions", "row", "编制床位“十张”不是数字")
    book("beds_negative.xlsx", [INST, inst(编制床位=-3)])
    case("beds_negative.xlsx", "institutions", "row", "编制床位应为不小于0的整数")
    book("id_as_number.xlsx", [STAFF, ["王芳", "女", 110105194912310020, "医师", "内科", LEAD]])
    case("id_as_number.xlsx", "staff", "row", "超过15位的数字末尾已丢失")


def rule_cases() -> None:
    book("bad_uscc.xlsx", [INST, inst(统一社会信用代码="91350100M000100Y44", 机构类别="综合医院")])
    case(
        "bad_uscc.xlsx",
        "institutions",
        "row",
        "B列（统一社会信用代码）：统一社会信用代码校验位错误",
    )
    book("uscc_missing.xlsx", [INST, inst(机构类别="乡镇卫生院")])
    case("uscc_missing.xlsx", "institutions", "row", "统一社会信用代码为必填项")
    book("bad_category.xlsx", [INST, inst(机构类别="医院")])
    case("bad_category.xlsx", "institutions", "row", "机构类别“医院”不在规定的选项中")
    book("missing_name.xlsx", [INST, inst(""), inst("测试村8卫生室")])
    case("missing_name.xlsx", "institutions", "row", "第2行 A列（机构名称）：机构名称为必填项")
    book("duplicate_rows.xlsx", [INST, inst(), inst("测试村8卫生室"), inst()])
    case("duplicate_rows.xlsx", "institutions", "row", "第4行 A列（机构名称）：与第2行为同一机构")
    book("second_lead.xlsx", [INST, inst(医联体角色="牵头单位")])
    case(
        "second_lead.xlsx", "institutions", "row", "医联体只能有一个牵头单位，现为“示例县人民医院”"
    )
    book("left_before_joined.xlsx", [INST, inst(退出日期="2023/1/1")])
    case("left_before_joined.xlsx", "institutions", "row", "退出日期不得早于加入日期")
    book("doctors_over_staff.xlsx", [INST, inst(**{"执业(助理)医师": 5})])
    case(
        "doctors_over_staff.xlsx",
        "institutions",
        "row",
        "执业(助理)医师与注册护士之和不得超过卫生技术人员数",
    )
    book("bad_phone.xlsx", [INST, inst(联系电话="12345")])
    case("bad_phone.xlsx", "institutions", "row", "N列（联系电话）：")
    book("bad_division.xlsx", [INST, inst(行政区划代码="991234")])
    case("bad_division.xlsx", "institutions", "row", "行政区划代码前两位 99 不是省级代码")
    book("staff_bad_ric.xlsx", [STAFF, ["王芳", "女", "110105194912310021", "医师", "内科", LEAD]])
    case("staff_bad_ric.xlsx", "staff", "row", "居民身份证号码校验位错误，应为 X")
    book("staff_sex_mismatch.xlsx", [STAFF, ["王芳", "男", RIC, "医师", "内科", LEAD]])
    case("staff_sex_mismatch.xlsx", "staff", "row", "性别“男”与居民身份证号码不符")
    book("staff_bad_title.xlsx", [STAFF, ["王芳", "女", RIC, "院长", "内科", LEAD]])
    case("staff_bad_title.xlsx", "staff", "row", "职称“院长”不在规定的选项中")
    book("staff_unknown_home.xlsx", [STAFF, ["王芳", "女", RIC, "医师", "内科", "外省医院"]])
    case(
        "staff_unknown_home.xlsx",
        "staff",
        "row",
        "F列（所属机构）：所属机构“外省医院”不是本医联体的成员单位",
    )
    book("rotation_unknown_person.xlsx", [ROT, ["", RIC, "", LEAD, "测试村1卫生室", "派驻",
                                                "2026-01-05", "2026-02-05"]])  # fmt: skip
    case(
        "rotation_unknown_person.xlsx",
        "rotations",
        "row",
        "未找到证件号码为 110105********002X 的人员",  # masked: never a whole ID
    )
    book("rotation_end_before_start.xlsx", [ROT, ["王芳", RIC, "医师", LEAD, "测试村1卫生室", "派驻",
                                                  "2026-03-05", "2026-02-05"]])  # fmt: skip
    case(
        "rotation_end_before_start.xlsx",
        "rotations",
        "row",
        "H列（结束日期）：结束日期不得早于开始日期",
    )
    book("rotation_same_units.xlsx", [ROT, ["王芳", RIC, "医师", LEAD, LEAD, "派驻", "2026-01-05",
                                            None]])  # fmt: skip
    case("rotation_same_units.xlsx", "rotations", "row", "接收单位不得与派出单位相同")
    book("rotation_bad_form.xlsx", [ROT, ["王芳", RIC, "医师", LEAD, "测试村1卫生室", "出差",
                                          "2026-01-05", None]])  # fmt: skip
    case("rotation_bad_form.xlsx", "rotations", "row", "流动形式“出差”不在规定的选项中")
    book("agreement_bad_kind.xlsx", [AGR, ["X-1", "协议", "合作", LEAD, "测试村1卫生室",
                                           "2025-01-01", None, None]])  # fmt: skip
    case("agreement_bad_kind.xlsx", "agreements", "row", "共享类型“合作”不在规定的选项中")
    book("agreement_shares.xlsx", [AGR, ["X-1", "协议", "远程会诊", LEAD, "测试村1卫生室",
                                         "2025-01-01", None, "提供方50%；测试村1卫生室40%"]])  # fmt: skip
    case(
        "agreement_shares.xlsx",
        "agreements",
        "row",
        "利益分配比例合计须为 100%（提供方与各接收方合计为 90%）",
    )
    book("agreement_provider_recipient.xlsx", [AGR, ["X-1", "协议", "远程会诊", LEAD,
                                                     f"测试村1卫生室、{LEAD}", "2025-01-01", None,
                                                     None]])  # fmt: skip
    case("agreement_provider_recipient.xlsx", "agreements", "row", "提供方不得同时作为接收方")
    book("agreement_dates.xlsx", [AGR, ["X-1", "协议", "远程会诊", LEAD, "测试村1卫生室",
                                        "2025-01-01", "2024-01-01", None]])  # fmt: skip
    case("agreement_dates.xlsx", "agreements", "row", "终止日期不得早于生效日期")


def ok_cases() -> None:
    dates = [
        "2026.7.1",
        "2026/7/1",
        "2026年7月1日",
        "2026-07-01",
        46204,
        "20260701",
        "２０２６－０７－０１",
    ]
    book("dates_as_text.xlsx", [INST, *(inst(f"测试村{90 + i}卫生室", 加入日期=d)
                                        for i, d in enumerate(dates))])  # fmt: skip
    case("dates_as_text.xlsx", "institutions", "ok", "", new=len(dates))
    book("thousands.xlsx", [INST, inst("测试村90卫生室", 编制床位="1,234", 实有床位="１２３"),
                            inst("测试村91卫生室", 编制床位="2 000", 实有床位="1,000")])  # fmt: skip
    case("thousands.xlsx", "institutions", "ok", "", new=2)
    headers = ["医疗机构名称", "ＵＳＣＣ", "区划代码", "机构类型", "医院等级", "所有制", "角色",
               "加入时间", "编制床位数", "实有床位数", "卫技人员", "执业（助理）医师", "注册护士",
               "电话", "退出时间"]  # fmt: skip
    book("synonym_headers.xlsx", [headers, inst("测试村90卫生室")])
    case("synonym_headers.xlsx", "institutions", "ok", "", new=1)
    book("title_and_total.xlsx", [INST, inst("测试村90卫生室"), ["合计", None, None]],
         title="成员单位情况表")  # fmt: skip
    case("title_and_total.xlsx", "institutions", "ok", "", new=1)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.iterdir():
        old.unlink()
    file_cases()
    cell_cases()
    rule_cases()
    ok_cases()
    (OUT / "expected.json").write_text(
        json.dumps(cases, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    size = sum(p.stat().st_size for p in OUT.iterdir())
    print(f"{len(cases)} cases, {size / 1024:.0f} KB in {OUT}")


if __name__ == "__main__":
    main()

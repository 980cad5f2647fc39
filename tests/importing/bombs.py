"""Small .xlsx files made to hurt, written part by part (issue #11, case 11)."""

from __future__ import annotations

import zipfile
from collections.abc import Iterable
from pathlib import Path

NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml"
CONTENT_TYPES = f"""<?xml version="1.0" encoding="UTF-8"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/xl/workbook.xml" ContentType="{_CT}.sheet.main+xml"/>
<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{_CT}.worksheet+xml"/>
<Override PartName="/xl/sharedStrings.xml" ContentType="{_CT}.sharedStrings+xml"/>
</Types>"""
ROOT_RELS = f"""<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/>
</Relationships>"""
WORKBOOK = f"""<?xml version="1.0" encoding="UTF-8"?>
<workbook {NS} xmlns:r="{_REL}"><sheets>
<sheet name="成员单位" sheetId="1" r:id="rId1"/></sheets></workbook>"""
WORKBOOK_RELS = f"""<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="{_REL}/worksheet" Target="worksheets/sheet1.xml"/>
<Relationship Id="rId2" Type="{_REL}/sharedStrings" Target="sharedStrings.xml"/>
</Relationships>"""
HEADER = ("机构名称", "行政区划代码", "机构类别", "加入日期")


def _cell(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def row(n: int, values: Iterable[str]) -> str:
    cells = "".join(_cell(f"{chr(65 + i)}{n}", v) for i, v in enumerate(values))
    return f'<row r="{n}">{cells}</row>'


def village_rows(count: int, first: int = 2) -> Iterable[str]:
    for n in range(first, first + count):
        yield row(n, (f"测试村{n}卫生室", "360428", "村卫生室", "2024-01-01"))


def sheet_xml(rows: Iterable[str], *, dimension: str = "") -> Iterable[bytes]:
    head = f'<?xml version="1.0" encoding="UTF-8"?><worksheet {NS}>'
    if dimension:
        head += f'<dimension ref="{dimension}"/>'
    yield (head + "<sheetData>" + row(1, HEADER)).encode()
    batch: list[str] = []
    for text in rows:
        batch.append(text)
        if len(batch) == 10_000:
            yield "".join(batch).encode()
            batch = []
    yield ("".join(batch) + "</sheetData></worksheet>").encode()


def strings_xml(count: int, *, doctype: str = "") -> Iterable[bytes]:
    yield f'<?xml version="1.0" encoding="UTF-8"?>{doctype}<sst {NS} uniqueCount="{count}">'.encode()
    chunk = b"<si><t/></si>" * 10_000
    for _ in range(count // 10_000):
        yield chunk
    yield b"<si><t/></si>" * (count % 10_000) + b"</sst>"


def write_xlsx(path: Path, *, sheet: Iterable[bytes] | None = None,
               strings: Iterable[bytes] | None = None,
               extra: dict[str, bytes] | None = None,
               declared: dict[str, int] | None = None) -> Path:  # fmt: skip
    """A workbook of one sheet. ``declared``: part name → the uncompressed size its zip directory
    entry claims (what a bomb's header says; nothing that large is ever written)."""
    sheet = sheet if sheet is not None else sheet_xml(village_rows(2))
    strings = strings if strings is not None else strings_xml(0)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
        zf.writestr("[Content_Types].xml", CONTENT_TYPES)
        zf.writestr("_rels/.rels", ROOT_RELS)
        zf.writestr("xl/workbook.xml", WORKBOOK)
        zf.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        for name, parts in (("xl/worksheets/sheet1.xml", sheet), ("xl/sharedStrings.xml", strings)):
            with zf.open(name, "w", force_zip64=False) as dst:
                for part in parts:
                    dst.write(part)
        for name, data in (extra or {}).items():
            zf.writestr(name, data)
        for info in zf.infolist():  # the central directory is written from these on close
            if declared and info.filename in declared:
                info.file_size = declared[info.filename]
    return path

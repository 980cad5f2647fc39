"""Reading an .xlsx file for import: refuse what is not a workbook, find the header, stream rows.

The workbook is opened with openpyxl in ``read_only`` and ``data_only`` mode, so rows stream from
the sheet XML (bounded memory for 100,000 rows) and formulas give their cached values. What
read-only mode does not tell (merged ranges, formulas without a cached value) comes from one
byte scan of the sheet XML; formula cells are looked up a second time only when the scan finds
any. openpyxl is imported when an import starts, never at program start-up.

Before openpyxl opens anything, ``check_archive`` reads the zip directory and refuses a file
whose parts would inflate past ``Limits`` (a 2 MB file can declare 2 GB of sheet XML), then
counts the shared strings (openpyxl keeps them all in memory) and the rows of every sheet
(openpyxl parses a sheet without a <dimension> whole while opening it), each in one streaming
pass that stops at the limit. Python's zipfile never inflates a member past the size the
directory declares (it stops there and fails the CRC), so the declared sizes bound what is read.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ylt_desktop.importing.columns import header_score, normalise
from ylt_desktop.importing.workbook import load_read_only

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
HEADER_SCAN_ROWS = 15
_MERGE_RE = re.compile(rb'<mergeCell\s+ref="([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?"')
_FORMULA_RE = re.compile(rb"<f[\s>/]")
_CHUNK = 1 << 20


class ImportFileError(Exception):
    """A file that cannot be imported at all; ``str(exc)`` is a Chinese message for the user."""


@dataclass(frozen=True)
class Limits:
    """The most an import reads. A real consortium file stays far below each: the bench's whole
    database (300 units, 5,000 staff, 50,000 rotations over two years) fits one sheet of 50,000
    rows, and a 100,000-row sheet imports within 300 MB (tests/importing/test_parse_and_size.py).
    A 1,000,000-row sheet took 9.5 minutes and 2.6 GB, 32 million shared strings 2.8 GB and more
    than 400 s, one 2 GB sheet 4.3 GB: a clerk's PC has 4-8 GB, so those are refused at once.
    """

    rows: int = 200_000  # rows in the sheet read (4 x the bench's whole database)
    sheet_bytes: int = 256 << 20  # one worksheet's XML; 200,000 rows x 25 cells is ~200 MB
    part_bytes: int = 64 << 20  # any other part (parsed whole); 1,000,000 strings ~40 MB
    total_bytes: int = 512 << 20  # all parts together
    shared_strings: int = 1_000_000  # distinct texts, all held in memory (~100 MB)
    members: int = 10_000  # parts in the archive; a workbook has a few dozen


LIMITS = Limits()
_SHEET_TYPE = "spreadsheetml.worksheet+xml"
_STRINGS_TYPE = "spreadsheetml.sharedStrings+xml"
_OVERRIDE_RE = re.compile(
    r"<(?:\w+:)?Override\b[^>]*?PartName=\"/?([^\"]+)\"[^>]*?ContentType=\"([^\"]+)\""
)
_SI_RE = re.compile(rb"<(?:\w+:)?si[\s>/]")
_ROW_RE = re.compile(rb"<(?:\w+:)?row[\s>/]")


def _size(n: int) -> str:
    return f"{n / (1 << 30):.1f} GB" if n >= 1 << 30 else f"{max(1, round(n / (1 << 20)))} MB"


def _too_big(path: Path, what: str) -> ImportFileError:
    return ImportFileError(
        f"文件过大：{what}。“{path.name}”不像是本程序要导入的表格（可能已损坏或被特意构造），已停止读取，"
        "数据库未作任何修改。请在 Excel 中打开，只保留要导入的工作表和数据，"
        "另存为 .xlsx 后再导入；数据确实很多时，请分成几个文件分别导入"
    )


def check_archive(path: Path, limits: Limits | None = None) -> None:
    """Refuse a workbook whose parts inflate, or whose shared strings count, past ``limits``:
    from the zip directory alone, then one streaming pass over the shared strings."""
    limits = limits or LIMITS
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            if len(infos) > limits.members:
                raise _too_big(path, f"含有 {len(infos):,} 个部件，超过上限 {limits.members:,} 个")
            types = _content_types(zf, path, limits)
            total = 0
            for info in infos:
                total += info.file_size
                is_sheet = _SHEET_TYPE in types.get(info.filename, "")
                cap = limits.sheet_bytes if is_sheet else limits.part_bytes
                if info.file_size > cap:
                    what = "其中一个工作表" if is_sheet else f"其中的部件“{info.filename[:60]}”"
                    raise _too_big(
                        path, f"{what}解压后约 {_size(info.file_size)}，超过上限 {_size(cap)}"
                    )
            if total > limits.total_bytes:
                raise _too_big(
                    path, f"解压后约 {_size(total)}，超过上限 {_size(limits.total_bytes)}"
                )
            for info in infos:
                kind = types.get(info.filename, "")
                if _STRINGS_TYPE in kind:
                    _count_strings(zf, info.filename, path, limits)
                elif info.filename.lower().endswith(".xml"):
                    _count_rows(zf, info.filename, path, limits)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, OSError,
            EOFError, ValueError) as exc:  # fmt: skip
        raise ImportFileError(
            f"文件“{path.name}”已损坏或不是有效的 Excel 工作簿，无法读取。"
            "请在 Excel 中打开并另存为 .xlsx 后再导入"
        ) from exc


def _content_types(zf: zipfile.ZipFile, path: Path, limits: Limits) -> dict[str, str]:
    """Part name → declared content type (the Override entries of [Content_Types].xml)."""
    try:
        info = zf.getinfo("[Content_Types].xml")
    except KeyError:
        return {}
    if info.file_size > limits.part_bytes:
        raise _too_big(path, f"其中的“[Content_Types].xml”解压后约 {_size(info.file_size)}")
    text = zf.read(info).decode("utf-8", "replace")
    return {m.group(1): m.group(2) for m in _OVERRIDE_RE.finditer(text)}


def _count_strings(zf: zipfile.ZipFile, name: str, path: Path, limits: Limits) -> None:
    if name not in zf.NameToInfo:
        return
    found = _count(zf, name, _SI_RE, limits.shared_strings)
    if found > limits.shared_strings:
        raise _too_big(
            path,
            f"含有超过 {limits.shared_strings:,} 个不同的文字内容（上限 {limits.shared_strings:,} 个）",
        )


def _count_rows(zf: zipfile.ZipFile, name: str, path: Path, limits: Limits) -> None:
    """Rows of any part that may be a sheet: openpyxl parses a sheet without a <dimension>
    whole as it opens the workbook, so this is counted before it does (any XML part, since
    openpyxl finds sheets through the workbook's relationships, not the declared types)."""
    if _count(zf, name, _ROW_RE, limits.rows) > limits.rows:
        raise _too_big(path, f"其中一个工作表有超过 {limits.rows:,} 行（上限 {limits.rows:,} 行）")


def _count(zf: zipfile.ZipFile, name: str, pattern: re.Pattern, stop: int) -> int:
    """Matches of ``pattern`` in one part, read in chunks; stops once past ``stop``."""
    found = 0
    tail = b""
    with zf.open(name) as src:
        while chunk := src.read(_CHUNK):
            buf = tail + chunk
            cut = max(len(buf) - 16, 0)  # a tag cut between chunks is matched in the next one
            found += len(pattern.findall(buf, 0, cut))
            tail = buf[cut:]
            if found > stop:
                return found
    return found + len(pattern.findall(tail))


@dataclass
class Header:
    """The header found on a sheet: its rows (1-based), and one text per column."""

    first_row: int
    last_row: int
    texts: list[str]
    groups: list[str]


@dataclass
class SheetInfo:
    name: str
    path: str
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)  # r1, c1, r2, c2
    has_formulas: bool = False


def col_letter(index: int) -> str:
    """0-based column index → Excel letters (0 → A)."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _col_index(letters: bytes) -> int:
    n = 0
    for ch in letters.decode():
        n = n * 26 + ord(ch) - 64
    return n - 1


def check_file(path: Path) -> None:
    """Refuse files that are not an .xlsx workbook, with a message the clerk can act on."""
    if not path.exists():
        raise ImportFileError(f"文件不存在：{path}")
    if path.is_dir():
        raise ImportFileError(f"所选的是文件夹而不是文件：{path}")
    with open(path, "rb") as fh:
        head = fh.read(8)
    if not head:
        raise ImportFileError(f"文件是空的（0 字节）：{path.name}")
    if head == OLE_MAGIC:
        if _is_encrypted(path):
            raise ImportFileError(
                f"文件“{path.name}”设置了打开密码（已加密），无法读取。"
                "请在 Excel 中取消密码（文件 → 信息 → 保护工作簿），另存为 .xlsx 后再导入"
            )
        raise ImportFileError(
            f"文件“{path.name}”是旧版 Excel 97-2003 工作簿（.xls），不能直接导入。"
            "请在 Excel 中“另存为”Excel 工作簿（*.xlsx）后再导入"
        )
    if head[:4] == ZIP_MAGIC and not zipfile.is_zipfile(path):
        raise ImportFileError(
            f"文件“{path.name}”已损坏（不完整），无法读取。请重新复制或下载该文件，"
            "或在 Excel 中打开并另存为 .xlsx 后再导入"
        )
    if head[:4] != ZIP_MAGIC:
        raise ImportFileError(
            f"文件“{path.name}”不是 Excel 工作簿（.xlsx），可能是改了扩展名的其他文件。"
            "请在 Excel 中打开并另存为 .xlsx 后再导入"
        )


def _is_encrypted(path: Path) -> bool:
    # An encrypted .xlsx is an OLE container holding an "EncryptedPackage" stream.
    data = path.read_bytes()[: 1 << 20]
    return "EncryptedPackage".encode("utf-16-le") in data or b"EncryptedPackage" in data


def open_workbook(path: str | Path, limits: Limits | None = None) -> Any:
    path = Path(path)
    check_file(path)
    check_archive(path, limits)
    try:
        return load_read_only(path, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken package
        raise ImportFileError(
            f"文件“{path.name}”已损坏或不是有效的 Excel 工作簿，无法读取。"
            "请在 Excel 中打开并另存为 .xlsx 后再导入"
        ) from exc


def scan_sheet(wb: Any, name: str) -> SheetInfo:
    """Merged ranges and whether any formula is present, from the sheet XML bytes."""
    ws = wb[name]
    info = SheetInfo(name=name, path=getattr(ws, "_worksheet_path", ""))
    if not info.path:
        return info
    tail = b""
    with wb._archive.open(info.path) as src:
        while chunk := src.read(_CHUNK):
            buf = tail + chunk
            if not info.has_formulas and _FORMULA_RE.search(buf):
                info.has_formulas = True
            for m in _MERGE_RE.finditer(buf):
                c1, r1 = _col_index(m.group(1)), int(m.group(2))
                c2 = _col_index(m.group(3)) if m.group(3) else c1
                r2 = int(m.group(4)) if m.group(4) else r1
                info.merged.append((r1, c1, r2, c2))
            # Keep a tail so a tag cut between chunks is seen whole, but never count it twice.
            cut = buf.rfind(b"<")
            tail = buf[cut:] if cut >= 0 and len(buf) - cut < 200 else b""
            if tail and _MERGE_RE.match(tail) and tail.endswith(b"/>"):
                tail = b""
    return info


def formulas_without_value(path: Path, name: str) -> dict[tuple[int, int], str]:
    """(row, col) → formula text of formula cells that carry no cached value."""
    wb_f = load_read_only(path, data_only=False)
    wb_v = load_read_only(path, data_only=True)
    found: dict[tuple[int, int], str] = {}
    try:
        rows_f = iter_rows(wb_f, name)
        rows_v = iter_rows(wb_v, name)
        for (r, row_f), (_r, row_v) in zip(rows_f, rows_v, strict=False):
            for c, value in enumerate(row_f):
                if isinstance(value, str) and value.startswith("="):
                    cached = row_v[c] if c < len(row_v) else None
                    if cached is None:
                        found[(r, c)] = value
    finally:
        wb_f.close()
        wb_v.close()
    return found


def iter_rows(wb: Any, name: str) -> Iterator[tuple[int, tuple]]:
    """(sheet row number, values) for every row, gaps included. A sheet that breaks off
    (malformed XML, a bad checksum, a value no cell type takes) raises ``ImportFileError``."""
    ws = wb[name]
    ws.reset_dimensions()  # some writers store a wrong <dimension>; read every row
    number = 0
    try:
        for number, row in enumerate(ws.iter_rows(values_only=True), 1):
            yield number, row
    except MemoryError:
        raise
    except Exception as exc:  # openpyxl, expat, zipfile and zlib each raise their own kinds
        raise damaged(wb, name, number + 1) from exc


def damaged(wb: Any, name: str, number: int) -> ImportFileError:
    """The message for a sheet that cannot be read from row ``number`` on."""
    archive = getattr(getattr(wb, "_archive", None), "filename", None)
    shown = f"文件“{Path(archive).name}”" if archive else "文件"
    return ImportFileError(
        f"{shown}已损坏：工作表“{name}”第{number}行起无法读取，未导入任何数据。"
        "请在 Excel 中打开并另存为 .xlsx 后再导入"
    )


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def detect_header(rows: list[tuple[int, tuple]], kind: str) -> Header | None:
    """The header among the first rows: the row matching most known headers of ``kind``.

    A title row (one cell) scores nothing. When the row under the header fills columns the
    header left empty (a two-row header whose group cells are merged across), the two are
    combined: each column takes its lower text, and the upper text to its left as its group.
    """
    best, best_score = None, 0
    for i, (_n, row) in enumerate(rows):
        score = header_score([_text(v) for v in row], kind)
        if score > best_score:
            best, best_score = i, score
    if best is None:
        best = _fallback_header(rows)
        if best is None:
            return None
    n, row = rows[best]
    upper = [_text(v) for v in row]
    if best + 1 < len(rows) and _is_second_header(upper, rows[best + 1][1]):
        lower_n, lower_row = rows[best + 1]
        lower = [_text(v) for v in lower_row]
        width = max(len(upper), len(lower))
        upper += [""] * (width - len(upper))
        lower += [""] * (width - len(lower))
        texts, groups, group = [], [], ""
        for top, low in zip(upper, lower, strict=True):
            group = top or group
            texts.append(low or top)
            groups.append(group if low else "")
        return Header(n, lower_n, texts, groups)
    return Header(n, n, upper, [""] * len(upper))


def _is_second_header(upper: list[str], lower_row: tuple) -> bool:
    """Text only, and some of it under an empty upper cell (a merged group's continuation)."""
    filled = [(i, v) for i, v in enumerate(lower_row) if _text(v)]
    if not filled or any(not isinstance(v, str) or _looks_like_data(v) for _i, v in filled):
        return False

    def top(i: int) -> str:
        return upper[i] if i < len(upper) else ""

    return any(not top(i) for i, _v in filled) and all(
        not top(i) or not top(i + 1) for i, _v in filled
    )


def _looks_like_data(text: str) -> bool:
    return bool(re.fullmatch(r"[\d.,\-/ :]+", text.strip()))


def _fallback_header(rows: list[tuple[int, tuple]]) -> int | None:
    """With no known header text: the first row of two or more text cells, none numeric."""
    for i, (_n, row) in enumerate(rows):
        texts = [_text(v) for v in row if _text(v)]
        if len(texts) >= 2 and not any(
            isinstance(v, int | float) and not isinstance(v, bool) for v in row
        ):
            return i
    return None


def header_key(texts: list[str]) -> str:
    """The normalised header texts joined: what a remembered mapping is keyed on."""
    return "|".join(normalise(t) for t in texts)

"""The quarterly return as a PDF: cover, 表1–表5, 填报说明, signature block with a seal square.

reportlab platypus on A4 landscape with the shipped WenQuanYi Micro Hei embedded as a subset
(never the unembedded CID fonts, PLATFORM.md). Long tables are cut into tables of
``CHUNK_ROWS`` rows, each repeating the header. The footer ``第 X 页 共 Y 页`` needs the page
count, so the canvas keeps every page and draws the footers when the document is saved.
reportlab is imported when an export starts, never at program start-up.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from ylt_desktop.paths import font_path
from ylt_desktop.returns.layout import display_text
from ylt_desktop.returns.model import (
    COVER_LABELS,
    SIGNATURE_FIELDS,
    Cancel,
    Progress,
    QuarterReturn,
    Table,
    check_cancel,
)

FONT = "WQYMicroHei"
CHUNK_ROWS = 500
FONT_SIZE = 8
ONE_LINE = FONT_SIZE * 1.2 + 4  # reportlab's leading for plain strings, plus the paddings
MM = 72 / 25.4
MARGIN = 12 * MM
FOOTER_Y = 8 * MM
HEADER_GREY = (0.85, 0.85, 0.85)
TOTAL_GREY = (0.93, 0.93, 0.93)


def register_font() -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(FONT, str(font_path()), subfontIndex=0))
    return FONT


def footer_text(page: int, pages: int, generated_at: dt.datetime) -> str:
    return f"第 {page} 页 共 {pages} 页    生成时间：{generated_at:%Y-%m-%d %H:%M}"


def _canvas_class(generated_at: dt.datetime, cancel: Cancel | None) -> type:
    from reportlab.pdfgen.canvas import Canvas

    class NumberedCanvas(Canvas):
        """Holds each page until ``save`` so the footer can name the page count."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            # Without this the canvas starts every page in Helvetica, an unembedded font.
            kwargs["initialFontName"] = FONT
            kwargs["initialFontSize"] = FONT_SIZE
            super().__init__(*args, **kwargs)
            self._pages: list[dict] = []

        def showPage(self) -> None:  # noqa: N802 - reportlab's name
            check_cancel(cancel)
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                width = self._pagesize[0]
                self.setFont(FONT, 8)
                self.drawCentredString(
                    width / 2, FOOTER_Y, footer_text(self._pageNumber, total, generated_at)
                )
                super().showPage()
            super().save()

    return NumberedCanvas


class _Styles:
    def __init__(self) -> None:
        from reportlab.lib.enums import TA_CENTER, TA_LEFT
        from reportlab.lib.styles import ParagraphStyle

        def style(name: str, size: float, align: int = TA_LEFT, **kw: Any) -> Any:
            return ParagraphStyle(
                name,
                fontName=FONT,
                fontSize=size,
                leading=size * 1.3,
                alignment=align,
                wordWrap="CJK",
                **kw,
            )

        self.cell = style("cell", FONT_SIZE)
        self.head = style("head", FONT_SIZE, TA_CENTER)
        self.title = style("title", 14, TA_CENTER, spaceAfter=6)
        self.cover_title = style("cover", 26, TA_CENTER, spaceAfter=10)
        self.cover_sub = style("sub", 16, TA_CENTER, spaceAfter=24)
        self.cover_cell = style("covercell", 12)
        self.note = style("note", 10, spaceAfter=6)


def write_pdf(
    ret: QuarterReturn,
    path: str | Path,
    *,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
) -> None:
    """Write ``ret`` to ``path`` (not atomic by itself: ``files.export_quarter`` makes it so)."""
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.platypus import SimpleDocTemplate

    register_font()
    total = ret.row_count + 2
    done = [0]

    def advance(n: int) -> None:
        done[0] += n
        check_cancel(cancel)
        if progress is not None:
            progress(min(done[0], total), total)

    doc = SimpleDocTemplate(
        str(path),
        pagesize=landscape(A4),
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN + 4 * MM,
        title=f"{ret.cover.report_name}（{ret.cover.period}）",
        author=ret.cover.filler_unit,
        creator="YLT Desktop",
    )
    doc.afterFlowable = lambda f: (
        advance(getattr(f, "ylt_units", 0)) if getattr(f, "ylt_units", 0) else None
    )
    story = _story(ret, doc.width, _Styles(), cancel)
    doc.build(story, canvasmaker=_canvas_class(ret.generated_at, cancel))


def _mark(units: int) -> Any:
    """A flowable of no size that reports ``units`` of progress once drawn."""
    from reportlab.platypus import Spacer

    mark = Spacer(0, 0)
    mark.ylt_units = units
    return mark


def _story(ret: QuarterReturn, width: float, st: _Styles, cancel: Cancel | None) -> list:
    from reportlab.platypus import PageBreak, Paragraph, Spacer

    story = _cover(ret, width, st) + [_mark(1), PageBreak()]
    for table in ret.tables:
        check_cancel(cancel)
        story.append(Paragraph(escape(table.title), st.title))
        story += _table_flowables(table, width, st)
        story.append(PageBreak())
    story.append(Paragraph(escape(ret.notes_title), st.title))
    story += [Paragraph(escape(n), st.note) for n in ret.notes]
    story += [Spacer(0, 10 * MM), _signature(ret, width, st), _mark(1)]
    return story


def _cover(ret: QuarterReturn, width: float, st: _Styles) -> list:
    from reportlab.platypus import Paragraph, Spacer
    from reportlab.platypus import Table as PdfTable

    rows = [
        [Paragraph(escape(label), st.cover_cell), Paragraph(escape(value), st.cover_cell)]
        for label, value in ret.cover.items()
    ]
    table = PdfTable(rows, colWidths=[45 * MM, 130 * MM])
    table.setStyle(_grid_style(len(rows)) + [("BACKGROUND", (0, 0), (0, -1), HEADER_GREY)])
    return [
        Spacer(0, 18 * MM),
        Paragraph(escape(ret.cover.report_name), st.cover_title),
        Paragraph(escape(ret.cover.period), st.cover_sub),
        table,
    ]


def _grid_style(rows: int) -> list:
    return [
        ("FONT", (0, 0), (-1, -1), FONT, FONT_SIZE),
        ("GRID", (0, 0), (-1, -1), 0.5, (0, 0, 0)),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        ("LEFTPADDING", (0, 0), (-1, -1), 2),
        ("RIGHTPADDING", (0, 0), (-1, -1), 2),
    ]


def _table_flowables(table: Table, width: float, st: _Styles) -> list:
    """The table in chunks of ``CHUNK_ROWS`` rows, each with the header (repeated per page)."""
    from reportlab.platypus import Table as PdfTable

    widths = fit_widths(table, width)
    height = table.header_height
    header: list[list[Any]] = [[""] * len(widths) for _ in range(height)]
    spans = []
    for h in table.header:
        header[h.row][h.col] = _paragraph(h.text, st.head)
        if h.rowspan > 1 or h.colspan > 1:
            spans.append(("SPAN", (h.col, h.row), (h.col + h.colspan - 1, h.row + h.rowspan - 1)))
    numeric = [c for c, col in enumerate(table.columns) if col.kind in ("int", "float", "date")]
    rows = [_cells(r, widths, st) for r in table.rows]
    chunks = [rows[i : i + CHUNK_ROWS] for i in range(0, len(rows), CHUNK_ROWS)] or [[]]
    flowables = []
    for n, chunk in enumerate(chunks):
        data = header + chunk
        last = n == len(chunks) - 1 and table.total_row is not None
        if last:
            data = data + [_cells(table.total_row, widths, st)]
        # Rows of plain one-line strings get a fixed height, so reportlab measures only the
        # header and rows with wrapping paragraphs (measuring every row cost ~2 s of 7).
        heights = [None] * height + [
            ONE_LINE if all(isinstance(c, str) for c in r) else None for r in data[height:]
        ]
        pdf_table = PdfTable(data, colWidths=widths, rowHeights=heights, repeatRows=height)
        style = (
            _grid_style(len(data)) + spans + [("BACKGROUND", (0, 0), (-1, height - 1), HEADER_GREY)]
        )
        style += [("ALIGN", (c, height), (c, -1), "RIGHT") for c in numeric]
        if last:
            style.append(("BACKGROUND", (0, -1), (-1, -1), TOTAL_GREY))
        pdf_table.setStyle(style)
        flowables += [pdf_table, _mark(len(chunk) + last)]
    if not table.rows:
        flowables.append(_paragraph("（本季度无数据）", st.cell))
    return flowables


def _is_wide(text: str) -> bool:
    return any(ord(ch) > 0x2E7F for ch in text)


def fit_widths(table: Table, avail: float) -> list[float]:
    """Column widths in points that fill ``avail``.

    Each column asks for its longest cell on one line (at least half its header, which may
    wrap). Chinese text columns may wrap, so when the page is too narrow only they give way;
    codes, numbers and dates keep their natural width so they never break mid-number.
    """
    from reportlab.pdfbase.pdfmetrics import stringWidth

    def w(text: str) -> float:
        return stringWidth(text, FONT, FONT_SIZE) + 5

    rows = table.rows + ([table.total_row] if table.total_row else [])
    want, flexible, floor = [], [], []
    for i, col in enumerate(table.columns):
        texts = [display_text(r[i]) for r in rows]
        # Short headers stay on one line; longer ones may take two.
        head = w(col.header) if len(col.header) <= 4 else w(col.header) / 2 + 3
        natural = max([w(t) for t in texts] + [head])
        wraps = col.kind == "text" and any(_is_wide(t) for t in texts)
        want.append(min(natural, avail / 3) if wraps else natural)
        flexible.append(wraps)
        # Short values (状态, a person's name) never wrap; long ones may, down to 4 characters.
        floor.append(
            max(head if len(col.header) < 6 else w(col.header) / 3, min(natural, w("中文中文")))
        )
    spare = avail - sum(want)
    if spare >= 0:
        return [x + spare * x / sum(want) for x in want]
    fitted = _shrink_flexible(want, flexible, floor, avail)
    if fitted is not None:
        return fitted
    # Even the rigid columns are too wide: shrink everything (cells wrap as paragraphs).
    return [x * avail / sum(want) for x in want]


def _shrink_flexible(
    want: list[float], flexible: list[bool], floor: list[float], avail: float
) -> list[float] | None:
    """Scale the flexible columns down to fit, none below its floor; None when impossible."""
    fixed = {i: x for i, x in enumerate(want) if not flexible[i]}
    while True:
        free = [i for i in range(len(want)) if i not in fixed]
        room = avail - sum(fixed.values())
        if not free or room <= 0:
            return None
        scale = room / sum(want[i] for i in free)
        low = {i: floor[i] for i in free if want[i] * scale < floor[i]}
        if not low:
            return [fixed[i] if i in fixed else want[i] * scale for i in range(len(want))]
        fixed.update(low)


def _paragraph(text: str, style: Any) -> Any:
    from reportlab.platypus import Paragraph

    return Paragraph(escape(text), style)


def _cells(row: list[Any], widths: list[float], st: _Styles) -> list:
    """Plain strings where they fit on one line (fast); wrapping paragraphs where they do not."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    cells: list[Any] = []
    for value, width in zip(row, widths, strict=True):
        text = display_text(value)
        if text and stringWidth(text, FONT, FONT_SIZE) > width - 4:
            cells.append(_paragraph(text, st.cell))
        else:
            cells.append(text)
    return cells


class _SealBox:
    """Factory for the blank square in which the unit's seal is pressed."""

    @staticmethod
    def make(size: float) -> Any:
        from reportlab.platypus import Flowable

        class SealBox(Flowable):
            def wrap(self, *_: Any) -> tuple[float, float]:
                return size, size + 14

            def draw(self) -> None:
                c = self.canv
                c.setLineWidth(0.8)
                c.rect(0, 0, size, size)
                c.setFont(FONT, 10)
                c.drawCentredString(size / 2, size + 4, "（盖章）")

        return SealBox()


def _signature(ret: QuarterReturn, width: float, st: _Styles) -> Any:
    from reportlab.platypus import KeepTogether
    from reportlab.platypus import Table as PdfTable

    values = {key: getattr(ret.cover, key) for key in SIGNATURE_FIELDS}
    lines = [
        [
            _paragraph(f"{COVER_LABELS[key]}：", st.cover_cell),
            _paragraph(values[key], st.cover_cell),
        ]
        for key in SIGNATURE_FIELDS
    ]
    fields = PdfTable(lines, colWidths=[32 * MM, 70 * MM], rowHeights=[9 * MM] * len(lines))
    fields.setStyle(
        [
            ("FONT", (0, 0), (-1, -1), FONT, 10),
            ("LINEBELOW", (1, 0), (1, -1), 0.6, (0, 0, 0)),
            ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
        ]
    )
    seal = _SealBox.make(40 * MM)
    block = PdfTable([[fields, seal]], colWidths=[width - 70 * MM, 60 * MM])
    block.setStyle(
        [
            ("FONT", (0, 0), (-1, -1), FONT, 10),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("ALIGN", (1, 0), (1, 0), "CENTER"),
        ]
    )
    return KeepTogether([block])

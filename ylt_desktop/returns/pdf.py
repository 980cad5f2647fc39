"""The quarterly return as a PDF: cover, 表1–表5, 填报说明, signature block with a seal square.

reportlab platypus on A4 landscape with the shipped WenQuanYi Micro Hei embedded as a subset
(never the unembedded CID fonts, PLATFORM.md). The tables are drawn on the canvas by
``pdf_table`` (platypus tables took most of the time) in flowables of ``CHUNK_ROWS`` rows, each
under the header, which is repeated on every page; progress is reported per chunk. The footer ``第 X 页 共 Y 页`` needs the page
count, so the canvas keeps every page and draws the footers when the document is saved.
reportlab is imported when an export starts, never at program start-up.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from ylt_desktop.collector import paused
from ylt_desktop.paths import font_path
from ylt_desktop.returns.model import (
    COVER_LABELS,
    SIGNATURE_FIELDS,
    Cancel,
    Progress,
    QuarterReturn,
    Table,
    check_cancel,
)
from ylt_desktop.returns.pdf_table import (
    FONT,
    FONT_SIZE,
    HEADER_GREY,
    MARGIN,
    MM,
    Caption,
    TableLayout,
    fit_widths,
    paginate,
    rows_flowable,
)

__all__ = ["CHUNK_ROWS", "FONT", "fit_widths", "register_font", "write_pdf"]

CHARTS_AFTER = "indicators"  # the chart page follows 表7
CHUNK_ROWS = 500  # kept for callers; progress is now reported per page of a table
FOOTER_Y = 8 * MM


def register_font() -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    from ylt_desktop.returns.glyphs import shown

    class MarkedFont(TTFont):
        """Draws and measures a character it has no glyph for as "〓" (``returns/glyphs.py``):
        reportlab would draw the empty glyph, and a rare character of a name would vanish."""

        def splitString(self, text, doc, encoding="utf-8"):  # noqa: ANN001, ANN202, N802
            return super().splitString(shown(text), doc, encoding)

        def stringWidth(self, text, size, encoding="utf8"):  # noqa: ANN001, ANN202, N802
            return super().stringWidth(shown(text), size, encoding)

    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(MarkedFont(FONT, str(font_path()), subfontIndex=0))
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
            # One string per page instead of one per operator (the stream joins them with
            # newlines all the same): a return of 500 pages keeps ~10 MB less until saved.
            self._code[:] = ["\n".join(self._code)]
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            pages = self._doc.Pages.pages
            for state in self._pages:
                self.__dict__.update(state)
                width = self._pagesize[0]
                self.setFont(FONT, 8)
                self.drawCentredString(
                    width / 2, FOOTER_Y, footer_text(self._pageNumber, total, generated_at)
                )
                super().showPage()
                _fast_flate(pages[-1])
            super().save()

    return NumberedCanvas


PAGE_ZLIB_LEVEL = 1
"""zlib level of the pages' content: reportlab's default 6 spent ~0.16 s on a return of 560
pages (13.6 MB of operators) for a file 20 % smaller (2.1 MB instead of 2.6 MB)."""


def _fast_flate(page: Any) -> None:
    """Give ``page`` (a ``PDFPage`` just added, its operators in ``stream``) its content stream
    deflated at ``PAGE_ZLIB_LEVEL``, as reportlab's ``PDFPage.check_format`` would at 6."""
    from reportlab.pdfbase.pdfdoc import PDFStream

    if page.Contents or not page.stream or not page.compression:
        return
    stream = PDFStream()
    stream.filters = [_Flate()]
    stream.content = page.stream
    stream.__Comment__ = "page stream"
    page.Contents = stream


class _Flate:
    """reportlab's ``PDFStreamFilterZCompress`` at ``PAGE_ZLIB_LEVEL``."""

    pdfname = "FlateDecode"

    def encode(self, text: str | bytes) -> bytes:
        import zlib

        if isinstance(text, str):
            text = text.encode("utf8")
        return zlib.compress(text, PAGE_ZLIB_LEVEL)


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
        self.mark = style("mark", 9)


def write_pdf(
    ret: QuarterReturn,
    path: str | Path,
    *,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
) -> None:
    """Write ``ret`` to ``path`` (not atomic by itself: ``files.export_quarter`` makes it so)."""
    with paused():
        _write_pdf(ret, path, progress, cancel)


def _write_pdf(
    ret: QuarterReturn, path: str | Path, progress: Progress | None, cancel: Cancel | None
) -> None:
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
        subject=f"{ret.cover.consortium_name} {ret.cover.period}",
        creator=program_name(),
        producer=program_name(),
    )
    doc.afterFlowable = lambda f: (
        advance(getattr(f, "ylt_units", 0)) if getattr(f, "ylt_units", 0) else None
    )
    story = _story(ret, doc.width, _Styles(), cancel)
    doc.build(story, canvasmaker=_canvas_class(ret.generated_at, cancel))


def program_name() -> str:
    from ylt_desktop import __version__

    return f"YLT Desktop {__version__}"


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
        story += _table_flowables(ret, table, width, st)
        story.append(PageBreak())
        if table.key == CHARTS_AFTER and ret.charts:  # 表7 over the quarters, on its own page
            from ylt_desktop.returns.pdf_charts import chart_flowables

            story += chart_flowables(ret, width, st)
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
        _marks_block(ret, st),
        Spacer(0, 4 * MM),
        Paragraph(escape(ret.cover.report_name), st.cover_title),
        Paragraph(escape(ret.cover.period), st.cover_sub),
        table,
    ]


def _marks_block(ret: QuarterReturn, st: _Styles) -> Any:
    """表号, 制定机关, 批准机关, 批准文号, 有效期至: the form's marks, top right (统计法 §17)."""
    from reportlab.platypus import Spacer
    from reportlab.platypus import Table as PdfTable

    if not ret.marks:
        return Spacer(0, 14 * MM)
    rows = [
        [_paragraph(f"{label}：", st.mark), _paragraph(value, st.mark)]
        for label, value in ret.marks
    ]
    block = PdfTable(rows, colWidths=[20 * MM, 62 * MM], hAlign="RIGHT")
    block.setStyle(
        [
            ("FONT", (0, 0), (-1, -1), FONT, 9),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("TOPPADDING", (0, 0), (-1, -1), 1),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ]
    )
    return block


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


def _table_flowables(ret: QuarterReturn, table: Table, width: float, st: _Styles) -> list:
    """The table page by page (``pdf_table.paginate``, as the in-program print lays it out):
    each page under the caption (title, （续） after the first page, 填报单位/报告期/计量单位)
    and the header."""
    from reportlab.platypus import PageBreak

    layout = TableLayout(table, width, ret.header_breaks)
    count = len(layout.heights)
    caption = Caption(table.title, ret.info_line(table))
    flowables: list = []
    for page in paginate(layout):
        if flowables:
            flowables.append(PageBreak())
            caption = caption.next()
        last = page.stop == count and layout.has_total
        flowables += [rows_flowable(layout, page.start, page.stop, last, caption), _mark(len(page))]
    if not table.rows:
        flowables.append(_paragraph("（本季度无数据）", st.cell))
    return flowables


def _paragraph(text: str, style: Any) -> Any:
    from reportlab.platypus import Paragraph

    return Paragraph(escape(text), style)


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

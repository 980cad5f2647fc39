"""One table of the return drawn straight on the canvas: a platypus flowable that splits by row.

platypus ``Table`` measured and styled every cell of every row, which cost most of the PDF
time (PLATFORM.md: a canvas pass is several times faster). Here the rows are laid out column
by column: each distinct text of a column is measured and placed once (a ``Cell``, shared by
every row holding it), row heights come from the cells' needs, and a page is drawn as one
text object (each cell's operators made once: ``pdf_draw``), one grey fill per shaded band
and one stroked path for the grid. The look copies what the platypus tables drew: 2 pt
paddings, 0.5 pt black grid, text centred vertically, numbers right-aligned, headers centred
and wrapped, long Chinese text wrapped inside its cell.
"""

from __future__ import annotations

import bisect
import functools
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import repeat
from typing import Any

from ylt_desktop.returns.layout import header_lines, header_pieces
from ylt_desktop.returns.model import Table
from ylt_desktop.returns.pdf_measure import (  # noqa: F401 - the table's names, here too
    FONT,
    FONT_SIZE,
    Breaks,
    Measure,
    _columns,
    _texts,
    break_lines,
    fit_widths,
    measurer,
)

PAD = 2
STRING_LEADING = FONT_SIZE * 1.2  # a one-line cell, as platypus sized plain strings
PARA_LEADING = FONT_SIZE * 1.3  # wrapped cells and headers, as the paragraphs had
ONE_LINE = STRING_LEADING + 2 * PAD
ONE_DY = (ONE_LINE + STRING_LEADING) / 2 - FONT_SIZE  # a one-line row's text above its bottom
GRID_WIDTH = 0.5
HEADER_GREY = (0.85, 0.85, 0.85)
TOTAL_GREY = (0.93, 0.93, 0.93)
NUMERIC = ("int", "float", "date")
# The page both the PDF and the in-program print lay tables on (points, A4 landscape).
MM = 72 / 25.4
PAGE_SIZE = (841.8897637795277, 595.2755905511812)
MARGIN = 12 * MM
FRAME_PADDING = 6  # platypus frames keep 6 pt inside each edge
FRAME_WIDTH = PAGE_SIZE[0] - 2 * MARGIN - 2 * FRAME_PADDING
FRAME_HEIGHT = PAGE_SIZE[1] - 2 * MARGIN - 4 * MM - 2 * FRAME_PADDING  # room for the footer
TITLE_SIZE, INFO_SIZE = 14, 9
TITLE_HEIGHT, INFO_HEIGHT = 22.0, 16.0  # the table's title and its 填报单位/报告期 line
CAPTION_HEIGHT = TITLE_HEIGHT + INFO_HEIGHT
CONTINUED = "（续）"

# A drawn row: its height and its texts as (x, y above the row's bottom, text).
Row = tuple[float, list[tuple[float, float, str]]]


class Cell:
    """One distinct text of one column, placed: its lines as (x, text), the height its row
    needs for it, and (once drawn) its operators; rows share it wherever the text recurs."""

    __slots__ = ("lines", "need", "ops")

    def __init__(self, lines: list[tuple[float, str]], need: float) -> None:
        self.lines, self.need = lines, need
        self.ops: list[tuple[str, str]] | None = None


class TableLayout:
    """Column positions, the header block and every row of one table, measured once.

    Rows are kept by column: each distinct text of a column is placed once (a ``Cell``) and
    ``cells[i]`` holds row ``i``'s cells (None where empty), ``heights[i]`` its height;
    ``rows[i]`` gives the row as (height, [(x, y above the row's bottom, text)])."""

    def __init__(self, table: Table, avail: float, breaks: Breaks | None = None) -> None:
        self.measure = measurer()
        self.breaks = breaks or {}
        columns = _columns(table)
        widths = fit_widths(table, avail, breaks=self.breaks, columns=columns, measure=self.measure)
        self.widths = _group_room(table, widths, self)
        self.width = sum(self.widths)
        self.x = [0.0]
        for w in self.widths:
            self.x.append(self.x[-1] + w)
        self.numeric = [col.kind in NUMERIC for col in table.columns]
        self._header(table)
        count = len(table.rows) + len(table.total_rows)
        cell_columns, need_columns = [], []
        self._distinct: list[Cell] = []
        for c, texts in enumerate(columns):
            placed: dict[str, Cell | None] = {
                t: self._cell(c, t) if t else None for t in set(texts)
            }
            self._distinct += [cell for cell in placed.values() if cell is not None]
            needs = {t: ONE_LINE if cell is None else cell.need for t, cell in placed.items()}
            cell_columns.append(list(map(placed.__getitem__, texts)))
            need_columns.append(list(map(needs.__getitem__, texts)))
        self.heights: list[float] = list(map(max, repeat(ONE_LINE, count), *need_columns))
        self.cells: list[tuple[Cell | None, ...]] = (
            list(zip(*cell_columns, strict=True)) or [()] * count
        )
        self.has_total = bool(table.total_rows)
        self.total_count = len(table.total_rows)  # the last rows are 合计 rows
        self._drawn_on: Any = None  # the canvas whose operators the cells hold
        self._split_tall_rows(FRAME_HEIGHT - CAPTION_HEIGHT - self.head_height - 1)

    def _split_tall_rows(self, room: float) -> None:
        """A row taller than a page's ``room`` (a long 备注 or 协议名称) goes on in rows
        below it: each long text's lines continue there, page-sized pieces, the row's other
        cells stay in its first. A page could not hold it: platypus raised LayoutError and
        there was no return at all."""
        if not self.heights or max(self.heights) <= room:
            return
        most = max(1, int((room - 2 * PAD) / PARA_LEADING))  # lines of one piece
        heights: list[float] = []
        cells: list[tuple[Cell | None, ...]] = []
        for height, row in zip(self.heights, self.cells, strict=True):
            if height <= room:
                heights.append(height)
                cells.append(row)
                continue
            pieces: list[list[Cell | None]] = [list(row)]
            for c, cell in enumerate(row):
                if cell is None or len(cell.lines) <= most:
                    continue
                for k in range(0, len(cell.lines), most):
                    lines = cell.lines[k : k + most]
                    piece = Cell(lines, len(lines) * PARA_LEADING + 2 * PAD)
                    self._distinct.append(piece)
                    if k // most == len(pieces):
                        pieces.append([None] * len(row))
                    pieces[k // most][c] = piece
            for piece_row in pieces:
                heights.append(max([ONE_LINE] + [x.need for x in piece_row if x is not None]))
                cells.append(tuple(piece_row))
        self.heights, self.cells = heights, cells

    def __len__(self) -> int:
        return len(self.heights)

    def _header(self, table: Table) -> None:
        """Header cells as (x0, x1, first row, last row, lines); row heights as platypus did."""
        height = table.header_height
        rows = [0.0] * height
        spans: list[tuple[int, int, float]] = []
        self.head_cells = []
        for h in table.header:
            x0, x1 = self.x[h.col], self.x[h.col + h.colspan]
            pieces = header_pieces(h.text, self.breaks)
            lines = header_lines(pieces, x1 - x0 - 2 * PAD, self.measure)
            need = len(lines) * PARA_LEADING + 2 * PAD
            last = h.row + h.rowspan - 1
            if last == h.row:
                rows[h.row] = max(rows[h.row], need)
            else:
                spans.append((h.row, last, need))
            self.head_cells.append((x0, x1, h.row, last, lines))
        for first, last, need in sorted(spans, key=lambda s: -s[2]):
            short = need - sum(rows[first : last + 1])
            if short > 0:
                for r in range(first, last + 1):
                    rows[r] += short / (last - first + 1)
        self.head_rows = rows
        self.head_height = sum(rows)

    def _cell(self, c: int, text: str) -> Cell:
        """Where ``text`` goes in column ``c``: on one line, or its lines, each with its x."""
        measure, x = self.measure, self.x
        w = measure(text)
        room = x[c + 1] - x[c] - 2 * PAD
        if w > room:
            lines = break_lines(text, room, measure)
            if self.numeric[c]:
                placed = [(x[c + 1] - PAD - measure(line), line) for line in lines]
            else:
                placed = [(x[c] + PAD, line) for line in lines]
            return Cell(placed, len(lines) * PARA_LEADING + 2 * PAD)
        return Cell([(x[c + 1] - PAD - w if self.numeric[c] else x[c] + PAD, text)], 0.0)

    @functools.cached_property
    def rows(self) -> list[Row]:
        """Every row as (height, [(x, y above the row's bottom, text)]): the texts on one
        line first, then the lines of the wrapped ones, each cell's from the top down."""
        return [self._items(h, cells) for h, cells in zip(self.heights, self.cells, strict=True)]

    @staticmethod
    def _items(height: float, cells: Sequence[Cell | None]) -> Row:
        dy = (height + STRING_LEADING) / 2 - FONT_SIZE
        items = [(c.lines[0][0], dy, c.lines[0][1]) for c in cells if c is not None and not c.need]
        for cell in cells:
            if cell is not None and cell.need:
                y = (height + len(cell.lines) * PARA_LEADING) / 2 - FONT_SIZE
                for lx, line in cell.lines:
                    items.append((lx, y, line))
                    y -= PARA_LEADING
        return height, items


def _group_room(table: Table, widths: list[float], lay: TableLayout) -> list[float]:
    """Widen the columns under a group header whose widest piece is wider than they are."""
    widths = list(widths)
    for h in table.header:
        if h.colspan < 2:
            continue
        need = max(lay.measure(p) for p in header_pieces(h.text, lay.breaks)) + 2 * PAD + 1
        have = sum(widths[h.col : h.col + h.colspan])
        if have < need:
            for c in range(h.col, h.col + h.colspan):
                widths[c] *= need / have
    return widths


def paginate(layout: TableLayout, room: float = FRAME_HEIGHT - CAPTION_HEIGHT) -> list[range]:
    """The rows of each page under the caption and header: at least one row per page."""
    pages: list[range] = []
    start, used = 0, layout.head_height
    for i, h in enumerate(layout.heights):
        if used + h > room and i > start:
            pages.append(range(start, i))
            start, used = i, layout.head_height
        used += h
    pages.append(range(start, len(layout.heights)))
    return pages


def info_size(info: str, width: float) -> float:
    """The font size of the line over a table (填报单位：…　　报告期：…　　计量单位：…):
    ``INFO_SIZE``, smaller when the line is wider than the table (``width``). A long 填报单位
    (up to 100 characters are allowed) ran past the table's edge at ``INFO_SIZE``: 报告期 and
    计量单位 went off the paper on every table page."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    wide = stringWidth(info, FONT, INFO_SIZE)
    return INFO_SIZE if wide <= width else INFO_SIZE * width / wide


def caption_title(title: str, continued: bool) -> str:
    return title + CONTINUED if continued else title


_CLASS: list[type] = []


@dataclass(frozen=True)
class Caption:
    """What stands over a table on each of its pages: its title (（续） after the first page)
    and the line 填报单位：…　　报告期：…　　计量单位：…"""

    title: str
    info: str
    continued: bool = False

    def next(self) -> Caption:
        return Caption(self.title, self.info, True)

    @property
    def shown_title(self) -> str:
        return caption_title(self.title, self.continued)


def rows_flowable(
    layout: TableLayout, start: int, end: int, total_last: bool, caption: Caption | None = None
) -> Any:
    """A flowable of rows ``start:end`` of ``layout`` (``total_last``: the last is the total),
    under ``caption`` when given."""
    if not _CLASS:
        _CLASS.append(_flowable_class())
    return _CLASS[0](layout, start, end, total_last, caption)


def _flowable_class() -> type:
    from reportlab.platypus import Flowable

    from ylt_desktop.returns.pdf_draw import draw_caption, draw_rows

    class RowsFlowable(Flowable):
        """Rows ``start:end`` of a table under its caption and header; splits at row boundaries
        (the part on the next page repeats the caption as （续） and the header)."""

        def __init__(
            self,
            layout: TableLayout,
            start: int,
            end: int,
            total_last: bool,
            caption: Caption | None = None,
        ) -> None:
            super().__init__()
            self.hAlign = "CENTER"  # as platypus tables: wider than the frame less its paddings
            self.layout, self.start, self.end, self.total_last = layout, start, end, total_last
            self.caption = caption
            self.caption_height = CAPTION_HEIGHT if caption is not None else 0.0
            tops = [0.0]
            for h in layout.heights[start:end]:
                tops.append(tops[-1] + h)
            self.tops = tops  # tops[i]: height of the first i rows

        def wrap(self, *_: Any) -> tuple[float, float]:
            self.width = self.layout.width
            self.height = self.caption_height + self.layout.head_height + self.tops[-1]
            return self.width, self.height

        def split(self, _aw: float, ah: float) -> list[Any]:
            room = ah - self.caption_height - self.layout.head_height + 1e-6
            n = bisect.bisect_right(self.tops, room) - 1
            if n <= 0 or n >= self.end - self.start:
                return [] if n <= 0 else [self]
            cut = self.start + n
            rest = self.caption.next() if self.caption is not None else None
            return [
                type(self)(self.layout, self.start, cut, False, self.caption),
                type(self)(self.layout, cut, self.end, self.total_last, rest),
            ]

        def draw(self) -> None:
            top = self.height
            if self.caption is not None:
                draw_caption(self.canv, self.caption, self.layout.width, top)
                top -= self.caption_height
            draw_rows(self.canv, self.layout, self.start, self.end, self.total_last, top)

    return RowsFlowable

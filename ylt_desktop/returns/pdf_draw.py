"""Drawing one page's part of a return table on the canvas (``pdf_table.RowsFlowable.draw``):
the caption, then the header and rows as one text object (each cell's operators made once per
document), one grey fill per shaded band and one stroked path for the grid."""

from __future__ import annotations

from typing import Any

from ylt_desktop.returns.pdf_table import (
    FONT,
    FONT_SIZE,
    GRID_WIDTH,
    HEADER_GREY,
    INFO_SIZE,
    ONE_DY,
    ONE_LINE,
    PARA_LEADING,
    STRING_LEADING,
    TITLE_HEIGHT,
    TITLE_SIZE,
    TOTAL_GREY,
    Caption,
    Cell,
    TableLayout,
    info_size,
)
from ylt_desktop.returns.pdf_text import Placer, placer


def draw_caption(canv: Any, caption: Caption, width: float, top: float) -> None:
    canv.saveState()
    canv.setFillColorRGB(0, 0, 0)
    canv.setFont(FONT, TITLE_SIZE)
    canv.drawCentredString(width / 2, top - TITLE_SIZE - 2, caption.shown_title)
    canv.setFont(FONT, info_size(caption.info, width))
    canv.drawString(0, top - TITLE_HEIGHT - INFO_SIZE - 2, caption.info)
    canv.restoreState()


def draw_rows(canv: Any, lay: TableLayout, start: int, end: int, total: bool, top: float) -> None:
    heights = lay.heights[start:end]
    head_bottom = top - lay.head_height
    bottom = head_bottom - sum(heights)
    width = lay.width
    canv.saveState()
    canv.setFillColorRGB(*HEADER_GREY)
    canv.rect(0, head_bottom, width, lay.head_height, stroke=0, fill=1)
    first_total = len(lay.heights) - lay.total_count
    if lay.total_count and end > first_total:
        canv.setFillColorRGB(*TOTAL_GREY)
        y = head_bottom
        for i, h in enumerate(heights, start):
            y -= h
            if i >= first_total:
                canv.rect(0, y, width, h, stroke=0, fill=1)
    canv.setFillColorRGB(0, 0, 0)

    text = canv.beginText()
    text.setFont(FONT, FONT_SIZE, PARA_LEADING)
    placing = placer(canv, FONT)
    place = placing.place
    row_tops = [top]
    for h in lay.head_rows:
        row_tops.append(row_tops[-1] - h)
    segments = []
    for x0, x1, first, last, lines in lay.head_cells:
        y1, y0 = row_tops[first], row_tops[last + 1]
        segments += [(x0, y0, x1, y0), (x0, y1, x1, y1), (x0, y0, x0, y1), (x1, y0, x1, y1)]
        y = (y0 + y1 + len(lines) * PARA_LEADING) / 2 - FONT_SIZE
        middle = (x0 + x1) / 2
        for line in lines:
            place(text, middle - lay.measure(line) / 2, y, line)
            y -= PARA_LEADING
    segments += _draw_rows(text, placing, lay, start, end, head_bottom)
    canv.drawText(text)

    segments += [(x, bottom, x, head_bottom) for x in lay.x]
    canv.setLineWidth(GRID_WIDTH)
    canv.setLineCap(2)
    canv.setStrokeColorRGB(0, 0, 0)
    _lines(canv, segments, placing.fp_str)
    canv.restoreState()


def _lines(canv: Any, segments: list[tuple[float, float, float, float]], fp: Any) -> None:
    """``canv.lines(segments)``: the same operators, each coordinate formatted once."""
    known: dict[float, str] = {}

    def f(v: float) -> str:
        s = known.get(v)
        if s is None:
            s = known[v] = fp(v)
        return s

    code = canv._code
    code.append("n")
    code += [f"{f(x1)} {f(y1)} m {f(x2)} {f(y2)} l" for x1, y1, x2, y2 in segments]
    code.append("S")


def _draw_rows(
    text: Any, placing: Placer, lay: TableLayout, start: int, end: int, top: float
) -> list[tuple[float, float, float, float]]:
    """Rows ``start:end`` into ``text`` (as ``TableLayout.rows`` places them), each cell's
    operators made once per document (``_cell_ops``); the rows' bottom lines."""
    if lay._drawn_on is not placing:
        for cell in lay._distinct:
            cell.ops = None
        lay._drawn_on = placing
        lay._xs = {}
    code = text._code
    if text._curSubset != 0:
        code.append(placing.font_op(0, FONT_SIZE, PARA_LEADING))
    xs = lay._xs
    fp = placing.fp_str
    width = lay.width
    segments = []
    y = top
    cells = lay.cells
    for i, h in enumerate(lay.heights[start:end], start):
        y -= h
        segments.append((0, y, width, y))
        row = cells[i]
        if h == ONE_LINE:  # every text on one line
            at = fp(y + ONE_DY)
            for cell in row:
                if cell is not None:
                    ((before, after),) = cell.ops or _cell_ops(cell, placing, xs)
                    code.append(before + at + after)
            continue
        at = fp(y + (h + STRING_LEADING) / 2 - FONT_SIZE)
        wrapped = []
        for cell in row:
            if cell is not None:
                if cell.need:
                    wrapped.append(cell)
                else:
                    ((before, after),) = cell.ops or _cell_ops(cell, placing, xs)
                    code.append(before + at + after)
        spots: dict[int, list[str]] = {}  # the lines' ys of a cell of k lines
        for cell in wrapped:
            ops = cell.ops or _cell_ops(cell, placing, xs)
            ys = spots.get(len(ops))
            if ys is None:
                ys = spots[len(ops)] = _line_ys(y, h, len(ops), fp)
            for (before, after), at in zip(ops, ys, strict=True):
                code.append(before + at + after)
    text._curSubset = 0
    return segments


def _line_ys(y: float, height: float, count: int, fp: Any) -> list[str]:
    """The ys of the ``count`` lines of a wrapped cell in a row of ``height`` at ``y``."""
    line_y = (height + count * PARA_LEADING) / 2 - FONT_SIZE
    ys = []
    for _ in range(count):
        ys.append(fp(y + line_y))
        line_y -= PARA_LEADING
    return ys


def _cell_ops(cell: Cell, placing: Placer, xs: dict[float, str]) -> list[tuple[str, str]]:
    """Each line of ``cell`` as the operators before and after its y: ``1 0 0 1 x `` and
    `` Tm`` + its text's, which end in the font's first subset, as they start
    (``Placer.operators_home``); ``xs`` keeps each x written."""
    ops = []
    body = placing.operators_home
    for x, line in cell.lines:
        at = xs.get(x)
        if at is None:
            at = xs[x] = f"1 0 0 1 {placing.fp_str(x)} "
        ops.append((at, body(line, FONT_SIZE, PARA_LEADING)))
    cell.ops = ops
    return ops

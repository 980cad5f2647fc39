"""The PDF return's chart page: each indicator of 表7 over the last quarters, with its target.

Drawn with reportlab's own graphics (``reportlab.graphics.charts.lineplots.LinePlot``), so the
PDF needs nothing beyond reportlab. A missing quarter leaves a gap in the line, never a point
at 0; the target is a dashed red line with its label. Two columns of small charts, as many
rows as needed, on one page under the title.
"""

from __future__ import annotations

from typing import Any

from ylt_desktop.returns.model import ChartData, QuarterReturn

MM = 2.834645669
COLUMNS = 4


def nice_max(value: float) -> float:
    """A round upper bound (1, 2, 2.5, 5 × a power of ten) at or above ``value``."""
    import math

    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if step * power >= value:
            return step * power
    return 10.0 * power


COUNT_UNIT = "人"  # a count of persons: whole numbers only on its axis


def axis_ticks(values: list[float | None], target: float | None, unit: str) -> list[float]:
    """The value axis's ticks, its bottom first (0, or below 0 for a falling growth) and its
    top last (the screen's chart and the PDF's share them). A count (``COUNT_UNIT``:
    晋升前基层服务满一年人数) gets whole-number ticks 1, 2 or 5 × a power of ten apart (0, 1, 2
    — never 0.5, 1.5); a share or a rate four equal steps (a share's top at most 100 %); a
    series going below 0 (下转人次同比增长 falling) equal steps through 0 down to it."""
    import itertools
    import math

    found = [v for v in values if v is not None]
    if target is not None:
        found.append(target)
    top = max(found, default=0.0)
    low = min(found, default=0.0)
    if low < 0:  # a growth that fell: drawn where it is, not at 0
        step = nice_max((max(top, 0.0) - low) * 1.1 / 4)
        first, last = math.floor(low / step), max(math.ceil(top / step), 1)
        return [k * step for k in range(first, last + 1)]
    if unit == COUNT_UNIT:
        whole = math.ceil(nice_max(top * 1.1))
        steps = (m * 10**p for p in itertools.count() for m in (1, 2, 5))
        step = next(s for s in steps if whole / s <= 5)
        highest = math.ceil(whole / step) * step
        return [float(k) for k in range(0, highest + 1, step)]
    share = unit == "%" and 0 < top <= 100  # a share never reads above 100 %
    top = min(100.0, nice_max(top * 1.1)) if share else nice_max(top * 1.1)
    return [top * k / 4 for k in range(5)]


def axis_top(chart: ChartData) -> float:
    return axis_ticks(chart.values, chart.target, chart.unit)[-1]


def segments(values: list[float | None]) -> list[list[tuple[int, float]]]:
    """Runs of consecutive present values as (index, value): one line per run."""
    runs: list[list[tuple[int, float]]] = []
    current: list[tuple[int, float]] = []
    for i, v in enumerate(values):
        if v is None:
            if current:
                runs.append(current)
            current = []
        else:
            current.append((i, v))
    if current:
        runs.append(current)
    return runs


def chart_drawing(chart: ChartData, width: float, height: float, font: str) -> Any:
    """One chart as a reportlab ``Drawing`` of ``width`` × ``height`` points."""
    from reportlab.graphics.charts.lineplots import LinePlot
    from reportlab.graphics.shapes import Drawing, Line, String
    from reportlab.lib import colors

    d = Drawing(width, height)
    d.add(String(4, height - 12, chart.title, fontName=font, fontSize=9))
    n = max(1, len(chart.labels))
    ticks = axis_ticks(chart.values, chart.target, chart.unit)
    bottom, top = ticks[0], ticks[-1]
    plot = LinePlot()
    plot.x, plot.y = 34, 22
    plot.width, plot.height = width - 44, height - 46
    runs = segments(chart.values)
    # An empty run keeps the axes drawn when no value is present at all.
    plot.data = [[(i + 0.5, v) for i, v in run] for run in runs] or [[(-1, 0), (-1, 0)]]
    for k in range(len(plot.data)):
        plot.lines[k].strokeColor = colors.HexColor("#1f5fa8")
        plot.lines[k].strokeWidth = 1.5
    plot.joinedLines = 1
    plot.xValueAxis.valueMin, plot.xValueAxis.valueMax = 0, n
    plot.xValueAxis.valueSteps = [i + 0.5 for i in range(n)]
    labels = list(chart.labels)
    plot.xValueAxis.labelTextFormat = lambda v: labels[int(v)] if 0 <= int(v) < n else ""
    plot.xValueAxis.labels.fontName = font
    plot.xValueAxis.labels.fontSize = 6
    plot.yValueAxis.valueMin, plot.yValueAxis.valueMax = bottom, top
    plot.yValueAxis.valueSteps = ticks
    suffix = "%" if chart.unit == "%" else ""
    plot.yValueAxis.labelTextFormat = lambda v: f"{v:g}{suffix}"
    plot.yValueAxis.labels.fontName = font
    plot.yValueAxis.labels.fontSize = 6
    d.add(plot)
    if chart.target is not None:
        y = plot.y + plot.height * (chart.target - bottom) / (top - bottom)
        d.add(Line(plot.x, y, plot.x + plot.width, y, strokeColor=colors.HexColor("#c0392b"),
                   strokeDashArray=[3, 2], strokeWidth=1))  # fmt: skip
        d.add(String(plot.x + plot.width, y + 2, chart.target_label, fontName=font,
                     fontSize=6, fillColor=colors.HexColor("#c0392b"), textAnchor="end"))  # fmt: skip
    if not runs:
        d.add(String(plot.x + plot.width / 2, plot.y + plot.height / 2, "—（数据不全）",
                     fontName=font, fontSize=8, textAnchor="middle"))  # fmt: skip
    return d


def chart_page(charts: list[ChartData], width: float, height: float, font: str) -> Any:
    """All charts in one ``Drawing``, ``COLUMNS`` per row, fitted to ``width`` × ``height``."""
    from reportlab.graphics.shapes import Drawing, Group

    rows = -(-len(charts) // COLUMNS)
    cell_w, cell_h = width / COLUMNS, min(height / max(rows, 1), 70 * MM)
    page = Drawing(width, cell_h * rows)
    page.initialFontName = font  # else reportlab sets Helvetica (not embedded) first
    for i, chart in enumerate(charts):
        d = chart_drawing(chart, cell_w - 4 * MM, cell_h - 4 * MM, font)
        col, row = i % COLUMNS, i // COLUMNS
        group = Group(*d.contents)
        group.translate(col * cell_w, (rows - 1 - row) * cell_h)
        page.add(group)
    return page


CHART_TITLE = "表7 主要监测指标趋势（近八个季度，虚线为目标）"
CHART_UNITS = ("%", "人/万人", "人")
"""The order the chart page's 计量单位 names the units of its charts."""


def chart_units(charts: list[ChartData]) -> str:
    """The units of the charts drawn, in ``CHART_UNITS``' order (others after): a member's
    own return draws no chart of the consortium's 人/万人, so its line does not name it."""
    drawn = list(dict.fromkeys(c.unit for c in charts))
    return "、".join(
        [u for u in CHART_UNITS if u in drawn] + [u for u in drawn if u not in CHART_UNITS]
    )


def chart_info_line(ret: QuarterReturn) -> str:
    return "\u3000\u3000".join(
        (
            f"填报单位：{ret.cover.filler_unit}",
            f"报告期：{ret.cover.period}",
            f"计量单位：{chart_units(ret.charts)}",
        )
    )


PAGE_HEIGHT = 140 * MM  # what is left of an A4 landscape page under the title lines


def chart_flowables(ret: QuarterReturn, width: float, st: Any) -> list:
    """The page's title, its info line and the charts (``st``: the PDF's paragraph styles)."""
    from xml.sax.saxutils import escape

    from reportlab.platypus import Paragraph

    from ylt_desktop.returns.pdf_table import FONT

    info = chart_info_line(ret)
    return [
        Paragraph(escape(CHART_TITLE), st.title),
        Paragraph(escape(info), st.mark),
        chart_page(ret.charts, width, PAGE_HEIGHT, FONT),
    ]

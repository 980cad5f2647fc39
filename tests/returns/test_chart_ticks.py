"""表7's chart page: a count's value axis has whole-number ticks (never 0.5, 1.5 persons);
a share or a rate keeps four equal steps, fractions allowed."""

from __future__ import annotations

import pytest
from reportlab.graphics.charts.lineplots import LinePlot

from ylt_desktop.returns.model import ChartData
from ylt_desktop.returns.pdf_charts import axis_ticks, chart_drawing

PROMOTION = "晋升前基层服务满一年人数"


def drawn_ticks(chart: ChartData) -> list[float]:
    """The value axis's ticks as reportlab draws them in the PDF's chart."""
    drawing = chart_drawing(chart, 200, 150, "Helvetica")
    plot = next(x for x in drawing.contents if isinstance(x, LinePlot))
    plot.draw()
    return list(plot.yValueAxis._tickValues)


@pytest.mark.parametrize(
    "values",
    [
        [0, 1, 1, 2],
        [None, 1, None],
        [0, 0, 0],
        [1, 3, 4],
        [2, 5, 7],
        [None, None],
        [12, 30, 47],
        [365, 400, 1000],
    ],  # fmt: skip
)
def test_a_count_gets_whole_number_ticks(values: list) -> None:
    chart = ChartData(PROMOTION, "人", [f"Q{i}" for i in range(len(values))], values)
    ticks = drawn_ticks(chart)
    assert ticks == axis_ticks(values, None, "人")
    assert ticks[0] == 0 and all(t == int(t) for t in ticks), ticks
    assert max((v for v in values if v is not None), default=0) <= ticks[-1]
    assert 2 <= len(ticks) <= 6
    steps = {b - a for a, b in zip(ticks, ticks[1:], strict=False)}
    assert len(steps) == 1  # evenly spaced


def test_small_counts_are_counted_one_by_one() -> None:
    assert axis_ticks([0, 1, 1], None, "人") == [0, 1, 2]
    assert axis_ticks([4], None, "人") == [0, 1, 2, 3, 4, 5]


def test_a_share_or_a_rate_keeps_fractions() -> None:
    assert axis_ticks([66.0], 65, "%") == [0, 25, 50, 75, 100]
    assert axis_ticks([1.23], None, "人/万人") == [0, 0.5, 1, 1.5, 2]
    chart = ChartData("每万常住人口派驻中级及以上职称医师数", "人/万人", ["a", "b"], [1.0, 1.23])
    assert drawn_ticks(chart) == [0, 0.5, 1, 1.5, 2]


GROWTH = "下转人次同比增长"


@pytest.mark.parametrize(
    "values", [[-12.5, 3.0, 8.0], [-40.0, -10.0, -5.0], [-3.0, 25.0, 60.0], [None, -0.5, 0.2]]
)
def test_a_falling_growth_is_drawn_below_zero(values: list) -> None:
    """rev5: 下转人次同比增长 falling (a negative %) was drawn at 0 on the screen and outside
    the plot in the PDF: the axis started at 0. It now reaches below the lowest value, through
    0, and the PDF draws the points where they are."""
    chart = ChartData(GROWTH, "%", [f"Q{i}" for i in range(len(values))], values, target=10.0)
    ticks = drawn_ticks(chart)
    assert ticks == axis_ticks(values, 10.0, "%")
    present = [v for v in values if v is not None]
    assert ticks[0] <= min(present) < 0 and 0 in ticks and max(present + [10.0]) <= ticks[-1]
    assert len({round(b - a, 9) for a, b in zip(ticks, ticks[1:], strict=False)}) == 1
    drawing = chart_drawing(chart, 200, 150, "Helvetica")
    plot = next(x for x in drawing.contents if isinstance(x, LinePlot))
    plot.draw()
    zero, low = plot.yValueAxis.scale(0), plot.yValueAxis.scale(min(present))
    assert plot.y <= low < zero <= plot.y + plot.height  # inside the plot, below 0's line

"""The quarter chooser the pages share (运行指标, 概览): today's quarter and the eleven before it,
the last finished one chosen. Light on purpose: the overview is built with it before the
store is imported."""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import QComboBox, QWidget

from ylt_desktop.domain.periods import Quarter


def offered_quarters(today: dt.date, count: int = 12) -> list[Quarter]:
    """Today's quarter and the ``count - 1`` before it, latest first."""
    out = [Quarter.containing(today)]
    while len(out) < count:
        out.append(out[-1].prev())
    return out


class QuarterBox(QComboBox):
    """The quarters a page offers, the last finished one chosen."""

    def __init__(self, parent: QWidget | None = None, today: dt.date | None = None) -> None:
        super().__init__(parent)
        today = today or dt.date.today()
        for q in offered_quarters(today):
            self.addItem(q.label, str(q))
        self.set_quarter(Quarter.last_finished(today))

    def quarter(self) -> Quarter:
        return Quarter.parse(self.currentData())

    def set_quarter(self, quarter: Quarter) -> None:
        i = self.findData(str(quarter))
        if i < 0:
            self.addItem(quarter.label, str(quarter))
            i = self.count() - 1
        self.setCurrentIndex(i)

"""The agreement dialog's two tables: the checkable recipients and the quarterly volume grid.

Both are small helpers the dialog composes around the ``QTableWidget``s of its form; they hold
no translated strings (those stay in ``AgreementDialog``, their ``tr()`` context) and no
reference to the dialog (it connects the tables' ``itemChanged`` itself and skips the changes
made while ``filling``).
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem

from ylt_desktop.domain.agreement import AgreementData, in_force_days
from ylt_desktop.domain.periods import Quarter
from ylt_desktop.domain.problems import Problem, error, warning

BAD_CELL = QColor("#f8d7da")
IdRole = Qt.ItemDataRole.UserRole
Shape = tuple[tuple[Quarter, ...], tuple[str, ...]]


def parse_number(text: str) -> float | None:
    """A typed number (full-width digits and a trailing % allowed); ``None`` when empty."""
    text = (text or "").strip().translate(_FULL_WIDTH).rstrip("%").replace(",", "")
    if not text:
        return None
    return float(text)


_FULL_WIDTH = str.maketrans("０１２３４５６７８９．％，－", "0123456789.%,-")


def fmt(value: float | None) -> str:
    # 15 significant digits, never an exponent below 10^15: the form saves back what it shows,
    # and ``:g``'s 6 turned a 配送金额 of 1234567.89 into 1234570 on any save.
    return "" if value is None else f"{value:.15g}"


def quarters_to_offer(d: AgreementData, today: dt.date) -> list[Quarter]:
    """Quarters in force up to today's quarter, latest first."""
    span = in_force_days(
        effective_from=d.effective_from, effective_to=d.effective_to, terminated_on=d.terminated_on
    )
    if span is None:
        return []
    last = Quarter.containing(today)
    if span[1] is not None:
        last = min(last, Quarter.containing(span[1]))
    quarters, q = [], Quarter.containing(span[0])
    while q <= last:
        quarters.append(q)
        q = q.next()
    return quarters[::-1]


class RecipientTable:
    """Member institutions with a check each and a share column editable once checked."""

    def __init__(
        self,
        table: QTableWidget,
        institutions: list[tuple[int, str, bool]],
        *,
        headers: list[str],
        left_suffix: str,
    ) -> None:
        self.table, self.filling = table, False
        t = table
        t.setColumnCount(2)
        t.setHorizontalHeaderLabels(headers)
        t.verticalHeader().setVisible(False)
        t.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        t.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        t.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        t.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        t.setRowCount(len(institutions))
        for row, (iid, name, left) in enumerate(institutions):
            item = QTableWidgetItem(name + (left_suffix if left else ""))
            item.setData(IdRole, iid)
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            t.setItem(row, 0, item)
            share = QTableWidgetItem("")
            share.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            t.setItem(row, 1, share)

    def check(self, ids: list[int], shares: dict[int, float]) -> None:
        """Check ``ids`` and show their shares, as filling (not a change by the user)."""
        self.filling = True
        for row in range(self.table.rowCount()):
            item = self.table.item(row, 0)
            iid = item.data(IdRole)
            if iid in ids:
                item.setCheckState(Qt.CheckState.Checked)
                self.table.item(row, 1).setText(fmt(shares.get(iid)))
        self.filling = False

    def checked_ids(self) -> list[int]:
        t = self.table
        return [
            t.item(r, 0).data(IdRole)
            for r in range(t.rowCount())
            if t.item(r, 0).checkState() == Qt.CheckState.Checked
        ]

    def row_of_id(self, institution_id: int | None) -> int:
        for r in range(self.table.rowCount()):
            if self.table.item(r, 0).data(IdRole) == institution_id:
                return r
        raise LookupError(institution_id)

    def update_rows(self, provider: int | None, words: list[str]) -> None:
        """Shares are editable only for checked rows; the provider shows only while checked."""
        self.filling = True
        t = self.table
        for r in range(t.rowCount()):
            item, share = t.item(r, 0), t.item(r, 1)
            checked = item.checkState() == Qt.CheckState.Checked
            flags = Qt.ItemFlag.ItemIsEnabled
            share.setFlags(flags | Qt.ItemFlag.ItemIsEditable if checked else flags)
            if not checked:
                share.setText("")
            matches = all(w in item.text() for w in words)
            t.setRowHidden(r, not checked and (item.data(IdRole) == provider or not matches))
        self.filling = False

    def share_texts(self) -> list[str]:
        return [self.table.item(r, 1).text() for r in range(self.table.rowCount())]

    def shares(self, d: AgreementData) -> list[Problem]:
        """Put the checked rows' shares into ``d.recipient_shares``; problems of bad numbers."""
        problems = []
        for r in range(self.table.rowCount()):
            iid = self.table.item(r, 0).data(IdRole)
            if iid not in d.recipient_ids:
                continue
            text = self.table.item(r, 1).text()
            try:
                share = parse_number(text)
            except ValueError:
                problems.append(error(f"recipient_shares.{iid}", f"分配比例“{text}”不是数字"))
                continue
            if share is not None:
                d.recipient_shares[iid] = share
        return problems


class VolumeGrid:
    """One row per quarter, one column per measure; typed texts survive a change of shape."""

    def __init__(self, table: QTableWidget) -> None:
        self.table, self.filling = table, False
        self.cells: dict[tuple[str, str], str] = {}
        self.shape: Shape | None = None
        self.locked: set[str] = set()  # quarters submitted: their cells cannot be edited
        table.verticalHeader().setDefaultAlignment(
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
        )

    def sync(self, shape: Shape) -> bool:
        """Rebuild when the quarters or measures change, keeping typed values; ``True`` if so."""
        if shape == self.shape:
            return False
        self.shape = shape
        quarters, measures = shape
        self.filling = True
        g = self.table
        g.clear()
        g.setRowCount(len(quarters))
        g.setColumnCount(len(measures))
        g.setHorizontalHeaderLabels(list(measures))
        g.setVerticalHeaderLabels([q.label for q in quarters])
        for r, q in enumerate(quarters):
            for c, m in enumerate(measures):
                item = QTableWidgetItem(self.cells.get((str(q), m), ""))
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if str(q) in self.locked:
                    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                    item.setForeground(QColor("#8a8a8a"))
                    item.setToolTip("该季度已报送并锁定")
                g.setItem(r, c, item)
        g.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.filling = False
        return True

    def remember(self, item: QTableWidgetItem) -> None:
        """Keep the text of an edited cell under its (quarter, measure)."""
        quarters, measures = self.shape or ((), ())
        key = (str(quarters[item.row()]), measures[item.column()])
        self.cells[key] = item.text()

    def set_cell(self, quarter: str, measure: str, text: str) -> None:
        """Put ``text`` in a grid cell, as typing it would."""
        quarters, measures = self.shape
        row = [str(q) for q in quarters].index(quarter)
        self.table.item(row, measures.index(measure)).setText(text)

    def volumes(self, d: AgreementData) -> list[Problem]:
        """Put the typed volumes into ``d.volumes``; problems of bad numbers and dropped cells."""
        quarters, measures = self.shape
        problems, dropped = [], []
        for (q, m), text in self.cells.items():
            if not text.strip():
                continue
            if Quarter.parse(q) not in quarters or m not in measures:
                dropped.append(f"{Quarter.parse(q).label}“{m}”")
                continue
            try:
                d.volumes[(q, m)] = parse_number(text)
            except ValueError:
                problems.append(error(f"volumes.{q}.{m}", f"“{text}”不是数字"))
        if dropped:
            problems.append(
                warning(
                    "volumes",
                    "以下服务量不属于当前共享类型或不在有效期内，保存后将被删除："
                    + "、".join(sorted(dropped)),
                )
            )
        return problems

    def mark(self, bad: set[tuple[str, str]]) -> None:
        """Colour the cells whose (quarter, measure) is in ``bad``; clear the others."""
        quarters, measures = self.shape
        self.filling = True
        for r, q in enumerate(quarters):
            for c, m in enumerate(measures):
                item = self.table.item(r, c)
                if item is not None:
                    item.setBackground(BAD_CELL if (str(q), m) in bad else QColor(0, 0, 0, 0))
        self.filling = False

    def filled(self) -> dict[tuple[str, str], str]:
        return {k: v for k, v in self.cells.items() if v.strip()}

"""Small helpers the list pages share."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget
from sqlalchemy.orm import Session

from ylt_desktop.domain.problems import Problem
from ylt_desktop.store.audit import change_token
from ylt_desktop.store.db import Database
from ylt_desktop.ui.widgets.predicate_proxy import RecordFilterProxy
from ylt_desktop.ui.widgets.table_model import RecordTableModel


def data_token(db: Database) -> tuple[int, str]:
    """Moves whenever a record is written; a page compares it to decide whether to reload."""
    with db.session() as s:
        return change_token(s)


def record_table(
    parent: QWidget, proxy: RecordFilterProxy, on_open: Callable[[], None]
) -> QTableView:
    """The read-only, sortable, one-row-at-a-time table every list page shows."""
    table = QTableView(parent)
    table.setModel(proxy)
    table.setSortingEnabled(True)
    table.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setStretchLastSection(True)
    # Size columns from the first rows only: measuring every row is slow on long lists.
    header.setResizeContentsPrecision(60)
    table.doubleClicked.connect(on_open)
    source = proxy.sourceModel()
    if isinstance(source, RecordTableModel):  # the list read again: no sort mark on rows
        source.sort_dropped.connect(  # in the list's own order
            lambda: header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        )
    return table


FIRST_PART = 1000
"""Rows a long list shows at once; the rest are added in parts while the program is idle."""
PART = 5000


def show_in_parts(model: RecordTableModel, rows: Sequence[Any]) -> None:
    """Give ``model`` the rows read: the first screens at once, the rest in parts while idle.

    Making each row's search text (and the audit log's description) is most of a long
    list's cost; a short list is shown whole, as before.
    """
    if len(rows) <= FIRST_PART:
        model.set_rows(rows)
        return
    parts = (rows[i : i + PART] for i in range(FIRST_PART, len(rows), PART))
    model.set_rows(rows[:FIRST_PART], parts, len(rows))


def selected_record(table: QTableView, proxy: RecordFilterProxy) -> Any:
    """The record of the selected row, or None."""
    rows = table.selectionModel().selectedRows()
    if not rows:
        return None
    return proxy.sourceModel().row_record(proxy.mapToSource(rows[0]).row())


def select_where(table: QTableView, proxy: RecordFilterProxy, match: Callable[[Any], bool]) -> bool:
    """Select and show the row whose record ``match``es (a record just saved); True if found."""
    model = proxy.sourceModel()
    while True:
        for row in range(proxy.rowCount()):
            if match(model.row_record(proxy.mapToSource(proxy.index(row, 0)).row())):
                table.selectRow(row)
                table.scrollTo(proxy.index(row, 0))
                return True
        if not model.loading():
            return False
        # A list still coming in parts: the record was not among the rows read so far (a
        # record just saved usually is: the newest come first).
        model.fetch_rest()


def count_status(proxy: RecordFilterProxy, every: str, some: str) -> str:
    """The status bar's words for a list: ``every`` with %1 = all records, or, while a search
    or filter hides some, ``some`` with %1 = all and %2 = shown."""
    total, shown = proxy.sourceModel().total_count(), proxy.rowCount()
    text = every if shown == total else some
    return text.replace("%1", str(total)).replace("%2", str(shown))


def delete_after_asking(
    page: Any,
    title: str,
    question: str,
    command: Callable[[Session], object],
    refusal: Callable[[Session], list[Problem]] | None = None,
    seen: dict[str, Any] | None = None,
) -> bool:
    """Ask, then run the store's delete command in one transaction and reload the page.

    What ``refusal`` finds (other records still point at it, a locked quarter) is said first,
    without asking "确定删除？" at all; a refusal the command still raises is shown too. A
    record another changed since the list was read is not deleted: its values now are shown
    (beside ``seen``, what the list showed, when given).
    """
    from PySide6.QtCore import QCoreApplication
    from PySide6.QtWidgets import QMessageBox

    from ylt_desktop.ui.dialogs.record import run_guarded

    if refusal is not None:
        with page.db.session() as s:
            errors = [p for p in refusal(s) if p.is_error]
        if errors:
            QMessageBox.warning(
                page,
                QCoreApplication.translate("RecordDialog", "不能删除"),
                "\n".join(p.message for p in errors),
            )
            return False
    if QMessageBox.question(page, title, question) != QMessageBox.StandardButton.Yes:
        return False
    from ylt_desktop.store.versions import RecordChanged

    def run(s: Session) -> None:
        try:
            command(s)
        except RecordChanged as exc:  # changed by another since the list was read
            changed.append(exc)

    changed: list[RecordChanged] = []
    with page.db.session() as s:
        if not run_guarded(page, lambda: run(s)):
            return False
    if changed:  # not deleted: what the other saved is shown
        from ylt_desktop.ui.dialogs.record_changed import show_record_changed

        page.changed_dialog = show_record_changed(page, page.db, changed[0], seen)
        page.refresh()
        return False
    page.refresh()
    return True

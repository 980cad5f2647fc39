"""Small helpers the list pages share."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget
from sqlalchemy.orm import Session

from ylt_desktop.store.audit import change_token
from ylt_desktop.store.db import Database
from ylt_desktop.ui.widgets.table_model import RecordFilterProxy


def data_token(db: Database) -> int:
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
    return table


def selected_record(table: QTableView, proxy: RecordFilterProxy) -> Any:
    """The record of the selected row, or None."""
    rows = table.selectionModel().selectedRows()
    if not rows:
        return None
    return proxy.sourceModel().row_record(proxy.mapToSource(rows[0]).row())


def delete_after_asking(
    page: Any, title: str, question: str, command: Callable[[Session], object]
) -> bool:
    """Ask, then run the store's delete command in one transaction and reload the page.

    A refusal (other records still point at it, a locked quarter) is shown as its message.
    """
    from PySide6.QtWidgets import QMessageBox

    from ylt_desktop.ui.dialogs.record import run_guarded

    if QMessageBox.question(page, title, question) != QMessageBox.StandardButton.Yes:
        return False
    with page.db.session() as s:
        if not run_guarded(page, lambda: command(s)):
            return False
    page.refresh()
    return True

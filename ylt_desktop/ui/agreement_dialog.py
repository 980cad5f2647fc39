"""The agreement dialog (新增/编辑资源共享协议).

Recipients are a checkable table of member institutions (the provider is left out unless it
is already checked, so that mistake stays visible); the volume grid has one row per quarter in
force and one column per measure of the agreement's kind.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from ylt_desktop.domain import lists
from ylt_desktop.domain.agreement import AgreementData, in_force_days, measures_for
from ylt_desktop.domain.periods import Quarter
from ylt_desktop.domain.problems import Problem, RuleViolation, error, warning
from ylt_desktop.store import agreements as store
from ylt_desktop.store import institutions as inst_store
from ylt_desktop.store.db import Database
from ylt_desktop.store.models import Agreement
from ylt_desktop.ui.record_dialog import RecordDialog

DATED = ("signed", "effective_from", "effective_to")
BAD_CELL = QColor("#f8d7da")
IdRole = Qt.ItemDataRole.UserRole


def parse_number(text: str) -> float | None:
    """A typed number (full-width digits and a trailing % allowed); ``None`` when empty."""
    text = (text or "").strip().translate(_FULL_WIDTH).rstrip("%").replace(",", "")
    if not text:
        return None
    return float(text)


_FULL_WIDTH = str.maketrans("０１２３４５６７８９．％，－", "0123456789.%,-")


def fmt(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


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


class AgreementDialog(RecordDialog):
    form_name = "agreement"
    fields = (
        "number",
        "title",
        "kind",
        "other_measure",
        "provider_id",
        *(f"has_{name}" for name in DATED),
        *DATED,
        "provider_share",
        "terms",
    )

    def __init__(
        self,
        db: Database,
        agreement_id: int | None = None,
        parent: QWidget | None = None,
        *,
        today: dt.date | None = None,
    ) -> None:
        super().__init__(parent)
        self.db, self.agreement_id = db, agreement_id
        self.today = today or dt.date.today()
        self.recipients: QTableWidget = self.form.findChild(QTableWidget, "recipient_ids")
        self.grid: QTableWidget = self.form.findChild(QTableWidget, "volumes")
        self.volumes_hint: QLabel = self.form.findChild(QLabel, "volumes_hint")
        self._cells: dict[tuple[str, str], str] = {}
        self._shape: tuple[tuple[Quarter, ...], tuple[str, ...]] | None = None
        self._filling = False
        self._kept = AgreementData()
        self._setup_widgets()
        self._load()
        self.setWindowTitle(
            self.tr("编辑资源共享协议") if agreement_id else self.tr("新增资源共享协议")
        )
        self.binder.changed.connect(self._form_changed)
        self.start()
        self.resize(1100, 720)

    # --- set-up -------------------------------------------------------------------

    def _setup_widgets(self) -> None:
        b = self.binder
        b.set_choices("kind", lists.AGREEMENT_KINDS)
        with self.db.session() as s:
            self.institutions = [(i.id, i.name, i.left) for i in inst_store.list_institutions(s)]
        self.name_to_id = {name: iid for iid, name, _ in self.institutions}
        self.id_to_name = {iid: name for iid, name, _ in self.institutions}
        b.set_choices("provider_id", [name for _, name, _ in self.institutions])
        for name in DATED:
            check: QCheckBox = b.widget(f"has_{name}")
            check.toggled.connect(b.widget(name).setEnabled)
        t = self.recipients
        t.setColumnCount(2)
        t.setHorizontalHeaderLabels([self.tr("成员单位"), self.tr("分配比例(%)")])
        t.verticalHeader().setVisible(False)
        t.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        t.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        t.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        t.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        t.setRowCount(len(self.institutions))
        for row, (iid, name, left) in enumerate(self.institutions):
            label = name + (self.tr("（已退出）") if left else "")
            item = QTableWidgetItem(label)
            item.setData(IdRole, iid)
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            t.setItem(row, 0, item)
            share = QTableWidgetItem("")
            share.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            t.setItem(row, 1, share)
        t.itemChanged.connect(self._recipient_changed)
        filter_edit: QLineEdit = self.form.findChild(QLineEdit, "recipient_filter")
        filter_edit.textChanged.connect(self._filter_recipients)
        self.grid.verticalHeader().setDefaultAlignment(
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
        )
        self.grid.itemChanged.connect(self._cell_changed)

    def _load(self) -> None:
        if self.agreement_id is None:
            data, terms = AgreementData(), ""
        else:
            with self.db.session() as s:
                a = s.get(Agreement, self.agreement_id)
                data, terms = store.to_data(a), a.terms
        self._kept = data
        values: dict[str, Any] = {
            "number": data.number,
            "title": data.title,
            "kind": data.kind,
            "other_measure": data.other_measure,
            "provider_id": self.id_to_name.get(data.provider_id, ""),
            "provider_share": fmt(data.provider_share),
            "terms": terms,
        }
        for name in DATED:
            day = getattr(data, name)
            values[f"has_{name}"] = day is not None
            values[name] = day or self.today
        self.binder.set_values(values)
        for name in DATED:
            self.binder.widget(name).setEnabled(values[f"has_{name}"])
        self._filling = True
        for row in range(self.recipients.rowCount()):
            item = self.recipients.item(row, 0)
            iid = item.data(IdRole)
            if iid in data.recipient_ids:
                item.setCheckState(Qt.CheckState.Checked)
                self.recipients.item(row, 1).setText(fmt(data.recipient_shares.get(iid)))
        self._filling = False
        self._update_recipient_rows()
        self._cells = {key: fmt(v) for key, v in data.volumes.items()}
        self._show_termination(data)
        self._sync_grid()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        super().showEvent(event)
        # Bring the first checked recipient into view; a long list may hide it otherwise.
        ids = self.checked_ids()
        if ids:
            row = self.row_of(self.id_to_name[ids[0]])
            self.recipients.scrollToItem(
                self.recipients.item(row, 0), QAbstractItemView.ScrollHint.PositionAtTop
            )

    def _show_termination(self, data: AgreementData) -> None:
        label: QLabel = self.form.findChild(QLabel, "termination_info")
        if data.terminated_on is None:
            label.setVisible(False)
            return
        label.setText(
            self.tr("本协议已于 %1 提前终止。终止原因：%2")
            .replace("%1", data.terminated_on.isoformat())
            .replace("%2", data.termination_reason)
        )
        label.setStyleSheet("color: #6c757d;")

    # --- recipients ---------------------------------------------------------------

    def checked_ids(self) -> list[int]:
        t = self.recipients
        return [
            t.item(r, 0).data(IdRole)
            for r in range(t.rowCount())
            if t.item(r, 0).checkState() == Qt.CheckState.Checked
        ]

    def row_of(self, institution_name: str) -> int:
        for r in range(self.recipients.rowCount()):
            if self.recipients.item(r, 0).data(IdRole) == self.name_to_id.get(institution_name):
                return r
        raise LookupError(institution_name)

    def _recipient_changed(self, item: QTableWidgetItem) -> None:
        if self._filling:
            return
        if item.column() == 0:
            self._update_recipient_rows()
        self.recheck()

    def _update_recipient_rows(self) -> None:
        """Shares are editable only for checked rows; the provider shows only while checked."""
        self._filling = True
        provider = self.name_to_id.get(self.binder.value("provider_id"))
        words = self.form.findChild(QLineEdit, "recipient_filter").text().split()
        t = self.recipients
        for r in range(t.rowCount()):
            item, share = t.item(r, 0), t.item(r, 1)
            checked = item.checkState() == Qt.CheckState.Checked
            flags = Qt.ItemFlag.ItemIsEnabled
            share.setFlags(flags | Qt.ItemFlag.ItemIsEditable if checked else flags)
            if not checked:
                share.setText("")
            matches = all(w in item.text() for w in words)
            t.setRowHidden(r, not checked and (item.data(IdRole) == provider or not matches))
        self._filling = False
        count: QLabel = self.form.findChild(QLabel, "recipient_count")
        count.setText(self.tr("已选 %n 家").replace("%n", str(len(self.checked_ids()))))

    def _filter_recipients(self, _text: str) -> None:
        self._update_recipient_rows()

    # --- volume grid --------------------------------------------------------------

    def _wanted_shape(self) -> tuple[tuple[Quarter, ...], tuple[str, ...]]:
        d = self._dates_only()
        v = self.binder.values()
        measures = measures_for(v["kind"], v["other_measure"])
        return tuple(quarters_to_offer(d, self.today)), tuple(measures)

    def _form_changed(self) -> None:
        self._update_recipient_rows()
        self._sync_grid()

    def _sync_grid(self) -> None:
        """Rebuild the grid when the quarters or measures change, keeping typed values."""
        shape = self._wanted_shape()
        if shape == self._shape:
            return
        self._shape = shape
        quarters, measures = shape
        self._filling = True
        g = self.grid
        g.clear()
        g.setRowCount(len(quarters))
        g.setColumnCount(len(measures))
        g.setHorizontalHeaderLabels(list(measures))
        g.setVerticalHeaderLabels([q.label for q in quarters])
        for r, q in enumerate(quarters):
            for c, m in enumerate(measures):
                item = QTableWidgetItem(self._cells.get((str(q), m), ""))
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                g.setItem(r, c, item)
        g.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self._filling = False
        self.volumes_hint.setText(self._grid_hint(quarters, measures))

    def _grid_hint(self, quarters: tuple[Quarter, ...], measures: tuple[str, ...]) -> str:
        if not measures:
            return self.tr("请先选择共享类型（“其他”须填写服务量指标名称）。")
        if not quarters:
            return self.tr("协议生效后，可在此填写生效期间各季度的服务量。")
        return self.tr("按季度填写（仅列出协议有效期内、截至本季度的季度）；空白表示未填。")

    def _cell_changed(self, item: QTableWidgetItem) -> None:
        if self._filling:
            return
        quarters, measures = self._shape or ((), ())
        key = (str(quarters[item.row()]), measures[item.column()])
        self._cells[key] = item.text()
        self.recheck()

    def set_cell(self, quarter: str, measure: str, text: str) -> None:
        """Put ``text`` in a grid cell, as typing it would."""
        quarters, measures = self._shape
        row = [str(q) for q in quarters].index(quarter)
        self.grid.item(row, measures.index(measure)).setText(text)

    # --- data and problems -------------------------------------------------------

    def _dates_only(self) -> AgreementData:
        v = self.binder.values()
        d = AgreementData(terminated_on=self._kept.terminated_on)
        for name in DATED:
            setattr(d, name, v[name] if v[f"has_{name}"] else None)
        return d

    def _collect(self) -> tuple[AgreementData, list[Problem]]:
        v = self.binder.values()
        d = self._dates_only()
        d.termination_reason = self._kept.termination_reason
        d.number, d.title, d.kind = v["number"], v["title"], v["kind"]
        d.other_measure = v["other_measure"]
        d.provider_id = self.name_to_id.get(v["provider_id"])
        d.recipient_ids = self.checked_ids()
        problems: list[Problem] = []
        try:
            d.provider_share = parse_number(v["provider_share"])
        except ValueError:
            problems.append(error("provider_share", "提供方分配比例须为数字，如 40"))
        for r in range(self.recipients.rowCount()):
            iid = self.recipients.item(r, 0).data(IdRole)
            if iid not in d.recipient_ids:
                continue
            text = self.recipients.item(r, 1).text()
            try:
                share = parse_number(text)
            except ValueError:
                problems.append(error(f"recipient_shares.{iid}", f"分配比例“{text}”不是数字"))
                continue
            if share is not None:
                d.recipient_shares[iid] = share
        quarters, measures = self._shape
        dropped = []
        for (q, m), text in self._cells.items():
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
        return d, problems

    def data(self) -> AgreementData:
        return self._collect()[0]

    def problems(self) -> list[Problem]:
        d, problems = self._collect()
        with self.db.session() as s:
            problems = problems + store.check_agreement(s, d, own_id=self.agreement_id)
        return self._for_display(problems)

    def _for_display(self, problems: list[Problem]) -> list[Problem]:
        """Point row- and cell-level problems at the recipients and volumes labels."""
        bad_cells, shown = set(), []
        for p in problems:
            if p.field.startswith("recipient_shares."):
                iid = int(p.field.split(".", 1)[1])
                name = self.id_to_name.get(iid, str(iid))
                p = type(p)("recipient_shares", p.level, f"{name}：{p.message}")
            elif p.field.startswith("volumes."):
                _, q, m = p.field.split(".", 2)
                if p.is_error:
                    bad_cells.add((q, m))
                label = Quarter.parse(q).label if _is_quarter(q) else q
                text = p.message if label in p.message else f"{label}“{m}”：{p.message}"
                p = type(p)("volumes", p.level, text)
            shown.append(p)
        self._mark_cells(bad_cells)
        return shown

    def _mark_cells(self, bad: set[tuple[str, str]]) -> None:
        quarters, measures = self._shape
        self._filling = True
        for r, q in enumerate(quarters):
            for c, m in enumerate(measures):
                item = self.grid.item(r, c)
                if item is not None:
                    item.setBackground(BAD_CELL if (str(q), m) in bad else QColor(0, 0, 0, 0))
        self._filling = False

    def _extra_state(self) -> tuple:
        shares = [self.recipients.item(r, 1).text() for r in range(self.recipients.rowCount())]
        cells = {k: v for k, v in self._cells.items() if v.strip()}
        return self.checked_ids(), shares, cells

    def start(self) -> None:
        self._extra_pristine = self._extra_state()
        super().start()

    def is_dirty(self) -> bool:
        return super().is_dirty() or self._extra_state() != self._extra_pristine

    def commit(self) -> None:
        terms = self.binder.value("terms")
        try:
            with self.db.session() as s:
                if self.agreement_id is None:
                    a = store.create_agreement(s, data=self.data(), terms=terms)
                    self.agreement_id = a.id
                else:
                    store.update_agreement(
                        s, agreement_id=self.agreement_id, data=self.data(), terms=terms
                    )
        except RuleViolation as exc:
            raise RuleViolation(self._for_display(exc.problems)) from exc
        self._extra_pristine = self._extra_state()


def _is_quarter(text: str) -> bool:
    try:
        Quarter.parse(text)
    except ValueError:
        return False
    return True

"""The agreement dialog (新增/编辑资源共享协议).

Recipients are a checkable table of member institutions (the provider is left out unless it
is already checked, so that mistake stays visible); the volume grid has one row per quarter in
force and one column per measure of the agreement's kind.
The two tables themselves are handled by ``ui/widgets/agreement_grids.py``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any, ClassVar

from PySide6.QtCore import QSize
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QLabel,
    QLineEdit,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from ylt_desktop.domain import lists
from ylt_desktop.domain.agreement import AgreementData, measures_for, terms_problems
from ylt_desktop.domain.periods import Quarter
from ylt_desktop.domain.problems import Problem, RuleViolation, error
from ylt_desktop.store import agreements as store
from ylt_desktop.store import institutions as inst_store
from ylt_desktop.store.db import Database
from ylt_desktop.store.member_agreements import brought_by_roster
from ylt_desktop.store.models import Agreement
from ylt_desktop.store.versions import RecordChanged, form_values
from ylt_desktop.ui.dialogs.record import RecordDialog, lock_text
from ylt_desktop.ui.widgets.agreement_grids import (
    RecipientTable,
    VolumeGrid,
    fmt,
    parse_number,
    quarters_to_offer,
)
from ylt_desktop.ui.widgets.forms import make_searchable

DATED = ("signed", "effective_from", "effective_to")


class AgreementDialog(RecordDialog):
    form_name = "agreement"
    wanted_size = QSize(1100, 720)
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
    # The recipients table and the volume grid keep quiet until they are edited themselves.
    quiet_areas: ClassVar[dict[str, tuple[str, ...]]] = {
        "recipient_ids": (),
        "recipient_shares": (),
        "volumes": (),
    }

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
        self.quiet_until_edited = agreement_id is None
        self.today = today or dt.date.today()
        self.recipients: QTableWidget = self.form.findChild(QTableWidget, "recipient_ids")
        self.grid: QTableWidget = self.form.findChild(QTableWidget, "volumes")
        self.volumes_hint: QLabel = self.form.findChild(QLabel, "volumes_hint")
        self._kept = AgreementData()
        # The member unit's name when a roster brought this agreement here (its volumes only).
        self._roster_member: str | None = None
        self._setup_widgets()
        self._load()
        self.setWindowTitle(
            self.tr("编辑资源共享协议") if agreement_id else self.tr("新增资源共享协议")
        )
        self.binder.changed.connect(self._form_changed)
        self.start()
        self._show_lock()

    def _show_lock(self) -> None:
        """An agreement shown in a submitted quarter's return: say so first; keep open only
        what does not change that return (the terms, other quarters' volumes)."""
        if self.agreement_id is None:
            return
        with self.db.session() as s:
            locked = store.quarters_locked_for(s, self._kept)
            member = brought_by_roster(s, self._kept.number)
        self._roster_member = member
        if member is not None:
            self._show_roster_agreement(member, locked)
            return
        if not locked:
            return
        self._close_parts(locked)
        what = self.tr(
            "协议的编号、名称、类型、单位、分配比例和日期不能修改，已锁定季度的服务量也不能修改；"
            "其他季度的服务量和协议条款仍可填写。"
        )
        self.show_lock(lock_text([q.label for q in locked], what), editable=("terms",))

    def _close_parts(self, locked: list[Quarter]) -> None:
        """The recipients closed, and the volumes of ``locked`` quarters read-only."""
        if locked:
            self.volume_grid.locked = {str(q) for q in locked}
            self.volume_grid.shape = None  # rebuilt with the locked rows read-only
            self._sync_grid()
        self.recipients.setEnabled(False)
        self.form.findChild(QLineEdit, "recipient_filter").setEnabled(False)

    def _show_roster_agreement(self, member: str, locked: list[Quarter]) -> None:
        """A member's database: the lead's agreement (brought by its roster) shows as it is,
        only its volumes open (the store refuses any other change: it would not reach the
        lead, and the next roster would put the lead's version back)."""
        self._close_parts(locked)
        text = self.tr(
            "本数据库是“%1”的成员库：这份协议由牵头单位维护（随名册包带来），协议本身不能在这里"
            "修改（改了也不会报送给牵头单位）；本单位只填写服务量。如需更正，请联系牵头单位。"
        ).replace("%1", member)
        if locked:
            what = self.tr("已锁定季度的服务量不能修改。")
            text += lock_text([q.label for q in locked], what)
        self.show_lock(text, editable=("volumes",))

    # --- set-up -------------------------------------------------------------------

    def _setup_widgets(self) -> None:
        b = self.binder
        b.set_choices("kind", lists.AGREEMENT_KINDS)
        with self.db.session() as s:
            self.institutions = [(i.id, i.name, i.left) for i in inst_store.list_institutions(s)]
        self.name_to_id = {name: iid for iid, name, _ in self.institutions}
        self.id_to_name = {iid: name for iid, name, _ in self.institutions}
        b.set_choices("provider_id", [name for _, name, _ in self.institutions])
        make_searchable(b.widget("provider_id"))
        for name in DATED:
            check: QCheckBox = b.widget(f"has_{name}")
            check.toggled.connect(b.widget(name).setEnabled)
        self.recipient_table = RecipientTable(
            self.recipients,
            self.institutions,
            headers=[self.tr("成员单位"), self.tr("分配比例(%)")],
            left_suffix=self.tr("（已退出）"),
        )
        self.recipients.itemChanged.connect(self._recipient_changed)
        filter_edit: QLineEdit = self.form.findChild(QLineEdit, "recipient_filter")
        filter_edit.textChanged.connect(self._filter_recipients)
        self.volume_grid = VolumeGrid(self.grid)
        self.grid.itemChanged.connect(self._cell_changed)

    def _load(self) -> None:
        if self.agreement_id is None:
            data, terms = AgreementData(), ""
        else:
            with self.db.session() as s:
                a = s.get(Agreement, self.agreement_id)
                data, terms, self.version = store.to_data(a), a.terms, a.version
        self._kept = data
        self._kept_terms = terms if self.agreement_id is not None else None
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
        self.recipient_table.check(data.recipient_ids, data.recipient_shares)
        self._update_recipient_rows()
        self.volume_grid.cells = {key: fmt(v) for key, v in data.volumes.items()}
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
        return self.recipient_table.checked_ids()

    def row_of(self, institution_name: str) -> int:
        try:
            return self.recipient_table.row_of_id(self.name_to_id.get(institution_name))
        except LookupError:
            raise LookupError(institution_name) from None

    def _recipient_changed(self, item: QTableWidgetItem) -> None:
        if self.recipient_table.filling:
            return
        if item.column() == 0:
            self._update_recipient_rows()
        self.reveal("recipient_ids")
        self.reveal("recipient_shares")
        # The domain puts the shares' total on provider_share: a wrong total made in this
        # table must show there, not disable Save beside a blank field still kept quiet.
        self.reveal("provider_share")
        self.recheck()

    def _update_recipient_rows(self) -> None:
        provider = self.name_to_id.get(self.binder.value("provider_id"))
        words = self.form.findChild(QLineEdit, "recipient_filter").text().split()
        self.recipient_table.update_rows(provider, words)
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
        if self.volume_grid.sync(shape):
            self.volumes_hint.setText(self._grid_hint(*shape))

    def _grid_hint(self, quarters: tuple[Quarter, ...], measures: tuple[str, ...]) -> str:
        if not measures:
            return self.tr("请先选择共享类型（“其他”须填写服务量指标名称）。")
        if not quarters:
            return self.tr("协议生效后，可在此填写生效期间各季度的服务量。")
        return self.tr("按季度填写（仅列出协议有效期内、截至本季度的季度）；空白表示未填。")

    def _cell_changed(self, item: QTableWidgetItem) -> None:
        if self.volume_grid.filling:
            return
        self.volume_grid.remember(item)
        self.reveal("volumes")
        self.recheck()

    def set_cell(self, quarter: str, measure: str, text: str) -> None:
        """Put ``text`` in a grid cell, as typing it would."""
        self.volume_grid.set_cell(quarter, measure, text)

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
        problems += self.recipient_table.shares(d)
        problems += self.volume_grid.volumes(d)
        if self._roster_member is not None:
            # The stored fields with the volumes typed, not what the boxes read back (a share
            # shown to 6 digits, terms through the text box): else the store sees a change.
            return dataclasses.replace(self._kept, volumes=d.volumes), problems
        return d, problems

    def data(self) -> AgreementData:
        return self._collect()[0]

    def mine(self) -> dict:
        return form_values(self.data(), terms=self.binder.value("terms"))

    def problems(self) -> list[Problem]:
        d, problems = self._collect()
        with self.db.session() as s:
            problems = problems + store.check_agreement(s, d, own_id=self.agreement_id)
        problems += terms_problems(self.binder.value("terms"), stored=self._kept_terms)
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
        self.volume_grid.mark(bad_cells)
        return shown

    def _extra_state(self) -> tuple:
        return self.checked_ids(), self.recipient_table.share_texts(), self.volume_grid.filled()

    def start(self) -> None:
        self._extra_pristine = self._extra_state()
        super().start()

    def is_dirty(self) -> bool:
        return super().is_dirty() or self._extra_state() != self._extra_pristine

    def commit(self) -> None:
        terms = self.binder.value("terms") if self._roster_member is None else None
        try:
            with self.db.session() as s:
                if self.agreement_id is None:
                    a = store.create_agreement(s, data=self.data(), terms=terms)
                    self.agreement_id = a.id
                else:
                    store.update_agreement(
                        s,
                        agreement_id=self.agreement_id,
                        data=self.data(),
                        terms=terms,
                        version=self.version,
                    )
        except RecordChanged:
            raise
        except RuleViolation as exc:
            raise RuleViolation(self._for_display(exc.problems)) from exc
        self._extra_pristine = self._extra_state()


def _is_quarter(text: str) -> bool:
    try:
        Quarter.parse(text)
    except ValueError:
        return False
    return True

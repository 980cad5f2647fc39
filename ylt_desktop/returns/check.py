"""The pre-export check of one quarter (DESIGN.md §4): every problem, with a record to jump to.

Errors block the export, warnings do not. Each item names the record kind and id so the UI
can open that record (``kind`` is ``consortium``, ``quarter``, ``cover``, ``institution``,
``rotation`` or ``agreement``; ``record_id`` is None when no single record is at fault).
Shown as: ``summary(items)`` (N 个错误，M 个警告) first, then the items in the order
``check_quarter`` gives them: the quarter itself and the cover, then the records' problems.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from ylt_desktop.domain import lists
from ylt_desktop.domain.agreement import OTHER_KIND
from ylt_desktop.domain.institution import validate_institution
from ylt_desktop.domain.periods import Quarter
from ylt_desktop.domain.problems import Level
from ylt_desktop.domain.tiers import purpose_problems
from ylt_desktop.returns.check_figures import figure_items
from ylt_desktop.returns.check_glyphs import glyph_items, id_items
from ylt_desktop.returns.excel_text import MAX_TEXT, excel_length, fits_a_cell
from ylt_desktop.returns.load import AgreementRecord, QuarterData, RotationRecord, load_quarter
from ylt_desktop.returns.model import TYPED_COVER_FIELDS, Cancel, check_cancel
from ylt_desktop.returns.rows import capped_days, summary_groups
from ylt_desktop.store.institutions import to_data
from ylt_desktop.store.models import Institution

ERROR = Level.ERROR
WARNING = Level.WARNING
TICK = 200  # records between cancel checks
COVER_SETTING = "return.cover"  # the cover fields the 季度报表 page remembers


def saved_cover_fields(session: Session) -> dict:
    """The typed cover fields as the 季度报表 page last saved them (what ``ylt check`` uses
    when no field is given on its command line)."""
    from ylt_desktop.store.settings import get_setting

    saved = get_setting(session, COVER_SETTING, {}) or {}
    return {k: v for k, v in saved.items() if k in TYPED_COVER_FIELDS}


@dataclass(frozen=True)
class CheckItem:
    level: Level
    message: str
    kind: str
    record_id: int | None = None
    field: str = ""

    @property
    def is_error(self) -> bool:
        return self.level is Level.ERROR


def errors_in(items: list[CheckItem]) -> list[CheckItem]:
    return [i for i in items if i.is_error]


def summary(items: list[CheckItem]) -> str:
    """The line the list opens with: "2 个错误，3 个警告"."""
    errors = len(errors_in(items))
    return f"{errors} 个错误，{len(items) - errors} 个警告"


# The cover fields a signed return must name (DESIGN.md §4): empty is a warning.
SIGNERS = (("unit_head", "单位负责人"), ("preparer", "填表人"))
# The typed cover fields' lengths (a unit's name, a person's, a phone line): a longer text
# cannot be laid out on the cover (the PDF stopped with reportlab's LayoutError).
COVER_MAX = {"filler_unit": 100, "unit_head": 30, "stats_head": 30, "preparer": 30, "phone": 40}
COVER_FIELD_LABELS = {"filler_unit": "填报单位", "unit_head": "单位负责人",
                      "stats_head": "统计负责人", "preparer": "填表人", "phone": "联系电话"}  # fmt: skip


def cover_length_items(cover_fields: dict | None) -> list[CheckItem]:
    """An error for each typed cover field longer than ``COVER_MAX``."""
    items = []
    for key, most in COVER_MAX.items():
        length = len(str((cover_fields or {}).get(key) or "").strip())
        if length > most:
            label = COVER_FIELD_LABELS[key]
            message = f"封面“{label}”太长（{length} 个字）：不能超过 {most} 个字"
            items.append(CheckItem(ERROR, message, "cover", None, key))
    return items


def cover_id_items(session: Session, cover_fields: dict | None) -> list[CheckItem]:
    """An error for each typed cover field holding a whole identity number the saved cover
    does not hold (typed for this export: ``ylt export --preparer …``, a field the page
    refused to remember); one saved so before and kept is ``id_items``' warning."""
    from ylt_desktop.domain.cover import cover_problems

    if cover_fields is None:
        return []
    problems = cover_problems(cover_fields, stored=saved_cover_fields(session))
    return [CheckItem(ERROR, p.message, "cover", None, p.field) for p in problems if p.is_error]


def check_quarter(
    session: Session,
    quarter: Quarter,
    *,
    today: dt.date | None = None,
    cover_fields: dict | None = None,
    cancel: Cancel | None = None,
    data: QuarterData | None = None,
) -> list[CheckItem]:
    """Every problem of the quarter's return: the quarter itself first (not yet over), then
    the cover (when ``cover_fields`` is given), then the records' errors and warnings.

    ``cancel`` is asked between steps and every ``TICK`` records; ``Cancelled`` when True.
    ``data``: the quarter's records when already read (the export reads them once for the
    check and the return)."""
    today = today or dt.date.today()
    first: list[CheckItem] = []
    if quarter.last_day >= today:
        first.append(
            CheckItem(
                WARNING,
                f"{quarter.label}尚未结束（至 {quarter.last_day}），数据可能不全",
                "quarter",
            )
        )
    for key, label in SIGNERS if cover_fields is not None else ():
        if not str(cover_fields.get(key) or "").strip():
            message = f"封面“{label}”未填写：报表须由{label}签字"
            first.append(CheckItem(WARNING, message, "cover", None, key))
    first += cover_length_items(cover_fields)
    refused = cover_id_items(session, cover_fields)
    first += refused
    first += _missing_members(session, quarter)
    items: list[CheckItem] = []
    data = data or load_quarter(session, quarter)
    if data.consortium is None:
        items.append(CheckItem(ERROR, "尚未创建医联体（名称、类型）", "consortium"))
    # A member's database checks its own part (``load.own_part``): its own unit, its rotations
    # and agreements; a rotation's other end is checked against every member all the same.
    items += _check_members(
        data.members, quarter, data.institutions.values(), every=data.every_member
    )
    member_ids = {m.id for m in data.every_member}
    check_cancel(cancel)
    rotations = data.rotations
    for n, rotation in enumerate(rotations):
        if n % TICK == 0:
            check_cancel(cancel)
        items += _check_rotation(rotation, quarter, member_ids)
    items += _check_day_caps(rotations, quarter)
    check_cancel(cancel)
    for n, agreement in enumerate(data.agreements):
        if n % TICK == 0:
            check_cancel(cancel)
        items += _check_agreement(agreement, quarter)
    check_cancel(cancel)
    items += figure_items(session, quarter)
    items += glyph_items(data, cover_fields)
    said = {("cover", i.field) for i in refused}  # the error says it: no warning as well
    items += [i for i in id_items(data, cover_fields) if (i.kind, i.field) not in said]
    return first + sorted(items, key=lambda i: not i.is_error)


def _missing_members(session: Session, quarter: Quarter) -> list[CheckItem]:
    """The lead's warning (DESIGN §7): members whose data package for the quarter has not been
    accepted; the return may still be exported. Nothing when the lead does not use packages."""
    from ylt_desktop.store.exchange import missing_members

    names = missing_members(session, quarter)
    if not names:
        return []
    return [
        CheckItem(
            WARNING,
            f"{len(names)} 个成员单位尚未报送{quarter.label}的数据包（或已退回）："
            f"{'、'.join(names)}；可以导出，但报表中这些单位的数据可能不全",
            "quarter",
        )
    ]


def _check_day_caps(rotations: list[RotationRecord], quarter: Quarter) -> list[CheckItem]:
    """A person whose 下沉 days at one unit add up to more than the quarter's calendar days:
    表3 counts the calendar days (DESIGN.md §4); the clerk should look at the figures."""
    down, _up, units = summary_groups(rotations)
    items = []
    for unit_id, went in down.items():
        _total, over = capped_days(went, quarter)
        for staff_id, days in sorted(over.items()):
            mine = [r for r in went if r.staff_id == staff_id]
            message = (
                f"人员 {mine[0].staff.name} 在{quarter.label}到“{units[unit_id].name}”的下沉天数"
                f"合计 {days} 天，超过本季度日历天数 {quarter.days} 天；表3 按 {quarter.days} 天计，"
                "请核对各条流动的工作天数"
            )
            field = f"quarters.{quarter}.days"
            items.append(CheckItem(WARNING, message, "rotation", mine[0].id, field))
    return items


def _check_members(
    members: list[Institution],
    quarter: Quarter,
    units: Iterable[Institution] = (),
    *,
    every: list[Institution] | None = None,
) -> list[CheckItem]:
    """``members``' own problems; a missing lead unit among ``every`` member (default:
    ``members``)."""
    items = []
    if not any(m.role == lists.ROLE_LEAD for m in (members if every is None else every)):
        items.append(_no_lead(quarter, units))
    for inst in members:
        if inst.staff_total is None:
            message = f"成员单位“{inst.name}”：未填写在岗职工（表1 该格为空，合计不含该单位）"
            items.append(CheckItem(WARNING, message, "institution", inst.id, "staff_total"))
        for p in validate_institution(to_data(inst)):
            items.append(
                CheckItem(
                    p.level, f"成员单位“{inst.name}”：{p.message}", "institution", inst.id, p.field
                )
            )
    return items


def _no_lead(quarter: Quarter, units: Iterable[Institution]) -> CheckItem:
    """No lead unit among the quarter's members: the lead unit's dates when it has one (a
    consortium set up today has its lead joined today, after the quarter just ended)."""
    lead = next((u for u in units if u.role == lists.ROLE_LEAD), None)
    if lead is None:
        message = f"{quarter.label}没有牵头单位：请在成员单位中指定牵头单位"
        return CheckItem(ERROR, message, "institution")
    if lead.joined > quarter.last_day:
        when, field = f"加入日期为 {lead.joined}，晚于本季度", "joined"
    else:
        when, field = f"退出日期为 {lead.left}，早于本季度", "left"
    message = (
        f"{quarter.label}没有牵头单位：牵头单位“{lead.name}”的{when}；"
        "请核对该单位的加入日期（及医联体的成立日期）"
    )
    return CheckItem(ERROR, message, "institution", lead.id, field)


def _rotation_label(r: RotationRecord) -> str:
    return rotation_label(r.staff.name, r.from_inst.name, r.to_inst.name, r.form, r.start)


def rotation_label(name: str, from_name: str, to_name: str, form: str, start: dt.date) -> str:
    """How a message names a rotation: its person, units, form and start."""
    return f"{name}（{from_name} → {to_name}，{form}，{start} 起）"


def _check_rotation(r: RotationRecord, quarter: Quarter, member_ids: set[int]) -> list[CheckItem]:
    """The rotation's days, both units' membership, then its 流动性质 warning. Most rotations
    have no problem: their label is made only for a message."""
    days, cal = r.days, r.calendar_days
    fine = (
        days is not None
        and days <= cal
        and r.from_id in member_ids
        and r.to_id in member_ids
        and not (r.form == lists.TRAINING_FORM and r.direction != lists.DIRECTION_UP)
        and fits_a_cell(r.note or "")
    )
    if fine:
        return []
    items = []
    label = _rotation_label(r)
    field = f"quarters.{quarter}.days"
    if days is None:
        items.append(
            CheckItem(
                ERROR, f"人员流动 {label}：{quarter.label}未填写工作天数", "rotation", r.id, field
            )
        )
    elif days > cal:
        message = f"人员流动 {label}：{quarter.label}工作天数 {days} 超过本季度内的日历天数 {cal}"
        items.append(CheckItem(ERROR, message, "rotation", r.id, field))
    for inst, name in ((r.from_inst, "from_id"), (r.to_inst, "to_id")):
        if inst.id not in member_ids:
            message = f"人员流动 {label}：“{inst.name}”在{quarter.label}不是医联体成员单位"
            items.append(CheckItem(WARNING, message, "rotation", r.id, name))
    items += [
        CheckItem(p.level, f"人员流动 {label}：{p.message}", "rotation", r.id, p.field)
        for p in purpose_problems(r.direction, r.form)
    ]
    if not fits_a_cell(r.note or ""):
        items.append(_note_cut_item(r, label))
    return items


def _note_cut_item(r: RotationRecord, label: str) -> CheckItem:
    return CheckItem(WARNING, note_cut_message(r.note or "", label), "rotation", r.id, "note")


def note_cut_message(note: str, label: str) -> str:
    """The warning for a 备注 longer than one Excel cell holds, of the rotation ``label``."""
    return (
        f"人员流动 {label}：备注长{excel_length(note):,}个字符（生僻字等扩展区汉字按2个计），"
        f"超过Excel单元格的上限{MAX_TEXT:,}个，导出的Excel中将截断；请精简备注"
    )


def excel_cut_items(data: QuarterData) -> list[CheckItem]:
    """The check's warning for each of the quarter's 备注 that the workbook cuts (longer than
    one Excel cell holds; the PDF prints it whole): the export says them too."""
    return [
        _note_cut_item(r, _rotation_label(r))
        for r in data.rotations
        if not fits_a_cell(r.note or "")
    ]


def _check_agreement(a: AgreementRecord, quarter: Quarter) -> list[CheckItem]:
    label = f"资源共享协议 {a.number}“{a.title}”"
    measures = a.measures
    if a.kind == OTHER_KIND and not measures:
        return [
            CheckItem(
                ERROR,
                f"{label}：共享类型为“其他”，须填写服务量指标名称",
                "agreement",
                a.id,
                "other_measure",
            )
        ]
    entered = a.volumes
    missing = [m for m in measures if m not in entered]
    if not missing:
        return []
    message = (
        f"{label}在{quarter.label}生效，未填写服务量：{'、'.join(missing)}（没有服务量请填 0）"
    )
    return [CheckItem(ERROR, message, "agreement", a.id, f"volumes.{quarter}")]

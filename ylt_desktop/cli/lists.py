"""``ylt institutions|staff|rotations|agreements list``: the records, as tab-separated rows or JSON."""

from __future__ import annotations

import argparse

from ylt_desktop.cli.common import emit, open_db
from ylt_desktop.domain.rotation import VOLUME_LABELS

# Column names of the tab-separated output; ``--json`` keeps the keys (listed in the README).
INSTITUTION_HEADINGS = {
    "id": "编号",
    "name": "机构名称",
    "uscc": "统一社会信用代码",
    "division": "行政区划代码",
    "category": "机构类别",
    "level": "机构等级",
    "role": "医联体角色",
    "joined": "加入日期",
    "left": "退出日期",
    "beds_actual": "实有床位",
    "health_tech_staff": "卫生技术人员",
}
AGREEMENT_HEADINGS = {
    "number": "协议编号",
    "title": "协议名称",
    "kind": "共享类型",
    "provider": "提供方",
    "recipients": "接收方",
    "effective_from": "生效日期",
    "effective_to": "协议期限至",
    "terminated_on": "实际终止日期",
    "status": "状态",
    "quarter": "季度",
    "volumes": "本季度服务量",
}
STAFF_HEADINGS = {
    "id": "编号",
    "name": "姓名",
    "sex": "性别",
    "id_type": "证件类型",
    "id_number": "证件号码",
    "title": "职称",
    "specialty": "专业",
    "home": "所属机构",
}
ROTATION_HEADINGS = {
    "id": "编号",
    "name": "姓名",
    "id_number": "证件号码",
    "title": "职称",
    "from": "派出单位",
    "to": "接收单位",
    "direction": "流动方向",
    "purpose": "流动性质",
    "form": "流动形式",
    "start": "开始日期",
    "end": "结束日期",
    "quarter": "季度",
    "days": "本季度工作天数",
}


def cmd_institutions_list(args: argparse.Namespace) -> int:
    from ylt_desktop.store import institutions as store

    db = open_db(args)
    with db.session() as s:
        rows = [
            {
                "id": i.id,
                "name": i.name,
                "uscc": i.uscc or "",
                "division": i.division,
                "category": i.category,
                "level": i.level,
                "role": i.role,
                "joined": i.joined.isoformat(),
                "left": i.left.isoformat() if i.left else None,
                "beds_actual": i.beds_actual,
                "health_tech_staff": i.health_tech_staff,
            }
            for i in store.list_institutions(s)
        ]
    emit(rows, args.json, INSTITUTION_HEADINGS)
    return 0


def cmd_agreements_list(args: argparse.Namespace) -> int:
    """Agreements in force in the quarter, with their status and that quarter's volumes."""
    from ylt_desktop.store import agreements as store

    quarter = args.quarter
    db = open_db(args)
    with db.session() as s:
        found = store.agreements_in_force(s, quarter)
    rows = []
    for a in found:
        volumes = store.quarter_volumes(a, quarter)
        rows.append(
            {
                "number": a.number,
                "title": a.title,
                "kind": a.kind,
                "provider": a.provider.name,
                "recipients": [i.name for i in store.recipient_institutions(a)],
                "effective_from": a.effective_from.isoformat() if a.effective_from else None,
                "effective_to": a.effective_to.isoformat() if a.effective_to else None,
                "terminated_on": a.terminated_on.isoformat() if a.terminated_on else None,
                # As at the quarter's last day, as the return reports it.
                "status": store.status_of(a, quarter.last_day),
                "quarter": str(quarter),
                "volumes": volumes,
            }
        )
    if not args.json:
        for row in rows:
            row["recipients"] = "、".join(row["recipients"])
            # 15 significant digits: ``:g``'s 6 listed 1234567.89 as 1.23457e+06.
            row["volumes"] = "；".join(f"{m} {v:.15g}" for m, v in row["volumes"].items())
            row["quarter"] = quarter.label
    emit(rows, args.json, AGREEMENT_HEADINGS)
    return 0


def cmd_staff_list(args: argparse.Namespace) -> int:
    """The staff register, ID numbers masked."""
    from ylt_desktop.domain.codes import mask_id
    from ylt_desktop.store import staff as store

    db = open_db(args)
    with db.session() as s:
        rows = [
            {
                "id": p.id,
                "name": p.name,
                "sex": p.sex,
                "id_type": p.id_type,
                "id_number": mask_id(p.id_number),
                "title": p.title,
                "specialty": p.specialty,
                "home": p.home.name,
            }
            for p in store.list_staff(s)
        ]
    emit(rows, args.json, STAFF_HEADINGS)
    return 0


def cmd_rotations_list(args: argparse.Namespace) -> int:
    """Rotations touching the quarter with that quarter's days and volumes."""
    from ylt_desktop.domain.codes import mask_id
    from ylt_desktop.domain.tiers import purpose
    from ylt_desktop.store import rotations as store

    quarter = args.quarter
    db = open_db(args)
    with db.session() as s:
        found = store.rotations_in_quarter(s, quarter)
    rows = []
    for r in found:
        figures = store.quarter_figures(r, quarter)
        rows.append(
            {
                "id": r.id,
                "name": r.staff.name,
                "id_number": mask_id(r.staff.id_number),
                "title": r.staff.title,
                "from": r.from_inst.name,
                "to": r.to_inst.name,
                "direction": r.direction,
                "purpose": purpose(r.direction, r.form),
                "form": r.form,
                "start": r.start.isoformat(),
                "end": r.end.isoformat() if r.end else None,
                "quarter": str(quarter),
                "days": figures.days if figures else None,
                **{v: getattr(figures, v) if figures else 0 for v in store.VOLUMES},
            }
        )
    if not args.json:
        for row in rows:
            row["quarter"] = quarter.label
    emit(rows, args.json, {**ROTATION_HEADINGS, **VOLUME_LABELS})
    return 0

"""Roster packages for several members at once (生成名册包 with many chosen, ``ylt package
roster --member A --member B``): written one after another; when one fails, the clerk is told
which were written (where) and which were not, never only the failure."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.orm import Session

from ylt_desktop.domain.problems import RuleViolation
from ylt_desktop.exchange.package import make_roster
from ylt_desktop.exchange.sealed import PackageRefused
from ylt_desktop.store.models import Institution


@dataclass(eq=False)
class RostersIncomplete(Exception):
    """Some rosters were written, then one failed (``cause``); the rest were not tried.

    ``written``: (unit, file) of those written (``written_ids`` their ids); ``failed``: the
    unit whose roster failed; ``not_tried``: the units after it. ``str()`` says all of it in
    Chinese."""

    written: list[tuple[str, Path]]
    failed: str
    not_tried: list[str]
    cause: BaseException
    written_ids: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(self.text())

    @property
    def not_written(self) -> list[str]:
        return [self.failed, *self.not_tried]

    @property
    def refused(self) -> bool:
        """The failure is a refusal (a rule, a permission, the passphrase), not a file error."""
        return isinstance(self.cause, PackageRefused | RuleViolation)

    @property
    def program_error(self) -> bool:
        """Neither a refusal nor an error a user can act on (a file, the database)."""
        from ylt_desktop.store.access import explain

        return not self.refused and explain(self.cause) is None

    def reason(self) -> str:
        """The failure in Chinese (a program error says only that it is one)."""
        from ylt_desktop.store.access import explain

        if self.refused:
            return str(self.cause)
        return explain(self.cause) or "程序出错"

    def text(self) -> str:
        folders = sorted({str(path.parent) for _name, path in self.written})
        lines = [f"为“{self.failed}”生成名册包时失败：{self.reason()}"]
        lines.append(f"已生成 {len(self.written)} 个名册包，保存在 {'、'.join(folders)}：")
        lines += [f"　　{name}：{path.name}" for name, path in self.written]
        lines.append(
            f"未生成 {len(self.not_written)} 个：{'、'.join(self.not_written)}"
            "（处理上述问题后，请为这些单位重新生成名册包）"
        )
        return "\n".join(lines)


def make_rosters(
    session: Session, *, member_ids: list[int], passphrase: str, out_dir: str | Path
) -> list[Path]:
    """Each member's roster (``make_roster``) in turn, into ``out_dir``. When one fails after
    others were written, ``RostersIncomplete`` names both; when the first fails, its own
    error is raised (nothing was written)."""
    names = {i: session.get(Institution, i) for i in member_ids}
    written: list[tuple[str, Path]] = []
    for n, member_id in enumerate(member_ids):
        try:
            path = make_roster(session, member_id=member_id, passphrase=passphrase,
                               out_dir=out_dir)  # fmt: skip
        except Exception as exc:
            if not written:
                raise
            label = [_name(names[i], i) for i in member_ids[n:]]
            done = member_ids[:n]
            raise RostersIncomplete(written, label[0], label[1:], exc, done) from exc
        written.append((_name(names[member_id], member_id), path))
    return [path for _name_, path in written]


def _name(unit: Institution | None, unit_id: int) -> str:
    return unit.name if unit is not None else f"编号 {unit_id} 的单位"

"""What an import found: the sheet's layout (header, column mapping) and the per-row outcome."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ylt_desktop.domain.periods import Quarter
from ylt_desktop.importing.columns import KINDS, target_labels
from ylt_desktop.importing.plan import (
    CHANGED,
    NEW,
    REJECTED,
    STATUS_LABELS,
    UNCHANGED,
    Planned,
    RowProblem,
)
from ylt_desktop.importing.reader import Header, col_letter

MAX_PROBLEMS = 5000  # kept in the report; more are counted, not listed


@dataclass
class SheetLayout:
    """The chosen sheet, its header and which field each column fills (None = not imported)."""

    kind: str
    sheet: str
    header: Header
    mapping: list[str | None]
    mapping_key: str
    remembered: bool = False

    def column_name(self, index: int) -> str:
        text = self.header.texts[index] if index < len(self.header.texts) else ""
        return f"{col_letter(index)}列" + (f"（{text}）" if text else "")

    def columns(self) -> dict[str, str]:
        return {key: self.column_name(i) for i, key in enumerate(self.mapping) if key}

    def missing(self, required: tuple[str, ...]) -> list[str]:
        labels = target_labels(self.kind)
        return [labels[k] for k in required if k not in self.mapping]


@dataclass
class ImportReport:
    kind: str
    path: Path
    layout: SheetLayout
    quarter: Quarter | None = None
    dry_run: bool = True
    counts: dict[str, int] = field(
        default_factory=lambda: {NEW: 0, CHANGED: 0, UNCHANGED: 0, REJECTED: 0}
    )
    problems: list[RowProblem] = field(default_factory=list)
    problems_dropped: int = 0
    rejected_rows: list[int] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    written: bool = False
    backup: Path | None = None
    seconds: float = 0.0

    def add(self, planned: Planned) -> None:
        self.counts[planned.status] += 1
        if planned.status == REJECTED and len(self.rejected_rows) < MAX_PROBLEMS:
            self.rejected_rows.append(planned.row)
        for p in planned.problems:
            if len(self.problems) < MAX_PROBLEMS:
                self.problems.append(p)
            else:
                self.problems_dropped += 1

    def fresh(self) -> ImportReport:
        return ImportReport(self.kind, self.path, self.layout, self.quarter, dry_run=False)

    @property
    def rows(self) -> int:
        return sum(self.counts.values())

    @property
    def rejected(self) -> int:
        return self.counts[REJECTED]

    @property
    def new(self) -> int:
        return self.counts[NEW]

    @property
    def changed(self) -> int:
        return self.counts[CHANGED]

    @property
    def unchanged(self) -> int:
        return self.counts[UNCHANGED]

    def counts_text(self) -> str:
        parts = "，".join(f"{STATUS_LABELS[k]} {v} 行" for k, v in self.counts.items())
        return f"{KINDS[self.kind]}：共 {self.rows} 行（{parts}）"

    def summary(self) -> str:
        lines = [self.counts_text()]
        lines += self.notes
        if self.dry_run:
            lines.append("（试导入：未写入数据库）")
        elif self.written:
            lines.append(
                "已导入，已写入数据库" + (f"；导入前已备份：{self.backup}" if self.backup else "")
            )
        else:
            lines.append("有错误的行，未写入任何数据（可改正后重新导入，或选择“仅导入有效行”）")
        if self.problems_dropped:
            lines.append(f"另有 {self.problems_dropped} 条问题未列出")
        return "\n".join(lines)

"""What a record dialog shows of its problems: the texts next to the fields, and the count."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel


def shown_problems(dialog) -> dict[str, str]:  # noqa: ANN001
    """The non-empty problem labels not hidden, by field (works before the dialog is shown)."""
    return {
        label.objectName().removesuffix("_problem"): label.text()
        for label in dialog.form.findChildren(QLabel)
        if label.objectName().endswith("_problem") and not label.isHidden() and label.text()
    }


def pending(count: int) -> str:
    """The line beside Save while ``count`` errors wait on fields not edited yet."""
    return f"还有 {count} 项需要填写或更正"

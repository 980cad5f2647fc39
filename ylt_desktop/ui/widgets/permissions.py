"""Greying out what the signed-in user's role may not do, and saying why on hover.

The UI asks the same table the store enforces (``domain/roles.py``); it keeps no list of its
own. The store refuses regardless, so a widget left enabled by mistake still cannot do harm.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QWidget

from ylt_desktop.domain.roles import Permission, may, refusal


def allowed(db: Any, permission: Permission) -> bool:
    user = getattr(db, "user", None)
    return user is not None and may(user.role, permission)


def why_not(db: Any, permission: Permission) -> str:
    user = getattr(db, "user", None)
    if user is None:
        return QCoreApplication.translate("Permissions", "请先登录")
    return refusal(permission, name=user.name, role=user.role)


def gate(widget: QWidget, db: Any, permission: Permission) -> bool:
    """Disable ``widget`` with the reason as its tooltip when the user may not; returns may."""
    ok = allowed(db, permission)
    if not ok:
        widget.setEnabled(False)
        widget.setToolTip(why_not(db, permission))
    return ok

"""Small values remembered per database (the return's cover fields, …) in the setting table."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy.orm import Session

from ylt_desktop.store.models import Setting
from ylt_desktop.store.tx import transaction


def get_setting(session: Session, key: str, default: Any = None) -> Any:
    row = session.get(Setting, key)
    if row is None:
        return default
    try:
        return json.loads(row.value)
    except ValueError:
        return default


def set_setting(session: Session, *, key: str, value: Any) -> None:
    with transaction(session):
        row = session.get(Setting, key)
        text = json.dumps(value, ensure_ascii=False, default=str)
        if row is None:
            session.add(Setting(key=key, value=text))
        else:
            row.value = text

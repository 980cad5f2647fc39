"""Where things live: bundled resources (also when frozen) and the per-user data folders."""

from __future__ import annotations

import sys
from pathlib import Path

# platformdirs is imported where it is used: on Linux it pulls in tempfile, shutil and
# random (~10 ms), which the first paint of the window does not need.

APP_NAME = "YLTDesktop"
APP_AUTHOR = "YLT"


def _root() -> Path:
    frozen = getattr(sys, "_MEIPASS", None)
    return Path(frozen) if frozen else Path(__file__).resolve().parent.parent


def resource_path(*parts: str) -> Path:
    """A file under ``resources/`` (or ``forms/`` with ``resource_path('..', 'forms', x)``).

    Mirrored by ``datas`` in build.spec.
    """
    return _root().joinpath("resources", *parts)


def form_path(name: str) -> Path:
    return _root() / "forms" / name


def data_dir() -> Path:
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME, APP_AUTHOR))


def log_dir() -> Path:
    import platformdirs

    return Path(platformdirs.user_log_dir(APP_NAME, APP_AUTHOR))


def default_db_path() -> Path:
    return data_dir() / "ylt.sqlite"


FONT_FILE = "wqy-microhei.ttc"


def font_path() -> Path:
    return resource_path("fonts", FONT_FILE)

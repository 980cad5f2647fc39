"""The tests never write into the user's own folders (tests/conftest.py: _user_folders)."""

from __future__ import annotations

from pathlib import Path

from ylt_desktop.paths import data_dir, default_db_path, log_dir
from ylt_desktop.store.pg_backup import backup_folder


def test_the_programs_folders_are_the_sessions_not_the_users() -> None:
    user = Path.home() / ".local"
    for folder in (data_dir(), log_dir(), backup_folder(), default_db_path()):
        assert not folder.is_relative_to(user), folder

"""``ylt backup`` and ``ylt restore``."""

from __future__ import annotations

import argparse

from ylt_desktop.cli.common import open_db


def cmd_backup(args: argparse.Namespace) -> int:
    from ylt_desktop.store.backup import (
        DamagedDatabase,
        Health,
        backup_copy,
        check_database,
        copy_database,
    )

    path = args.db.expanduser().resolve()
    health = check_database(path) if path.exists() else Health(ok=False, message="文件不存在")
    if not health.ok or health.empty:
        raise DamagedDatabase(path, health)
    if args.out:
        out = copy_database(path, args.out.expanduser().resolve())
    else:
        out = backup_copy(path, reason="manual")
    print(f"已备份：{out}")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from ylt_desktop.store.backup import restore_database

    safety = restore_database(args.file, args.db)
    open_db(args).close()  # an older backup is upgraded here, after its own backup
    if safety:
        print(f"原数据库已另存：{safety}")
    print(f"已从 {args.file} 恢复：{args.db}")
    return 0

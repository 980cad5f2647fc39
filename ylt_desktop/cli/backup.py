"""``ylt backup`` and ``ylt restore``."""

from __future__ import annotations

import argparse

from ylt_desktop.cli.common import open_db
from ylt_desktop.store.backup import DatabaseProblem


def cmd_backup(args: argparse.Namespace) -> int:
    from ylt_desktop.cli.returns import check_out_folder
    from ylt_desktop.store.access import NotOurDatabase, check_access
    from ylt_desktop.store.backup import DamagedDatabase, backup_copy, check_database, copy_database

    path = args.db.expanduser().resolve()
    check_access(path, create=False)  # missing, a folder, read-only, empty: said as such
    health = check_database(path)
    if not health.ok:
        raise DamagedDatabase(path, health)
    if not health.is_ylt:
        raise NotOurDatabase(f"不是本程序的数据库（其中没有医联体数据表）：{path}")
    if args.out:
        out = args.out.expanduser().resolve()
        if out.is_dir():
            raise DatabaseProblem(f"--out 应是备份文件的路径，不是文件夹：{out}")
        check_out_folder(out.parent)
        out = copy_database(path, out)
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

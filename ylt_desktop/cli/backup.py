"""``ylt backup`` and ``ylt restore``."""

from __future__ import annotations

import argparse
from pathlib import Path

from ylt_desktop.cli.common import open_db
from ylt_desktop.store.backup import DatabaseProblem


def _admin(args: argparse.Namespace, permission_name: str):  # noqa: ANN202
    """Sign in on the database and check the role (管理员); returns the actor."""
    from ylt_desktop.domain.roles import Permission
    from ylt_desktop.store import users

    db = open_db(args)
    actor = users.require_actor(db.user, Permission[permission_name])
    db.close()
    return actor


def _out_file(out: Path) -> Path:
    """``--out`` of ``ylt backup``: a file's path (not a folder), in a folder it can write in."""
    from ylt_desktop.cli.returns import check_out_folder

    out = out.expanduser().resolve()
    if out.is_dir():
        raise DatabaseProblem(f"--out 应是备份文件的路径，不是文件夹：{out}")
    check_out_folder(out.parent)
    return out


def _server_backup(args: argparse.Namespace) -> int:
    """``pg_dump`` of a server database into ``--out`` or the data folder's ``backups/``."""
    from ylt_desktop.store import pg_backup

    db = open_db(args)
    _admin_on(db, "BACKUP")
    url = db.engine.url
    out = _out_file(args.out) if args.out else pg_backup.backup_name(url, "manual")
    out = pg_backup.dump(url, out)
    print(f"已备份：{out}")
    return 0


def _server_restore(args: argparse.Namespace) -> int:
    from ylt_desktop.store import pg_backup

    db = open_db(args)
    actor = _admin_on(db, "RESTORE")
    url = db.engine.url
    db.close()
    safety = pg_backup.restore(url, args.file, actor=actor)
    open_db(args, sign_in=False).close()  # an older backup is brought to the current schema
    print(f"原数据库已另存：{safety}")
    print(f"已从 {args.file} 恢复：{db.location}")
    return 0


def _admin_on(db, permission_name: str):  # noqa: ANN001, ANN202
    from ylt_desktop.domain.roles import Permission
    from ylt_desktop.store import users

    return users.require_actor(db.user, Permission[permission_name])


def cmd_backup(args: argparse.Namespace) -> int:
    from ylt_desktop.store.server import is_server_url

    if is_server_url(args.db):
        return _server_backup(args)
    from ylt_desktop.store.access import NotOurDatabase, check_access
    from ylt_desktop.store.backup import DamagedDatabase, backup_copy, check_database, copy_database

    path = args.db.expanduser().resolve()
    check_access(path, create=False)  # missing, a folder, read-only, empty: said as such
    health = check_database(path)
    if not health.ok:
        raise DamagedDatabase(path, health)
    if not health.is_ylt:
        raise NotOurDatabase(f"不是本程序的数据库（其中没有医联体数据表）：{path}")
    _admin(args, "BACKUP")
    if args.out:
        out = copy_database(path, _out_file(args.out))
    else:
        out = backup_copy(path, reason="manual")
    print(f"已备份：{out}")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from ylt_desktop.store.backup import check_database, has_users
    from ylt_desktop.store.restore import restore_database
    from ylt_desktop.store.server import is_server_url

    if is_server_url(args.db):
        return _server_restore(args)

    target = args.db.expanduser().resolve()
    actor = None
    if target.exists() and check_database(target, full=False).ok and has_users(target):
        actor = _admin(args, "RESTORE")  # a damaged or user-less database: nobody to sign in
    safety = restore_database(args.file, args.db, actor=actor)
    open_db(args, sign_in=False).close()  # an older backup is upgraded here, after its own backup
    if safety:
        print(f"原数据库已另存：{safety}")
    print(f"已从 {args.file} 恢复：{args.db}")
    return 0

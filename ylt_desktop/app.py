"""Start-up of the desktop program: arguments, logging, font, database, first run, window."""

from __future__ import annotations

import argparse
import gc
import logging
import sys
from pathlib import Path

from ylt_desktop import __version__, logs
from ylt_desktop.paths import data_dir, default_db_path

log = logging.getLogger(__name__)


LANGS = ("zh_CN", "en")
_SWITCHES = {"--demo": "demo", "--self-test": "self_test", "--quit-after-paint": "quit_after_paint"}
_VALUES = {"--db": "db", "--lang": "lang"}


def parse_args(argv: list[str]) -> argparse.Namespace:
    """The command line: the usual ones read directly, anything else (help, version, an
    abbreviation, a mistake) by argparse, which says what is wrong."""
    usual = _usual_args(argv)
    return usual if usual is not None else _parser().parse_args(argv)


def _usual_args(argv: list[str]) -> argparse.Namespace | None:
    """``--db PATH``, ``--lang L``, ``--demo``… exactly as argparse reads them, or None for
    anything else. argparse's messages import gettext and locale (~4 ms before the first
    paint) even when nothing needs saying."""
    found: dict[str, object] = dict.fromkeys(_SWITCHES.values(), False)
    found.update(db=None, lang="zh_CN")
    rest = list(argv)
    while rest:
        arg = rest.pop(0)
        if arg in _SWITCHES:
            found[_SWITCHES[arg]] = True
            continue
        name, eq, value = arg.partition("=")
        if name not in _VALUES:
            return None
        if not eq:
            if not rest or rest[0].startswith("-"):
                return None
            value = rest.pop(0)
        elif not value or value.startswith("-"):
            return None
        if name == "--lang" and value not in LANGS:
            return None
        found[_VALUES[name]] = _db_arg(value) if name == "--db" else value
    return argparse.Namespace(**found)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ylt-desktop", description="医联体成员数据填报")
    parser.add_argument(
        "--db",
        type=_db_arg,
        help="数据库文件路径（默认：用户数据目录），或数据库服务器地址 postgresql://用户名@服务器/数据库名",
    )
    parser.add_argument("--demo", action="store_true", help="打开示例医联体（单独的示例数据库）")
    parser.add_argument("--lang", choices=LANGS, default="zh_CN", help="界面语言")
    parser.add_argument(
        "--self-test",
        action="store_true",
        help="自检：在临时目录生成示例数据并导出报表，成功返回 0",
    )
    # For bench/run.py: print the time to the first painted window, then quit.
    parser.add_argument("--quit-after-paint", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--version", action="version", version=__version__)
    return parser


def _db_arg(text: str) -> Path | str:
    """A file path, or a PostgreSQL server's address kept as typed (``store/server.py``)."""
    # store.server (and the store's file checks it imports, ~15 ms) only for what may be a
    # server's address: a file path is parsed before the first paint.
    if text.strip().lower().startswith("postgres"):
        from ylt_desktop.store.server import is_server_url

        if is_server_url(text):
            return text.strip()
    return Path(text)


def db_path_for(args: argparse.Namespace) -> Path | str:
    """``--db``; else the demo's file; else the server chosen in 数据库连接 (remembered without
    its password), else the local database file."""
    if args.db:
        return args.db
    if args.demo:
        return data_dir() / "demo.sqlite"
    from ylt_desktop.ui.dialogs.connection import remembered_server

    return remembered_server() or default_db_path()


def install_translator(app, lang: str) -> None:  # noqa: ANN001
    from ylt_desktop.ui.translations import install_translators

    install_translators(app, lang)


def _excepthook(kind, exc, tb) -> None:  # noqa: ANN001
    """``ui.errors.excepthook``, imported when first needed (not before the first paint)."""
    from ylt_desktop.ui.errors import excepthook

    excepthook(kind, exc, tb)


def main(argv: list[str] | None = None) -> int:
    from ylt_desktop.private import private_umask

    private_umask()  # the database, backups, exports and the log: owner-only
    args = parse_args(sys.argv[1:] if argv is None else argv)
    if args.self_test:
        gc.enable()  # held off by __main__ for the window's start
        from ylt_desktop.selftest import run

        return run()
    # No cyclic garbage collection before the first frame (``_collect_after_paint``).
    gc.disable()
    try:
        return _start_window(args)
    finally:
        gc.enable()


def _start_window(args: argparse.Namespace) -> int:
    """The window built and shown, the rest after its first paint; the event loop's exit code."""
    # Kept in memory until the log file opens after the first paint: a missing font or a
    # failure in building the window is logged before that.
    logs.buffer_early_records()
    # The window's module first: once loaded, PySide6 reads the source of every module
    # imported after it (shibokensupport.feature), so the standard modules it needs are
    # imported before PySide6 (~1 ms each for typing or logging).
    from ylt_desktop.ui.main_window import MainWindow

    sys.excepthook = _excepthook
    from PySide6.QtWidgets import QApplication

    from ylt_desktop.ui.fonts import install_font

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("YLT Desktop")
    app.setProperty("ylt_lang", args.lang)  # part of the overview snapshot's key
    install_font(app)
    if args.lang != "zh_CN":  # the window's own strings; Qt's Chinese ones after the paint
        install_translator(app, args.lang)
    # The window paints first; the log file (logging.handlers, ~10 ms) and the database
    # (SQLAlchemy, checks, migration, first run) are set up right after, from the event
    # loop, so the clerk sees the program at once.
    window = MainWindow()
    window.show_opening()
    window.show()

    def after_paint() -> None:
        if args.quit_after_paint:  # bench/start.py: the first frame is on the screen
            print("painted", flush=True)
        _collect_after_paint()
        if args.lang == "zh_CN":  # Qt's own strings (是/否, 取消…): no dialog shows before
            install_translator(app, args.lang)
        _open_into(app, window, args)

    window.after_first_paint(after_paint)
    return app.exec()


def _collect_after_paint() -> None:
    """The garbage collector again, held off by ``main`` until the first frame: before it, its
    ~30 passes over the young objects (the modules, PySide6's enums, the window) freed about
    50 objects in all and cost ~4 ms CPU of the start (bench/start.py). What the start built
    lives as long as the program, so ``gc.freeze`` sets it aside: neither the pass that would
    now catch up (~4 ms) nor any later full collection walks it again."""
    gc.freeze()
    gc.enable()


def _open_into(app, window, args: argparse.Namespace) -> None:  # noqa: ANN001
    """Open the database into the painted window, or leave with an exit code.

    Never leaves the window on "正在打开数据库…": an unexpected failure is logged, shown,
    and ends the program with 2.
    """
    _guarded(app, window, lambda: _open_after_paint(app, window, args))


def _open_after_paint(app, window, args: argparse.Namespace) -> None:  # noqa: ANN001
    _start_logging()
    from ylt_desktop.ui.errors import install_wait_notice

    # After the paint: it imports the store's file checks (~25 ms), needed from here on.
    install_wait_notice()
    from ylt_desktop.ui.first_page import open_in_background, say_ready

    if _overview_before_opening(window, args) and args.quit_after_paint:
        say_ready(window)
    # The window answers while the file is checked, backed up and migrated (first_page):
    # behind the saved overview, or before the sign-in or the first run asks anything.
    open_in_background(
        window,
        db_path_for(args),
        lambda opened: _guarded(app, window, lambda: _open_and_attach(app, window, args, opened)),
    )


def _guarded(app, window, call) -> None:  # noqa: ANN001
    """``call()``; an unexpected failure is logged, shown, and ends the program with 2."""
    try:
        call()
    except Exception as exc:
        log.exception("cannot open the program")
        from ylt_desktop.ui.errors import show_error

        try:
            show_error(window, exc)
        finally:
            app.exit(2)


def _start_logging() -> None:
    """The log file; when it cannot be opened the clerk still works (logged to stderr)."""
    try:
        logs.setup_logging()
    except Exception:
        logs.log_to_stderr()
        log.exception("cannot open the log file")


def _open_and_attach(app, window, args: argparse.Namespace, opened=None) -> None:  # noqa: ANN001
    """``opened``: what ``first_page.open_in_background`` opened (the database, or the
    exception that stopped it), handled as an opening here would be."""
    db = _open(window, args, opened)
    if db is None:
        app.exit(2)
        return
    db = _ensure_consortium(window, db, args)
    if db is None:
        app.exit(0)
        return
    if "概览" not in window.pages and not db.on_server:  # signed in: the saved overview
        from ylt_desktop.ui.first_page import show_saved_overview

        try:
            show_saved_overview(window, db.path, args.lang, signed_in=True)
        except Exception:
            log.exception("the saved overview was not shown")
    window.attach(db)
    if db.backup_problem:
        _warn_backup_failed(window, db.backup_problem)
    if db.daily_checked:
        _verify_audit_log(window, db)
    if args.quit_after_paint:
        from ylt_desktop.ui.first_page import quit_when_shown

        quit_when_shown(app, window)


def _overview_before_opening(window, args: argparse.Namespace) -> bool:  # noqa: ANN001
    """The overview saved last time, shown before the store is imported and the database
    opened, when the file still has the snapshot's key and asks for no sign-in (a database
    with users shows it once signed in, ``_open_and_attach``). False when not shown; never
    an error (the page is computed as usual)."""
    try:
        path = db_path_for(args)
        if not isinstance(path, Path):  # a server database: no snapshot
            return False
        from ylt_desktop.ui.first_page import show_saved_overview

        return show_saved_overview(window, path.expanduser().resolve(), args.lang, signed_in=False)
    except Exception:
        log.exception("the saved overview was not shown")
        return False


def _warn_backup_failed(window, problem: str) -> None:  # noqa: ANN001
    """The day's backup failed (a full disk): the clerk works on, told so once."""
    from PySide6.QtWidgets import QMessageBox

    QMessageBox.warning(window, "自动备份未完成", problem)


def _verify_audit_log(window, db) -> None:  # noqa: ANN001
    """The day's audit log check (``ui/audit_check.py``), imported when first needed."""
    from ylt_desktop.ui.audit_check import verify_audit_log

    verify_audit_log(window, db)


def _open(window, args: argparse.Namespace, opened=None):  # noqa: ANN001, ANN202
    from ylt_desktop.store.backup import DamagedDatabase
    from ylt_desktop.store.db import open_database
    from ylt_desktop.store.server import PasswordNeeded
    from ylt_desktop.ui.errors import show_error

    # Checks the file first; the first start of a day also backs it up. On a server the
    # first start of the day on this PC (``daily_checked``) verifies the audit log too.
    try:
        if isinstance(opened, BaseException):
            raise opened
        if opened is not None:
            return opened
        return open_database(db_path_for(args), daily=True)
    except PasswordNeeded as exc:  # a server that wants a password libpq found nowhere
        from ylt_desktop.ui.dialogs.connection import ask_password

        password = ask_password(window, str(exc))
        if password is None:
            return None
        try:
            return open_database(db_path_for(args), password=password, daily=True)
        except Exception as again:
            log.warning("cannot open the server database: %s", type(again).__name__)
            show_error(window, again)
            return None
    except DamagedDatabase as exc:  # never written to; the newest good backup is offered
        log.error("damaged database: %s", exc)
        from ylt_desktop.ui.dialogs.backup import offer_good_backup

        return offer_good_backup(window, exc)
    except Exception as exc:  # an unreadable file: say so, never write to it
        log.exception("cannot open database")
        show_error(window, exc)
        return None


def _sign_in(window, db, args: argparse.Namespace) -> bool:  # noqa: ANN001
    """Who works: the demo's 填表人 with ``--demo``; ``YLT_USER``/``YLT_PASSWORD`` when both are
    set (scripts, tests); else the sign-in dialog, or the 管理员 to create when none exists."""
    import os

    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QDialog

    from ylt_desktop.store import users

    with db.session() as s:
        has_users = users.has_users(s)
    if args.demo:
        from ylt_desktop.demo.users import create_demo_users, demo_actor

        if not has_users:
            create_demo_users(db)
        db.sign_in(demo_actor(db))
        return True
    if not has_users and (getattr(args, "quit_after_paint", False) or db.user is not None):
        return True  # bench/run.py times the start; a script or test set DEFAULT_ACTOR
    if not has_users:
        from ylt_desktop.ui.dialogs.sign_in import CreateAdminDialog

        return CreateAdminDialog(db, window).exec() == QDialog.DialogCode.Accepted
    name, password = os.environ.get("YLT_USER"), os.environ.get("YLT_PASSWORD")
    if name and password:
        try:
            with db.session() as s:
                db.sign_in(users.authenticate(s, name=name, password=password))
            return True
        except users.SignInRefused as exc:
            log.warning("sign-in from YLT_USER refused: %s", exc)
    from ylt_desktop.ui.dialogs.sign_in import SignInDialog

    dialog = SignInDialog(db, window, settings=QSettings("YLT", "YLTDesktop"))
    return dialog.exec() == QDialog.DialogCode.Accepted


def _new_local(db, args: argparse.Namespace) -> bool:  # noqa: ANN001
    """A local database without users, where the clerk creates its 管理员 (not a server's,
    nor the start that bench/run.py times, nor a script's that set DEFAULT_ACTOR)."""
    from ylt_desktop.store import users
    from ylt_desktop.store.connect import is_server_url

    if getattr(args, "quit_after_paint", False) or db.user is not None:
        return False
    if getattr(db, "on_server", False) or is_server_url(str(db.path)):
        return False
    with db.session() as s:
        return not users.has_users(s)


def _ensure_consortium(window, db, args: argparse.Namespace):  # noqa: ANN001, ANN202
    """The demo on an empty demo database, the first-run dialog on an empty one; returns the
    database to show (reopened when the first run restored a backup), or None to leave."""
    from PySide6.QtWidgets import QDialog

    from ylt_desktop.store.institutions import get_consortium

    with db.session() as s:
        empty = get_consortium(s) is None
    if empty and args.demo:
        from ylt_desktop.demo import build_demo

        build_demo(db)
    if empty and not args.demo and _new_local(db, args):
        # Its first 管理员, or (连接服务器…) the unit's server database instead.
        from ylt_desktop.ui.dialogs.sign_in import CreateAdminDialog

        admin = CreateAdminDialog(db, window, offer_server=True)
        if admin.exec() != QDialog.DialogCode.Accepted:
            return None
        if admin.server_db is not None:
            db.close()
            return _ensure_consortium(window, admin.server_db, args)
    elif not _sign_in(window, db, args):
        return None
    if empty and not args.demo:
        from ylt_desktop.ui.dialogs.first_run import FirstRunDialog

        dialog = FirstRunDialog(db, window)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        if dialog.db is not db:  # restored from a backup, or a server chosen: its own users
            return _ensure_consortium(window, dialog.db, args)  # sign in (and set it up)
        return dialog.db
    return db


if __name__ == "__main__":
    sys.exit(main())

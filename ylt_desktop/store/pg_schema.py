"""What a server restore does to the program's schema inside its own transaction (used by
``pg_backup.restore``): refuse first when another schema's objects stand on ours, drop what the
dump replaces (not an extension's objects), and run ``pg_restore``'s SQL on the connection.
"""

from __future__ import annotations

from typing import Any

from ylt_desktop.store.backup import DatabaseProblem, RestoreRefused

_NOT_AN_EXTENSIONS = (  # t: a relation of the schema that a restore drops
    " AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend e"
    "  WHERE e.classid = 'pg_catalog.pg_class'::regclass AND e.objid = t.oid"
    "  AND e.deptype = 'e')"
)
_OTHERS_ON_OURS = (  # views and foreign keys of another schema on the program's tables
    "SELECT DISTINCT v.oid::regclass::text FROM pg_catalog.pg_depend d"
    " JOIN pg_catalog.pg_rewrite r ON d.classid = 'pg_catalog.pg_rewrite'::regclass"
    "  AND d.objid = r.oid"
    " JOIN pg_catalog.pg_class v ON v.oid = r.ev_class"
    " JOIN pg_catalog.pg_class t ON d.refclassid = 'pg_catalog.pg_class'::regclass"
    "  AND d.refobjid = t.oid"
    " WHERE t.relnamespace = current_schema()::regnamespace"
    "  AND v.relnamespace <> current_schema()::regnamespace"
    + _NOT_AN_EXTENSIONS
    + " UNION SELECT c.conrelid::regclass::text FROM pg_catalog.pg_constraint c"
    " JOIN pg_catalog.pg_class t ON t.oid = c.confrelid"
    " WHERE c.contype = 'f' AND t.relnamespace = current_schema()::regnamespace"
    "  AND c.connamespace <> current_schema()::regnamespace" + _NOT_AN_EXTENSIONS + " ORDER BY 1"
)


_OTHERS_ON_OUR_ROUTINES = (  # another schema's objects using a function or type of ours
    "WITH ours AS ("  # not an extension's (nor its type's array): the restore leaves those
    " SELECT 'pg_catalog.pg_proc'::regclass AS classid, p.oid FROM pg_catalog.pg_proc p"
    "  WHERE p.pronamespace = current_schema()::regnamespace AND NOT EXISTS ("
    "   SELECT 1 FROM pg_catalog.pg_depend e WHERE e.classid = 'pg_catalog.pg_proc'::regclass"
    "   AND e.objid = p.oid AND e.deptype = 'e')"
    " UNION ALL SELECT 'pg_catalog.pg_type'::regclass, t.oid FROM pg_catalog.pg_type t"
    "  WHERE t.typnamespace = current_schema()::regnamespace AND NOT EXISTS ("
    "   SELECT 1 FROM pg_catalog.pg_depend e WHERE e.classid = 'pg_catalog.pg_type'::regclass"
    "   AND e.objid IN (t.oid, t.typelem) AND e.deptype = 'e'))"
    " SELECT DISTINCT coalesce(v.oid::regclass::text, o.identity) FROM pg_catalog.pg_depend d"
    " JOIN ours ON d.refclassid = ours.classid AND d.refobjid = ours.oid"
    " CROSS JOIN LATERAL pg_catalog.pg_identify_object(d.classid, d.objid, d.objsubid) o"
    " LEFT JOIN pg_catalog.pg_rewrite r"
    "  ON d.classid = 'pg_catalog.pg_rewrite'::regclass AND r.oid = d.objid"
    " LEFT JOIN pg_catalog.pg_class v ON v.oid = r.ev_class"
    " WHERE d.deptype = 'n' AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend e"
    "  WHERE e.classid = d.classid AND e.objid = d.objid AND e.deptype = 'e')"
    " AND coalesce(v.relnamespace::regnamespace::text, o.schema)"
    "  IS DISTINCT FROM current_schema()"
    " ORDER BY 1"
)


def refuse_others_on_ours(conn: Any) -> None:
    """A restore drops the program's tables (and an older dump's restore every function and
    type of the schema): another schema's view on them would go with them (CASCADE) for good,
    as would its table's foreign key or a column of such a type, and ``pg_restore --clean``
    fails on them. Refused first, naming them (an administrator's objects, not the
    program's)."""
    others = conn.exec_driver_sql(_OTHERS_ON_OURS).scalars().all()
    others += [
        x for x in conn.exec_driver_sql(_OTHERS_ON_OUR_ROUTINES).scalars().all() if x not in others
    ]
    if others:
        raise RestoreRefused(
            "数据库中有其他模式的对象引用本程序的数据表、函数或类型（" + "、".join(others) + "），"
            "恢复会连带删除它们，不能恢复；当前数据库没有被改动。请数据库管理员先删除或另行保存"
            "这些对象后再恢复"
        )


def drop_objects(conn: Any) -> None:
    """What the restored dump replaces, in the restore's transaction: every table, view,
    sequence, function and type of the current schema (the program's own database; not those
    of an extension) and every large object of the database (the program keeps none: they
    came with an earlier restore, and the dump brings its own again)."""
    drop_tables(conn)
    routines = (
        conn.exec_driver_sql(
            "SELECT p.oid::regprocedure::text FROM pg_catalog.pg_proc p"
            " WHERE p.pronamespace = current_schema()::regnamespace AND NOT EXISTS ("
            "  SELECT 1 FROM pg_catalog.pg_depend d WHERE d.classid = 'pg_catalog.pg_proc'::regclass"
            "  AND d.objid = p.oid AND d.deptype = 'e')"
        )
        .scalars()
        .all()
    )
    if routines:
        conn.exec_driver_sql(f"DROP ROUTINE IF EXISTS {', '.join(routines)} CASCADE")
    types = (
        conn.exec_driver_sql(
            "SELECT t.oid::regtype::text FROM pg_catalog.pg_type t"
            " WHERE t.typnamespace = current_schema()::regnamespace"
            " AND t.typtype IN ('e', 'd', 'r', 'm', 'c') AND NOT EXISTS ("  # arrays go with theirs
            "  SELECT 1 FROM pg_catalog.pg_class c WHERE c.oid = t.typrelid AND c.relkind <> 'c')"
            " AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d"
            "  WHERE d.classid = 'pg_catalog.pg_type'::regclass AND d.objid = t.oid"
            "  AND d.deptype IN ('e', 'i'))"  # an extension's, or a range's multirange
        )
        .scalars()
        .all()
    )
    if types:
        conn.exec_driver_sql(f"DROP TYPE IF EXISTS {', '.join(types)} CASCADE")
    conn.exec_driver_sql(
        "SELECT pg_catalog.lo_unlink(oid) FROM pg_catalog.pg_largeobject_metadata"
    ).fetchall()


def drop_tables(conn: Any) -> None:
    """Every table, view and sequence of the current schema (the program's own database),
    not those of an extension the administrator installed there (pg_stat_statements' view,
    PostGIS's table): the server refuses to drop them alone, and they are not the dump's."""
    own = (
        "SELECT quote_ident(c.relname), c.relkind FROM pg_catalog.pg_class c"
        " WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ({})"
        " AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d"
        "  WHERE d.classid = 'pg_catalog.pg_class'::regclass AND d.objid = c.oid"
        "  AND d.deptype = 'e')"
    )
    rows = conn.exec_driver_sql(own.format("'r', 'p'")).fetchall()
    if rows:
        conn.exec_driver_sql(f"DROP TABLE IF EXISTS {', '.join(r[0] for r in rows)} CASCADE")
    # The views and sequences left (those on no table; the others went with theirs).
    for name, kind in conn.exec_driver_sql(own.format("'v', 'm'")).fetchall():
        what = "MATERIALIZED VIEW" if kind == "m" else "VIEW"
        conn.exec_driver_sql(f"DROP {what} IF EXISTS {name} CASCADE")
    seqs = conn.exec_driver_sql(own.format("'S'")).fetchall()
    if seqs:
        conn.exec_driver_sql(f"DROP SEQUENCE IF EXISTS {', '.join(r[0] for r in seqs)} CASCADE")


def without_its_transaction(script: str) -> str:
    """``pg_restore --single-transaction``'s SQL without the ``BEGIN;`` before its first
    statement and the ``COMMIT;`` after its last: run inside the restore's own transaction.
    A script without them (not pg_restore's) raises ``DatabaseProblem``."""
    lines = script.splitlines(keepends=True)
    start = next((i for i, x in enumerate(lines) if x.rstrip("\r\n") == "BEGIN;"), None)
    end = next((i for i in range(len(lines) - 1, -1, -1)
                if lines[i].rstrip("\r\n") == "COMMIT;"), None)  # fmt: skip
    if start is None or end is None or end < start:
        raise DatabaseProblem("读取备份文件失败：备份内容不完整")
    before = [x for x in lines[:start] if x.strip() and not x.startswith(("--", "\\"))]
    after = [x for x in lines[end + 1 :] if x.strip() and not x.startswith(("--", "\\"))]
    if before or after:  # a statement outside the transaction: not pg_restore's layout
        raise DatabaseProblem("读取备份文件失败：备份内容的格式无法识别")
    return "".join(lines[start + 1 : end])


def run_script(dbapi: Any, script: str) -> None:
    """``pg_restore``'s SQL on a psycopg connection: statements as they are, the rows of each
    ``COPY … FROM stdin;`` block through COPY, psql's meta-commands (``\\restrict``) skipped."""
    from psycopg.pq import TransactionStatus

    sql: list[str] = []
    lines = iter(script.splitlines(keepends=True))
    with dbapi.cursor() as cur:

        def flush() -> None:
            text = "".join(sql).strip()
            if text:
                cur.execute(text.encode("utf-8"))
                if dbapi.info.transaction_status != TransactionStatus.INTRANS:  # never expected
                    raise RuntimeError("the dump's SQL ended the restore's transaction")
            sql.clear()

        for line in lines:
            if line.startswith("COPY ") and line.rstrip().endswith("FROM stdin;"):
                flush()
                with cur.copy(line.rstrip()[:-1]) as copy:
                    for row in lines:
                        if row.rstrip("\r\n") == "\\.":
                            break
                        copy.write(row.encode("utf-8"))
            elif line.startswith("\\"):
                continue
            else:
                sql.append(line)
        flush()

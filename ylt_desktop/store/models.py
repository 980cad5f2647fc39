"""The typed ORM models of every record kind (DESIGN.md §1). One declarative base."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column, relationship
from sqlalchemy.sql.expression import ColumnElement
from sqlalchemy.sql.functions import FunctionElement

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


@compiles(String, "postgresql")
def _unbounded_on_server(type_: String, compiler: object, **kw: object) -> str:
    """``String(n)`` is ``VARCHAR`` without a limit on PostgreSQL, as SQLite ignores ``n``: the
    lengths are documentation, the domain's rules say what is too long (in Chinese), and a text
    that one engine keeps is never refused by the other (DESIGN §8: the same rules apply)."""
    return "VARCHAR"


class by_codepoint(FunctionElement):  # noqa: N801 - used like a SQL function
    """Text ordered by code point on both engines: SQLite's BINARY collation, and ``COLLATE "C"``
    on PostgreSQL whatever locale its server was installed with (zh_CN's pinyin order there
    would differ from the same list read from an SQLite file). ``order_by(by_codepoint(col))``.
    """

    inherit_cache = True
    type = String()

    def __init__(self, column: ColumnElement) -> None:
        super().__init__(column)


@compiles(by_codepoint)
def _plain(element: by_codepoint, compiler: object, **kw: object) -> str:
    return compiler.process(element.clauses, **kw)


@compiles(by_codepoint, "postgresql")
def _collate_c(element: by_codepoint, compiler: object, **kw: object) -> str:
    return f'({compiler.process(element.clauses, **kw)}) COLLATE "C"'


class unindexed(FunctionElement):  # noqa: N801 - used like a SQL function
    """A column that SQLite must not reach through its index: ``+column`` there (SQLite's own
    way to say so), the column itself elsewhere. For a condition that keeps most rows, such as
    ``Rotation.start <= <a recent day>``: SQLite would walk the whole index and look each row
    up (2-3x the time of reading the table in order); PostgreSQL's planner weighs it itself.
    Use it in ``order_by`` too, or SQLite walks the index to avoid sorting."""

    inherit_cache = True

    def __init__(self, column: ColumnElement) -> None:
        super().__init__(column)
        self.type = column.type  # binds compared with it are processed as the column's


@compiles(unindexed)
def _column(element: unindexed, compiler: object, **kw: object) -> str:
    return compiler.process(element.clauses, **kw)


@compiles(unindexed, "sqlite")
def _unary_plus(element: unindexed, compiler: object, **kw: object) -> str:
    return f"+{compiler.process(element.clauses, **kw)}"


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Stamped:
    created_at: Mapped[dt.datetime] = mapped_column(
        DateTime, server_default=func.current_timestamp()
    )
    updated_at: Mapped[dt.datetime] = mapped_column(
        DateTime, server_default=func.current_timestamp(), onupdate=func.current_timestamp()
    )


class Versioned:
    """A record two clerks may edit at once (DESIGN.md §8): ``version`` grows with every saved
    change (SQLAlchemy's ``version_id_col``: each UPDATE and DELETE says ``WHERE version = :v``).
    A save or delete based on an older version is refused (``store/versions.py``)."""

    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    @declared_attr.directive
    def __mapper_args__(cls) -> dict:  # noqa: N805
        return {"version_id_col": cls.__table__.c.version}


class Consortium(Base):
    __tablename__ = "consortium"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60))
    kind: Mapped[str] = mapped_column(String(20))
    division: Mapped[str] = mapped_column(String(12))
    founded: Mapped[dt.date | None] = mapped_column(Date)
    # DESIGN §7: "lead" (汇总库, the whole consortium; every database made before #16) or
    # "member" (成员库, one unit: ``member_id``, set up from the lead's roster package).
    db_kind: Mapped[str] = mapped_column(String(10), default="lead", server_default="lead")
    member_id: Mapped[int | None] = mapped_column(Integer)
    # The consortium's exchange id (salt of the package key), made with the first roster.
    exchange_id: Mapped[str | None] = mapped_column(String(36))
    # A scrypt hash of the exchange passphrase (store/passwords.py), never the passphrase.
    exchange_check: Mapped[str | None] = mapped_column(String(255))


class Institution(Versioned, Stamped, Base):
    __tablename__ = "institution"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    # Trimmed name without full-width spaces: what uniqueness is judged on.
    name_key: Mapped[str] = mapped_column(String(100), unique=True)
    uscc: Mapped[str | None] = mapped_column(String(18), unique=True)
    licence_no: Mapped[str] = mapped_column(String(30), default="")
    division: Mapped[str] = mapped_column(String(12))
    category: Mapped[str] = mapped_column(String(20))
    level: Mapped[str] = mapped_column(String(10))
    ownership: Mapped[str] = mapped_column(String(10))
    role: Mapped[str] = mapped_column(String(10))
    joined: Mapped[dt.date] = mapped_column(Date)
    left: Mapped[dt.date | None] = mapped_column(Date)
    beds_authorised: Mapped[int] = mapped_column(Integer, default=0)
    beds_actual: Mapped[int] = mapped_column(Integer, default=0)
    staff_total: Mapped[int | None] = mapped_column(Integer)  # None: not known (在岗职工 empty)
    health_tech_staff: Mapped[int] = mapped_column(Integer, default=0)
    doctors: Mapped[int] = mapped_column(Integer, default=0)
    nurses: Mapped[int] = mapped_column(Integer, default=0)
    address: Mapped[str] = mapped_column(String(200), default="")
    contact: Mapped[str] = mapped_column(String(30), default="")
    phone: Mapped[str] = mapped_column(String(30), default="")


class InstitutionLevel(Base):
    """等级变更记录: a unit's level and category from ``since`` on (``since`` None: from the
    start, the entry made when the unit was entered). ``Institution.level``/``category`` hold
    the latest entry's values; a rotation's direction follows the entries on its start date."""

    __tablename__ = "institution_level"

    id: Mapped[int] = mapped_column(primary_key=True)
    institution_id: Mapped[int] = mapped_column(
        ForeignKey("institution.id", ondelete="CASCADE"), index=True
    )
    since: Mapped[dt.date | None] = mapped_column(Date)
    level: Mapped[str] = mapped_column(String(10))
    category: Mapped[str] = mapped_column(String(20))
    recorded_at: Mapped[dt.datetime] = mapped_column(
        DateTime, server_default=func.current_timestamp()
    )

    institution: Mapped[Institution] = relationship(lazy="raise")


class Staff(Versioned, Stamped, Base):
    __tablename__ = "staff"
    __table_args__ = (UniqueConstraint("id_type", "id_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(30))
    sex: Mapped[str] = mapped_column(String(2))
    id_type: Mapped[str] = mapped_column(String(12))
    id_number: Mapped[str] = mapped_column(String(30))
    licence_code: Mapped[str] = mapped_column(String(30), default="")
    title: Mapped[str] = mapped_column(String(10))
    specialty: Mapped[str] = mapped_column(String(30), default="")
    home_id: Mapped[int] = mapped_column(
        ForeignKey("institution.id", ondelete="RESTRICT"), index=True
    )

    home: Mapped[Institution] = relationship(lazy="joined")


class Rotation(Versioned, Stamped, Base):
    __tablename__ = "rotation"

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="RESTRICT"), index=True)
    from_id: Mapped[int] = mapped_column(
        ForeignKey("institution.id", ondelete="RESTRICT"), index=True
    )
    to_id: Mapped[int] = mapped_column(
        ForeignKey("institution.id", ondelete="RESTRICT"), index=True
    )
    form: Mapped[str] = mapped_column(String(10))
    # Derived from the two institutions when saved; kept for fast filtering and returns.
    direction: Mapped[str] = mapped_column(String(6))
    start: Mapped[dt.date] = mapped_column(Date, index=True)
    end: Mapped[dt.date | None] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")

    staff: Mapped[Staff] = relationship(lazy="raise")
    from_inst: Mapped[Institution] = relationship(foreign_keys=[from_id], lazy="raise")
    to_inst: Mapped[Institution] = relationship(foreign_keys=[to_id], lazy="raise")
    quarters: Mapped[list[RotationQuarter]] = relationship(
        back_populates="rotation", cascade="all, delete-orphan", lazy="selectin"
    )


class RotationQuarter(Base):
    """One quarter's days and service volumes of one rotation."""

    __tablename__ = "rotation_quarter"
    __table_args__ = (UniqueConstraint("rotation_id", "quarter"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    rotation_id: Mapped[int] = mapped_column(ForeignKey("rotation.id", ondelete="CASCADE"))
    quarter: Mapped[str] = mapped_column(String(6), index=True)
    days: Mapped[int | None] = mapped_column(Integer)
    outpatient: Mapped[int] = mapped_column(Integer, default=0)
    procedures: Mapped[int] = mapped_column(Integer, default=0)
    trainees: Mapped[int] = mapped_column(Integer, default=0)
    rounds: Mapped[int] = mapped_column(Integer, default=0)
    lectures: Mapped[int] = mapped_column(Integer, default=0)

    rotation: Mapped[Rotation] = relationship(back_populates="quarters", lazy="raise")


class Agreement(Versioned, Stamped, Base):
    __tablename__ = "agreement"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(40), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    other_measure: Mapped[str] = mapped_column(String(30), default="")
    provider_id: Mapped[int] = mapped_column(
        ForeignKey("institution.id", ondelete="RESTRICT"), index=True
    )
    provider_share: Mapped[float | None] = mapped_column(Float)
    signed: Mapped[dt.date | None] = mapped_column(Date)
    effective_from: Mapped[dt.date | None] = mapped_column(Date)
    effective_to: Mapped[dt.date | None] = mapped_column(Date)
    terminated_on: Mapped[dt.date | None] = mapped_column(Date)
    termination_reason: Mapped[str] = mapped_column(Text, default="")
    terms: Mapped[str] = mapped_column(Text, default="")

    provider: Mapped[Institution] = relationship(lazy="raise")
    recipients: Mapped[list[AgreementRecipient]] = relationship(
        back_populates="agreement", cascade="all, delete-orphan", lazy="selectin"
    )
    volumes: Mapped[list[AgreementVolume]] = relationship(
        back_populates="agreement", cascade="all, delete-orphan", lazy="selectin"
    )


class AgreementRecipient(Base):
    __tablename__ = "agreement_recipient"

    agreement_id: Mapped[int] = mapped_column(
        ForeignKey("agreement.id", ondelete="CASCADE"), primary_key=True
    )
    institution_id: Mapped[int] = mapped_column(
        ForeignKey("institution.id", ondelete="RESTRICT"), primary_key=True, index=True
    )
    share: Mapped[float | None] = mapped_column(Float)

    agreement: Mapped[Agreement] = relationship(back_populates="recipients", lazy="raise")


class AgreementVolume(Base):
    __tablename__ = "agreement_volume"
    __table_args__ = (UniqueConstraint("agreement_id", "quarter", "measure"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreement.id", ondelete="CASCADE"))
    quarter: Mapped[str] = mapped_column(String(6), index=True)
    measure: Mapped[str] = mapped_column(String(30))
    value: Mapped[float] = mapped_column(Float, default=0)

    agreement: Mapped[Agreement] = relationship(back_populates="volumes", lazy="raise")


class Attachment(Base):
    """The signed scan of an agreement, kept in the database with its hash."""

    __tablename__ = "attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(
        ForeignKey("agreement.id", ondelete="CASCADE"), unique=True
    )
    file_name: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    content: Mapped[bytes] = mapped_column(LargeBinary)
    added_at: Mapped[dt.datetime] = mapped_column(DateTime, server_default=func.current_timestamp())

    # Only for the flush's order: the scan's DELETE before its agreement's (the audit log
    # deletes it through the session, store/audit_flush.py: _before_flush).
    agreement: Mapped[Agreement] = relationship(lazy="raise")


class QuarterLock(Base):
    """A quarter marked submitted (报送); its data are locked while the row exists."""

    __tablename__ = "quarter_lock"

    quarter: Mapped[str] = mapped_column(String(6), primary_key=True)
    submitted_at: Mapped[dt.datetime] = mapped_column(DateTime)
    submitted_by: Mapped[str] = mapped_column(String(30))


class QuarterSnapshot(Base):
    """The figures of a submitted quarter, frozen at submission (JSON made by returns/snapshot.py).

    Profiles (beds, titles) are current values; the snapshot lets a re-export of a submitted
    quarter reproduce exactly what was signed. Deleted when the quarter is reopened.
    """

    __tablename__ = "quarter_snapshot"

    quarter: Mapped[str] = mapped_column(
        ForeignKey("quarter_lock.quarter", ondelete="CASCADE"), primary_key=True
    )
    taken_at: Mapped[dt.datetime] = mapped_column(DateTime)
    records: Mapped[str] = mapped_column(Text)

    # Only for the flush's order: the snapshot's DELETE before its lock's (store/audit.py).
    lock: Mapped[QuarterLock] = relationship(lazy="raise")


class QuarterEvent(Base):
    """The log of submissions and reopenings of quarters."""

    __tablename__ = "quarter_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    quarter: Mapped[str] = mapped_column(String(6), index=True)
    action: Mapped[str] = mapped_column(String(10))
    at: Mapped[dt.datetime] = mapped_column(DateTime)
    by: Mapped[str] = mapped_column(String(30))
    reason: Mapped[str] = mapped_column(Text, default="")


class Setting(Base):
    """Small per-database values remembered between sessions (cover fields, mappings)."""

    __tablename__ = "setting"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(Text, default="")


class AuditEntry(Base):
    """One insert, update or delete of any record, written in the same transaction (操作日志).

    ``old_values``/``new_values`` are JSON objects of column values (only the changed columns for
    an update); binary columns are recorded as their size and sha256.
    """

    __tablename__ = "audit_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, index=True)
    user: Mapped[str] = mapped_column(String(60))
    action: Mapped[str] = mapped_column(String(10), index=True)
    table_name: Mapped[str] = mapped_column(String(60), index=True)
    record_id: Mapped[str] = mapped_column(String(100), default="")
    old_values: Mapped[str | None] = mapped_column(Text)
    new_values: Mapped[str | None] = mapped_column(Text)
    # SHA-256 over the previous entry's hash and this entry's canonical JSON (store/chain.py).
    hash: Mapped[str | None] = mapped_column(String(64))


class MemberQuarterFigures(Versioned, Stamped, Base):
    """One member's operating figures (运行指标) for one quarter; NULL = not entered."""

    __tablename__ = "member_figures"
    __table_args__ = (UniqueConstraint("institution_id", "quarter"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    institution_id: Mapped[int] = mapped_column(
        ForeignKey("institution.id", ondelete="RESTRICT"), index=True
    )
    quarter: Mapped[str] = mapped_column(String(6), index=True)
    visits: Mapped[int | None] = mapped_column(Integer)
    tcm_visits: Mapped[int | None] = mapped_column(Integer)
    discharges: Mapped[int | None] = mapped_column(Integer)
    up_outpatient: Mapped[int | None] = mapped_column(Integer)
    up_inpatient: Mapped[int | None] = mapped_column(Integer)
    down_outpatient: Mapped[int | None] = mapped_column(Integer)
    down_inpatient: Mapped[int | None] = mapped_column(Integer)
    received_up: Mapped[int | None] = mapped_column(Integer)
    received_down: Mapped[int | None] = mapped_column(Integer)
    contracts: Mapped[int | None] = mapped_column(Integer)
    key_contracts: Mapped[int | None] = mapped_column(Integer)
    population: Mapped[int | None] = mapped_column(Integer)
    key_population: Mapped[int | None] = mapped_column(Integer)


class CountyQuarterFigures(Versioned, Stamped, Base):
    """The county's (or city grid's) operating figures (县域运行指标) for one quarter."""

    __tablename__ = "county_figures"

    quarter: Mapped[str] = mapped_column(String(6), primary_key=True)
    resident_population: Mapped[int | None] = mapped_column(Integer)
    county_visits: Mapped[int | None] = mapped_column(Integer)
    inpatients_in: Mapped[int | None] = mapped_column(Integer)
    inpatients_out: Mapped[int | None] = mapped_column(Integer)
    key_population: Mapped[int | None] = mapped_column(Integer)


class User(Base):
    """Who may sign in, with which role (DESIGN.md §6); the password only as a scrypt hash."""

    __tablename__ = "app_user"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(30), unique=True)
    role: Mapped[str] = mapped_column(String(10))
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[dt.datetime | None] = mapped_column(DateTime)
    created_at: Mapped[dt.datetime] = mapped_column(
        DateTime, server_default=func.current_timestamp()
    )


class PackageEvent(Base):
    """The lead's log of members' data packages (DESIGN §7): one row per package accepted
    (``accept``) and per quarter returned to a member (``return``, with the lead's reason).
    A member's status for a quarter is its latest row: none 未报送, accept 已报送, return 已退回.
    In a member's database the rows are the lead's decisions as the roster brought them."""

    __tablename__ = "package_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(
        ForeignKey("institution.id", ondelete="RESTRICT"), index=True
    )
    quarter: Mapped[str] = mapped_column(String(6), index=True)
    action: Mapped[str] = mapped_column(String(10))
    at: Mapped[dt.datetime] = mapped_column(DateTime)
    by: Mapped[str] = mapped_column(String(30))
    reason: Mapped[str] = mapped_column(Text, default="")
    package_id: Mapped[str] = mapped_column(String(36), default="", index=True)
    package_created: Mapped[dt.datetime | None] = mapped_column(DateTime)
    made_by: Mapped[str] = mapped_column(String(30), default="")
    file_name: Mapped[str] = mapped_column(String(255), default="")
    sha256: Mapped[str] = mapped_column(String(64), default="")
    # JSON: row counts per part, the lead's choices in conflicts, the shared records' values.
    summary: Mapped[str] = mapped_column(Text, default="")

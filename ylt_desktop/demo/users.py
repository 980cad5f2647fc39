"""The demo's users, one per role. Their passwords are for the demo database only (README)."""

from __future__ import annotations

from ylt_desktop.domain.roles import ADMIN, CLERK, REVIEWER
from ylt_desktop.store import users
from ylt_desktop.store.db import Database

# name, role, password — printed in the README; never use them for real data.
DEMO_USERS = (
    ("admin", ADMIN, "admin-demo"),
    ("reviewer", REVIEWER, "reviewer-demo"),
    ("clerk", CLERK, "clerk-demo"),
)
DEMO_PASSWORDS = {name: password for name, _role, password in DEMO_USERS}
DEMO_CLERK = "clerk"


def create_demo_users(db: Database) -> users.Actor:
    """Create the three demo users on a database without users; returns the 管理员."""
    (admin_name, _, admin_password), *others = DEMO_USERS
    with db.session() as s:
        admin = users.create_first_admin(s, name=admin_name, password=admin_password)
    with db.session() as s:
        s.info[users.USER_KEY] = admin
        for name, role, password in others:
            users.add_user(s, name=name, role=role, password=password)
    return admin


def demo_actor(db: Database, name: str = DEMO_CLERK) -> users.Actor:
    """Sign in as a demo user without a prompt (``--demo``); the password is the demo's own."""
    with db.session() as s:
        return users.authenticate(s, name=name, password=DEMO_PASSWORDS[name])

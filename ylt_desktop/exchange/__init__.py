"""Package exchange between member units and the lead unit (DESIGN.md §7, issue #16).

A floor of its own beside ``importing/``: it uses ``store/`` and ``domain/``, knows no Qt, and
only ``ui/`` and ``cli/`` call it. The API (see docs/DEVELOPING.md, "Packages"):

- lead: ``store.exchange.set_passphrase``, ``make_roster`` (``make_rosters`` for several:
  ``RostersIncomplete`` names those written and those not), ``preview_packages`` →
  ``apply_packages``, ``store.exchange.report_status`` / ``return_quarter``;
- member: ``open_roster`` (sets up an empty database as a 成员库, or updates it),
  ``make_data_package`` (``own_agreements_warning`` first: the agreements in it the lead
  no longer has for this member, ``withdrawn_agreements``, and the member's own, which the
  lead may not have), ``returned_quarters``.

Every refusal is a ``PackageRefused`` (Chinese message; nothing changed) or a
``RuleViolation`` (a store rule, a permission).
"""

from __future__ import annotations

from ylt_desktop.exchange.own_agreements import (
    OwnAgreement,
    own_agreements,
    own_agreements_warning,
    withdrawn_agreements,
)
from ylt_desktop.exchange.package import Package, make_data_package, make_roster, read_package
from ylt_desktop.exchange.receive import (
    ApplyResult,
    Change,
    Conflict,
    Option,
    PackagePreview,
    apply_packages,
    preview_packages,
    unresolved,
)
from ylt_desktop.exchange.roster import RosterResult, open_roster, returned_quarters
from ylt_desktop.exchange.rosters import RostersIncomplete, make_rosters
from ylt_desktop.exchange.sealed import PackageRefused

__all__ = [
    "ApplyResult",
    "Change",
    "Conflict",
    "Option",
    "OwnAgreement",
    "Package",
    "PackagePreview",
    "PackageRefused",
    "RosterResult",
    "RostersIncomplete",
    "apply_packages",
    "make_data_package",
    "make_roster",
    "make_rosters",
    "open_roster",
    "own_agreements",
    "own_agreements_warning",
    "preview_packages",
    "read_package",
    "returned_quarters",
    "unresolved",
    "withdrawn_agreements",
]

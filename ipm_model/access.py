"""Who may see what: participants, facilitators, management teams, administrators.

A `Grant` is what one browser session has proven. Participants need nothing (they join
open workshops by code and only ever see their own answers and their group's result).
- A facilitator link (?f=<token>) grants one workshop: its console and projector screen,
  and the results of that workshop's organisation.
- A results link (?r=<token>) grants read-only results of one organisation.
- The admin password (or an OIDC login, when configured) grants everything.
- In demo mode every visitor sees the shared demo read-only (and may answer its scan); their
  first facilitating or editing action gives them a sandbox, a copy they facilitate alone
  (ipm_model/storage/sandbox.py).

Every write is checked against the grant at the moment it is made (see the `can_*` methods);
the ids it writes come from what the server rendered, never from what the browser sends back.

Links expire `days` (default 90, see `link_expiry_days`) after the later of their creation
and the close of their round (for a results link: the organisation's last round); never while
that round (any round of the organisation) is open. Revoked links work nowhere.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta

LINK_DAYS_DEFAULT = 90
LINK_OK = "ok"
LINK_EXPIRED = "expired"
LINK_REVOKED = "revoked"
LINK_UNKNOWN = "unknown"


@dataclass(frozen=True)
class Grant:
    """The rights of one session."""

    admin: bool = False
    organisations: frozenset[int] = field(default_factory=frozenset)  # results, read-only
    workshops: frozenset[int] = field(default_factory=frozenset)  # console + projector
    facilitator_organisations: frozenset[int] = field(default_factory=frozenset)
    # Seen but never changed by this session (the shared demo, for its visitors).
    read_only: frozenset[int] = field(default_factory=frozenset)
    demo_visitor: bool = False  # a hosted demo's visitor (the console's door is open)

    def with_results(self, organisation_id: int) -> Grant:
        return replace(self, organisations=self.organisations | {organisation_id})

    def with_workshop(self, workshop_id: int, organisation_id: int) -> Grant:
        return replace(
            self,
            organisations=self.organisations | {organisation_id},
            workshops=self.workshops | {workshop_id},
        )

    def with_organisation_console(self, organisation_id: int) -> Grant:
        """Facilitator rights over a whole organisation (a demo visitor's own sandbox)."""
        return replace(
            self,
            organisations=self.organisations | {organisation_id},
            facilitator_organisations=self.facilitator_organisations | {organisation_id},
        )

    def with_demo_view(self, organisation_id: int) -> Grant:
        """A demo visitor without a sandbox: the shared demo's results, read-only, and the
        console's door (where the first facilitating action makes their sandbox)."""
        return replace(
            self,
            organisations=self.organisations | {organisation_id},
            read_only=self.read_only | {organisation_id},
            demo_visitor=True,
        )

    def with_sandbox(self, organisation_id: int) -> Grant:
        """A demo visitor with their own sandbox: facilitator of that copy only."""
        return replace(self.with_organisation_console(organisation_id), demo_visitor=True)

    def as_admin(self) -> Grant:
        return replace(self, admin=True)

    # -- questions the pages ask ----------------------------------------------------------------

    def sees_results(self) -> bool:
        return self.admin or bool(self.organisations)

    def sees_console(self) -> bool:
        return (
            self.admin
            or bool(self.workshops)
            or bool(self.facilitator_organisations)
            or self.demo_visitor
        )

    def sees_admin(self) -> bool:
        """The administrators' screens (erasure, retention, audit log): administrators only,
        never a facilitator link or a demo visitor."""
        return self.admin

    def can_view_organisation(self, organisation_id: int) -> bool:
        return self.admin or organisation_id in self.organisations

    def can_run_workshop(self, workshop_id: int, organisation_id: int) -> bool:
        return (
            self.admin
            or workshop_id in self.workshops
            or organisation_id in self.facilitator_organisations
        )

    def can_manage_organisation(self, organisation_id: int) -> bool:
        """Create workshops, edit chains and roles, revoke and rotate links: admins, and a
        demo visitor in their own sandbox."""
        return self.admin or organisation_id in self.facilitator_organisations

    def can_reopen_workshop(self, organisation_id: int) -> bool:
        """Reopen a closed round: administrators only (and a demo visitor in their own
        sandbox). A facilitator link can close its round, not reopen it."""
        return self.can_manage_organisation(organisation_id)

    def can_edit_actions(self, organisation_id: int) -> bool:
        """Add and change the actions of an organisation's chains: whoever sees its results
        (not a demo visitor in the shared demo: they change their own sandbox)."""
        if organisation_id in self.read_only and not self.admin:
            return False
        return self.can_view_organisation(organisation_id)


def link_expiry_days(raw: object) -> int:
    """The configured link lifetime in days: a whole number >= 0 (0: links do not expire)."""
    text = str(raw).strip() if raw is not None else ""
    return int(text) if text.isascii() and text.isdigit() else LINK_DAYS_DEFAULT


def link_expires_at(
    created_at: str | None, closed_at: str | None, still_open: bool, days: int
) -> datetime | None:
    """When a link stops working; None while its round is open or when links do not expire."""
    if still_open or days <= 0:
        return None
    stamps = [datetime.fromisoformat(x) for x in (created_at, closed_at) if x]
    start = max(stamps) if stamps else datetime.now(UTC)
    return start + timedelta(days=days)


def link_status(
    *,
    created_at: str | None,
    closed_at: str | None,
    revoked_at: str | None,
    still_open: bool,
    days: int,
    now: datetime | None = None,
) -> str:
    """LINK_OK, LINK_REVOKED or LINK_EXPIRED."""
    if revoked_at:
        return LINK_REVOKED
    ends = link_expires_at(created_at, closed_at, still_open, days)
    if ends is not None and (now or datetime.now(UTC)) >= ends:
        return LINK_EXPIRED
    return LINK_OK


def password_matches(given: str | None, expected: str | None) -> bool:
    """Compare a typed password with the configured one in constant time.

    Both are hashed first so that the comparison time does not depend on their lengths.
    An empty or missing configured password never matches.
    """
    if not expected or not given:
        return False
    a = hashlib.sha256(given.encode("utf-8")).digest()
    b = hashlib.sha256(expected.encode("utf-8")).digest()
    return hmac.compare_digest(a, b)

"""Who may see what: participants, facilitators, management teams, administrators.

A `Grant` is what one browser session has proven. Participants need nothing (they join
open workshops by code and only ever see their own answers and their group's result).
- A facilitator link (?f=<token>) grants one workshop: its console and projector screen,
  and the results of that workshop's organisation.
- A results link (?r=<token>) grants read-only results of one organisation.
- The admin password (or an OIDC login, when configured) grants everything.
- In demo mode every visitor gets the demo organisation as if a facilitator.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Grant:
    """The rights of one session."""

    admin: bool = False
    organisations: frozenset[int] = field(default_factory=frozenset)  # results, read-only
    workshops: frozenset[int] = field(default_factory=frozenset)  # console + projector
    facilitator_organisations: frozenset[int] = field(default_factory=frozenset)

    def with_results(self, organisation_id: int) -> Grant:
        return Grant(
            self.admin,
            self.organisations | {organisation_id},
            self.workshops,
            self.facilitator_organisations,
        )

    def with_workshop(self, workshop_id: int, organisation_id: int) -> Grant:
        return Grant(
            self.admin,
            self.organisations | {organisation_id},
            self.workshops | {workshop_id},
            self.facilitator_organisations,
        )

    def with_organisation_console(self, organisation_id: int) -> Grant:
        """Facilitator rights over a whole organisation (demo mode)."""
        return Grant(
            self.admin,
            self.organisations | {organisation_id},
            self.workshops,
            self.facilitator_organisations | {organisation_id},
        )

    def as_admin(self) -> Grant:
        return Grant(True, self.organisations, self.workshops, self.facilitator_organisations)

    # -- questions the pages ask ----------------------------------------------------------------

    def sees_results(self) -> bool:
        return self.admin or bool(self.organisations)

    def sees_console(self) -> bool:
        return self.admin or bool(self.workshops) or bool(self.facilitator_organisations)

    def can_view_organisation(self, organisation_id: int) -> bool:
        return self.admin or organisation_id in self.organisations

    def can_run_workshop(self, workshop_id: int, organisation_id: int) -> bool:
        return (
            self.admin
            or workshop_id in self.workshops
            or organisation_id in self.facilitator_organisations
        )

    def can_manage_organisation(self, organisation_id: int) -> bool:
        """Create workshops, edit chains and roles: admins, and everyone in the demo."""
        return self.admin or organisation_id in self.facilitator_organisations


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

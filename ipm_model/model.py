"""The domain's entities, codes, tokens and limits: what the storage hands out and the
screens show (the ui takes its input limits from here).

Plain frozen dataclasses and functions; no database, no Streamlit.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from ipm_model.access import link_expires_at, link_status

# Codes people type are read without ambiguity: these characters are never generated.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
JOIN_CODE_LENGTH = 6
RESUME_CODE_LENGTH = 8
COMMENT_MAX_CHARS = 2000
NAME_MAX_CHARS = 120
ACTION_STATUSES: tuple[str, ...] = ("open", "busy", "done", "dropped")
ACTION_TEXT_MAX_CHARS = 500

WORKSHOP_OPEN = "open"
WORKSHOP_CLOSED = "closed"


def now_iso() -> str:
    """The current UTC time as ISO 8601 text, to the microsecond."""
    return datetime.now(UTC).isoformat(timespec="microseconds")


def normalize_code(text: str | None) -> str:
    """Read a typed join or resume code: case, spaces, dashes and 0/O, 1/I/L mix-ups ignored."""
    if not text:
        return ""
    cleaned = "".join(ch for ch in str(text).upper() if ch.isascii() and ch.isalnum())
    return cleaned.translate(str.maketrans({"0": "O", "1": "I"}))[:32]


def new_code(length: int) -> str:
    """A random code of unambiguous characters."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))


def new_token() -> str:
    """An unguessable link token (128 bits, URL-safe)."""
    return secrets.token_urlsafe(16)


def format_resume_code(code: str) -> str:
    """Show a resume code in two groups of four, easier to copy by hand."""
    return f"{code[:4]}-{code[4:]}" if len(code) == RESUME_CODE_LENGTH else code


def clean_text(text: str | None, limit: int) -> tuple[str, bool]:
    """Strip control characters and cut at `limit`; return (text, was_cut)."""
    if not text:
        return "", False
    kept = "".join(ch for ch in str(text) if ch in "\n\t" or ch.isprintable())
    kept = kept.strip()
    if len(kept) > limit:
        return kept[:limit], True
    return kept, False


@dataclass(frozen=True)
class Role:
    """A role participants can choose, e.g. MT or chain team member."""

    id: str
    nl: str
    en: str

    def label(self, lang: str) -> str:
        return self.en if lang == "en" else self.nl


DEFAULT_ROLES: tuple[Role, ...] = (
    Role("mt", "MT / directie", "Management team / board"),
    Role("keteneigenaar", "Keteneigenaar", "Chain owner"),
    Role("ketenteam", "Lid van het ketenteam", "Chain team member"),
    Role("professional", "Professional (uitvoering)", "Professional (front line)"),
    Role("staf", "Staf (control, BI, HR)", "Staff (control, BI, HR)"),
    Role("partner", "Ketenpartner (andere organisatie)", "Chain partner (other organisation)"),
)


@dataclass(frozen=True)
class Chain:
    id: int
    organisation_id: int
    name: str


@dataclass(frozen=True)
class Workshop:
    """A workshop or measurement round: who may join, with which questionnaire."""

    id: int
    organisation_id: int
    code: str
    title: str
    date: str
    questionnaire_id: str
    questionnaire_version: int
    chains: tuple[Chain, ...]
    roles: tuple[Role, ...]
    partners: tuple[str, ...]
    min_group_size: int
    status: str
    facilitator_token: str = ""
    revealed: bool = False
    closed_at: str | None = None

    @property
    def is_open(self) -> bool:
        return self.status == WORKSHOP_OPEN

    def chain(self, chain_id: int) -> Chain | None:
        return next((c for c in self.chains if c.id == chain_id), None)

    def role(self, role_id: str) -> Role | None:
        return next((r for r in self.roles if r.id == role_id), None)


@dataclass(frozen=True)
class Action:
    """An agreed step for one chain, made in a round, reviewed at the next one."""

    id: int
    chain_id: int
    workshop_id: int
    phase_id: str
    description: str
    owner: str
    due_date: str | None
    status: str
    created_at: str
    updated_at: str


LINK_FACILITATOR = "facilitator"
LINK_RESULTS = "results"
LINK_KINDS = (LINK_FACILITATOR, LINK_RESULTS)


@dataclass(frozen=True)
class Link:
    """A facilitator link (of one workshop) or a results link (of one organisation)."""

    kind: str  # LINK_FACILITATOR or LINK_RESULTS
    organisation_id: int
    organisation: str
    workshop_id: int | None  # facilitator links only
    workshop_code: str | None
    token: str
    created_at: str | None
    revoked_at: str | None
    closed_at: str | None  # the round's close; for a results link the organisation's last
    still_open: bool  # the round (for a results link: any round of the organisation) is open

    def status(self, days: int, now: datetime | None = None) -> str:
        """LINK_OK, LINK_REVOKED or LINK_EXPIRED (see ipm_model.access)."""
        return link_status(
            created_at=self.created_at,
            closed_at=self.closed_at,
            revoked_at=self.revoked_at,
            still_open=self.still_open,
            days=days,
            now=now,
        )

    def expires_at(self, days: int) -> datetime | None:
        return link_expires_at(self.created_at, self.closed_at, self.still_open, days)


@dataclass(frozen=True)
class Participant:
    """A pseudonymous participant. `token` and `resume_code` are their private keys."""

    id: int
    pid: str
    token: str
    resume_code: str
    workshop_id: int
    chain_id: int
    role: str
    partner: str
    current_step: int
    finished_at: str | None

    @property
    def finished(self) -> bool:
        return self.finished_at is not None


def roles_to_json(roles: Sequence[Role]) -> str:
    return json.dumps([r.__dict__ for r in roles], ensure_ascii=False)

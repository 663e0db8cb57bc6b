"""Sessions that survive a reload: a signed, expiring session cookie. No Streamlit here.

After a password login or a facilitator/results link, the browser gets an HttpOnly cookie
that lists what the session proved (its *claims*) and when it expires, signed with
HMAC-SHA256. A new browser session (F5, a second tab for the projector, a laptop that
slept) reads it and gets the same rights back, until the cookie expires. The cookie holds
no password and no link token, only what proves them at this moment:

- admin: a keyed fingerprint of the admin password, so a changed password ends it;
- a facilitator (`f`) or results (`r`) link: the id it opened and the SHA-256 of its token,
  so a renewed, revoked or expired link ends it (the app looks the link up again);
- a demo visitor's sandbox (`sb`): its organisation id and the digest of its random key
  (ipm_model/storage/sandbox.py), so a removed sandbox ends it and no id can be swapped;
- each claim's *epoch*: "log out everywhere" raises the epoch of its subject in the
  database, which ends every cookie issued before.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

COOKIE_NAME = "ipm_session"
DEFAULT_SESSION_HOURS = 12
MAX_CLAIMS = 20  # a cookie stays far below the browsers' 4 KB limit
_VERSION = "v1"
_KINDS = ("admin", "f", "r", "sb")

# Why a cookie was refused; the app explains each in the interface language.
FORGED = "forged"  # not made by this installation (or damaged)
EXPIRED = "expired"
REVOKED = "revoked"  # "log out everywhere" since it was made
PASSWORD_CHANGED = "password_changed"
LINK_GONE = "link_gone"  # the link was renewed, revoked or has expired
SANDBOX_GONE = "sandbox_gone"  # a demo visitor's sandbox expired or made room for others


class SessionRefused(Exception):
    """A session cookie that gives no rights; `reason` is one of the constants above."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Claim:
    """One right a session proved: admin, one facilitator (f) or results (r) link, or a
    demo visitor's own sandbox (sb)."""

    kind: str
    ref: int  # the workshop (f) or organisation (r, sb) id; 0 for admin
    proof: str  # password fingerprint (admin), token digest (links) or sandbox key digest
    epoch: int = 0

    @property
    def subject(self) -> str:
        """What "log out everywhere" revokes: the admin, or one link's workshop/organisation."""
        return "admin" if self.kind == "admin" else f"{self.kind}:{self.ref}"


@dataclass(frozen=True)
class SessionCookie:
    claims: tuple[Claim, ...]
    issued_at: int
    expires_at: int


def token_digest(token: str) -> str:
    """The SHA-256 of a link token (hex, 32 characters): names the link, cannot open it."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()[:32]


def password_fingerprint(password: str, key: bytes) -> str:
    """A keyed fingerprint of the admin password: equal while the password is unchanged."""
    mac = hmac.new(key, b"admin-password\0" + password.encode("utf-8"), hashlib.sha256)
    return mac.hexdigest()[:32]


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _signature(key: bytes, payload: str) -> str:
    return _b64(hmac.new(key, f"ipm-session-{_VERSION}.{payload}".encode(), "sha256").digest())


def make_cookie(
    claims: tuple[Claim, ...], key: bytes, hours: float, now: float | None = None
) -> str:
    """The signed cookie value for `claims`, valid `hours` from `now`."""
    issued = int(time.time() if now is None else now)
    body = {
        "c": [[c.kind, c.ref, c.proof, c.epoch] for c in claims[-MAX_CLAIMS:]],
        "iat": issued,
        "exp": issued + int(hours * 3600),
    }
    payload = _b64(json.dumps(body, separators=(",", ":")).encode("utf-8"))
    return f"{_VERSION}.{payload}.{_signature(key, payload)}"


def read_cookie(
    value: str | None, key: bytes, hours: float, now: float | None = None
) -> SessionCookie:
    """The verified cookie; raises SessionRefused(FORGED or EXPIRED).

    Expired means past the expiry it was made with, or older than `hours` now (a shorter
    lifetime configured later applies to cookies already given out).
    """
    now = time.time() if now is None else now
    try:
        version, payload, signature = str(value or "").split(".")
    except ValueError:
        raise SessionRefused(FORGED) from None
    expected = _signature(key, payload)
    if version != _VERSION or not hmac.compare_digest(signature.encode(), expected.encode()):
        raise SessionRefused(FORGED)
    try:
        body = json.loads(_unb64(payload))
        claims = tuple(
            Claim(str(kind), int(ref), str(proof), int(epoch))
            for kind, ref, proof, epoch in body["c"]
        )
        issued, expires = int(body["iat"]), int(body["exp"])
    except (ValueError, TypeError, KeyError, binascii.Error):
        raise SessionRefused(FORGED) from None
    if any(c.kind not in _KINDS for c in claims):
        raise SessionRefused(FORGED)
    if now >= min(expires, issued + hours * 3600):
        raise SessionRefused(EXPIRED)
    return SessionCookie(claims, issued, expires)


def local_path(target: str | None, default: str = "/") -> str:
    """`target` when it is a path on this site ("/console?lang=en"), else `default`.

    Redirects after setting or clearing the cookie go only here: never to another site.
    """
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or any(ord(ch) < 32 for ch in target):
        return default
    return target

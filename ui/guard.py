"""Slow down guessing of codes and passwords, per session and per client address.

The count per address is kept in the database, so every app process (replica) adds to the
same count; while the database cannot be used, this process's own count stands in.

Codes (join and resume): one address can be a whole workshop behind one wifi router, so
the address never blocks a code. A session that typed wrong codes itself waits (5 free
tries, then 5 s doubling to 300 s) and its codes are not checked meanwhile; a fresh page or
QR scan is a fresh session. Per address, wrong codes count once per distinct code
(twenty tablets misreading the screen alike are one wrong try) and a right code halves the
count. Past ADDRESS_FREE_TRIES distinct wrong codes, each session from that address gets
one wrong try before it has to wait: guessing then costs a new page load per code.

Passwords: the session and the address both wait (same numbers), so guessing stays slow
from anywhere; the wait stops at 300 s, and a right password clears the address's count.
"""

from __future__ import annotations

import contextlib
import hashlib

import streamlit as st

from ipm_model.db import StoreError
from ipm_model.model import normalize_code
from ipm_model.throttle import Throttle, ThrottleGroup
from ui.context import get_store

# One address can be a whole workshop behind one wifi router: allow it many more tries.
ADDRESS_FREE_TRIES = 30


@st.cache_resource(show_spinner=False)
def _address_throttles(kind: str) -> ThrottleGroup:
    return ThrottleGroup(free_tries=ADDRESS_FREE_TRIES)


def _address() -> str:
    try:
        return str(st.context.ip_address or "unknown")
    except Exception:  # noqa: BLE001 - not available in every runtime (tests)
        return "unknown"


class _AddressThrottle:
    """Wrong tries of one client address, counted in the database by every replica."""

    def __init__(self, kind: str, address: str):
        self.kind, self.address = kind, address
        self._local = _address_throttles(kind).get(address)

    def wait_seconds(self) -> int:
        try:
            return get_store().throttle_wait(self.kind, self.address)
        except StoreError:  # without the database, this process's own count stands in
            return self._local.wait_seconds()

    def failed(self, pattern: str | None) -> None:
        try:
            get_store().throttle_failed(self.kind, self.address, ADDRESS_FREE_TRIES, None, pattern)
        except StoreError:
            self._local.failed()

    def succeeded(self, reset: bool) -> None:
        if reset:
            self._local.succeeded()
        else:
            self._local.decay()
        with contextlib.suppress(StoreError):
            get_store().throttle_succeeded(self.kind, self.address, ADDRESS_FREE_TRIES, reset=reset)


def code_pattern(text: str) -> str:
    """What counts as one wrong code: the normalised code, hashed (no typed text is kept)."""
    return hashlib.sha256(normalize_code(text).encode("utf-8")).hexdigest()[:16]


class Guard:
    """A session throttle and an address throttle (see the module docstring for the rules)."""

    def __init__(self, kind: str, address_blocks: bool):
        self._session: Throttle = st.session_state.setdefault(f"throttle-{kind}", Throttle())
        self._address = _AddressThrottle(kind, _address())
        self._address_blocks = address_blocks

    def wait_seconds(self) -> int:
        """Seconds before this session may try again (nothing is checked until then)."""
        if self._address_blocks:
            return max(self._session.wait_seconds(), self._address.wait_seconds())
        return self._session.wait_seconds()

    def failed(self, typed: str | None = None) -> None:
        """Record a wrong try; `typed`: the wrong code, counted once per address."""
        hot = not self._address_blocks and self._address.wait_seconds() > 0
        self._session.failed(no_free_tries=hot)
        self._address.failed(None if typed is None else code_pattern(typed))

    def succeeded(self) -> None:
        self._session.succeeded()
        self._address.succeeded(reset=self._address_blocks)


def code_guard() -> Guard:
    """For join and resume codes: the address never blocks a right code."""
    return Guard("code", address_blocks=False)


def login_guard() -> Guard:
    """For the admin password."""
    return Guard("login", address_blocks=True)

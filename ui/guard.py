"""Slow down guessing of codes and passwords, per session and per client address.

The count per address is kept in the database, so every app process (replica) adds to the
same count; while the database cannot be used, this process's own count stands in.
"""

from __future__ import annotations

import contextlib

import streamlit as st

from ipm_model.store import StoreError
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
            shared = get_store().throttle_wait(self.kind, self.address)
        except StoreError:
            shared = 0
        return max(shared, self._local.wait_seconds())

    def failed(self) -> None:
        self._local.failed()
        # Without the database it is counted in this process only.
        with contextlib.suppress(StoreError):
            get_store().throttle_failed(self.kind, self.address, ADDRESS_FREE_TRIES)


class Guard:
    """A session throttle and an address throttle that count together."""

    def __init__(self, kind: str):
        self._session: Throttle = st.session_state.setdefault(f"throttle-{kind}", Throttle())
        self._address = _AddressThrottle(kind, _address())

    def wait_seconds(self) -> int:
        return max(self._session.wait_seconds(), self._address.wait_seconds())

    def failed(self) -> None:
        self._session.failed()
        self._address.failed()

    def succeeded(self) -> None:
        self._session.succeeded()


def code_guard() -> Guard:
    """For join and resume codes."""
    return Guard("code")


def login_guard() -> Guard:
    """For the admin password."""
    return Guard("login")

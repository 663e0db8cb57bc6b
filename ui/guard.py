"""Slow down guessing of codes and passwords, per session and per client address."""

from __future__ import annotations

import streamlit as st

from ipm_model.throttle import Throttle, ThrottleGroup

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


class Guard:
    """A session throttle and an address throttle that count together."""

    def __init__(self, kind: str):
        self._session: Throttle = st.session_state.setdefault(f"throttle-{kind}", Throttle())
        self._address: Throttle = _address_throttles(kind).get(_address())

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

"""A button's step, run in the page's own run after the router has checked access afresh.

A button's callback runs before app.py works out the session's grant, so it would see the
rights of the previous run. `later(step)` as the callback only keeps the step; the page calls
`run_pending()` after its access check, and the router drops a step whose page did not run
(`forget_pending()`: e.g. the session was sent to the login page), so it never runs on a later
visit. No st.rerun() is needed: the page draws the result in the same run (a rerun from inside
a wide page could leave it in the narrow layout in Streamlit 1.67).
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

PENDING_KEY = "pending-step"  # (url path of the page, the step)


def later(page: str, step: Callable[[], None]) -> None:
    """A button's on_click: keep `step` for the page at url path `page`."""
    st.session_state[PENDING_KEY] = (page, step)


def run_pending(page: str) -> None:
    """Run the step a button of `page` left, once (call after the page's access check)."""
    kept = st.session_state.pop(PENDING_KEY, None)
    if kept is not None and kept[0] == page:
        kept[1]()


def forget_pending(current: str) -> None:
    """Drop a step kept for another page than the one running now."""
    kept = st.session_state.get(PENDING_KEY)
    if kept is not None and kept[0] != current:
        del st.session_state[PENDING_KEY]

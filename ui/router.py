"""Make sure every page runs through app.py's st.navigation.

Streamlit 1.67 decides per process whether the app uses the old `pages/` folder mode: a
folder named `pages` switches it on until the first `st.navigation` call switches it off.
So the very first request after a server start, if it asks for a page URL directly,
runs that page file on its own — without app.py's language switch, access rules or menu.
Each page calls `ensure_routed()` first: when it runs outside app.py, it switches the old
mode off and runs app.py in its place. (Streamlit's AppTest switches the old mode back on
before every run, so there this happens on every run after the first.)
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager
from streamlit.runtime.scriptrunner import get_script_run_ctx

_state = threading.local()
APP_PATH = Path(__file__).resolve().parent.parent / "app.py"


@contextmanager
def routing() -> Iterator[None]:
    """Mark the page run that app.py starts (wraps `st.navigation(...).run()`)."""
    _state.active = True
    try:
        yield
    finally:
        _state.active = False


def ensure_routed() -> None:
    """Run the app through app.py when this page was started without it.

    app.py is executed in place (not with st.rerun, which would drop a button click that
    arrived with this run); it routes to this same page, and this copy stops afterwards.
    """
    if getattr(_state, "active", False):
        return
    PagesManager.uses_pages_directory = False
    code = compile(APP_PATH.read_text(encoding="utf-8"), str(APP_PATH), "exec")
    exec(code, {"__name__": "__main__", "__file__": str(APP_PATH)})  # noqa: S102
    st.stop()


def forget_unknown_page(url_paths: set[str]) -> bool:
    """True when the browser asked for a page URL the app does not have (an old bookmark).

    Then the request is turned into one for the start page before `st.navigation` resolves
    it, so Streamlit does not show its English "Page not found" dialog; the caller explains
    it in the interface language. Streamlit has no public API for the requested page name:
    this reads the run's PagesManager (a browser test covers it on upgrades).
    """
    ctx = get_script_run_ctx()
    manager = ctx.pages_manager if ctx is not None else None
    if manager is None or manager.intended_page_script_hash:
        return False
    name = manager.intended_page_name
    if not name or name in url_paths:
        return False
    manager.set_script_intent("", "")
    return True

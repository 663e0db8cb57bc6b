"""Routing helpers of app.py: every page runs through its st.navigation.

Streamlit 1.67 decides once per process whether the app uses its old `pages/` folder mode
(`PagesManager.uses_pages_directory`): a folder named `pages` next to app.py switches it on
when the first session starts, until the first `st.navigation` call switches it off. So the
very first request after a server start, if it asked for a page URL directly, ran that page
file on its own, without app.py's language switch, access rules or menu. `navigation_only`
is the st.App's lifespan (app.py): it switches the old mode off before the server takes
any request, so no page can run outside app.py. (Streamlit's AppTest switches the old mode
back on before every run; tests/app/conftest.py switches it off again.)

`open_page` lets a widget's callback name the page its run is to show (joining opens the
scan page): app.py turns the run's request into one for that page before `st.navigation`
resolves it, so the page runs at once, without the second full run `st.switch_page` costs.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager
from streamlit.runtime.scriptrunner import get_script_run_ctx


@asynccontextmanager
async def navigation_only(_app: Any) -> AsyncIterator[None]:
    """st.App lifespan: Streamlit's old `pages/` folder mode off, before the first request."""
    PagesManager.uses_pages_directory = False
    yield


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


OPEN_PAGE_KEY = "router-open-page"  # the url path a callback asked this run to show


def open_page(url_path: str) -> None:
    """From a widget's callback: the run that follows shows the page at `url_path`.

    The page's own checks still run (app.py sends a visitor who may not see it to the
    login page, as for a page asked for by URL)."""
    st.session_state[OPEN_PAGE_KEY] = url_path


def open_requested_page(url_paths: set[str]) -> bool:
    """app.py, before `st.navigation`: make the page a callback asked for this run's page.

    Like forget_unknown_page, this sets the run's intended page in its PagesManager (no
    public API; the join tests in tests/app and tests/browser cover it on upgrades).
    """
    target = st.session_state.pop(OPEN_PAGE_KEY, None)
    ctx = get_script_run_ctx()
    manager = ctx.pages_manager if ctx is not None else None
    if target is None or target not in url_paths or manager is None:
        return False
    manager.set_script_intent("", target)
    return True

"""AppTest fixtures: the real app.py on a fresh database with the demo workshop."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
import streamlit as st
from streamlit.runtime.pages_manager import PagesManager
from streamlit.testing.v1 import AppTest

from ipm_model.demo import create_demo
from ipm_model.questionnaire import default_questionnaire
from ipm_model.storage.store import Store
from tests.conftest import BACKENDS

APP = str(Path(__file__).resolve().parents[2] / "app.py")


@pytest.fixture(autouse=True)
def navigation_mode(monkeypatch):
    """Run as a long-running server does: st.navigation mode, not the old pages/ folder mode.

    AppTest resets Streamlit's old `pages/` folder mode before every run, which switches it
    back on (a real server switches it off once, in the st.App's lifespan: ui/router.py;
    a browser test covers a server's first request).
    """
    original = PagesManager.__init__

    def init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    monkeypatch.setattr(PagesManager, "__init__", init)
    # Record the menu of each run: AppTest keeps every registered page, hidden ones too.
    navigation = st.navigation

    def recording_navigation(pages, **kwargs):
        every = [p for section in pages.values() for p in section]
        MENU[:] = [p for p in every if p.visibility == "visible"]
        return navigation(pages, **kwargs)

    monkeypatch.setattr(st, "navigation", recording_navigation)


MENU: list[st.Page] = []  # the visible pages of the last st.navigation call


def menu_titles() -> set[str]:
    """The titles of the pages in the menu of the last run."""
    return {p.title for p in MENU}


def menu_paths() -> set[str]:
    """The url paths of the pages in the menu of the last run ("" is the start page)."""
    return {p.url_path for p in MENU}


def _target(request, tmp_path, name: str) -> str:
    """An SQLite file or a fresh PostgreSQL schema, by the test's back-end parameter."""
    if request.param == "postgresql":
        return request.getfixturevalue("pg_url")
    return str(tmp_path / name)


@pytest.fixture(params=BACKENDS)
def app_store(request, tmp_path, monkeypatch) -> Store:
    """A database with the demo workshop, used by the app (through IPM_DB) and by the test.

    Every page test runs on both back-ends: SQLite and PostgreSQL."""
    path = _target(request, tmp_path, "app.db")
    monkeypatch.setenv("IPM_DB", str(path))
    st.cache_resource.clear()
    st.cache_data.clear()
    s = Store(path)
    create_demo(s, default_questionnaire())
    yield s
    s.close()
    st.cache_resource.clear()
    st.cache_data.clear()


@pytest.fixture(params=BACKENDS)
def empty_store(request, tmp_path, monkeypatch) -> Store:
    path = _target(request, tmp_path, "empty.db")
    monkeypatch.setenv("IPM_DB", str(path))
    st.cache_resource.clear()
    st.cache_data.clear()
    s = Store(path)
    yield s
    s.close()
    st.cache_resource.clear()


def new_app(**query: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30)
    for key, value in query.items():
        at.query_params[key] = value
    return at


def html_texts(at: AppTest) -> str:
    """The visible text of the page's st.html blocks (tags and styles stripped), joined."""
    import html
    import re

    parts = []
    for element in at.get("html"):
        body = re.sub(r"<style.*?</style>", " ", element.proto.body, flags=re.S)
        parts.append(html.unescape(re.sub(r"<[^>]+>", " ", body)))
    return "\n".join(" ".join(p.split()) for p in parts)


def texts(at: AppTest) -> str:
    """Every text the page shows (markdown, captions, alerts, headers, html), joined."""
    parts = [html_texts(at)]
    for kind in (
        "markdown",
        "caption",
        "error",
        "warning",
        "info",
        "success",
        "header",
        "subheader",
        "title",
    ):
        parts += [str(e.value) for e in getattr(at, kind)]
    return "\n".join(parts)


def progress_html(at) -> str:
    """The phase screen's progress element as this run drew it (ui/scan.py, _phase_progress)."""
    (body,) = [e.proto.body for e in at.get("html") if "ipm-progress-text" in e.proto.body]
    return body


def progress_line(at, drawn: str | None = None) -> str:
    """The phase screen's progress line as the browser draws it (ui/scan.py, _phase_progress):
    the counter's start, plus each bar segment answered at the run or whose statement shows
    a saved or waiting marker. `drawn`: the progress element of an earlier run, as a
    browser still shows it after taps that reran only their statements. The browser test
    reads the real one (tests/browser/test_participant.py)."""
    body = drawn if drawn is not None else progress_html(at)
    count = int(re.search(r"counter-reset:ipm-answered (\d+)", body)[1])
    marked = {sid for sid, (state, _) in scan_markers(at).items() if state in ("saved", "pending")}
    for sid, on in re.findall(r'<span class="ipm-seg-([a-z0-9-]+)( on)?"', body):
        count += bool(on) or sid in marked
    text = re.search(r'<p class="ipm-progress-text">(.*?)</p>', body)[1]
    return html.unescape(text.replace('<span class="ipm-progress-count"></span>', str(count)))


# A saved marker's caption body (ui/scan.py _saved_marker).
MARKER_RE = re.compile(
    r'<span class="ipm-mark ipm-mark-(?P<state>\w+) ipm-mark-(?P=state)-(?P<id>[a-z0-9-]+)">'
    r"(?P<text>.*)</span>",
    re.DOTALL,
)


def scan_markers(at) -> dict[str, tuple[str, str]]:
    """Statement id -> (state, text) of the saved markers on the screen (ui/scan.py draws
    each as one caption: <span class="ipm-mark ipm-mark-<state> ipm-mark-<state>-<id>">)."""
    found: dict[str, tuple[str, str]] = {}

    def walk(node) -> None:
        if getattr(node, "type", None) == "caption":
            mark = MARKER_RE.fullmatch(node.value)
            if mark:
                found[mark["id"]] = (mark["state"], mark["text"].strip())
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at.main)
    return found

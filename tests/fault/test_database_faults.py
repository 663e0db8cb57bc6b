"""The database is missing, locked or read-only: a clear message, nothing lost, then recovery.

(a) runs a real server whose IPM_DB points into a folder that does not exist yet. (b) and (c)
use AppTest, where the cause can be switched on and off between two taps: another process
holding the write lock longer than the busy timeout (cut from 15 s to 0.3 s), and SQLite's
query_only switch, which is how a read-only database looks to the app (file modes do not stop
root, who runs these tests in CI containers).
"""

from __future__ import annotations

import sqlite3
import weakref

import pytest

import ipm_model.db as db_module
from ipm_model.storage.store import Store
from tests.app.conftest import new_app, progress_line, texts
from tests.fault.helpers import (
    DATABASE_MESSAGE,
    SHOWN,
    TO_FINISH,
    Q,
    Tablet,
    assert_clear,
    assert_joins_and_stores_an_answer,
    create_demo_db,
    open_join_link,
    run,
    start_scan,
    tap,
)

PENDING = "scan-pending"


# -- (a) a missing folder, on a real server ------------------------------------------------------


def test_missing_folder_gives_a_clear_message_and_works_once_the_folder_exists(
    tmp_path, start_server
):
    folder = tmp_path / "not-yet"
    server = start_server(folder / "ipm.db", "missing-folder")

    async def visit(query: str = "", page: str = "") -> tuple[str, list, bool, list[str]]:
        tablet = Tablet()
        try:
            result = await tablet.open(server.url, query, page)
            widgets = [w.type for w in tablet.session.widgets]
            return tablet.texts(), tablet.exceptions(), result.ok, widgets
        finally:
            await tablet.close()

    for query, page in [("code=DEMO", ""), ("p=abc", "scan"), ("", "about")]:
        shown, exceptions, ok, widgets = run(visit(query, page))
        assert ok and exceptions == []
        assert DATABASE_MESSAGE in shown
        assert "does not exist" in shown and "Create it" in shown
        assert "text_input" not in widgets  # the page stopped after the message
        assert server.healthy()
    assert not folder.exists()

    # The store is made lazily (st.cache_resource keeps no failure): the next visit works.
    folder.mkdir()
    create_demo_db(folder / "ipm.db")

    assert_joins_and_stores_an_answer(server.url, folder / "ipm.db")
    assert "Traceback (most recent call last)" not in server.log_since(0)


def test_missing_folder_is_created_as_an_empty_database_when_the_folder_appears(
    tmp_path, start_server
):
    """Without a demo: once the folder exists the app makes the database file itself."""
    folder = tmp_path / "later"
    server = start_server(folder / "ipm.db", "empty-later")

    shown, exceptions = open_join_link(server.url)
    assert DATABASE_MESSAGE in shown and exceptions == []
    folder.mkdir()
    shown, exceptions = open_join_link(server.url)
    assert exceptions == []
    assert DATABASE_MESSAGE not in shown
    assert "kennen de code" in shown  # an empty database: DEMO does not exist there
    assert (folder / "ipm.db").exists()


# -- (b) locked by another process ---------------------------------------------------------------


@pytest.fixture
def short_busy_timeout(monkeypatch):
    """Wait 0.3 s for a lock instead of 15 s (the app's store is made after this)."""
    monkeypatch.setattr(db_module, "BUSY_TIMEOUT_S", 0.3)


def hold_write_lock(store: Store) -> sqlite3.Connection:
    """Another process's transaction holding the write lock (like a backup or a CLI import)."""
    blocker = sqlite3.connect(store.path, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    return blocker


def test_locked_database_keeps_the_tap_pending_and_stores_it_after_the_lock(
    demo_store, short_busy_timeout
):
    at, p = start_scan(demo_store)
    first, second, third = (s.id for s in Q.phases[0].statements[:3])
    tap(at, first, "2")
    before = demo_store.counts()

    blocker = hold_write_lock(demo_store)
    try:
        tap(at, second, "5")
        assert_clear(at, "is locked by another program")
        assert at.session_state[PENDING] == {second: "5"}
        assert at.radio(key=f"scan-a-{second}").value == "5"  # the tap is still shown
        assert demo_store.answers(p.id) == {first: "2"}
        # Still locked: the next tap waits in line too, nothing is written half.
        tap(at, third, "dk")
        assert at.session_state[PENDING] == {second: "5", third: "dk"}
        assert demo_store.counts() == before
    finally:
        blocker.rollback()
        blocker.close()

    # The next interaction after the lock is gone stores everything that waited.
    at.button(key="scan-next").click().run()
    assert not at.exception
    assert at.session_state[PENDING] == {}
    assert demo_store.answers(p.id) == {first: "2", second: "5", third: "dk"}
    assert DATABASE_MESSAGE not in texts(at)
    assert f"Fase 2 van 7 · 3 van {SHOWN} beantwoord" in progress_line(at)


def test_locked_database_on_join_gives_a_clear_message_and_creates_nobody(
    demo_store, short_busy_timeout
):
    at = new_app(code="DEMO").run()
    workshop = demo_store.workshop_by_code("DEMO")
    at.radio(key="join-chain").set_value(workshop.chains[0].id)
    at.radio(key="join-role").set_value("mt")
    before = demo_store.counts()
    blocker = hold_write_lock(demo_store)
    try:
        at.button(key="FormSubmitter:join-form-Start de scan").click().run()
        assert_clear(at, "is locked by another program")
        assert demo_store.counts() == before
    finally:
        blocker.rollback()
        blocker.close()
    at.button(key="FormSubmitter:join-form-Start de scan").click().run()
    assert not at.exception
    assert demo_store.counts()["participant"] == before["participant"] + 1


def test_locked_database_keeps_a_comment_and_stores_it_after_the_lock(
    demo_store, short_busy_timeout
):
    at, p = start_scan(demo_store)
    blocker = hold_write_lock(demo_store)
    try:
        at.text_area(key="scan-c-inzicht").input("Het overleg loopt goed").run()
        assert_clear(at, "is locked by another program")
        assert demo_store.comments(p.id) == {}
    finally:
        blocker.rollback()
        blocker.close()
    # Moving on is the next interaction: the comment that waited is stored now.
    at.button(key="scan-next").click().run()
    assert not at.exception
    assert demo_store.comments(p.id) == {"inzicht": "Het overleg loopt goed"}
    at.button(key="scan-back").click().run()
    assert at.text_area(key="scan-c-inzicht").value == "Het overleg loopt goed"
    assert DATABASE_MESSAGE not in texts(at)


# -- (c) read-only ---------------------------------------------------------------------------


class ReadOnlySwitch:
    """Make every SQLite connection read-only the way SQLite sees it (PRAGMA query_only)."""

    def __init__(self, monkeypatch):
        self.on = False
        self.backends: weakref.WeakSet[db_module.SqliteBackend] = weakref.WeakSet()
        real_connect = db_module.SqliteBackend._connect
        switch = self

        def connect(backend: db_module.SqliteBackend):
            switch.backends.add(backend)
            db = real_connect(backend)
            if switch.on:
                db.execute("PRAGMA query_only = ON")
            return db

        monkeypatch.setattr(db_module.SqliteBackend, "_connect", connect)

    def set(self, on: bool) -> None:
        self.on = on
        for backend in list(self.backends):
            backend.close()  # empty the pools: the next connections follow the switch


@pytest.fixture
def read_only(monkeypatch) -> ReadOnlySwitch:
    return ReadOnlySwitch(monkeypatch)


def test_read_only_database_keeps_the_tap_pending_and_stores_it_when_writable(
    demo_store, read_only
):
    at, p = start_scan(demo_store)
    first, second = (s.id for s in Q.phases[0].statements[:2])
    before = demo_store.counts()

    read_only.set(True)
    tap(at, first, "4")
    assert_clear(at, "is read-only")
    assert at.session_state[PENDING] == {first: "4"}
    assert at.radio(key=f"scan-a-{first}").value == "4"
    # Moving on while read-only: the screen changes, the answer keeps waiting.
    at.button(key="scan-next").click().run()
    assert not at.exception
    assert at.session_state[PENDING] == {first: "4"}
    assert demo_store.counts() == before

    read_only.set(False)
    at.button(key="scan-back").click().run()
    assert not at.exception
    assert at.session_state[PENDING] == {}
    assert demo_store.answers(p.id) == {first: "4"}
    tap(at, second, "na")
    assert demo_store.answers(p.id) == {first: "4", second: "na"}
    assert DATABASE_MESSAGE not in texts(at)


def test_read_only_database_on_finish_says_so_and_finishes_later(demo_store, read_only):
    at, p = start_scan(demo_store)
    for _ in range(TO_FINISH):
        at.button(key="scan-next").click().run()
    read_only.set(True)
    at.button(key="scan-finish").click().run()
    assert_clear(at, "is read-only")
    assert not demo_store.participant_by_token(p.token).finished
    read_only.set(False)
    at.button(key="scan-finish").click().run()
    assert not at.exception
    assert demo_store.participant_by_token(p.token).finished
    assert "Jouw uitslag" in texts(at)


def test_read_only_database_in_the_console_gives_a_clear_message(
    demo_store, read_only, monkeypatch
):
    monkeypatch.setenv("IPM_DEMO", "1")
    at = new_app().run()
    at.switch_page("pages/console.py").run()
    at.button(key="sandbox-make-console").click().run()  # a visitor's own copy of the demo
    before = demo_store.counts()
    read_only.set(True)
    [w for w in at.text_input if w.label == "Nieuwe keten"][0].input("Van zorg tot thuis")
    at.button(key="FormSubmitter:add-chain-Toevoegen").click().run()
    assert_clear(at, "is read-only")
    assert demo_store.counts() == before

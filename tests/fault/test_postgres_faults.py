"""PostgreSQL is down at start or goes away mid-workshop: a clear message, nothing lost.

Each test runs its own throwaway PostgreSQL server (deploy/pgserver.py) so it can stop and
start it without disturbing the rest of the suite.
"""

from __future__ import annotations

import time

import pytest

from deploy.pgserver import PgServer, require_postgres
from ipm_model.demo import create_demo
from ipm_model.storage.store import Store
from tests.app.conftest import new_app, texts
from tests.fault.helpers import (
    DATABASE_MESSAGE,
    KIND,
    LABEL,
    TO_FINISH,
    Q,
    Tablet,
    assert_clear,
    assert_joins_and_stores_an_answer,
    open_join_link,
    plain,
    run,
    start_scan,
    tap,
)

PENDING = "scan-pending"
DOWN = "cannot be reached"


@pytest.fixture
def pg():
    require_postgres()
    server = PgServer.start()
    yield server
    server.stop("immediate", remove=True)


@pytest.fixture
def pg_demo(pg, monkeypatch):
    """The demo workshop in the test's own PostgreSQL, used by the app through IPM_DB."""
    import streamlit as st

    store = Store(pg.url)
    create_demo(store, Q, history=False)
    monkeypatch.setenv("IPM_DB", pg.url)
    for name in ("IPM_DEMO", "IPM_ADMIN_PASSWORD", "IPM_ADMIN_EMAILS"):
        monkeypatch.delenv(name, raising=False)
    st.cache_resource.clear()
    st.cache_data.clear()
    yield pg, store
    store.close()
    st.cache_resource.clear()
    st.cache_data.clear()


def _assert_clear(at) -> None:
    assert_clear(at, DOWN)
    assert "password" not in plain(texts(at)).lower()


def test_server_lost_mid_workshop_keeps_taps_and_stores_them_when_back(pg_demo):
    server, store = pg_demo
    at, p = start_scan(store)
    first, second, third = (s.id for s in Q.phases[0].statements[:3])
    tap(at, first, "2")

    server.stop("fast")  # every connection of the app is cut, like a database restart
    started = time.monotonic()
    tap(at, second, "5")
    assert time.monotonic() - started < 15  # a message soon, not a frozen tablet
    _assert_clear(at)
    assert at.session_state[PENDING] == {second: "5"}
    assert at.radio(key=f"scan-a-{second}").value == "5"  # the tap is still shown
    tap(at, third, "dk")
    assert at.session_state[PENDING] == {second: "5", third: "dk"}

    server.restart()
    at.button(key="scan-next").click().run()
    assert not at.exception
    assert at.session_state[PENDING] == {}
    assert store.answers(p.id) == {first: "2", second: "5", third: "dk"}
    assert DATABASE_MESSAGE not in texts(at)


def test_a_tap_while_the_database_is_down_waits_at_its_statement_and_is_stored_later(
    pg, start_server
):
    """A real server and tablet, so a tap reruns only its statement's fragment as in a
    browser: the tap that could not be saved says so under its statement, counts, and is
    stored with the next tap once the database is back; then every marker says saved."""
    seed = Store(pg.url)
    create_demo(seed, Q, history=False)
    seed.close()
    server = start_server(pg.url, "pg-tap")
    first, second, third = (s.id for s in Q.phase_statements(Q.phases[0].id, KIND)[:3])
    saved = "✓ Bewaard: {}".format

    async def scenario() -> str:
        tablet = Tablet()
        try:
            await tablet.join(server.url)
            result = await tablet.answer(first, "2")
            assert result.is_fragment_run and result.ok
            assert tablet.marker(first) == ("saved", saved(LABEL["2"]))
            assert tablet.progress() == (1, 1)

            pg.stop("fast")
            result = await tablet.answer(second, "5")
            assert result.ok, tablet.describe()
            assert tablet.marker(second) == (
                "pending",
                "⟳ Nog niet bewaard, wordt opnieuw geprobeerd.",
            )
            assert DATABASE_MESSAGE in plain(tablet.texts())
            assert tablet.shown_answer(second) == "5"  # the tap is still shown
            assert tablet.progress() == (1, 2)  # and counted: it is kept and tried again
            assert tablet.marker(first) == ("saved", saved(LABEL["2"]))

            pg.restart()
            result = await tablet.answer(third, "dk")
            assert result.ok, tablet.describe()
            assert tablet.marker(second) == ("saved", saved(LABEL["5"]))
            assert tablet.marker(third) == ("saved", saved(LABEL["dk"]))
            assert DATABASE_MESSAGE not in plain(tablet.texts())
            assert tablet.progress() == (1, 3)
            assert tablet.exceptions() == []
            return tablet.token
        finally:
            await tablet.close()

    token = run(scenario())
    store = Store(pg.url)
    try:
        p = store.participant_by_token(token)
        assert store.answers(p.id) == {first: "2", second: "5", third: "dk"}
    finally:
        store.close()


def test_server_lost_on_finish_says_so_and_finishes_later(pg_demo):
    server, store = pg_demo
    at, p = start_scan(store)
    for _ in range(TO_FINISH):
        at.button(key="scan-next").click().run()
    server.stop("fast")
    at.button(key="scan-finish").click().run()
    _assert_clear(at)
    server.restart()
    assert not store.participant_by_token(p.token).finished
    at.button(key="scan-finish").click().run()
    assert not at.exception
    assert store.participant_by_token(p.token).finished
    assert "Jouw uitslag" in texts(at)


def test_database_down_when_the_app_starts_then_back(pg, start_server):
    """A real server whose PostgreSQL is not running yet: a message, then it just works."""
    seed = Store(pg.url)
    create_demo(seed, Q, history=False)
    seed.close()
    pg.stop("fast")
    server = start_server(pg.url, "pg-down")

    shown, exceptions = open_join_link(server.url)
    assert exceptions == []
    assert DATABASE_MESSAGE in shown and DOWN in shown
    assert server.healthy()

    pg.restart()

    assert_joins_and_stores_an_answer(server.url, pg.url)
    assert "Traceback (most recent call last)" not in server.log_since(0)


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://ipm:geheim@127.0.0.1:1/ketenscan",  # nothing listens there
        "postgresql://ipm:geheim@127.0.0.1:notaport/ketenscan",
        "mysql://ipm:geheim@127.0.0.1/ketenscan",
    ],
)
def test_a_wrong_database_address_gives_a_clear_page_without_the_password(url, monkeypatch):
    import streamlit as st

    monkeypatch.setenv("IPM_DB", url)
    st.cache_resource.clear()
    try:
        at = new_app(code="DEMO").run()
        shown = plain(texts(at))
        assert not at.exception
        assert DATABASE_MESSAGE in shown
        assert "geheim" not in shown
        assert "Start de scan" not in shown  # the page stopped after the message
    finally:
        st.cache_resource.clear()

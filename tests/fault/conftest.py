"""Fixtures of the fault suite: AppTest on a fresh demo database, and real servers.

AppTest runs in Streamlit's st.navigation mode through `navigation_mode` (reused from the app
suite, autouse). Real servers listen on 127.0.0.1 only and are stopped by their fixture; a
failing test gets the tail of every server log it used, and a test that uses the shared
server fails when the server logged a traceback meanwhile.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import streamlit as st

from ipm_model.storage.store import Store
from tests.app.conftest import navigation_mode  # noqa: F401 - autouse fixture, reused
from tests.fault.helpers import LiveServer, create_demo_db

SERVERS = pytest.StashKey[list[LiveServer]]()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    """Add the tail of each server log the test used to a failed test's report."""
    outcome = yield
    report = outcome.get_result()
    if report.failed:
        for server in item.stash.get(SERVERS, []):
            report.sections.append((f"server log {server.log.name} (tail)", server.log_tail()))


def watch(request: pytest.FixtureRequest, server: LiveServer) -> LiveServer:
    """Show this server's log under the test if it fails."""
    request.node.stash.setdefault(SERVERS, []).append(server)
    return server


# -- AppTest -----------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database with the demo workshop DEMO, made once and copied for every test."""
    path = create_demo_db(tmp_path_factory.mktemp("template") / "demo.db")
    assert not Path(f"{path}-wal").exists(), "the template must be one complete file"
    return path


@pytest.fixture
def demo_store(demo_template: Path, tmp_path: Path, monkeypatch) -> Iterator[Store]:
    """A fresh copy of the demo database, used by the app (IPM_DB) and by the test."""
    path = tmp_path / "app.db"
    shutil.copyfile(demo_template, path)
    monkeypatch.setenv("IPM_DB", str(path))
    for name in ("IPM_DEMO", "IPM_ADMIN_PASSWORD", "IPM_ADMIN_EMAILS"):
        monkeypatch.delenv(name, raising=False)
    st.cache_resource.clear()  # the app's Store and the throttles start afresh
    st.cache_data.clear()
    store = Store(path)
    yield store
    store.close()
    st.cache_resource.clear()
    st.cache_data.clear()


# -- real servers ----------------------------------------------------------------------------


@pytest.fixture(scope="session")
def shared_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """One server on a demo database for the tests that only add their own participants."""
    folder = tmp_path_factory.mktemp("shared-server")
    server = LiveServer(create_demo_db(folder / "ipm.db"), folder / "streamlit.log")
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def live(shared_server: LiveServer, request: pytest.FixtureRequest) -> Iterator[LiveServer]:
    """The shared server; the test fails when the server logged a traceback during it."""
    watch(request, shared_server)
    assert shared_server.healthy(), "the shared server is down"
    start = shared_server.log_size()
    yield shared_server
    logged = shared_server.log_since(start)
    if "Traceback (most recent call last)" in logged:
        pytest.fail(f"the server logged an exception during this test:\n{logged[-4000:]}")


@pytest.fixture
def live_lenient(shared_server: LiveServer, request: pytest.FixtureRequest) -> LiveServer:
    """The shared server for tests that forge protocol messages (Streamlit logs tracebacks)."""
    watch(request, shared_server)
    assert shared_server.healthy(), "the shared server is down"
    return shared_server


@pytest.fixture
def start_server(
    tmp_path: Path, request: pytest.FixtureRequest
) -> Iterator[Callable[..., LiveServer]]:
    """Factory: start a server on `db` (extra env allowed); every one is stopped afterwards."""
    started: list[LiveServer] = []

    def start(db: Path, name: str = "server", **env: str) -> LiveServer:
        server = LiveServer(db, tmp_path / f"{name}-{len(started)}.log", env=env)
        started.append(watch(request, server))
        return server.start()

    yield start
    for server in started:
        server.stop()

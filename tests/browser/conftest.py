"""Real-browser fixtures: the app on a free local port with a demo database, Debian's Chromium.

The whole browser suite is skipped when no Chromium is installed, except on CI (env CI=true),
where a missing browser is an error: the suite must not pass by silently doing nothing.
"""

from __future__ import annotations

import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.browser.browser_helpers import DEFAULT_TIMEOUT_MS

ROOT = Path(__file__).resolve().parents[2]
SERVER_START_TIMEOUT_S = 60.0

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PORTRAIT = {"width": 820, "height": 1180}
# The server under test has an admin password, so a facilitator can set up workshops.
ADMIN_PASSWORD = "browser-test-admin"
LANDSCAPE = {"width": 1180, "height": 820}


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    """Keep each phase's report on the item (for screenshots); add the server log on failure."""
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)
    if report.failed:
        log = getattr(item.config, "_ipm_server_log", None)
        if log is not None:
            report.sections.append(("streamlit server log (tail)", _tail(log)))


def _tail(path: Path, lines: int = 60) -> str:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        return f"(no log: {exc})"
    return "\n".join(text.splitlines()[-lines:])


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
            return response.status == 200 and response.read().strip() == b"ok"
    except (urllib.error.URLError, OSError):
        return False


@pytest.fixture(scope="session")
def chromium_path() -> str:
    """Debian's Chromium (Playwright's own download is not used); $IPM_CHROMIUM overrides."""
    path = (
        os.environ.get("IPM_CHROMIUM")
        or shutil.which("chromium")
        or shutil.which("chromium-browser")
    )
    if path:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError as exc:  # pragma: no cover - depends on the environment
            problem = f"playwright is not installed: {exc}"
        else:
            return path
    else:
        problem = "no chromium executable on PATH"
    if os.environ.get("CI", "").strip().lower() == "true":
        pytest.fail(f"Browser suite cannot run on CI: {problem}", pytrace=False)
    pytest.skip(f"browser suite skipped: {problem}")


@pytest.fixture(scope="session")
def app_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("ipm-browser")


@pytest.fixture(scope="session")
def app_db(app_dir: Path) -> Path:
    """A fresh database file holding the demo workshop (join code DEMO)."""
    db = app_dir / "ipm.db"
    env = {**os.environ, "IPM_DB": str(db)}
    done = subprocess.run(
        [sys.executable, "-m", "ipm_model", "demo"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    if done.returncode != 0:
        pytest.fail(
            f"demo command failed ({done.returncode}):\n{done.stdout}\n{done.stderr}",
            pytrace=False,
        )
    return db


@pytest.fixture(scope="session")
def results_token(app_db: Path) -> str:
    """The results link token of the demo organisation in the shared database."""
    db = sqlite3.connect(app_db)
    (token,) = db.execute(
        "SELECT o.results_token FROM organisation o JOIN workshop w ON w.organisation_id = o.id "
        "WHERE w.code = 'DEMO'"
    ).fetchone()
    db.close()
    return token


@pytest.fixture(scope="session")
def app_server(
    request: pytest.FixtureRequest, chromium_path: str, app_dir: Path, app_db: Path
) -> Iterator[str]:
    """The app served by `streamlit run` on a free 127.0.0.1 port; yields its base URL.

    The server's output goes to streamlit.log in the session's temp dir; its tail is shown when
    the server does not come up and under every failed test.
    """
    with serve_app(request, app_db, app_dir / "streamlit.log") as url:
        yield url


@contextmanager
def serve_app(
    request: pytest.FixtureRequest, db: Path, log_path: Path, env: dict[str, str] | None = None
) -> Iterator[str]:
    """`streamlit run app.py` on database `db` until the block ends; yields its base URL.

    Also for a module that needs a server of its own (its own database or settings): it
    overrides `app_server` with a module-scoped fixture calling this.
    """
    previous_log = getattr(request.config, "_ipm_server_log", None)
    request.config._ipm_server_log = log_path
    env = {
        **os.environ,
        "IPM_DB": str(db),
        "IPM_ADMIN_PASSWORD": ADMIN_PASSWORD,
        "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false",
        "PYTHONUNBUFFERED": "1",
        **(env or {}),
    }
    proc = None
    try:
        for attempt in range(3):  # another process may take the free port before streamlit does
            port = _free_port()
            url = f"http://127.0.0.1:{port}"
            proc = _start_streamlit(port, env, log_path)
            problem = _wait_healthy(proc, url)
            if problem is None:
                break
            _stop(proc)
            in_use = "already in use" in _tail(log_path)
            if not in_use or attempt == 2:
                pytest.fail(f"{problem}; log {log_path}:\n{_tail(log_path)}", pytrace=False)
        yield url
    finally:
        if proc is not None:
            _stop(proc)
        request.config._ipm_server_log = previous_log


def _start_streamlit(port: int, env: dict[str, str], log_path: Path) -> subprocess.Popen:
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        "app.py",
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--server.headless",
        "true",
        # Serve the code as it was at the start: an edit during the run must not turn into a
        # "File change. Rerun" prompt (or a half-saved module) in the middle of a test.
        "--server.fileWatcherType",
        "none",
    ]
    with open(log_path, "wb") as log:
        return subprocess.Popen(
            command,
            cwd=ROOT,  # so that .streamlit/config.toml applies
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )


def _wait_healthy(proc: subprocess.Popen, url: str) -> str | None:
    """None once /_stcore/health answers ok, else what went wrong."""
    deadline = time.monotonic() + SERVER_START_TIMEOUT_S
    while not _healthy(url):
        if proc.poll() is not None:
            return f"streamlit exited with {proc.returncode} before it was ready"
        if time.monotonic() > deadline:
            return f"streamlit not healthy after {SERVER_START_TIMEOUT_S:.0f} s"
        time.sleep(0.2)
    return None


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)


@pytest.fixture(scope="module")
def browser(chromium_path: str):
    """Chromium for one test module. Not per session: Playwright's sync API keeps an asyncio
    loop running while it is open, which would break the asyncio tests that run later
    (tests/fault) and a second Playwright in another module."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def new_tablet(browser, app_server: str, request: pytest.FixtureRequest, app_dir: Path):
    """Factory: a fresh page in its own browser context (= another device), closed at the end.

    A JavaScript error in any page fails the test. On a failed test every page still open is
    saved as a screenshot next to the server log (or in $IPM_BROWSER_ARTIFACTS).
    """
    contexts = []
    page_errors: list[str] = []

    def make(viewport: dict[str, int] | None = None):
        context = browser.new_context(
            viewport=viewport or PORTRAIT,
            has_touch=True,
            is_mobile=False,
            locale="nl-NL",
            base_url=app_server,
        )
        context.set_default_timeout(DEFAULT_TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda error: page_errors.append(f"{page.url}: {error}"))
        return page

    yield make
    report = getattr(request.node, "rep_call", None)
    shots = Path(os.environ.get("IPM_BROWSER_ARTIFACTS") or app_dir)
    for i, context in enumerate(contexts):
        if report is not None and report.failed:
            shots.mkdir(parents=True, exist_ok=True)
            for j, page in enumerate(context.pages):
                shot = shots / f"{request.node.name}-{i}-{j}.png"
                try:
                    page.screenshot(path=str(shot), full_page=True)
                    print(f"screenshot: {shot}")
                except Exception as exc:  # noqa: BLE001 - best effort while reporting
                    print(f"no screenshot ({exc})")
        context.close()
    if page_errors:
        pytest.fail("JavaScript errors in the page:\n" + "\n".join(page_errors), pytrace=False)


@pytest.fixture(autouse=True)
def server_log_clean(app_server: str, request: pytest.FixtureRequest):
    """Fail a test during which the server logged a traceback (an uncaught exception shows
    participants only a generic message, and a lazily drawn one is easy to miss in the DOM)."""
    log: Path = request.config._ipm_server_log
    start = log.stat().st_size
    yield
    with open(log, "rb") as f:
        f.seek(start)
        new = f.read().decode("utf-8", errors="replace")
    if "Traceback (most recent call last)" in new:
        pytest.fail(
            f"the server logged an exception during this test:\n{new[-4000:]}", pytrace=False
        )


@pytest.fixture
def tablet(new_tablet):
    """A portrait tablet (820x1180 CSS px, touch, Dutch locale)."""
    return new_tablet(PORTRAIT)


@pytest.fixture
def tablet_landscape(new_tablet):
    """The same tablet held in landscape (1180x820)."""
    return new_tablet(LANDSCAPE)

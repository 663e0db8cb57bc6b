"""Sessions that survive the room: a login lasts through F5, a second tab (the projector) and
a laptop that slept, through the signed HttpOnly session cookie (ui/session.py); a forged,
expired or revoked cookie gives the login page with a Dutch explanation."""

from __future__ import annotations

import time
from pathlib import Path
from urllib.parse import urlparse

import pytest

from ipm_model.session import COOKIE_NAME, Claim, make_cookie, password_fingerprint
from ipm_model.storage.store import Store
from tests.browser.browser_helpers import act, assert_no_exception, goto, wait_idle
from tests.browser.conftest import ADMIN_PASSWORD

pytestmark = pytest.mark.browser

LOGGED_IN = "ingelogd als beheerder"
LOGIN_TITLE = "Inloggen voor begeleiders"


@pytest.fixture
def new_context(browser, app_server):
    """Factory: a browser context (one device, its own cookies); closed at the end."""
    contexts = []

    def make():
        context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=app_server)
        context.set_default_timeout(20_000)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


def session_cookie(context) -> dict | None:
    return next((c for c in context.cookies() if c["name"] == COOKIE_NAME), None)


def log_in(context):
    page = context.new_page()
    goto(page, "/login", LOGIN_TITLE)
    page.get_by_label("Wachtwoord beheerder").fill(ADMIN_PASSWORD)
    with page.expect_navigation(url=came_back):  # via the cookie route, in a new session
        page.get_by_role("button", name="Inloggen").click()
    wait_idle(page, LOGGED_IN)
    assert session_cookie(context) is not None
    return page


def came_back(url: str) -> bool:
    """The URL the cookie route sends the browser back to."""
    return "session=1" in url


def signing_key(app_db: Path) -> bytes:
    """The key the server signs with: the database's (no session_secret is configured)."""
    store = Store(str(app_db))
    try:
        return store.installation_secret("session-signing-key").encode("ascii")
    finally:
        store.close()


def test_login_survives_reload_and_a_second_tab(new_context):
    context = new_context()
    page = log_in(context)
    cookie = session_cookie(context)
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"
    assert ADMIN_PASSWORD not in cookie["value"] and ADMIN_PASSWORD not in page.url
    assert cookie["expires"] > time.time() + 11.5 * 3600  # the default 12 hours

    act(page, page.get_by_role("link", name="Workshops beheren").first.click, "Nieuwe workshop")
    page.reload()  # F5
    wait_idle(page, "Nieuwe workshop")
    assert urlparse(page.url).path == "/console"

    projector = context.new_page()  # a second tab or window, for the projector
    goto(projector, "/projector", "begonnen ·")
    assert projector.get_by_text(LOGIN_TITLE).count() == 0
    assert_no_exception(page)
    assert_no_exception(projector)


def test_facilitator_link_survives_reload_and_the_projector_tab(new_context, app_db):
    store = Store(str(app_db))
    try:
        demo = store.workshop_by_code("DEMO")
    finally:
        store.close()
    context = new_context()
    page = context.new_page()
    with page.expect_navigation(url=came_back):
        page.goto(f"/console?f={demo.facilitator_token}")
    wait_idle(page, "DEMO")
    assert urlparse(page.url).path == "/console" and session_cookie(context) is not None
    assert demo.facilitator_token not in page.url  # the token leaves the address bar
    page.reload()
    wait_idle(page, "DEMO")
    projector = context.new_page()
    goto(projector, "/projector", "begonnen ·")
    assert demo.facilitator_token not in projector.url
    assert_no_exception(projector)


@pytest.mark.parametrize(
    ("case", "explanation"),
    [("forged", "niet geldig"), ("expired", "verlopen"), ("garbage", "niet geldig")],
)
def test_a_forged_or_expired_cookie_gives_the_login_page(
    new_context, app_server, app_db, case, explanation
):
    key = signing_key(app_db)
    claim = Claim("admin", 0, password_fingerprint(ADMIN_PASSWORD, key))
    value = {
        "forged": make_cookie((claim,), b"not-the-key", 12),
        "expired": make_cookie((claim,), key, 12, now=time.time() - 13 * 3600),
        "garbage": "v1.eyJjIjpbWyJhZG1pbiJdXX0.AAAA",
    }[case]
    context = new_context()
    context.add_cookies([{"name": COOKIE_NAME, "value": value, "url": app_server}])
    page = context.new_page()
    goto(page, "/console", LOGIN_TITLE, explanation)  # a reload of the console, say
    assert urlparse(page.url).path == "/login"
    assert page.get_by_text("Page not found").count() == 0
    assert page.get_by_text("Nieuwe workshop").count() == 0
    assert_no_exception(page)


def test_log_out_everywhere_ends_the_other_tabs_and_devices(new_context):
    laptop = new_context()
    page = log_in(laptop)
    other_tab = laptop.new_page()
    goto(other_tab, "/console", "Nieuwe workshop")
    tablet = new_context()  # another device of the same administrator
    tablet_page = log_in(tablet)

    with page.expect_navigation():  # via the route that deletes the cookie
        page.get_by_role("button", name="Overal uitloggen").click()
    wait_idle(page, LOGIN_TITLE)
    assert session_cookie(laptop) is None
    assert page.get_by_text(LOGGED_IN).count() == 0

    other_tab.reload()  # its next load: out, with the reason
    wait_idle(other_tab, LOGIN_TITLE)
    assert other_tab.get_by_text("Nieuwe workshop").count() == 0
    tablet_page.reload()
    wait_idle(tablet_page, LOGIN_TITLE, "Overal uitloggen")
    assert tablet_page.get_by_text(LOGGED_IN).count() == 0

    # Logging in again works at once.
    log_in(tablet)


def test_an_unknown_page_url_gives_the_start_page_in_dutch(new_context):
    page = new_context().new_page()
    goto(page, "/beheer-oud", "bestaat niet")
    assert page.get_by_text("Page not found").count() == 0
    assert_no_exception(page)

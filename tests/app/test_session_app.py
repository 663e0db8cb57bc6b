"""AppTest: the session cookie through the real app (ui/session.py).

AppTest has no browser: the test plays the browser's part. It reads the nonce the page sends
the browser to, takes the cookie from the store as the route would, and opens a new session
with that cookie (ui.session.cookie_value stands in for st.context.cookies).
"""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qs, urlparse

import pytest

from tests.app.conftest import menu_titles, new_app, texts

PASSWORD = "s3cret-Pass"
LOGIN = "FormSubmitter:login-form-Inloggen"


def cookie_route(at) -> str | None:
    """The route the page sends the browser to (its meta refresh), if any."""
    for element in at.markdown:
        found = re.search(r'url=([^"]+)"', str(element.value))
        if found and "/_ipm/" in found.group(1):
            return html.unescape(found.group(1))
    return None


def browser_takes_cookie(at, store) -> str:
    """Follow the page to /_ipm/session: the cookie that route would set."""
    route = urlparse(cookie_route(at))
    assert route.path == "/_ipm/session"
    query = parse_qs(route.query)
    assert "session=1" in query["next"][0]
    cookie, max_age = store.take_session_nonce(query["n"][0])
    assert max_age == 12 * 3600
    return cookie


def reload_with(monkeypatch, cookie: str | None, **query: str):
    """A new session of the same browser (F5, a second tab): it sends `cookie`."""
    monkeypatch.setattr("ui.session.cookie_value", lambda: cookie)
    return new_app(**query).run()


def admin_cookie(app_store, monkeypatch) -> str:
    monkeypatch.setenv("IPM_ADMIN_PASSWORD", PASSWORD)
    at = new_app().run()
    at.switch_page("pages/login.py").run()
    at.text_input[0].input(PASSWORD)
    at.button(key=LOGIN).click().run()
    assert "ingelogd als beheerder" in texts(at)
    return browser_takes_cookie(at, app_store)


def test_password_login_survives_a_new_session(app_store, monkeypatch):
    cookie = admin_cookie(app_store, monkeypatch)
    at = reload_with(monkeypatch, cookie)
    assert {"Workshops beheren", "Resultaten"} <= menu_titles()
    assert cookie_route(at) is None  # the cookie already says it all: no new round trip
    at.switch_page("pages/console.py").run()
    assert not at.exception and "Nieuwe workshop" in [t.label for t in at.tabs]


def test_a_cookie_without_the_right_signature_gives_the_login_page(app_store, monkeypatch):
    cookie = admin_cookie(app_store, monkeypatch)
    version, payload, signature = cookie.split(".")
    at = reload_with(monkeypatch, f"{version}.{payload}.{signature[::-1]}")
    assert "Workshops beheren" not in menu_titles()
    at.switch_page("pages/console.py").run()
    assert [e.value for e in at.title] == ["Inloggen voor begeleiders"]
    assert "niet geldig" in texts(at) and "moet je ingelogd zijn" in texts(at)


def test_log_out_everywhere_ends_cookies_given_out(app_store, monkeypatch):
    cookie = admin_cookie(app_store, monkeypatch)
    at = reload_with(monkeypatch, cookie)
    at.switch_page("pages/login.py").run()
    at.button(key="logout-everywhere").click().run()
    assert cookie_route(at) == "/_ipm/logout?next=%2Flogin"
    assert "Workshops beheren" not in menu_titles()
    other_device = reload_with(monkeypatch, cookie)
    assert "Workshops beheren" not in menu_titles()
    other_device.switch_page("pages/login.py").run()
    assert "Overal uitloggen" in texts(other_device)


def test_a_changed_password_ends_the_admin_cookie(app_store, monkeypatch):
    cookie = admin_cookie(app_store, monkeypatch)
    monkeypatch.setenv("IPM_ADMIN_PASSWORD", "a-new-password")
    at = reload_with(monkeypatch, cookie)
    assert "Workshops beheren" not in menu_titles()
    at.switch_page("pages/login.py").run()
    assert "wachtwoord van de beheerder is veranderd" in texts(at)


def test_a_facilitator_link_cookie_follows_the_link(app_store, monkeypatch):
    demo = app_store.workshop_by_code("DEMO")
    at = new_app(f=demo.facilitator_token).run()
    cookie = browser_takes_cookie(at, app_store)
    assert demo.facilitator_token not in cookie
    at = reload_with(monkeypatch, cookie)  # the projector's tab, without the link
    assert {"Workshops beheren", "Projectiescherm"} <= menu_titles()
    at.switch_page("pages/projector.py").run()
    assert "Doe mee" in texts(at)
    # A renewed link (a new token) ends the cookies made with the old one.
    with app_store._write() as db:
        db.execute("UPDATE workshop SET facilitator_token = ? WHERE id = ?", ["new", demo.id])
    at = reload_with(monkeypatch, cookie)
    assert "Workshops beheren" not in menu_titles()
    at.switch_page("pages/login.py").run()
    assert "werkt niet meer" in texts(at)


@pytest.mark.parametrize("hours", ["2", "0.5"])
def test_the_lifetime_is_configurable(app_store, monkeypatch, hours):
    monkeypatch.setenv("IPM_SESSION_HOURS", hours)
    demo = app_store.workshop_by_code("DEMO")
    at = new_app(f=demo.facilitator_token).run()
    route = parse_qs(urlparse(cookie_route(at)).query)
    _, max_age = app_store.take_session_nonce(route["n"][0])
    assert max_age == int(float(hours) * 3600)


def test_a_first_run_password_login_survives_a_new_session(app_store, monkeypatch):
    """An admin password set through the first-run link (stored as a hash, none configured)
    keeps its login across a reload; a new stored password ends it."""
    from ipm_model.storage import settings

    monkeypatch.delenv("IPM_ADMIN_PASSWORD", raising=False)
    with app_store._write() as db:
        settings.put(db, settings.ADMIN_PASSWORD_HASH, settings.hash_password("eerste-keer-123"))
    at = new_app().run()
    at.switch_page("pages/login.py").run()
    at.text_input[0].input("eerste-keer-123")
    at.button(key=LOGIN).click().run()
    assert "ingelogd als beheerder" in texts(at)
    cookie = browser_takes_cookie(at, app_store)
    at = reload_with(monkeypatch, cookie)
    assert "Workshops beheren" in menu_titles()
    with app_store._write() as db:  # the password changes: its hash too
        settings.put(db, settings.ADMIN_PASSWORD_HASH, settings.hash_password("nieuw-wachtwoord-4"))
    at = reload_with(monkeypatch, cookie)
    assert "Workshops beheren" not in menu_titles()

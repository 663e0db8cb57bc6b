"""First run: the hint on an empty installation, the one-time set-up link, the hashed admin
password it sets, and the audit lines of logins that failed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from ipm_model.storage import audit, settings
from tests.app.conftest import new_app, texts
from tests.app.test_access_app import nav_titles


def test_empty_installation_says_what_to_do(empty_store, monkeypatch):
    monkeypatch.delenv("IPM_ADMIN_PASSWORD", raising=False)
    at = new_app().run()
    assert not at.exception
    assert "eenmalige link" in texts(at)
    monkeypatch.setenv("IPM_ADMIN_PASSWORD", "configured-1")
    at = new_app().run()
    assert "eenmalige link" not in texts(at)  # an admin password exists: no hint


def test_setup_link_creates_organisation_and_hashed_password_once(empty_store, monkeypatch):
    monkeypatch.delenv("IPM_ADMIN_PASSWORD", raising=False)
    token = settings.new_setup_token(empty_store)
    at = new_app(setup=token).run()
    at.text_input[0].input("Gemeente Test")
    at.text_input[1].input("kort")
    at.text_input[2].input("kort")
    at.button(key="FormSubmitter:setup-form-Opslaan en inloggen").click().run()
    assert "te kort" in texts(at)
    at.text_input[1].input("een-lang-wachtwoord")
    at.text_input[2].input("een-lang-wachtwoord")
    at.button(key="FormSubmitter:setup-form-Opslaan en inloggen").click().run()
    assert not at.exception
    assert "ingelogd als beheerder" in texts(at)
    assert "Workshops beheren" in nav_titles(at)
    stored = settings.get(empty_store, settings.ADMIN_PASSWORD_HASH)
    assert stored.startswith("scrypt$") and "een-lang-wachtwoord" not in stored
    assert empty_store.organisation_id("Gemeente Test") is not None
    assert [e.action for e in audit.entries(empty_store)] == ["setup"]
    # The link is dead, and the password works on the login page (wrong ones are logged).
    at = new_app(setup=token).run()
    assert "werkt niet" in texts(at)
    at = new_app().run()
    at.switch_page("pages/login.py").run()
    at.text_input[0].input("fout-wachtwoord")
    at.button(key="FormSubmitter:login-form-Inloggen").click().run()
    assert audit.entries(empty_store)[0].action == "login.failed"
    at.text_input[0].input("een-lang-wachtwoord")
    at.button(key="FormSubmitter:login-form-Inloggen").click().run()
    assert "ingelogd als beheerder" in texts(at)


def test_setup_tokens_expire_and_cannot_be_guessed(empty_store):
    token = settings.new_setup_token(empty_store)
    later = datetime.now(UTC) + timedelta(hours=settings.SETUP_HOURS, minutes=1)
    assert settings.setup_token_valid(empty_store, token)
    assert not settings.setup_token_valid(empty_store, token, now=later)
    # Another last character (a random token may end in "x" itself).
    assert not settings.setup_token_valid(
        empty_store, token[:-1] + ("y" if token[-1] == "x" else "x")
    )
    assert not settings.setup_token_valid(empty_store, None)

"""ui.session.secret: reading settings stays right when it remembers there is no secrets file.

Without a secrets file Streamlit looks for the files at every read; `secret` remembers that
there is none (ui/session.py). These tests prove that what it remembers never hides a
setting: a file that appears later is read, a file that cannot be parsed still gives None,
and an AppTest's own secrets (another st.secrets object) are read, before and after a run
without them.
"""

from __future__ import annotations

import pytest
import streamlit as st
from streamlit import config
from streamlit.runtime.secrets import Secrets

from tests.app.conftest import new_app, texts
from ui import access, session


@pytest.fixture
def secrets_file(tmp_path, monkeypatch):
    """st.secrets reads only tmp_path/secrets.toml (not there yet); nothing remembered."""
    path = tmp_path / "secrets.toml"
    previous = config.get_option("secrets.files")
    config.set_option("secrets.files", [str(path)])
    monkeypatch.setattr(st, "secrets", Secrets())
    monkeypatch.setattr(session, "_WITHOUT_SECRETS", None)
    yield path
    config.set_option("secrets.files", previous)


def test_no_file_gives_none_and_is_remembered(secrets_file):
    assert session.secret("admin_password") is None
    assert session.secrets_absent()
    assert session.secret("admin_password") is None
    assert not access.oidc_configured()


def test_a_file_that_appears_later_is_read(secrets_file):
    assert session.secret("admin_password") is None
    assert session.secrets_absent()
    secrets_file.write_text('admin_password = "from-file"\n[auth]\nredirect_uri = "x"\n')
    assert not session.secrets_absent()
    assert session.secret("admin_password") == "from-file"
    assert access.oidc_configured()


def test_a_file_that_cannot_be_parsed_gives_none_and_is_not_remembered(secrets_file):
    secrets_file.write_text("admin_password = [unclosed\n")
    assert session.secret("admin_password") is None
    assert not session.secrets_absent()
    secrets_file.write_text('admin_password = "fixed"\n')
    assert session.secret("admin_password") == "fixed"


def test_another_secrets_object_is_read(secrets_file, monkeypatch):
    """AppTest puts a Secrets object of its own in place for a run: it is read at once."""
    assert session.secret("admin_password") is None
    own = Secrets()
    own._secrets = {"admin_password": "from-apptest"}  # as AppTest does
    monkeypatch.setattr(st, "secrets", own)
    assert not session.secrets_absent()
    assert session.secret("admin_password") == "from-apptest"


def test_apptest_secrets_after_runs_without_them(app_store, secrets_file):
    """A run without secrets (remembered), then an app whose secrets hold the password."""
    new_app().run()
    assert session.secrets_absent()
    at = new_app()
    at.secrets["admin_password"] = "from-secrets"
    at.run()
    at.switch_page("pages/login.py").run()
    at.text_input[0].input("from-secrets")
    at.button(key="FormSubmitter:login-form-Inloggen").click().run()
    assert "ingelogd als beheerder" in texts(at)

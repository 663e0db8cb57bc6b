"""First run: an empty installation gets a one-time set-up link on the server's console.

As Jupyter prints its token: whoever started the server sees the link, nobody reaching it
over the network can guess it (192 random bits). The link creates the first organisation
and the admin password (stored hashed), then dies; unused it dies after 24 hours. Each start
of an empty installation prints a new one.
"""

from __future__ import annotations

import os

import streamlit as st

from ipm_model.db import NotAllowed, StoreError
from ipm_model.i18n import t
from ipm_model.model import NAME_MAX_CHARS
from ipm_model.storage import settings
from ipm_model.storage.store import Store
from ui.access import admin_password, oidc_configured, record_audit

SETUP_PARAM = "setup"
DONE_KEY = "setup-done"


def needs_setup(store: Store) -> bool:
    """No admin password anywhere (secrets, environment, database) and no organisation."""
    if admin_password() is not None or oidc_configured():
        return False
    try:
        return settings.first_run(store)
    except StoreError:
        return False


def announce(store: Store) -> str | None:
    """At server start: print the set-up link when the installation is empty; return it."""
    if not needs_setup(store):
        return None
    from streamlit import config

    token = settings.new_setup_token(store)
    port = config.get_option("server.port") or 8501
    base = os.environ.get("IPM_BASE_URL", f"http://localhost:{port}").rstrip("/")
    link = f"{base}/?{SETUP_PARAM}={token}"
    print(
        "\n  iPM Ketenscan: this installation is empty. Open this one-time link to create the\n"
        "  first organisation and the administrator password (valid 24 hours, once):\n\n"
        f"    {link}\n",
        flush=True,
    )
    return link


def show(store: Store, lang: str) -> bool:
    """On the start page: the set-up form (with a valid link) or the two-sentence hint.

    Returns True when the start page should show nothing else.
    """
    if st.session_state.pop(DONE_KEY, False):
        st.success(t("setup.done", lang))
        st.page_link("pages/console.py", label=t("nav.console", lang), icon=":material/tune:")
        return False
    token = st.query_params.get(SETUP_PARAM)
    if not token:
        if needs_setup(store):
            st.info(t("setup.hint", lang), icon=":material/key:")
        return False
    if not settings.setup_token_valid(store, token):
        st.error(t("setup.link_invalid", lang))
        return False
    st.subheader(t("setup.title", lang), anchor=False)
    st.write(t("setup.intro", lang))
    with st.form("setup-form"):
        name = st.text_input(t("setup.organisation", lang), max_chars=NAME_MAX_CHARS)
        password = st.text_input(t("setup.password", lang), type="password", max_chars=200)
        again = st.text_input(t("setup.password_again", lang), type="password", max_chars=200)
        go = st.form_submit_button(t("setup.button", lang), type="primary")
    if go:
        problem = settings.check_new_password(password, again)
        if problem:
            st.error(t(problem, lang))
            return True
        try:
            settings.complete_setup(store, token, name, password)
        except NotAllowed as exc:
            st.error(str(exc))
            return True
        from ui.access import try_admin_login

        try_admin_login(password, store)  # logged in, and the login survives a reload
        record_audit(store, "setup", name[:100])
        st.query_params.pop(SETUP_PARAM, None)
        st.session_state[DONE_KEY] = True
        st.rerun()  # the menu is built before this page: rerun to get the console in it
    return True

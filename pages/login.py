"""Login for facilitators and administrators (password, or OIDC when configured)."""

import streamlit as st

from ipm_model.i18n import t
from ui.access import (
    admin_password,
    current_grant,
    log_out,
    oidc_admin_emails,
    oidc_configured,
    record_audit,
    stored_admin_password,
    try_admin_login,
)
from ui.context import current_language, get_store
from ui.guard import login_guard
from ui.router import ensure_routed

ensure_routed()

lang = current_language()
st.title(t("access.login_title", lang))
st.write(t("access.login_intro", lang))
grant = current_grant()

if grant.admin:
    st.success(t("access.logged_in", lang))
    with st.container(horizontal=True):
        st.page_link("pages/console.py", label=t("nav.console", lang), icon=":material/tune:")
        st.page_link("pages/results.py", label=t("nav.results", lang), icon=":material/radar:")
elif oidc_configured():
    if st.user.is_logged_in:
        email = str(st.user.get("email", ""))
        if email.lower() not in oidc_admin_emails():
            st.warning(t("access.oidc_not_admin", lang, email=email))
    else:
        st.button(t("access.oidc_login", lang), on_click=st.login, type="primary")

store = get_store()
if not grant.admin:
    if admin_password() is None and not stored_admin_password(store):
        if not oidc_configured():
            st.info(t("access.no_password", lang))
    else:
        guard = login_guard()
        with st.form("login-form"):
            password = st.text_input(t("access.password", lang), type="password", max_chars=200)
            go = st.form_submit_button(t("access.login", lang), type="primary")
        if go:
            if guard.wait_seconds():
                st.warning(t("access.throttled", lang, seconds=guard.wait_seconds()))
            elif try_admin_login(password, store):
                guard.succeeded()
                st.rerun()
            else:
                guard.failed()
                record_audit(store, "login.failed", "admin password")
                st.error(t("access.wrong_password", lang))

signed_in = grant.admin or grant.sees_results() or grant.sees_console()
if signed_in and st.button(t("access.logout", lang), key="logout"):
    log_out()
    if oidc_configured() and st.user.is_logged_in:
        st.logout()
    st.rerun()

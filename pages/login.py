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
from ui.session import NEEDS_LOGIN_KEY, log_out_everywhere, refusal_message, session_hours

lang = current_language()
st.title(t("access.login_title", lang))
st.write(t("access.login_intro", lang))
refusal_message(lang)
needed = st.session_state.pop(NEEDS_LOGIN_KEY, None)
if needed:
    st.info(t("access.needs_login", lang, page=needed))
grant = current_grant()

if grant.admin:
    st.success(t("access.logged_in", lang))
    with st.container(horizontal=True):
        st.page_link("pages/console.py", label=t("nav.console", lang), icon=":material/tune:")
        st.page_link("pages/results.py", label=t("nav.results", lang), icon=":material/radar:")
        st.page_link(
            "pages/admin.py", label=t("nav.admin", lang), icon=":material/admin_panel_settings:"
        )
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
if signed_in:
    st.caption(t("session.stays", lang, hours=f"{session_hours():g}"))
    with st.container(horizontal=True):
        here = st.button(t("access.logout", lang), key="logout")
        everywhere = st.button(
            t("access.logout_everywhere", lang),
            key="logout-everywhere",
            help=t("access.logout_everywhere_help", lang),
        )
    if here or everywhere:
        if everywhere:
            log_out_everywhere(get_store(), grant)
        log_out()
        if oidc_configured() and st.user.is_logged_in:
            st.logout()
        st.rerun()

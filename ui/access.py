"""This session's rights: from link tokens in the URL, the admin password, OIDC, demo mode."""

from __future__ import annotations

import os

import streamlit as st

from ipm_model.access import Grant, password_matches
from ipm_model.i18n import t
from ipm_model.store import Store
from ui import session

GRANT_KEY = "access-grant"
LINK_KEYS = "access-links"  # {"r": token, "f": token} proven in this session, kept in the URL


def _secret(name: str) -> str | None:
    try:
        value = st.secrets.get(name)
    except Exception:  # noqa: BLE001 - no secrets.toml at all is normal
        value = None
    return str(value) if value else None


def admin_password() -> str | None:
    """The configured admin password (Streamlit secret `admin_password` or IPM_ADMIN_PASSWORD)."""
    return _secret("admin_password") or os.environ.get("IPM_ADMIN_PASSWORD") or None


def demo_mode() -> bool:
    """Demo mode: IPM_DEMO=1 in the environment, or `demo = true` in the secrets."""
    flag = os.environ.get("IPM_DEMO", "") or (_secret("demo") or "")
    return flag.strip().lower() in ("1", "true", "yes", "on")


def oidc_configured() -> bool:
    """True when [auth] is set up in secrets, so st.login() can replace the password."""
    try:
        return "auth" in st.secrets
    except Exception:  # noqa: BLE001
        return False


def oidc_admin_emails() -> set[str]:
    raw = _secret("admin_emails") or os.environ.get("IPM_ADMIN_EMAILS", "")
    return {e.strip().lower() for e in raw.replace(";", ",").split(",") if e.strip()}


def current_grant() -> Grant:
    return st.session_state.get(GRANT_KEY, Grant())


def _set_grant(grant: Grant) -> None:
    st.session_state[GRANT_KEY] = grant


def resolve_grant(store: Store, demo_organisation_id: int | None) -> Grant:
    """Apply link tokens from the URL and demo mode to this session's grant; return it."""
    grant = session.restore(store, current_grant(), admin_password())  # the session cookie
    links: dict[str, str] = st.session_state.setdefault(LINK_KEYS, {})
    results_token = st.query_params.get("r")
    if results_token and results_token != links.get("r"):
        org = store.organisation_by_results_token(results_token)
        if org is None:
            st.session_state["access-link-error"] = True
        else:
            grant = grant.with_results(org["id"])
            links["r"] = results_token
            session.link_claim(store, "r", org["id"], results_token)
    facilitator_token = st.query_params.get("f")
    if facilitator_token and facilitator_token != links.get("f"):
        workshop = store.workshop_by_facilitator_token(facilitator_token)
        if workshop is None:
            st.session_state["access-link-error"] = True
        else:
            grant = grant.with_workshop(workshop.id, workshop.organisation_id)
            links["f"] = facilitator_token
            session.link_claim(store, "f", workshop.id, facilitator_token)
    if demo_organisation_id is not None:
        grant = grant.with_organisation_console(demo_organisation_id)
    if oidc_configured() and not grant.admin:
        try:
            user = st.user
            email = str(user.get("email", "")).lower() if user.is_logged_in else ""
        except Exception:  # noqa: BLE001
            email = ""
        if email and email in oidc_admin_emails():
            grant = grant.as_admin()
    _set_grant(grant)
    # Keep proven links in the URL, so that a reload (a new session) keeps the rights.
    for key, token in links.items():
        if st.query_params.get(key) != token:
            st.query_params[key] = token
    return grant


def link_error_message(lang: str) -> None:
    """Say once that a results or facilitator link did not work."""
    if st.session_state.pop("access-link-error", False):
        st.error(t("access.bad_link", lang))


def try_admin_login(password: str) -> bool:
    """Check the admin password; on success the session becomes admin."""
    if password_matches(password, admin_password()):
        _set_grant(current_grant().as_admin())
        from ui.context import get_store

        session.admin_claim(get_store(), password)
        return True
    return False


def log_out() -> None:
    """Forget every right of this session (links, admin)."""
    st.session_state[GRANT_KEY] = Grant()
    st.session_state[LINK_KEYS] = {}
    for key in ("r", "f"):
        st.query_params.pop(key, None)
    session.forget_cookie()  # and on this device: the browser drops its session cookie


def require(allowed: bool, lang: str) -> None:
    """Stop the page with a clear message when this session may not see it."""
    if not allowed:
        st.error(t("access.denied", lang))
        st.page_link("pages/login.py", label=t("nav.login", lang))
        st.stop()


DEMO_RESET_HOURS_DEFAULT = 24


def demo_reset_hours() -> int:
    raw = os.environ.get("IPM_DEMO_RESET_HOURS") or _secret("demo_reset_hours") or ""
    return int(raw) if raw.isdigit() and int(raw) > 0 else DEMO_RESET_HOURS_DEFAULT


class _DemoClock:
    def __init__(self) -> None:
        import threading

        self.lock = threading.Lock()
        self.checked_at = 0.0


@st.cache_resource(show_spinner=False)
def _demo_clock() -> _DemoClock:
    return _DemoClock()


def ensure_demo(store: Store) -> int:
    """In demo mode: the demo organisation's id; created when missing, reset when it is due.

    Checked at most once a minute per process. Creating and resetting run under a lock that
    every process on the database shares (several replicas start at once), and the state is
    read again inside it, so the demo is built once.
    """
    import time

    from ipm_model.demo import DEMO_ORGANISATION

    clock = _demo_clock()
    with clock.lock:
        org_id = store.organisation_id(DEMO_ORGANISATION)
        if org_id is not None and time.monotonic() - clock.checked_at < 60:
            return org_id
        with store.exclusive("demo"):
            org_id = store.organisation_id(DEMO_ORGANISATION)
            if org_id is None or _demo_due(store, org_id):
                org_id = _rebuild_demo(store)
        clock.checked_at = time.monotonic()
        return org_id


def _demo_due(store: Store, org_id: int) -> bool:
    from datetime import UTC, datetime, timedelta

    created = store.organisation(org_id)["created_at"]
    age = datetime.now(UTC) - datetime.fromisoformat(created)
    return age > timedelta(hours=demo_reset_hours())


def _rebuild_demo(store: Store) -> int:
    from ipm_model.demo import create_demo
    from ipm_model.questionnaire import default_questionnaire

    st.cache_data.clear()
    return create_demo(store, default_questionnaire(), reset=True).organisation_id


def reset_demo(store: Store) -> int:
    """Rebuild the demo organisation to its starting state; return its new id."""
    with store.exclusive("demo"):
        return _rebuild_demo(store)

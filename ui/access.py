"""This session's rights: from link tokens in the URL, the admin password, OIDC, demo mode."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable

import streamlit as st

from ipm_model.access import (
    LINK_EXPIRED,
    LINK_OK,
    LINK_REVOKED,
    Grant,
    link_expiry_days,
    password_matches,
)
from ipm_model.i18n import t
from ipm_model.model import LINK_FACILITATOR, LINK_RESULTS
from ipm_model.storage.store import Store
from ui import session

GRANT_KEY = "access-grant"
ADMIN_KEY = "access-admin"  # the admin password was right in this session
LINK_KEYS = "access-links"  # {"r": token, "f": token} proven in this session, kept in the URL
LINK_PARAMS = {"r": LINK_RESULTS, "f": LINK_FACILITATOR}
LINK_ERROR_KEY = "access-link-error"

log = logging.getLogger("ipm.access")


def admin_password() -> str | None:
    """The configured admin password (Streamlit secret `admin_password` or IPM_ADMIN_PASSWORD)."""
    return session.secret("admin_password") or os.environ.get("IPM_ADMIN_PASSWORD") or None


def demo_mode() -> bool:
    """Demo mode: IPM_DEMO=1 in the environment, or `demo = true` in the secrets."""
    flag = os.environ.get("IPM_DEMO", "") or (session.secret("demo") or "")
    return flag.strip().lower() in ("1", "true", "yes", "on")


def oidc_configured() -> bool:
    """True when [auth] is set up in secrets, so st.login() can replace the password."""
    if session.secrets_absent():
        return False
    try:
        return "auth" in st.secrets
    except Exception:  # noqa: BLE001
        return False


def oidc_admin_emails() -> set[str]:
    raw = session.secret("admin_emails") or os.environ.get("IPM_ADMIN_EMAILS", "")
    return {e.strip().lower() for e in raw.replace(";", ",").split(",") if e.strip()}


def current_grant() -> Grant:
    return st.session_state.get(GRANT_KEY, Grant())


def _set_grant(grant: Grant) -> None:
    st.session_state[GRANT_KEY] = grant


def link_days() -> int:
    """Days a link keeps working after its round closes (IPM_LINK_DAYS or `link_days`)."""
    return link_expiry_days(os.environ.get("IPM_LINK_DAYS") or session.secret("link_days"))


def resolve_grant(store: Store, demo_organisation_id: int | None) -> Grant:
    """Work out this session's grant afresh from what it has proven; store and return it.

    Runs at the start of every run, so a link revoked, rotated or expired since the last
    run grants nothing any more, also in a session that opened it long ago.
    """
    grant = Grant(admin=bool(st.session_state.get(ADMIN_KEY)))
    # The session cookie's rights (read once per browser session, rechecked every run).
    grant = session.restore(store, grant, admin_password(), link_days())
    links: dict[str, str] = st.session_state.setdefault(LINK_KEYS, {})
    days = link_days()
    for key, kind in LINK_PARAMS.items():
        token = st.query_params.get(key) or links.get(key)
        if not token:
            continue
        status, link = store.check_link(kind, token, days)
        if status != LINK_OK or link is None:
            log.warning(
                "link refused: kind=%s status=%s organisation=%s workshop=%s",
                kind,
                status,
                link.organisation_id if link else "-",
                link.workshop_id if link else "-",
            )
            st.session_state[LINK_ERROR_KEY] = status
            links.pop(key, None)
            st.query_params.pop(key, None)
            continue
        if links.get(key) != token:  # newly proven: the session cookie remembers it
            session.link_claim(
                store,
                key,
                link.organisation_id if kind == LINK_RESULTS else link.workshop_id,
                token,
            )
        links[key] = token
        if kind == LINK_RESULTS:
            grant = grant.with_results(link.organisation_id)
        else:
            grant = grant.with_workshop(link.workshop_id, link.organisation_id)
    if demo_organisation_id is not None and not grant.demo_visitor:
        # No sandbox (yet): the shared demo, read-only; answering its scan needs no rights.
        grant = grant.with_demo_view(demo_organisation_id)
    if oidc_configured() and not grant.admin:
        try:
            user = st.user
            email = str(user.get("email", "")).lower() if user.is_logged_in else ""
        except Exception:  # noqa: BLE001
            email = ""
        if email and email in oidc_admin_emails():
            grant = grant.as_admin()
    _set_grant(grant)
    # Proven links are not kept in the URL: the session cookie keeps the rights across a
    # reload, a second tab and a laptop that slept (ui/session.py), without a secret in the URL.
    return grant


LINK_MESSAGES = {LINK_EXPIRED: "access.link_expired", LINK_REVOKED: "access.link_revoked"}


def link_error_message(lang: str) -> None:
    """Say once that a results or facilitator link did not work, and why when known."""
    status = st.session_state.pop(LINK_ERROR_KEY, None)
    if status:
        st.error(t(LINK_MESSAGES.get(status, "access.bad_link"), lang))


def authorised(allowed: Callable[[Grant], bool], what: str, lang: str) -> bool:
    """Check a write against this session's grant at the moment it is made.

    Refused: a message, a log line (what and which ids, never a token), and False.
    """
    if allowed(current_grant()):
        return True
    log.warning("write refused: %s: not allowed for this session", what)
    st.error(t("access.write_denied", lang))
    return False


def refuse_tampered(what: str, reason: str, lang: str) -> None:
    """A message and a log line for a change the browser cannot have made honestly."""
    log.warning("write refused: %s: tampered input: %s", what, reason)
    st.error(t("access.tampered", lang))


def try_admin_login(password: str, store: Store | None = None) -> bool:
    """Check the admin password (configured, or set at first run and stored hashed in the
    database of `store`); on success the session becomes admin."""
    from ipm_model.storage.settings import ADMIN_PASSWORD_HASH, admin_password_matches, get

    if password_matches(password, admin_password()):
        secret = password  # the configured password: its fingerprint goes in the cookie
    elif store is not None and admin_password_matches(store, password):
        secret = get(store, ADMIN_PASSWORD_HASH) or ""  # a new password gets a new hash
    else:
        return False
    st.session_state[ADMIN_KEY] = True
    _set_grant(current_grant().as_admin())
    from ui.context import get_store

    session.admin_claim(get_store(), secret)
    return True


def log_out() -> None:
    """Forget every right of this session (links, admin)."""
    st.session_state[GRANT_KEY] = Grant()
    st.session_state[ADMIN_KEY] = False
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
    raw = os.environ.get("IPM_DEMO_RESET_HOURS") or session.secret("demo_reset_hours") or ""
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
        # Expired sandboxes go while the app runs (at most once a minute per process).
        from ipm_model.storage.sandbox import cleanup

        cleanup(store)
        clock.checked_at = time.monotonic()
        return org_id


def _demo_due(store: Store, org_id: int) -> bool:
    from datetime import UTC, datetime, timedelta

    created = store.organisation(org_id)["created_at"]
    age = datetime.now(UTC) - datetime.fromisoformat(created)
    return age > timedelta(hours=demo_reset_hours())


def _rebuild_demo(store: Store) -> int:
    from ipm_model.demo import DEMO_SIMULATED, create_demo
    from ipm_model.questionnaire import default_questionnaire

    st.cache_data.clear()
    return create_demo(
        store, default_questionnaire(), reset=True, simulated=DEMO_SIMULATED
    ).organisation_id


# -- audit: who this session is, for the audit log (ipm_model/storage/audit.py) --------------
# Kept apart from the grant logic above: it only reads what the session has proven.


def audit_actor(store: Store) -> str:
    """This session as the audit log names it: admin, admin:<e-mail> (OIDC),
    facilitator:<workshop code>, results:<organisation id>, demo or visitor."""
    grant = current_grant()
    if grant.admin:
        if not st.session_state.get(ADMIN_KEY) and oidc_configured():
            try:
                return f"admin:{str(st.user.get('email', '')).lower()}"
            except Exception:  # noqa: BLE001 - no login context
                return "admin"
        return "admin"
    if grant.workshops:
        codes = sorted(w.code for i in grant.workshops if (w := store.workshop(i)) is not None)
        return "facilitator:" + ",".join(codes)
    if grant.organisations:
        return "results:" + ",".join(str(i) for i in sorted(grant.organisations))
    if grant.facilitator_organisations or grant.demo_visitor:
        return "demo"
    return "visitor"


def record_audit(store: Store, action: str, target: str = "", detail: str = "") -> None:
    """Write one audit line for this session; a database failure is logged, never shown."""
    from ipm_model.db import StoreError
    from ipm_model.storage import audit

    try:
        audit.record(store, audit_actor(store), action, target, detail)
    except StoreError as exc:
        log.warning("audit line not written: %s %s: %s", action, target, exc)


def audited(store: Store, action: str, target: str, detail: str, build: Callable[[], bytes]):
    """A download's data callable that records the download when it is built (on click).

    The actor is worked out now, in the session's run: the callable may run outside it.
    """
    from ipm_model.storage import audit

    actor = audit_actor(store)

    def run() -> bytes:
        data = build()
        try:
            audit.record(store, actor, action, target, detail)
        except Exception as exc:  # noqa: BLE001 - never lose the download over the log line
            log.warning("audit line not written: %s %s: %s", action, target, exc)
        return data

    return run


def stored_admin_password(store: Store) -> bool:
    """An admin password was set through the first-run link (hashed in the database)."""
    from ipm_model.db import StoreError
    from ipm_model.storage.settings import admin_password_set

    try:
        return admin_password_set(store)
    except StoreError:
        return False

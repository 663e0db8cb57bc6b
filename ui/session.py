"""Sessions that survive a reload: the Streamlit side of the session cookie.

A Streamlit session cannot set a cookie, but it can read the cookies of the request that
opened it (`st.context.cookies`). So:

1. When a session proves a right (admin password, `?f=` or `?r=` link), `offer_cookie`
   stores the signed cookie under a one-time nonce in the database and sends the browser to
   `/_ipm/session?n=…` (ui/session_routes.py), which sets the HttpOnly cookie and sends the
   browser back to the page it was on, without the link token in the URL.
2. Every new session (F5, a second tab, a laptop that slept) calls `restore`: it checks the
   signature and the expiry (ipm_model/session.py), the "log out everywhere" epochs, the
   admin password's fingerprint and each link through the same store look-up as `?f=`/`?r=`,
   and gives back the rights that still hold. What it refused is explained on the login page.
"""

from __future__ import annotations

import hmac
import html
import os
from urllib.parse import urlencode

import streamlit as st

from ipm_model.access import LINK_OK, Grant
from ipm_model.i18n import t
from ipm_model.model import LINK_FACILITATOR, LINK_RESULTS
from ipm_model.session import (
    COOKIE_NAME,
    DEFAULT_SESSION_HOURS,
    EXPIRED,
    FORGED,
    LINK_GONE,
    PASSWORD_CHANGED,
    REVOKED,
    SANDBOX_GONE,
    Claim,
    SessionRefused,
    make_cookie,
    password_fingerprint,
    read_cookie,
    token_digest,
)
from ipm_model.storage.store import Store

SESSION_ROUTE = "/_ipm/session"
LOGOUT_ROUTE = "/_ipm/logout"
CLAIMS_KEY = "session-claims"  # the claims this browser session holds
COOKIE_KEY = "session-cookie"  # the claims the browser's cookie carries (as far as we know)
REFUSED_KEY = "session-refused"  # why a cookie gave (some) rights no more
RESTORED_KEY = "session-restored"
NEEDS_LOGIN_KEY = "access-needs-login"  # the page app.py sent a visitor to the login from
GOTO_KEY = "session-goto"  # a route the browser is to load with the next run
RETURN_PARAM = "session"  # on the URL the cookie route sends the browser back to
NOT_STORED = "not_stored"  # the browser came back without the cookie (cookies off)


def session_hours() -> float:
    """How long a login lasts: IPM_SESSION_HOURS or secret `session_hours`; default 12.

    In demo mode at least as long as a visitor's sandbox lives (24 hours)."""
    raw = os.environ.get("IPM_SESSION_HOURS") or secret("session_hours") or ""
    try:
        hours = float(raw)
    except ValueError:
        hours = DEFAULT_SESSION_HOURS
    if not 0 < hours <= 24 * 366:
        hours = DEFAULT_SESSION_HOURS
    from ui.access import demo_mode

    if demo_mode():
        from ipm_model.storage.sandbox import SANDBOX_HOURS

        hours = max(hours, SANDBOX_HOURS)
    return hours


def secret(name: str) -> str | None:
    """A setting from Streamlit's secrets.toml as text, or None (not set, or no file): the
    one reader every ui module uses."""
    holder = st.secrets
    if _known_without_secrets(holder):
        return None
    try:
        value = holder.get(name)
    except Exception:  # noqa: BLE001 - no secrets.toml at all is normal
        _remember_without_secrets(holder)
        value = None
    return str(value) if value else None


def secrets_absent() -> bool:
    """True when there is no secrets file at all (known from an earlier read)."""
    return _known_without_secrets(st.secrets)


# Streamlit keeps a secrets file it has read, but without one it looks for the files again
# and raises at every read (~25 us; a run reads a dozen settings, three runs per join). So
# the st.secrets object that had no file is remembered with the paths it looked at: while
# it is still st.secrets (AppTest puts its own in place) and none of those paths exists, it
# has none. A file that appears, or one that cannot be parsed, goes through Streamlit again.
_WITHOUT_SECRETS: tuple[object, tuple[str, ...]] | None = None


def _known_without_secrets(holder: object) -> bool:
    known = _WITHOUT_SECRETS
    return (
        known is not None
        and known[0] is holder
        and not any(os.path.exists(path) for path in known[1])
    )


def _remember_without_secrets(holder: object) -> None:
    global _WITHOUT_SECRETS
    from streamlit import config

    paths = tuple(str(path) for path in config.get_option("secrets.files") or ())
    if paths and not any(os.path.exists(path) for path in paths):
        _WITHOUT_SECRETS = (holder, paths)


def signing_key(store: Store) -> bytes:
    """Secret `session_secret` (or IPM_SESSION_SECRET); else a key kept in the database, so
    that every replica signs and checks with the same one."""
    configured = secret("session_secret") or os.environ.get("IPM_SESSION_SECRET")
    if configured:
        return configured.encode("utf-8")
    return _stored_key(store, store.label).encode("ascii")


@st.cache_resource(show_spinner=False, max_entries=8)
def _stored_key(_store: Store, label: str) -> str:
    """Read (or make) the database's key once per process and database."""
    return _store.installation_secret("session-signing-key")


def cookie_value() -> str | None:
    """The session cookie of the request that opened this session (tests replace this)."""
    try:
        return st.context.cookies.get(COOKIE_NAME)
    except Exception:  # noqa: BLE001 - no request behind this session (AppTest)
        return None


def _claims() -> list[Claim]:
    return st.session_state.setdefault(CLAIMS_KEY, [])


def add_claim(kind: str, ref: int, proof: str, store: Store) -> None:
    """Remember a right this session proved, to be written into the cookie."""
    claims = [c for c in _claims() if (c.kind, c.ref) != (kind, ref)]
    subject = Claim(kind, ref, proof).subject
    epoch = store.session_epochs([subject])[subject]
    st.session_state[CLAIMS_KEY] = [*claims, Claim(kind, ref, proof, epoch)]


def admin_claim(store: Store, secret: str) -> None:
    """Remember an admin login: `secret` is the configured password, or the stored hash of
    one set at first run (either changes when the password does, ending the cookie)."""
    add_claim("admin", 0, password_fingerprint(secret, signing_key(store)), store)


def link_claim(store: Store, kind: str, ref: int, token: str) -> None:
    add_claim(kind, ref, token_digest(token), store)


def restore(store: Store, grant: Grant, admin_password: str | None, link_days: int) -> Grant:
    """`grant` plus the rights of a valid session cookie.

    The cookie is read once per browser session; its claims are kept in the session and
    rechecked on every run, so a link revoked, renewed or expired since then, or a changed
    password, ends the right at the next click.
    """
    if not st.session_state.get(RESTORED_KEY):
        st.session_state[RESTORED_KEY] = True
        st.session_state[CLAIMS_KEY] = _read_cookie_claims(store)
    claims = st.session_state.get(CLAIMS_KEY) or []
    if not claims:
        return grant
    key = signing_key(store)
    kept: list[Claim] = []
    for claim in claims:
        restored = _restore_claim(store, grant, claim, key, admin_password, link_days)
        if restored is None:
            st.session_state[REFUSED_KEY] = {"admin": PASSWORD_CHANGED, "sb": SANDBOX_GONE}.get(
                claim.kind, LINK_GONE
            )
            continue
        grant = restored
        kept.append(claim)
    st.session_state[CLAIMS_KEY] = kept
    return grant


def _read_cookie_claims(store: Store) -> list[Claim]:
    """The claims of this browser's session cookie that are signed, fresh and not revoked."""
    came_back = st.query_params.get(RETURN_PARAM) is not None
    if came_back:
        st.query_params.pop(RETURN_PARAM, None)
    value = cookie_value()
    if not value:
        if came_back:
            st.session_state[REFUSED_KEY] = NOT_STORED
        return []
    try:
        cookie = read_cookie(value, signing_key(store), session_hours())
    except SessionRefused as refused:
        st.session_state[REFUSED_KEY] = refused.reason
        return []
    st.session_state[COOKIE_KEY] = list(cookie.claims)
    epochs = store.session_epochs([c.subject for c in cookie.claims])
    kept = [c for c in cookie.claims if epochs[c.subject] == c.epoch]
    if len(kept) < len(cookie.claims):
        st.session_state[REFUSED_KEY] = REVOKED
    return kept


def _restore_claim(
    store: Store,
    grant: Grant,
    claim: Claim,
    key: bytes,
    admin_password: str | None,
    link_days: int,
) -> Grant | None:
    """`grant` with the right of `claim` when it still holds, else None.

    Links are checked through the same store look-up as `?f=` and `?r=` (Store.check_link:
    a link that was renewed, revoked or has expired gives nothing), after matching the
    token's digest.
    """
    if claim.kind == "admin":
        # The configured password, or the hash of one set through the first-run link.
        from ipm_model.storage.settings import ADMIN_PASSWORD_HASH, get

        secrets = [admin_password, get(store, ADMIN_PASSWORD_HASH)]
        ok = any(
            s and hmac.compare_digest(claim.proof, password_fingerprint(s, key)) for s in secrets
        )
        return grant.as_admin() if ok else None
    if claim.kind == "sb":
        # A demo visitor's sandbox: only in demo mode, only while it exists, only with its key.
        from ipm_model.storage.sandbox import find
        from ui.access import demo_mode

        if not demo_mode() or find(store, claim.ref, claim.proof) is None:
            return None
        return grant.with_sandbox(claim.ref)
    if claim.kind == "f":
        workshop = store.workshop(claim.ref)
        kind, token = LINK_FACILITATOR, workshop.facilitator_token if workshop else ""
    else:
        organisation = store.organisation(claim.ref)
        kind, token = LINK_RESULTS, (organisation or {}).get("results_token") or ""
    if not token or not hmac.compare_digest(claim.proof, token_digest(token)):
        return None  # the link was renewed since
    status, link = store.check_link(kind, token, link_days)
    if status != LINK_OK or link is None:
        return None  # revoked or expired since
    if kind == LINK_FACILITATOR and link.workshop_id == claim.ref:
        return grant.with_workshop(link.workshop_id, link.organisation_id)
    if kind == LINK_RESULTS and link.organisation_id == claim.ref:
        return grant.with_results(link.organisation_id)
    return None


def _return_path(url_path: str) -> str:
    """The page to come back to, with its query minus link tokens, marked as a return."""
    query = {k: v for k, v in st.query_params.to_dict().items() if k not in ("f", "r")}
    query[RETURN_PARAM] = "1"
    return f"/{url_path}?{urlencode(query)}"


def follow_up(store: Store, url_path: str, lang: str) -> None:
    """Send the browser to a session route when needed (run by app.py before the page).

    After a log-out: to the route that deletes the cookie. When this session holds claims
    its cookie lacks: for the cookie, coming back to `url_path` in a new session. The page
    keeps rendering; the browser leaves it at once (a meta refresh: the security policy
    allows no inline script).
    """
    goto = st.session_state.pop(GOTO_KEY, None)
    if goto:
        _send_browser(goto)
        return
    claims = _claims()
    if not claims or set(claims) <= set(st.session_state.get(COOKIE_KEY, [])):
        return
    hours = session_hours()
    cookie = make_cookie(tuple(claims), signing_key(store), hours)
    nonce = store.create_session_nonce(cookie, max_age=int(hours * 3600))
    st.session_state[COOKIE_KEY] = list(claims)
    _send_browser(f"{SESSION_ROUTE}?{urlencode({'n': nonce, 'next': _return_path(url_path)})}")
    st.caption(t("session.storing", lang))


def _send_browser(url: str) -> None:
    """Let the browser load `url` (our own route; nothing typed by anyone is in it)."""
    st.markdown(
        f'<meta http-equiv="refresh" content="0;url={html.escape(url, quote=True)}">',
        unsafe_allow_html=True,
    )


def forget_cookie(next_path: str = "/login") -> None:
    """With the next run, send the browser to the route that deletes the cookie."""
    st.session_state[CLAIMS_KEY] = []
    st.session_state[COOKIE_KEY] = []
    st.session_state[GOTO_KEY] = f"{LOGOUT_ROUTE}?{urlencode({'next': next_path})}"


def log_out_everywhere(store: Store, grant: Grant) -> None:
    """End every session cookie with this session's rights, on every device."""
    subjects = {c.subject for c in _claims()}
    if grant.admin:
        subjects.add("admin")
    subjects |= {f"f:{w}" for w in grant.workshops}
    store.raise_session_epochs(sorted(subjects))


# On the hosted demo, a cookie refused for these reasons is told as "your copy is unknown".
DEMO_UNKNOWN_REASONS = frozenset({FORGED, EXPIRED})


def refusal_message(lang: str) -> None:
    """Explain once why this browser is no longer logged in (on the login page)."""
    reason = st.session_state.pop(REFUSED_KEY, None)
    if reason in DEMO_UNKNOWN_REASONS:
        from ui.access import demo_mode  # ui.access imports this module

        if demo_mode():  # a demo visitor has no login to redo: their copy is unreachable
            reason = "demo_unknown"
    if reason:
        st.warning(t(f"session.refused.{reason}", lang, hours=f"{session_hours():g}"))

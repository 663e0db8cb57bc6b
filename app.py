"""iPM Ketenscan: the router. Page config, language, access, navigation; pages do the rest.

`streamlit run app.py` starts it. Streamlit finds the `st.App` at the bottom of this file
(streamlit/web/server/app_discovery.py) and serves it, importing this file once as the
module `app`: so every response carries the security headers of ui/headers.py, also
without a proxy, the session cookie has its routes (ui/session_routes.py), and the old
`pages/` folder mode is off before the first request (ui/router.py). Each run of a session
executes this file as `__main__`: the router.
"""

import contextlib
from pathlib import Path

import streamlit as st
from starlette.middleware import Middleware
from starlette.routing import Route

from ipm_model.db import StoreError
from ipm_model.i18n import t
from ui.access import demo_mode, demo_reset_hours, ensure_demo, link_error_message, resolve_grant
from ui.context import (
    check_questionnaires_at_start,
    database_guard,
    ensure_questionnaires_valid,
    get_store,
    language_switch,
)
from ui.demo import DEMO_ORG_KEY
from ui.firstrun import announce
from ui.headers import SecurityHeaders
from ui.pending import forget_pending
from ui.ready import process_store, ready
from ui.router import forget_unknown_page, navigation_only, open_requested_page
from ui.session import NEEDS_LOGIN_KEY, follow_up
from ui.session_routes import session_routes
from ui.shared_results import start_warming
from ui.style import document_language, inject_css
from ui.tcp import enable_tcp_nodelay

PAGES = Path(__file__).resolve().parent / "pages"
# Pages that use the whole width (each also says so itself, for AppTest and readers).
WIDE_PAGES = {"results", "compare", "progress", "projector", "admin"}


def page(
    name: str, icon: str, lang: str, *, default: bool = False, hidden: bool = False
) -> st.Page:
    """pages/<name>.py at /<name>, titled in the interface language."""
    return st.Page(
        PAGES / f"{name}.py",
        title=t(f"nav.{name}", lang),
        icon=f":material/{icon}:",
        url_path=None if default else name,
        default=default,
        visibility="hidden" if hidden else "visible",
    )


def main() -> None:
    st.set_page_config(
        page_title="iPM Ketenscan",
        # A local image: a Material icon as favicon would be fetched from Google's servers.
        page_icon=str(Path(__file__).resolve().parent / "assets" / "favicon.png"),
        # No layout here: the page's layout is set once, below, when the page is known (a
        # "centered" then "wide" in one run left the page narrow now and then).
        initial_sidebar_state="collapsed",
    )
    inject_css()
    lang = language_switch()
    document_language(lang)
    ensure_questionnaires_valid()  # the app never runs on an invalid questionnaire file
    store = get_store()
    with database_guard():
        demo_org = ensure_demo(store) if demo_mode() else None
        grant = resolve_grant(store, demo_org)
    if demo_org is not None:
        st.session_state[DEMO_ORG_KEY] = demo_org
        with st.container(key="demo-banner"):  # the projector's stage hides it
            st.info(t("demo.banner", lang, hours=demo_reset_hours()), icon=":material/science:")
    link_error_message(lang)

    # Every page is registered, so that no page URL (a reload, a bookmark, a second tab)
    # meets Streamlit's English "Page not found". A page a visitor may not use is hidden
    # from the menu and sends them to the login page; the page itself refuses too.
    login = page("login", "key", lang)
    pages = {
        t("nav.section.participate", lang): [
            page("start", "login", lang, default=True),
            page("scan", "checklist", lang),
        ]
    }
    results_ok, console_ok = grant.sees_results(), grant.sees_console()
    results = [
        page(name, icon, lang, hidden=not results_ok)
        for name, icon in (
            ("results", "radar"),
            ("compare", "compare_arrows"),
            ("progress", "trending_up"),
        )
    ]
    console = [
        page(name, icon, lang, hidden=not console_ok)
        for name, icon in (("console", "tune"), ("projector", "cast"))
    ]
    # Administrators only: erasure, retention, audit log (never a facilitator link or demo).
    console.append(page("admin", "admin_panel_settings", lang, hidden=not grant.sees_admin()))
    if results_ok:
        pages[t("nav.section.results", lang)] = results
    if console_ok:
        pages[t("nav.section.facilitate", lang)] = [p for p in console if p.visibility == "visible"]
    hidden = [p for p in results + console if p.visibility == "hidden"]
    pages[t("nav.section.info", lang)] = [page("about", "info", lang), login, *hidden]
    with database_guard():
        url_paths = {p.url_path for ps in pages.values() for p in ps}
        if forget_unknown_page(url_paths):
            st.info(t("access.unknown_page", lang))
        open_requested_page(url_paths)  # e.g. the scan page, by the join's Start button
        current = st.navigation(pages, position="top")
        forget_pending(current.url_path)  # a button's step runs only on its own page
        st.set_page_config(layout="wide" if current.url_path in WIDE_PAGES else "centered")
        if current.url_path in {p.url_path for p in hidden}:
            st.session_state[NEEDS_LOGIN_KEY] = current.title
            st.switch_page(login)
        follow_up(store, current.url_path, lang)
        current.run()


if __name__ == "__main__":  # a session's run (Streamlit runs the script as __main__)
    main()
else:  # `streamlit run app.py` imports this file to serve the App below

    @contextlib.asynccontextmanager
    async def lifespan(app: st.App):
        # Before the first request: Streamlit's old pages/ folder mode off (ui/router.py).
        async with navigation_only(app):
            # An invalid questionnaire file: said on the console now, on every page later.
            check_questionnaires_at_start()
            # The port is bound, no browser connected yet: sockets accepted from now on
            # inherit TCP_NODELAY (no 40 ms delayed-ACK stall per rerun; no-op off Linux).
            enable_tcp_nodelay()
            # The result screen's radar templates, built before a room finishes together.
            start_warming()
            # An empty installation: print the one-time set-up link on the server's console.
            with contextlib.suppress(StoreError):
                announce(process_store())
            yield None

    app = st.App(
        __file__,
        middleware=[Middleware(SecurityHeaders)],
        lifespan=lifespan,
        # /ready: readiness for load balancers (checks the database); the session cookie.
        routes=[Route("/ready", ready), *session_routes()],
    )

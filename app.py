"""iPM Ketenscan: the router. Page config, language, access, navigation; pages do the rest."""

from pathlib import Path

import streamlit as st

from ipm_model.i18n import t
from ui.access import demo_mode, demo_reset_hours, ensure_demo, link_error_message, resolve_grant
from ui.context import database_guard, ensure_questionnaires_valid, get_store, language_switch
from ui.router import routing
from ui.style import inject_css

st.set_page_config(
    page_title="iPM Ketenscan",
    # A local image: a Material icon as favicon would be fetched from Google's servers.
    page_icon=str(Path(__file__).resolve().parent / "assets" / "favicon.png"),
    layout="centered",
    initial_sidebar_state="collapsed",
)
inject_css()
lang = language_switch()
ensure_questionnaires_valid()  # the app never starts on an invalid questionnaire file
store = get_store()
with database_guard():
    demo_org = ensure_demo(store) if demo_mode() else None
    grant = resolve_grant(store, demo_org)
if demo_org is not None:
    st.info(t("demo.banner", lang, hours=demo_reset_hours()), icon=":material/science:")
link_error_message(lang)


PAGES = Path(__file__).resolve().parent / "pages"


def page(name: str, icon: str, *, default: bool = False) -> st.Page:
    """pages/<name>.py at /<name>, titled in the interface language."""
    return st.Page(
        PAGES / f"{name}.py",
        title=t(f"nav.{name}", lang),
        icon=f":material/{icon}:",
        url_path=None if default else name,
        default=default,
    )


# A page a visitor may not use is left out of the menu; the page itself refuses too.
pages = {
    t("nav.section.participate", lang): [
        page("start", "login", default=True),
        page("scan", "checklist"),
    ]
}
if grant.sees_results():
    pages[t("nav.section.results", lang)] = [
        page("results", "radar"),
        page("compare", "compare_arrows"),
        page("progress", "trending_up"),
    ]
if grant.sees_console():
    pages[t("nav.section.facilitate", lang)] = [page("console", "tune"), page("projector", "cast")]
pages[t("nav.section.info", lang)] = [page("about", "info"), page("login", "key")]
with routing(), database_guard():
    st.navigation(pages, position="top").run()

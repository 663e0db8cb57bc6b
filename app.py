"""iPM Ketenscan: the router. Page config, language, access, navigation; pages do the rest."""

import streamlit as st

from ipm_model.i18n import t
from ui.access import demo_mode, demo_reset_hours, ensure_demo, link_error_message, resolve_grant
from ui.context import get_store, language_switch
from ui.router import routing
from ui.style import inject_css

st.set_page_config(
    page_title="iPM Ketenscan",
    page_icon=":material/hub:",
    layout="centered",
    initial_sidebar_state="collapsed",
)
inject_css()
lang = language_switch()
store = get_store()
demo_org = ensure_demo(store) if demo_mode() else None
grant = resolve_grant(store, demo_org)
if demo_org is not None:
    st.info(t("demo.banner", lang, hours=demo_reset_hours()), icon=":material/science:")
link_error_message(lang)

pages = {
    t("nav.section.participate", lang): [
        st.Page(
            "pages/start.py", title=t("nav.start", lang), icon=":material/login:", default=True
        ),
        st.Page(
            "pages/scan.py", title=t("nav.scan", lang), icon=":material/checklist:", url_path="scan"
        ),
    ],
}
if grant.sees_console():
    pages[t("nav.section.facilitate", lang)] = [
        st.Page(
            "pages/console.py",
            title=t("nav.console", lang),
            icon=":material/tune:",
            url_path="console",
        ),
        st.Page(
            "pages/projector.py",
            title=t("nav.projector", lang),
            icon=":material/cast:",
            url_path="projector",
        ),
    ]
pages[t("nav.section.info", lang)] = [
    st.Page("pages/about.py", title=t("nav.about", lang), icon=":material/info:", url_path="about"),
    st.Page("pages/login.py", title=t("nav.login", lang), icon=":material/key:", url_path="login"),
]
with routing():
    st.navigation(pages, position="top").run()

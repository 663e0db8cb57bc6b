"""iPM Ketenscan: the router. Page config, language switch, navigation; pages do the rest."""

import streamlit as st

from ipm_model.i18n import t
from ui.context import language_switch
from ui.style import inject_css

st.set_page_config(
    page_title="iPM Ketenscan",
    page_icon=":material/hub:",
    layout="centered",
    initial_sidebar_state="collapsed",
)
inject_css()
lang = language_switch()

pages = [
    st.Page("pages/start.py", title=t("nav.start", lang), icon=":material/login:", default=True),
    st.Page(
        "pages/scan.py", title=t("nav.scan", lang), icon=":material/checklist:", url_path="scan"
    ),
    st.Page("pages/about.py", title=t("nav.about", lang), icon=":material/info:", url_path="about"),
]
st.navigation(pages, position="top").run()

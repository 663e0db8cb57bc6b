"""Projectiescherm: for a 1920x1080 projector during the workshop (facilitators only)."""

import streamlit as st

from ipm_model.i18n import t
from ipm_model.live import REFRESH_SECONDS
from ui.access import current_grant, require
from ui.console import visible_organisations, visible_workshops
from ui.context import current_language, get_questionnaire, get_store
from ui.projector import join_panel, live_panel

st.set_page_config(layout="wide")
lang = current_language()
store = get_store()
grant = current_grant()
require(grant.sees_console(), lang)

choices = {
    w.id: f"{w.title} ({w.code})"
    for org in visible_organisations(store, grant)
    for w in visible_workshops(store, grant, org["id"])
}
if not choices:
    st.info(t("console.no_workshops", lang))
    st.stop()
raw = st.query_params.get("w")
# Only plain ASCII digits: str.isdigit() also accepts "²" and "٣", which int() rejects or reads.
wanted = int(raw) if raw and raw.isascii() and raw.isdigit() and int(raw) in choices else None
workshop_id = st.selectbox(
    t("projector.workshop", lang),
    list(choices),
    index=list(choices).index(wanted) if wanted else 0,
    format_func=choices.get,
    key="projector-workshop",
)
st.query_params["w"] = str(workshop_id)
workshop = store.workshop(workshop_id)
require(grant.can_run_workshop(workshop.id, workshop.organisation_id), lang)
q = get_questionnaire(workshop.questionnaire_id, workshop.questionnaire_version)

st.html(
    "<style>.ipm-code{font-size:7rem;font-weight:700;letter-spacing:.5rem;line-height:1}"
    ".ipm-url{font-size:1.4rem;word-break:break-all}.ipm-counts{font-size:2.2rem;margin:.5rem 0}"
    "</style>"
)
left, right = st.columns([1, 2], gap="large")
with left, st.container(key="projector-join"):
    join_panel(workshop, lang)
    if st.button(t("projector.update_now", lang), key="projector-update"):
        st.session_state["projector-force"] = True
with right:

    @st.fragment(run_every=REFRESH_SECONDS)
    def _live() -> None:
        live_panel(store, q, workshop_id, lang)

    _live()

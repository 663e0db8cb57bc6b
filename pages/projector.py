"""Projectiescherm: for a 1920x1080 projector during the workshop (facilitators only)."""

import streamlit as st

from ipm_model.i18n import t
from ipm_model.live import REFRESH_SECONDS
from ui import demo
from ui.access import current_grant, require
from ui.console import visible_organisations, visible_workshops
from ui.context import current_language, get_questionnaire, get_store
from ui.projector import stage

st.set_page_config(layout="wide")
lang = current_language()
store = get_store()
grant = current_grant()
require(grant.sees_console(), lang)
if demo.needs_sandbox():  # a demo visitor leads a workshop in their own copy
    demo.sandbox_door(store, lang, key="projector")
    st.stop()

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
if wanted is None:
    # No workshop in the link (the console's button gives one): let the facilitator pick; the
    # stage itself shows no controls.
    wanted = st.selectbox(
        t("projector.workshop", lang),
        list(choices),
        format_func=choices.get,
        key="projector-workshop",
    )
st.query_params["w"] = str(wanted)
workshop = store.workshop(wanted)
require(grant.can_run_workshop(workshop.id, workshop.organisation_id), lang)
q = get_questionnaire(workshop.questionnaire_id, workshop.questionnaire_version)


@st.fragment(run_every=REFRESH_SECONDS)
def _stage() -> None:
    with st.container(key="stage"):
        stage(store, q, wanted, lang)


_stage()

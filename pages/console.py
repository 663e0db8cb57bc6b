"""Workshops beheren: the facilitator console (needs a facilitator link, demo mode or admin)."""

import streamlit as st

from ipm_model.i18n import t
from ui import demo
from ui.access import current_grant, require
from ui.console import (
    new_organisation_form,
    new_workshop_form,
    organisation_settings,
    results_link,
    show_notices,
    visible_organisations,
    visible_workshops,
    workshop_card,
)
from ui.context import current_language, get_store

lang = current_language()
store = get_store()
grant = current_grant()
require(grant.sees_console(), lang)

st.title(t("nav.console", lang))
if demo.needs_sandbox():  # a demo visitor: the first facilitating action makes their copy
    demo.sandbox_door(store, lang, key="console")
    st.stop()
demo.sandbox_note(lang, tip=True)
show_notices()
if grant.admin:
    with st.expander(t("console.new_org", lang)):
        new_organisation_form(store, lang)

orgs = visible_organisations(store, grant)
if not orgs:
    st.info(t("console.no_orgs", lang))
    st.stop()
names = {o["id"]: o["name"] for o in orgs}
org_id = st.selectbox(
    t("console.organisation", lang),
    list(names),
    format_func=names.get,
    key="console-org",
    persist_state="session",
)
organisation = store.organisation(org_id)
manage = grant.can_manage_organisation(org_id)

labels = [t("console.tab_workshops", lang)]
if manage:
    labels += [t("console.tab_new", lang), t("console.tab_settings", lang)]
tabs = st.tabs(labels)
with tabs[0]:
    workshops = visible_workshops(store, grant, org_id)
    if not workshops:
        st.info(t("console.no_workshops", lang))
    for workshop in workshops:
        workshop_card(store, workshop, grant, lang)
if manage:
    with tabs[1]:
        new_workshop_form(store, organisation, lang)
    with tabs[2]:
        organisation_settings(store, organisation, lang)
        results_link(store, organisation, lang)

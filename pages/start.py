"""Start: join a workshop with its code (or link/QR), pick chain and role; or resume."""

import streamlit as st

from ipm_model import formats
from ipm_model.db import NotAllowed, StoreError
from ipm_model.i18n import t
from ui import demo, firstrun
from ui.access import demo_mode
from ui.context import current_language, get_store, relabelled
from ui.guard import code_guard
from ui.participant import join_on_start, remember_participant, take_join_refusal
from ui.text import plain

lang = current_language()
store = get_store()
st.title(t("app.title", lang))
if firstrun.show(store, lang):
    st.stop()
code_param = st.query_params.get("code")
if demo_mode() and not code_param:
    demo.start_page(store, lang)
    st.subheader(t("demo.other_code", lang), anchor=False)
st.write(t("start.intro", lang))

guard = code_guard()
refused = take_join_refusal()  # by Start's callback (ui/participant.py), this run only
workshop = None
if code_param:
    if guard.wait_seconds():
        st.warning(t("start.throttled", lang, seconds=guard.wait_seconds()))
    else:
        workshop = store.workshop_by_code(code_param)
        if workshop is None:
            guard.failed(code_param)
            if guard.wait_seconds():
                st.warning(t("start.throttled", lang, seconds=guard.wait_seconds()))
            else:
                st.error(t("start.code_unknown", lang, code=code_param[:32]))
            st.query_params.pop("code", None)
        elif not workshop.is_open:
            st.warning(t("start.code_closed", lang, title=workshop.title))
            workshop = None
        else:
            guard.succeeded()

if workshop is None:
    with st.form("code-form", enter_to_submit=True):
        typed = st.text_input(
            t("start.code_label", lang), max_chars=32, help=t("start.code_help", lang)
        )
        go = st.form_submit_button(t("start.code_button", lang), type="primary")
    if go:
        if not typed.strip():
            st.error(t("start.code_empty", lang))
        else:
            st.query_params["code"] = typed.strip()[:32]
            st.rerun()
else:
    st.markdown(
        t("start.workshop", lang, title=workshop.title, date=formats.day(workshop.date, lang))
    )
    if demo_mode():
        demo.prefill_join(workshop)
        st.caption(t("demo.join_note", lang))
    # Radio options are drawn as Markdown: names typed by a facilitator are escaped.
    chains = {c.id: plain(c.name) for c in workshop.chains}
    roles = {r.id: plain(r.label(lang)) for r in workshop.roles}
    # Chain, role and partner sit outside the form, so a language switch (or any rerun)
    # before "Start" keeps them; their labels follow the language (relabelled). A tap runs
    # nothing (on_change="ignore"): the browser holds the choice and sends it with the next
    # run (Start, or the switch). A full page run per tap made a room joining together
    # queue behind two or three times as many runs as joins.
    with st.container(border=True, key="join-box"):  # one box, as the form had
        chain_id = st.radio(
            t("start.chain_label", lang),
            list(chains),
            format_func=chains.get,
            index=None,
            key=relabelled("join-chain"),
            on_change="ignore",
        )
        role = st.radio(
            t("start.role_label", lang),
            list(roles),
            format_func=roles.get,
            index=None,
            key=relabelled("join-role"),
            on_change="ignore",
        )
        partner = ""
        if workshop.partners:
            own = t("start.partner_own", lang)
            options = ["", *workshop.partners]
            if st.session_state.get("join-partner") not in options:
                st.session_state["join-partner"] = ""  # the own organisation until chosen
            partner = st.selectbox(
                t("start.partner_label", lang),
                options,
                format_func=lambda p: p or own,
                key=relabelled("join-partner"),
                on_change="ignore",
            )
        with st.form("join-form", border=False):
            # Its callback joins and opens the scan page in the run the tap starts; this
            # page runs then only when it could not (a choice missing, a refusal).
            begin = st.form_submit_button(
                t("start.begin", lang), type="primary", on_click=join_on_start
            )
    if begin:
        if chain_id is None or role is None:
            st.error(t("start.need_choice", lang))
        elif refused is not None and refused[0] == "closed":
            st.warning(t("start.code_closed", lang, title=workshop.title))
        elif refused is not None:
            st.error(t("error.database", lang))
            st.caption(t("error.detail", lang, detail=refused[1]))
        else:  # the callback did not join (the workshop changed in between): join here
            try:
                participant = store.create_participant(
                    workshop, chain_id=chain_id, role=role, partner=partner or ""
                )
            except NotAllowed:
                st.warning(t("start.code_closed", lang, title=workshop.title))
            except StoreError as exc:
                st.error(t("error.database", lang))
                st.caption(t("error.detail", lang, detail=str(exc)))
            else:
                remember_participant(participant)
                st.switch_page("pages/scan.py", query_params={"p": participant.token})
    if st.button(t("start.other_code", lang)):
        st.query_params.pop("code", None)
        st.rerun()

st.divider()
st.header(t("start.resume_title", lang))
with st.form("resume-form"):
    resume = st.text_input(
        t("start.resume_label", lang), max_chars=20, help=t("start.resume_help", lang)
    )
    again = st.form_submit_button(t("start.resume_button", lang))
if again:
    if guard.wait_seconds():
        st.warning(t("start.throttled", lang, seconds=guard.wait_seconds()))
    else:
        found = store.participant_by_resume_code(resume)
        if found is None:
            guard.failed(resume)
            if guard.wait_seconds():
                st.warning(t("start.throttled", lang, seconds=guard.wait_seconds()))
            else:
                st.error(t("start.resume_unknown", lang))
        else:
            guard.succeeded()
            remember_participant(found)
            st.switch_page("pages/scan.py", query_params={"p": found.token})

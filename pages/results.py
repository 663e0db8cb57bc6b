"""Resultaten: one round's results per chain, for facilitators and management teams."""

from functools import partial

import streamlit as st

from ipm_model.agenda import agenda_markdown, headline, item_texts
from ipm_model.handvatten import handvatten_markdown, statement_steps_markdown
from ipm_model.i18n import t
from ipm_model.results import chain_comments
from ui.access import audited
from ui.actions import actions_section
from ui.charts import show_radar
from ui.demo import simulated_note
from ui.quality import quality_panel
from ui.results import (
    agenda_html,
    ambition_section,
    benchmark_bands,
    chain_filter,
    data_version,
    empty_state,
    findings,
    findings_version,
    open_results_page,
    order_signals,
    phase_table,
    questionnaire_of,
    report_bytes,
    results_radar,
    round_filter,
    round_stats,
    statement_list,
)
from ui.text import plain

st.set_page_config(layout="wide")  # results use the width: radar beside its agenda
page = open_results_page("nav.results")
lang, store, workshops = page.lang, page.store, page.workshops
pick_round, pick_chain = st.columns(2)
with pick_round:
    workshop = round_filter(store, workshops, lang)
if workshop is None:
    empty_state(lang)
    st.stop()
q = questionnaire_of(workshop)
chains = {c.id: c.name for c in workshop.chains}
results = round_stats(store, workshop)
overall = results.overall
with pick_chain:
    chain_id = chain_filter(chains, lang, preferred=results.shown_chains())
mine = results.chain(chain_id)
if mine.empty:
    empty_state(lang)
    st.stop()
people = results.counted(chain_id)
if people:
    simulated_note(store, workshop, chain_id, people, lang)
finished = results.finished.get(chain_id, 0)
if bool(mine["suppressed"].iloc[0]):
    st.info(t("results.too_few", lang, count=finished, min=workshop.min_group_size))
    st.stop()

# The agenda for the next chain conversation: its top points lead the page.
# Compared with the last earlier round in which this chain's group was shown.
found = findings(
    store, tuple(workshops), workshop, chain_id, findings_version(store, workshops, chain_id)
)
agenda = found.agenda
weakest = q.phase(found.weakest) if found.weakest is not None else None

# First screen: the radar, the three biggest points and the downloads.
left, right = st.columns([5, 4], gap="large")
with left:
    bands = benchmark_bands(store, page.organisation, workshop)
    show_radar(
        results_radar(results, workshop, chain_id, lang),
        q.phase_names(lang),
        lang,
        title=chains[chain_id],
        table=False,
        benchmark=bands,
    )
    st.caption(t("results.based_on", lang, count=people, chain=chains[chain_id]))
    st.caption(t("trust.radar_bars", lang))
    if bands is not None:
        st.caption(t("trust.benchmark_caption", lang))
    left_out = results.left_out.get(chain_id, 0)
    if left_out:
        st.caption(t("leave_out.note", lang, n=left_out))
    if finished > people + left_out:
        st.caption(t("results.not_yet_counted", lang, count=finished - people - left_out))
with right:
    st.header(t("results.top_points", lang))
    points = headline(agenda)
    if not points:
        st.write(t("results.no_points", lang))
    for number, item in enumerate(points, start=1):
        what, numbers = item_texts(item, q, lang)
        st.markdown(f"**{number}. {plain(what)}**  \n{plain(numbers)}")
    if weakest is not None:
        st.success(
            t(
                "results.conversation",
                lang,
                phase=weakest.name.get(lang),
                question=weakest.key_question.get(lang),
            )
        )
    order_signals(found.signals, q, lang)
    st.header(t("results.downloads", lang))
    # Reports hold earlier rounds and the actions too: keyed by all of them.
    version = (*data_version(store, workshops), *store.actions_version(chain_id))
    with st.container(horizontal=True):
        st.download_button(
            t("results.agenda_print", lang),
            # Callables: built only when someone clicks, not on every run of this page.
            data=partial(agenda_html, store, workshop.code, chain_id, lang, version),
            file_name=f"agenda-{workshop.code}-{chain_id}.html",
            mime="text/html",
            on_click="ignore",
            key="download-agenda",
            icon=":material/print:",
        )
        for fmt, mime, icon in (
            ("html", "text/html", ":material/description:"),
            (
                "pptx",
                "application/vnd.openxmlformats-officedocument.presentationml.presentation",
                ":material/slideshow:",
            ),
        ):
            st.download_button(
                t(f"results.report_{fmt}", lang),
                data=audited(
                    store,
                    "report",
                    workshop.code,
                    f"{fmt} chain {chain_id}",
                    partial(report_bytes, store, workshop.code, chain_id, fmt, lang, version),
                ),
                file_name=f"ketenscan-{workshop.code}-{chain_id}.{fmt}",
                mime=mime,
                on_click="ignore",
                key=f"download-{fmt}",
                icon=icon,
            )

# The rest, one tab each instead of one long page.
tab_phases, tab_agenda, tab_statements, tab_comments, tab_actions = st.tabs(
    [
        t("results.per_phase", lang),
        t("results.agenda", lang),
        t("results.statements", lang),
        t("results.comments", lang),
        t("actions.title", lang),
    ]
)
with tab_phases:
    phase_table(mine, q, lang)
    ambition_section(results, chain_id, q, lang)
with tab_agenda:
    agenda_column, steps_column = st.columns(2, gap="large")
    with agenda_column:
        st.markdown(agenda_markdown(agenda, q, lang, min_group_size=workshop.min_group_size))
    if found.focus or found.lowest:
        with steps_column:
            st.header(t("results.handvatten", lang))
            if found.lowest:  # the steps of the lowest-scoring statements first, each for a role
                st.markdown(statement_steps_markdown(found.lowest, q, lang))
            if found.focus:  # then per focus phase its opening question and its own low ones
                st.markdown(handvatten_markdown(found.focus, q, lang, steps=found.focus_steps))
with tab_statements:
    spread, unknown = st.columns(2, gap="large")
    with spread:
        st.header(t("results.disagreement", lang))
        st.caption(t("results.disagreement_help", lang))
        statement_list(found.disagreement, q, lang, "sd")
    with unknown:
        st.header(t("results.dont_know", lang))
        st.caption(t("results.dont_know_help", lang))
        if found.dont_know.empty:
            st.write(t("results.no_dont_know", lang))
        statement_list(found.dont_know, q, lang, "dont_know_rate")
with tab_comments:
    comments = chain_comments(store, workshop, chain_id, results)
    if comments.empty:
        st.write(t("results.no_comments", lang))
    else:
        names = q.phase_names(lang)
        for phase_id, group in comments.groupby("phase_id", sort=False):
            st.markdown(f"**{plain(names.get(phase_id, phase_id))}**")
            for text in group["text"]:
                st.markdown(f"> {plain(text)}")
with tab_actions:
    actions_section(store, workshop, chain_id, q, lang, weakest.id if weakest else None)

quality_panel(store, page.grant, workshop, workshops, lang)

"""Voortgang: one chain over the rounds — radar per round, a line per phase, the changes."""

import pandas as pd
import streamlit as st

from ipm_model.i18n import t
from ipm_model.results import for_display, radar_frame
from ipm_model.uncertainty import interval_text, verdict_text
from ui import tables
from ui.actions import previous_actions_by_phase
from ui.charts import show_radar, show_trend
from ui.results import (
    MAX_OVERLAY,
    chain_filter,
    empty_state,
    left_out_note,
    open_results_page,
    questionnaire_of,
    round_changes,
    trend_stats,
)

st.set_page_config(layout="wide")
page = open_results_page("nav.progress")
lang, store, workshops = page.lang, page.store, page.workshops
chains = {c.id: c.name for c in store.chains(page.organisation["id"])}
chain_id = chain_filter(chains, lang)
rounds = tuple(w for w in workshops if chain_id in {c.id for c in w.chains})
if chain_id is None or not rounds:
    empty_state(lang)
    st.stop()

stats, shared, dropped = trend_stats(store, rounds, chain_id)
by_id = {w.id: w for w in rounds}
left_out_note(store, rounds, lang)
# Changes are worked out from the figures as shown, so they add up on the screen.
shown = for_display(stats[~stats["suppressed"]])
with_data = [w for w in rounds if w.id in set(shown["workshop_id"])]
if not with_data:
    empty_state(lang)
    st.stop()
labels = questionnaire_of(with_data[-1]).phase_names(lang)
if dropped:
    st.info(t("progress.versions", lang, shared=len(shared), dropped=len(dropped)))


def round_label(w) -> str:
    return w.title


recent = with_data[-MAX_OVERLAY:]
frames = [radar_frame(shown[shown["workshop_id"] == w.id], round_label(w)) for w in recent]
radar, line = st.columns(2, gap="large")
with radar:
    show_radar(
        pd.concat(frames),
        labels,
        lang,
        title=chains[chain_id],
        table=False,
        series_title=t("results.round", lang),
    )
with line:
    st.header(t("progress.trend", lang))
    trend = shown.assign(
        round=lambda f: f["workshop_id"].map(lambda i: round_label(by_id[i])), score=shown["mean"]
    )[["round", "phase_id", "score", "n"]]
    show_trend(trend, labels, [round_label(w) for w in with_data], lang)

if len(with_data) >= 2:
    before, after = with_data[-2], with_data[-1]
    st.header(t("progress.changes", lang, before=round_label(before), after=round_label(after)))
    # Shown values and their difference, whether it is real, and the earlier round's
    # ambition for now (results.progress_changes): the columns always add up.
    changes = round_changes(store, rounds, chain_id, shown, before, after)
    earlier_actions = previous_actions_by_phase(store, chain_id, before.id, lang)
    table = pd.DataFrame(
        {
            t("result.phase", lang): changes["phase_id"].map(labels),
            t("progress.before", lang): tables.numbers(changes["mean_before"], lang),
            t("progress.after", lang): tables.numbers(changes["mean_after"], lang),
            t("progress.change", lang): tables.changes(changes["change"], lang),
            **(
                {
                    t("progress.aimed", lang): tables.numbers(changes["aimed"], lang),
                    t("progress.to_go", lang): tables.changes(changes["to_go"], lang),
                }
                if changes["aimed"].notna().any()
                else {}
            ),
            t("trust.change_interval", lang): [
                interval_text(a, b, lang)
                for a, b in zip(changes["change_low"], changes["change_high"], strict=True)
            ],
            t("trust.verdict", lang): [
                verdict_text(v, lang) if pd.notna(c) else ""
                for v, c in zip(changes["verdict"], changes["change"], strict=True)
            ],
            t("progress.n_before", lang): changes["n_before"],
            t("progress.n_after", lang): changes["n_after"],
            t("actions.previous", lang): changes["phase_id"].map(
                lambda phase: earlier_actions.get(phase, "–")
            ),
        }
    )
    st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        column_config=tables.right_aligned(
            t("progress.before", lang),
            t("progress.after", lang),
            t("progress.change", lang),
            t("progress.aimed", lang),
            t("progress.to_go", lang),
        ),
    )
    st.caption(t("trust.change_help", lang))
    if changes["aimed"].notna().any():
        st.caption(t("progress.aimed_help", lang, before=round_label(before)))
else:
    st.caption(t("progress.one_round", lang))

"""Ketens vergelijken: chains side by side in a round or period, and roles within a chain."""

from datetime import date

import pandas as pd
import streamlit as st

from ipm_model.i18n import t
from ipm_model.results import for_display, radar_frame
from ipm_model.uncertainty import interval_text, verdict_text
from ui import tables
from ui.charts import show_heatmap, show_radar, show_small_radars
from ui.compare_stats import breakdown_stats, chain_difference_stats, period_stats
from ui.context import relabelled
from ui.results import (
    MAX_OVERLAY,
    empty_state,
    left_out_note,
    open_results_page,
    questionnaire_of,
    round_filter,
)

st.set_page_config(layout="wide")  # small multiples and the heatmap use the width
page = open_results_page("nav.compare")
lang, store, workshops = page.lang, page.store, page.workshops
if not workshops:
    empty_state(lang)
    st.stop()

st.session_state.setdefault("compare-scope", "round")  # no default=: see relabelled()
mode = st.segmented_control(
    t("compare.scope", lang),
    ["round", "period"],
    format_func=lambda m: t(f"compare.scope_{m}", lang),
    required=True,
    key=relabelled("compare-scope"),
    persist_state="session",
)
if mode == "period":
    first, last = date.fromisoformat(workshops[0].date), date.fromisoformat(workshops[-1].date)
    picked = st.date_input(
        t("compare.period", lang),
        value=(first, last),
        min_value=first,
        max_value=last,
        key="compare-period",
    )
    start, end = picked if isinstance(picked, tuple) and len(picked) == 2 else (first, last)
    chosen = [w for w in workshops if start.isoformat() <= w.date <= end.isoformat()]
else:
    one = round_filter(store, workshops, lang)
    chosen = [one] if one else []
if not chosen:
    empty_state(lang)
    st.stop()

# The minimum group size of a period is the strictest of its rounds.
minimum = max(w.min_group_size for w in chosen)
q = questionnaire_of(chosen[-1])
names = {c.id: c.name for w in chosen for c in w.chains}
# A period pools only what each of its rounds shows (ipm_model.results.period_results).
stats = period_stats(store, chosen)
shown = stats[~stats["suppressed"]]
if shown.empty:
    empty_state(lang)
    st.stop()
available = [c for c in names if c in set(shown["chain_id"])]
selected = st.multiselect(
    t("compare.chains", lang),
    available,
    default=available,
    format_func=names.get,
    key="compare-chains",
)
left_out_note(store, chosen, lang)
hidden = sorted(set(names) - set(available))
if hidden:
    st.caption(t("compare.hidden", lang, chains=", ".join(names[c] for c in hidden), min=minimum))
labels = q.phase_names(lang)
if selected:
    picked = shown[shown["chain_id"].isin(selected)]
    heat = for_display(picked).assign(
        chain=lambda f: f["chain_id"].map(names), score=lambda f: f["mean"]
    )[["chain", "phase_id", "score", "n"]]
    if len(selected) <= MAX_OVERLAY:  # two radars read well on top of each other
        frames = [radar_frame(shown[shown["chain_id"] == c], names[c]) for c in selected]
        radar, heatmap = st.columns(2, gap="large")
        with radar:
            show_radar(pd.concat(frames), labels, lang, title=t("compare.title", lang))
        with heatmap:
            st.header(t("compare.heatmap", lang))
            show_heatmap(heat, labels, lang)
    else:  # more: one small radar per chain side by side, never overlaid, and the heatmap
        # Every selected chain's rows in the order chosen, as one frame (one radar_frame
        # call, not one per chain); "chart" tells the chains apart, also two of one name.
        order = {c: i for i, c in enumerate(selected)}
        position = picked["chain_id"].map(order).to_numpy()
        picked = picked.iloc[position.argsort(kind="stable")]
        radars = radar_frame(picked, "").assign(
            series=picked["chain_id"].map(names).to_numpy(),
            chart=picked["chain_id"].map(order).to_numpy(),
        )
        per_row = 2 if len(selected) <= 4 else 3  # radars stay readable on a tablet too
        show_small_radars(radars, labels, lang, per_row=per_row)
        st.header(t("compare.heatmap", lang))
        show_heatmap(heat, labels, lang)
    if len(selected) == 2:  # is the difference between the two chains real?
        a, b = selected
        st.header(t("trust.two_chains", lang, a=names[a], b=names[b]))
        diff = for_display(chain_difference_stats(store, chosen, a, b))
        means = shown.set_index(["chain_id", "phase_id"])["mean"].round(1)
        diff = diff[diff["phase_id"].isin(labels)]
        st.dataframe(
            pd.DataFrame(
                {
                    t("result.phase", lang): diff["phase_id"].map(labels),
                    names[a]: tables.numbers((means.get((a, p)) for p in diff["phase_id"]), lang),
                    names[b]: tables.numbers((means.get((b, p)) for p in diff["phase_id"]), lang),
                    t("trust.change_interval", lang): [
                        interval_text(lo, hi, lang)
                        for lo, hi in zip(diff["change_low"], diff["change_high"], strict=True)
                    ],
                    t("trust.verdict", lang): [verdict_text(v, lang) for v in diff["verdict"]],
                }
            ),
            hide_index=True,
            width="stretch",
            column_config=tables.right_aligned(names[a], names[b]),
        )
        st.caption(t("trust.change_help", lang))
    else:
        st.caption(t("trust.two_chains_hint", lang))

st.divider()
st.header(t("compare.within", lang))
st.caption(t("compare.within_help", lang, min=minimum))
if len(chosen) != 1:
    st.info(t("compare.within_round_only", lang))
    st.stop()
workshop = chosen[0]
# Computed only for a chain someone picks (the page opens without one): most readers compare
# chains and never open this section, and each chain's figures are cached per its version.
chains = {c.id: c.name for c in workshop.chains}
chain_id = st.selectbox(
    t("console.chain", lang),
    list(chains),
    index=None,
    placeholder=t("compare.within_pick", lang),
    format_func=chains.get,
    key="compare-chain",
    persist_state="session",
)
# An if, not st.stop(): a stopped run lost the round filter's kept choice (the demo's way in,
# tests/app/test_demo_app.py).
if chain_id in chains:
    st.session_state.setdefault("compare-by", "role")
    by = st.segmented_control(
        t("compare.by", lang),
        ["role", "partner"],
        format_func=lambda b: t(f"compare.by_{b}", lang),
        required=True,
        key=relabelled("compare-by"),
        persist_state="session",
    )
    parts = breakdown_stats(store, workshop, chain_id, by)
    visible = parts[~parts["scores_hidden"]]
    if by == "role":
        group_names = {r.id: r.label(lang) for r in workshop.roles}
    else:
        group_names = {p: p for p in workshop.partners} | {"": t("start.partner_own", lang)}
    groups = [g for g in visible[by].unique() if g in group_names][:MAX_OVERLAY]
    if not groups:
        st.info(t("compare.within_too_few", lang, min=minimum))
    else:
        frames = [radar_frame(visible[visible[by] == g], group_names[g]) for g in groups]
        show_radar(pd.concat(frames), labels, lang, title=t("compare.perspectives", lang))
        hidden_groups = sorted(set(parts[by]) - set(groups))
        if hidden_groups:
            st.caption(t("compare.hidden_groups", lang, min=minimum))
        # Where each group wants the chain in 12 months (same disclosure rule as the scores).
        aims = for_display(visible[visible[by].isin(groups) & visible["ambition"].notna()])
        if not aims.empty:
            st.subheader(t("compare.ambition", lang))
            st.caption(t("compare.ambition_help", lang, min=minimum))
            table = aims.assign(
                group=aims[by].map(group_names), phase=aims["phase_id"].map(labels)
            ).pivot(index="phase", columns="group", values="gap")
            table = table.reindex([labels[p] for p in labels if labels[p] in table.index])
            table.index.name = t("result.phase", lang)
            table = table.apply(lambda column: tables.changes(column, lang))
            st.dataframe(table, width="stretch", column_config=tables.right_aligned(*table.columns))

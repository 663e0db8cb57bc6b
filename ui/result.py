"""The participant's result: own radar, and the group's once the group is large enough."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import streamlit as st

from ipm_model.formats import SHOWN_DECIMALS
from ipm_model.i18n import t
from ipm_model.questionnaire import Questionnaire
from ipm_model.results import chain_snapshot, load_answers, radar_frame, results_state
from ipm_model.scoring import ambition_id, own_phase_score_rows
from ipm_model.storage import exclusions
from ipm_model.storage.store import Store
from ui.charts import (
    draw_radar,
    filled_radar_spec,
    radar_rows,
    radar_table_arrow,
    tooltip_titles,
)
from ui.participant import ScanContext
from ui.shared_results import chain_group, group_radar_rows

GROUP_REFRESH_S = 15  # the left-out figure's cache: its key is read fresh on every run


@st.cache_data(ttl=GROUP_REFRESH_S, show_spinner=False, max_entries=500)
def _left_out_summary(
    _store: Store, _questionnaire: Questionnaire, workshop_id: int, chain_id: int, minimum, version
) -> tuple[int, pd.DataFrame] | None:
    """The group figures with the round's flagged answers left out (results.chain_snapshot)."""
    return chain_snapshot(load_answers(_store, [workshop_id]), _questionnaire, chain_id, minimum)


LIKERT = frozenset({"1", "2", "3", "4", "5"})


def result_rows(
    own: list[tuple], answers: dict[str, str], q: Questionnaire, me: str, mine: str
) -> list[tuple]:
    """The radar's rows of the participant's own series (`own`: scoring.own_phase_score_rows)
    and, when any ambition is given, the ambitions, in radar_rows' form (series, phase_id,
    score, n, sd, ci_low, ci_high; None when missing), rounded as shown (formats.for_display:
    numpy's rounding, as pandas'). The same rows as the frames it replaces held (the
    own series through for_display; tests/app/test_result_screen_data.py keeps that route
    as the reference), without the frames."""
    series = [me] * len(own)
    phases = [row[0] for row in own]
    scores = [row[1] for row in own]
    aims = {ph.id: answers.get(ambition_id(ph.id)) for ph in q.phases}
    if any(v in LIKERT for v in aims.values()):
        series += [mine] * len(aims)
        phases += list(aims)
        scores += [float(v) if v in LIKERT else math.nan for v in aims.values()]
    shown = np.round(np.array(scores, dtype=float), SHOWN_DECIMALS).tolist()
    return [
        (name, phase_id, None if math.isnan(score) else score, 1, None, None, None)
        for name, phase_id, score in zip(series, phases, shown, strict=True)
    ]


def lowest_phase(own: list[tuple]) -> str | None:
    """The phase of the participant's lowest score (the first of equals), None when none
    is scored: what scored.loc[scored["score"].idxmin(), "phase_id"] gave."""
    low = None
    for phase_id, score, *_ in own:
        if not math.isnan(score) and (low is None or score < low[1]):
            low = (phase_id, score)
    return None if low is None else low[0]


def show_result(store: Store, ctx: ScanContext, answers: dict[str, str], lang: str) -> None:
    """Own scores as a radar (with the group beside them when allowed) and as a table.

    Built from plain rows (a dozen numbers) rather than frames, and the own radar is filled
    without a cache entry (it is drawn once): when a room finishes together the server
    renders this screen once per participant in a few seconds."""
    q = ctx.questionnaire
    w = ctx.workshop
    chain = w.chain(ctx.participant.chain_id)
    st.header(t("result.heading", lang))
    st.write(t("result.thanks", lang))

    p = ctx.participant
    own = own_phase_score_rows(answers, q, role=p.role, partner=p.partner)
    me, mine = t("result.series_me", lang), t("result.series_my_ambition", lang)
    rows = result_rows(own, answers, q, me, mine)
    minimum = w.min_group_size
    if exclusions.is_left_out(store, w.id):
        # Flagged answers left out: the group re-laddered without them (results.chain_snapshot).
        version = results_state(store, [w.id])
        finished = store.results_version([w.id], ctx.participant.chain_id)[0]
        found = _left_out_summary(store, q, w.id, ctx.participant.chain_id, minimum, version)
        size, summary = found if found else (None, None)
        if summary is not None:
            rows += radar_rows(radar_frame(summary, t("result.series_group", lang)))
    else:
        # The same people as on the projector and the results pages (disclosure.disclosed_size),
        # so the group result never changes because of one person; computed once per change of
        # that group for every session (ui/shared_results.py).
        group = chain_group(store, w, ctx.participant.chain_id)
        finished, size = group.finished, group.size
        if size is not None:
            rows += group_radar_rows(store, q, w, group, t("result.series_group", lang))
    group_ok = size is not None
    labels = q.phase_names(lang)
    key = tuple(rows)
    spec = filled_radar_spec(
        key, tuple(labels.items()), t("result.radar_title", lang), tooltip_titles(lang), lang
    )
    draw_radar(spec, radar_table_arrow(key, labels, lang), lang, key="radar-box")
    if group_ok:
        st.caption(t("result.group_shown", lang, count=size, chain=chain.name if chain else ""))
        from ui.demo import simulated_note

        simulated_note(store, w, ctx.participant.chain_id, size, lang)
    else:
        st.info(t("result.group_waiting", lang, min=minimum, count=finished))
        st.button(t("result.refresh", lang), key="scan-refresh")

    low = lowest_phase(own)
    if low is not None:
        phase = q.phase(low)
        st.success(
            t(
                "result.next_step",
                lang,
                phase=phase.name.get(lang),
                question=phase.key_question.get(lang),
            )
        )

"""The participant's result: own radar, and the group's once the group is large enough."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ipm_model.i18n import t
from ipm_model.questionnaire import Questionnaire
from ipm_model.scoring import group_phase_summary, own_phase_scores, participant_phase_scores
from ipm_model.store import Store
from ui.charts import show_radar
from ui.participant import ScanContext

GROUP_REFRESH_S = 15


@st.cache_data(ttl=GROUP_REFRESH_S, show_spinner=False, max_entries=500)
def _group_summary(
    _store: Store,
    _questionnaire: Questionnaire,
    workshop_id: int,
    chain_id: int,
    version: tuple[int, str],
) -> pd.DataFrame:
    """Per-phase summary of one workshop and chain, shared by all sessions.

    The workshop fixes the questionnaire; the data version (finished participants and their
    last change, see Store.results_version) is in the key, so the summary is recomputed as
    soon as someone finishes or changes an answer, in whichever app process.
    """
    scores = participant_phase_scores(_store.group_answers(workshop_id, chain_id), _questionnaire)
    return group_phase_summary(scores)


def show_result(store: Store, ctx: ScanContext, answers: dict[str, str], lang: str) -> None:
    """Own scores as a radar (with the group beside them when allowed) and as a table."""
    q = ctx.questionnaire
    w = ctx.workshop
    chain = w.chain(ctx.participant.chain_id)
    st.header(t("result.heading", lang))
    st.write(t("result.thanks", lang))

    own = own_phase_scores(answers, q)
    me = t("result.series_me", lang)
    rows = [
        {"series": me, "phase_id": r.phase_id, "score": r.score, "n": 1, "sd": float("nan")}
        for r in own.itertuples()
    ]
    version = store.results_version([w.id], ctx.participant.chain_id)
    finished = version[0]
    minimum = w.min_group_size
    group_ok = finished >= minimum
    if group_ok:
        summary = _group_summary(store, q, w.id, ctx.participant.chain_id, version)
        group = t("result.series_group", lang)
        for r in summary.itertuples():
            # A phase scored by fewer people than the minimum stays hidden, like a small group.
            ok = r.n >= minimum
            rows.append(
                {
                    "series": group,
                    "phase_id": r.phase_id,
                    "score": r.mean if ok else float("nan"),
                    "n": int(r.n) if ok else 0,
                    "sd": r.sd if ok else float("nan"),
                }
            )
    data = pd.DataFrame(rows)
    show_radar(
        data, q.phase_names(lang), lang, title=t("result.radar_title", lang), key="radar-box"
    )
    if group_ok:
        st.caption(t("result.group_shown", lang, count=finished, chain=chain.name if chain else ""))
    else:
        st.info(t("result.group_waiting", lang, min=minimum, count=finished))
        st.button(t("result.refresh", lang), key="scan-refresh")

    scored = own.dropna(subset=["score"])
    if not scored.empty:
        low = scored.loc[scored["score"].idxmin(), "phase_id"]
        phase = q.phase(low)
        st.success(
            t(
                "result.next_step",
                lang,
                phase=phase.name.get(lang),
                question=phase.key_question.get(lang),
            )
        )

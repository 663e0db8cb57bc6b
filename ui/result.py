"""The participant's result: own radar, and the group's once the group is large enough."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ipm_model.i18n import t
from ipm_model.results import for_display
from ipm_model.scoring import own_phase_scores
from ipm_model.store import Store
from ui.charts import show_radar
from ui.participant import ScanContext
from ui.shared_results import chain_group, group_radar


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
    # The same people as on the projector and the results pages (disclosure.disclosed_size),
    # so the group result never changes because of one person; computed once per change of
    # that group for every session (ui/shared_results.py).
    group = chain_group(store, w, ctx.participant.chain_id)
    finished, size, minimum = group.finished, group.size, w.min_group_size
    group_ok = size is not None
    frames = [for_display(pd.DataFrame(rows))]
    if group_ok:
        frames.append(group_radar(store, q, w, group, t("result.series_group", lang)))
    data = pd.concat(frames, ignore_index=True)
    show_radar(
        data, q.phase_names(lang), lang, title=t("result.radar_title", lang), key="radar-box"
    )
    if group_ok:
        st.caption(t("result.group_shown", lang, count=size, chain=chain.name if chain else ""))
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

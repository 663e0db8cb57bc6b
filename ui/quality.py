"""The quality panel of a round: reliability per phase, fit per statement, answer patterns.

Only for facilitators of the round and administrators; the figures come from
ipm_model.results (the people the shown figures cover) and are cached per data state.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import streamlit as st

from ipm_model.access import Grant
from ipm_model.i18n import t
from ipm_model.model import Workshop
from ipm_model.quality import MIN_RELIABILITY_N
from ipm_model.questionnaire import Questionnaire
from ipm_model.results import response_quality, round_quality, statement_misfits
from ipm_model.storage.store import Store
from ui import tables
from ui.results import CACHE_TTL_S, answers_for, data_version, questionnaire_of
from ui.text import plain


def may_see_quality(grant: Grant, workshop: Workshop) -> bool:
    """Facilitators of this round and administrators; never a results link alone."""
    return grant.can_run_workshop(workshop.id, workshop.organisation_id)


@st.cache_data(ttl=CACHE_TTL_S, show_spinner=False, max_entries=32)
def _quality(_store: Store, workshop: Workshop, version: tuple[int, str]):
    answers = answers_for(_store, (workshop.id,), version)
    phases, items = round_quality(answers, questionnaire_of(workshop), workshop.min_group_size)
    responses = response_quality(answers, _store.answer_seconds(workshop.id))
    return phases, items, responses


@st.cache_data(ttl=CACHE_TTL_S, show_spinner=False, max_entries=32)
def _misfits(_store: Store, rounds: tuple[Workshop, ...], version: tuple[int, str]) -> list:
    answers = answers_for(_store, tuple(w.id for w in rounds), version)
    return statement_misfits(answers, rounds, {w.id: questionnaire_of(w) for w in rounds})


def quality_panel(
    store: Store, grant: Grant, workshop: Workshop, workshops: Sequence[Workshop], lang: str
) -> None:
    """The panel, folded away; nothing at all for people who may not see it."""
    if not may_see_quality(grant, workshop):
        return
    q: Questionnaire = questionnaire_of(workshop)
    with st.expander(t("quality.title", lang)), st.container(key="quality-panel"):
        st.caption(t("quality.intro", lang, min=MIN_RELIABILITY_N))
        phases, items, responses = _quality(store, workshop, data_version(store, [workshop]))
        names = q.phase_names(lang)
        st.dataframe(
            pd.DataFrame(
                {
                    t("result.phase", lang): phases["phase_id"].map(names),
                    t("quality.alpha", lang): tables.numbers(phases["alpha"], lang, 2),
                    t("quality.people", lang): phases["people"],
                    t("quality.verdict", lang): [
                        t(f"quality.verdict.{v}", lang) for v in phases["verdict"]
                    ],
                }
            ),
            hide_index=True,
            width="stretch",
            column_config=tables.right_aligned(t("quality.alpha", lang)),
        )
        texts = {s.id: s.text.get(lang) for s in q.statements}
        shown = items.dropna(subset=["item_rest"])
        if not shown.empty:
            st.markdown(f"**{t('quality.items', lang)}**")
            st.dataframe(
                pd.DataFrame(
                    {
                        t("result.phase", lang): shown["phase_id"].map(names),
                        t("quality.item_rest", lang): tables.numbers(shown["item_rest"], lang, 2),
                        "": shown["statement_id"].map(texts),
                    }
                ),
                hide_index=True,
                width="stretch",
                column_config=tables.right_aligned(t("quality.item_rest", lang)),
            )
        st.write(t("quality.responses", lang, **responses))
        rounds = tuple(w for w in workshops if w.questionnaire_id == workshop.questionnaire_id)
        flagged = _misfits(store, rounds, data_version(store, rounds)) if rounds else []
        if flagged:
            listed = "; ".join(plain(texts.get(s, s)) for s in flagged)
            st.warning(t("quality.misfits", lang, statements=listed))
        else:
            st.caption(t("quality.no_misfits", lang))

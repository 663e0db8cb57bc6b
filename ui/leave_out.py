"""The console's switch to leave a round's careless-looking answers out of its results.

Counts only, never names. The switch is stored per round (ipm_model.storage.exclusions,
logged in the audit log); which people it may leave out without exposing anyone is decided
by ipm_model.disclosure.leave_out through ipm_model.results.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from ipm_model.access import Grant
from ipm_model.i18n import t
from ipm_model.model import Workshop
from ipm_model.results import response_quality
from ipm_model.storage import exclusions
from ipm_model.storage.store import Store
from ui.access import audit_actor
from ui.results import CACHE_TTL_S, answers_for, data_version, round_stats

Check = Callable[[Grant], bool]


@st.cache_data(ttl=CACHE_TTL_S, show_spinner=False, max_entries=64)
def _counts(_store: Store, workshop: Workshop, version: tuple[int, str]) -> dict[str, int]:
    answers = answers_for(_store, (workshop.id,), version)
    return response_quality(answers, _store.answer_seconds(workshop.id))


def leave_out_control(store: Store, workshop: Workshop, lang: str, safe) -> None:
    """Counts of careless-looking answers and the switch; `safe(action, ok_text)` runs an
    authorised write (ui.console._safe with this round's check)."""
    w = workshop
    version = data_version(store, [w])
    counts = _counts(store, w, version)
    on = exclusions.is_left_out(store, w.id)
    with st.container(key=f"leave-out-{w.id}"):
        if not counts["flagged"]:
            st.caption(t("leave_out.none", lang))
            if not on:
                return
        else:
            st.write(t("leave_out.counts", lang, **counts))
            st.caption(t("leave_out.explain", lang))
        if on:
            results = round_stats(store, w)
            st.info(
                t(
                    "leave_out.state_on",
                    lang,
                    left_out=sum(results.left_out.values()),
                    flagged=sum(results.flagged.values()),
                )
            )
            waiting = sum(1 for c in results.flagged if not results.left_out.get(c))
            if waiting:
                st.caption(t("leave_out.not_yet", lang, chains=waiting))
        else:
            st.caption(t("leave_out.state_off", lang))
        label = t("leave_out.off" if on else "leave_out.on", lang)
        done = t("leave_out.done_off" if on else "leave_out.done_on", lang)
        if st.button(label, key=f"leave-out-switch-{w.id}") and safe(
            lambda: exclusions.set_left_out(store, w.id, not on, audit_actor(store), w.code), done
        ):
            st.rerun()

"""The live projector screen: join code and QR, counts per chain, group radars in batches."""

from __future__ import annotations

import html
import threading

import pandas as pd
import streamlit as st

from ipm_model.i18n import t
from ipm_model.live import DEFAULT_BATCH, Counts, snapshot_size
from ipm_model.questionnaire import Questionnaire
from ipm_model.scoring import group_phase_summary, participant_phase_scores
from ipm_model.share import join_url, qr_img_tag
from ipm_model.store import Store, Workshop
from ui.charts import show_radar
from ui.console import address_notice
from ui.context import base_url

LIVE_STATE_TTL_S = 1
GROUP_SNAPSHOT_TTL_S = 60


@st.cache_data(ttl=LIVE_STATE_TTL_S, show_spinner=False)
def _live_state(_store: Store, workshop_id: int) -> tuple[Workshop | None, pd.DataFrame]:
    """Workshop settings and counts per chain, shared by the screens of this process.

    Kept for one second only: with several replicas, answers written through the others
    must show within the refresh interval, so this cache may add at most a second to it.
    """
    return _store.workshop(workshop_id), _store.participation(workshop_id)


class _Forced:
    """The facilitator's "update now" per workshop and chain (the number finished then)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.items: dict[tuple[int, int], int] = {}


@st.cache_resource(show_spinner=False)
def _forced() -> _Forced:
    return _Forced()


@st.cache_data(ttl=GROUP_SNAPSHOT_TTL_S, show_spinner=False, max_entries=200)
def _group_snapshot(
    _store: Store,
    _q: Questionnaire,
    workshop_id: int,
    chain_id: int,
    size: int,
    version: tuple[int, str],
) -> pd.DataFrame:
    """The group summary of the first `size` finished participants (`version` keys edits)."""
    answers = _store.group_answers(workshop_id, chain_id, first=size)
    return group_phase_summary(participant_phase_scores(answers, _q))


def _snapshot(
    store: Store, q: Questionnaire, w: Workshop, chain_id: int, counts: Counts, forced: bool
) -> tuple[int, pd.DataFrame] | None:
    """The snapshot to show for one chain: the same on every screen, in every app process."""
    marks = _forced()
    key = (w.id, chain_id)
    with marks.lock:
        if forced and counts.finished >= w.min_group_size:
            marks.items[key] = counts.finished
        forced_at = marks.items.get(key)
    size = snapshot_size(
        counts.finished, batch=DEFAULT_BATCH, min_group=w.min_group_size, forced_at=forced_at
    )
    if size is None:
        return None
    version = store.results_version([w.id], chain_id)
    return size, _group_snapshot(store, q, w.id, chain_id, size, version)


def join_panel(w: Workshop, lang: str) -> None:
    address_notice(lang, short=True)
    url = join_url(base_url(), w.code)
    st.markdown(f"## {t('projector.join', lang)}")
    st.html(qr_img_tag(url, alt=t("share.qr_title", lang), css_width="min(30vw, 420px)"))
    st.html(
        f"<div class='ipm-code'>{html.escape(w.code)}</div>"
        f"<div class='ipm-url'>{html.escape(url)}</div>"
    )


def live_panel(store: Store, q: Questionnaire, workshop_id: int, lang: str) -> None:
    """Counts and (when revealed) radars; refreshed every few seconds by the page fragment."""
    w, participation = _live_state(store, workshop_id)
    if w is None:
        st.error(t("projector.gone", lang))
        return
    names = {c.id: c.name for c in w.chains}
    forced = st.session_state.pop("projector-force", False)
    total_joined = int(participation["joined"].sum())
    total_finished = int(participation["finished"].sum())
    counts_text = t("projector.counts", lang, joined=total_joined, finished=total_finished)
    st.html(f"<div class='ipm-counts'>{html.escape(counts_text)}</div>")
    table = pd.DataFrame(
        {
            t("console.chain", lang): [names.get(c, "?") for c in participation["chain_id"]],
            t("console.joined", lang): participation["joined"].astype(int),
            t("console.finished", lang): participation["finished"].astype(int),
        }
    )
    st.table(table.set_index(t("console.chain", lang)))
    if not w.revealed:
        st.info(t("projector.hidden", lang))
        return
    shown = 0
    columns = st.columns(min(4, max(1, len(w.chains))))
    for index, row in enumerate(participation.itertuples()):
        counts = Counts(joined=int(row.joined), finished=int(row.finished))
        snap = _snapshot(store, q, w, int(row.chain_id), counts, forced)
        with columns[index % len(columns)]:
            name = names.get(int(row.chain_id), "?")
            if snap is None:
                st.caption(t("projector.too_few", lang, chain=name, min=w.min_group_size))
                continue
            finished, summary = snap
            ok = summary["n"] >= w.min_group_size
            data = pd.DataFrame(
                {
                    "series": name,
                    "phase_id": summary["phase_id"],
                    "score": summary["mean"].where(ok),
                    "n": summary["n"].where(ok, 0).astype(int),
                    "sd": summary["sd"].where(ok),
                }
            )
            show_radar(data, q.phase_names(lang), lang, title=name, table=False)
            st.caption(t("projector.based_on", lang, count=finished))
            shown += 1
    if shown:
        st.caption(t("projector.batches", lang, batch=DEFAULT_BATCH))

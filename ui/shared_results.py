"""Results that many sessions show, computed once per data change and shared by all of them.

When a room finishes together, every participant's result screen (and the projector) shows
the same group figure of their chain. It is computed here once per *version of that
figure* and kept in Streamlit's process-wide cache, so the next 29 readers take it from
the cache instead of each reading and aggregating the chain's answers again:

- the version is read fresh from the database on every run (ipm_model.storage.groups:
  which people the figure covers, and their last change after finishing), so a figure is
  never stale, also when another app process or replica stored the change;
- the people a figure covers follow the disclosure ladder (`disclosed_size`), so a finisher
  who is not counted yet does not make anybody recompute anything, and the figure changes
  in batches exactly as before;
- the figure is computed from the answers of exactly the people in its key.

The figures themselves come from ipm_model.results (group_snapshot, radar_frame_rows): this
module only decides when to compute them.
"""

from __future__ import annotations

import contextlib
import hashlib
import math
import threading
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from ipm_model.charts import INTERVAL_COLUMNS, RADAR_COLUMNS
from ipm_model.disclosure import disclosed_size
from ipm_model.i18n import t
from ipm_model.model import Workshop
from ipm_model.phases import LANGUAGES, PHASE_IDS
from ipm_model.questionnaire import Questionnaire, default_questionnaire
from ipm_model.results import group_snapshot, radar_frame_rows
from ipm_model.storage.groups import chain_finishers, counted_answers, group_key, key_ids
from ipm_model.storage.store import Store
from ui.charts import arrow_radar_spec, radar_key, warm_small_radars
from ui.heap import freeze_startup_heap

GroupKey = tuple[tuple[int, str], ...]


@dataclass(frozen=True)
class ChainGroup:
    """One chain's group figure as it may be shown now."""

    finished: int  # finished participants of the chain (counted or not)
    size: int | None  # the people the figure covers; None: too few finished to show one
    key: GroupKey | None  # the figure's exact version (None when there is none)


def chain_group(store: Store, workshop: Workshop, chain_id: int) -> ChainGroup:
    """Who the chain's group figure covers now: one small query, on every run."""
    finishers = chain_finishers(store, workshop.id, chain_id)
    size = disclosed_size(len(finishers), workshop.min_group_size)
    if size is None:
        return ChainGroup(len(finishers), None, None)
    return ChainGroup(len(finishers), size, group_key(finishers, size))


def group_stats(
    store: Store, q: Questionnaire, workshop: Workshop, group: ChainGroup
) -> pd.DataFrame:
    """The group's phase figures (results.group_snapshot), shared by all sessions."""
    if group.key is None:
        raise ValueError("this chain has no group figure yet")
    version = key_digest(group.key)
    return _group_stats(store, q, (q.id, q.version), workshop.min_group_size, version, group.key)


def group_radar_rows(
    store: Store, q: Questionnaire, workshop: Workshop, group: ChainGroup, series: str
) -> tuple[tuple, ...]:
    """The group's radar series as rows (results.radar_frame_rows: series, phase_id, score,
    n, sd, ci_low, ci_high, rounded; None for a missing number; the same values as
    results.radar_frame), shared by all sessions: the result screen fills its radar and
    table from rows, and a cache hit of a tuple of tuples costs a fraction of a frame's."""
    if group.key is None:
        raise ValueError("this chain has no group figure yet")
    version = key_digest(group.key)
    q_id = (q.id, q.version)
    return _group_radar_rows(store, q, q_id, workshop.min_group_size, version, series, group.key)


def key_digest(key: GroupKey) -> str:
    """The group figure's version as a short digest of its exact key (every counted
    person's id and own change stamp, read from the database on every run). The caches
    below are keyed by it: Streamlit hashes a key on every call, and a 30-person key costs
    ~0.3 ms each time, on every finisher's result screen; the digest ~0.05 ms. The key
    itself goes along unhashed (`_key`): the figure is computed from exactly its people."""
    return hashlib.blake2b(repr(key).encode(), digest_size=20).hexdigest()


# No time limit: the key is exact. max_entries bounds memory (a 7-row frame per entry).
# Streamlit computes a missing entry once: sessions that ask for the same version while it
# is computed wait for that one computation (its per-key compute lock; tested in
# tests/app/test_shared_results_app.py), so a room finishing together computes each version once.
@st.cache_data(show_spinner=False, max_entries=1000)
def _group_stats(
    _store: Store,
    _q: Questionnaire,
    questionnaire: tuple[str, int],
    minimum: int,
    version: str,
    _key: GroupKey,
) -> pd.DataFrame:
    return group_snapshot(counted_answers(_store, key_ids(_key)), _q, minimum)


@st.cache_data(show_spinner=False, max_entries=1000)
def _group_radar_rows(
    _store: Store,
    _q: Questionnaire,
    questionnaire: tuple[str, int],
    minimum: int,
    version: str,
    series: str,
    _key: GroupKey,
) -> tuple[tuple, ...]:
    stats = _group_stats(_store, _q, questionnaire, minimum, version, _key)
    return radar_frame_rows(stats, series)


def warm_result_radars() -> None:
    """Build the result screen's radar templates (ipm_model.charts) for both languages, with
    and without the group, before anyone finishes: the first template build costs ~70 ms
    of CPU (more on a busy machine), which would otherwise fall on the first finisher(s) of
    a room that finishes together. Runs once per process, from app.py's lifespan, in a
    thread of its own; without a Streamlit session (no st.* calls)."""
    q = default_questionnaire()
    for lang in LANGUAGES:
        me, group = t("result.series_me", lang), t("result.series_group", lang)
        mine = t("result.series_my_ambition", lang)
        for series in ([me], [me, group], [me, mine], [me, mine, group]):
            rows = [(s, p, 3.0, 1, math.nan, math.nan, math.nan) for s in series for p in PHASE_IDS]
            data = pd.DataFrame(rows, columns=[*RADAR_COLUMNS, *INTERVAL_COLUMNS])
            title = t("result.radar_title", lang)
            arrow_radar_spec(*radar_key(data, q.phase_names(lang), lang, title), lang=lang)


def warm_results() -> None:
    """The results page's figures of the newest rounds (ui.results.warm_newest_rounds), so
    the first reader of a fresh process does not compute them all."""
    from ui.context import process_store
    from ui.results import warm_newest_rounds

    warm_newest_rounds(process_store())


def start_warming() -> threading.Thread:
    """warm_result_radars in a daemon thread (an error there only costs the warm-up), then
    the process's start-up objects frozen out of the garbage collector's way (ui/heap.py),
    then the newest rounds' results (after the freeze: cached figures are later evicted
    and must stay collectable)."""

    def warm() -> None:
        with contextlib.suppress(Exception):
            warm_result_radars()
        with contextlib.suppress(Exception):
            warm_small_radars()  # the compare page's one template per language
        with contextlib.suppress(Exception):
            freeze_startup_heap()
        with contextlib.suppress(Exception):
            warm_results()

    thread = threading.Thread(target=warm, name="ipm-warm-radars", daemon=True)
    thread.start()
    return thread

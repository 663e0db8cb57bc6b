"""The compare page's figures, cached per chain and per data change.

- A round's or period's figures per chain (results.period_parts) are made from each
  round's chain parts as the results page caches them (ui.results.chain_parts: each
  chain's part per that chain's own version), so the compare page computes no chain's
  round figures the results page (or the start-up warm-up) already holds. Each chain's
  period part is cached per that chain's versions in the rounds, read fresh from the
  database on every run: a change in one chain recomputes that chain's part only, on
  every replica.
- The "within one chain" breakdowns (results.breakdowns) read that chain's rows only
  (ui.results.chain_round_answers, shared with the trend) and are cached per that chain's
  version in the round.

The keys are data versions read before the figures are read, so a cached figure is never
older than its key: nothing stale is shown (a change moves the key; a figure computed from
newer rows than its key is replaced at the next change).
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import streamlit as st

from ipm_model.model import Workshop
from ipm_model.results import (
    PeriodPart,
    breakdowns,
    combine_period,
    part_differences,
    period_parts,
    round_chain_states,
)
from ipm_model.storage.store import Store
from ui.cache_fill import Fill
from ui.results import (
    ROUND_TTL_S,
    chain_parts,
    chain_round_answers,
    chain_versions,
    questionnaire_of,
)

NO_VERSION = (0, "", "")  # a chain without finishers in a round (chain_rows.round_versions)
Versions = tuple[tuple[int, tuple[tuple[int, str, str], ...]], ...]


def _rounds_key(workshops: Sequence[Workshop]) -> tuple:
    """What of each round the figures depend on besides the answers (a cheap cache key: a
    Workshop with its chains is slow to hash)."""
    return tuple(
        (w.id, w.min_group_size, w.questionnaire_id, w.questionnaire_version) for w in workshops
    )


def chain_states(store: Store, workshops: Sequence[Workshop]) -> Versions:
    """Per chain with finishers in any of these rounds: its version in each round (in the
    order of `workshops`), read fresh on every run (two small queries a round)."""
    states = [round_chain_states(store, w.id) for w in workshops]
    chains = sorted({c for s in states for c in s})
    return tuple((c, tuple(s.get(c, NO_VERSION) for s in states)) for c in chains)


def period_stats(store: Store, workshops: Sequence[Workshop]) -> pd.DataFrame:
    """Every chain over these rounds, pooling only what each round shows
    (results.period_results), from per-chain parts cached per that chain's versions."""
    rounds = tuple(workshops)
    return _period_stats(store, rounds, _rounds_key(rounds), chain_states(store, rounds))


@st.cache_data(ttl=ROUND_TTL_S, show_spinner=False, max_entries=64)
def _period_stats(
    _store: Store, _rounds: tuple[Workshop, ...], rounds_key: tuple, versions: Versions
) -> pd.DataFrame:
    """The chains' parts put together, cached per all their versions (a rerun with nothing
    changed reads one entry)."""
    parts = _parts(_store, _rounds, rounds_key, versions)
    return combine_period([p for p in parts.values() if p is not None])


def chain_difference_stats(
    store: Store, workshops: Sequence[Workshop], chain_a: int, chain_b: int
) -> pd.DataFrame:
    """Per phase the 90 % interval of chain b minus chain a over a round or period
    (results.period_differences), from the two chains' cached parts."""
    rounds = tuple(workshops)
    versions = tuple(v for v in chain_states(store, rounds) if v[0] in (chain_a, chain_b))
    return _differences(store, rounds, _rounds_key(rounds), chain_a, chain_b, versions)


@st.cache_data(ttl=ROUND_TTL_S, show_spinner=False, max_entries=64)
def _differences(
    _store: Store,
    _rounds: tuple[Workshop, ...],
    rounds_key: tuple,
    chain_a: int,
    chain_b: int,
    versions: Versions,
) -> pd.DataFrame:
    parts = _parts(_store, _rounds, rounds_key, versions)
    shown = {c: p for c, p in parts.items() if p is not None}
    return part_differences(shown, chain_a, chain_b, _rounds)


_period_fill: Fill[PeriodPart] = Fill()


def _parts(
    store: Store, rounds: tuple[Workshop, ...], rounds_key: tuple, versions: Versions
) -> dict[int, PeriodPart | None]:
    """Each chain's part, from the cache where it is there; the missing ones computed
    together (results.period_parts on the rounds' figures) and stored each under its own
    chain's versions. None: a chain with no shown cell in these rounds."""

    def compute(missing: list[tuple[int, tuple[tuple[int, str, str], ...]]]):
        # Each round's parts of these chains (the results page's cache entries), read
        # after the versions (the keys): never older than their key. A round in which none
        # of them has finishers adds nothing to their parts.
        figures = []
        for i, w in enumerate(rounds):
            states = [(c, v[i]) for c, v in missing if v[i][0]]
            figures.append(chain_parts(store, w, states) if states else None)
        questionnaires = {w.id: questionnaire_of(w) for w in rounds}
        chains = {c for c, _ in missing}
        return period_parts(figures, rounds, questionnaires, chains=chains)

    return _period_fill.missing(
        versions,
        lambda chain_id, chain_versions_: _period_part(
            store, rounds, rounds_key, chain_id, chain_versions_
        ),
        compute,
    )


@st.cache_data(ttl=ROUND_TTL_S, show_spinner=False, max_entries=2048)
def _period_part(
    _store: Store,
    _rounds: tuple[Workshop, ...],
    rounds_key: tuple,
    chain_id: int,
    versions: tuple[tuple[int, str, str], ...],
) -> PeriodPart | None:
    """One chain's part of the period's figures, cached per that chain's version in each
    round (exact, so the entry may live long); `rounds_key` names `_rounds`. Filled by
    _parts with the parts it computed; raises NotCached (nothing stored) outside that
    (ui.cache_fill)."""
    return _period_fill.take(chain_id)


def breakdown_stats(store: Store, workshop: Workshop, chain_id: int, by: str) -> pd.DataFrame:
    """Phase figures of one chain in one round split by role or partner (both decided
    together, results.breakdowns), from that chain's rows only, cached per its version."""
    version = chain_versions(store, (workshop,), chain_id)[0]
    return _breakdowns(store, workshop, _rounds_key((workshop,)), chain_id, version)[by]


@st.cache_data(ttl=ROUND_TTL_S, show_spinner=False, max_entries=256)
def _breakdowns(
    _store: Store,
    _workshop: Workshop,
    round_key: tuple,
    chain_id: int,
    version: tuple[int, str, str],
) -> dict[str, pd.DataFrame]:
    answers = chain_round_answers(_store, _workshop.id, chain_id, version)
    return breakdowns(answers, questionnaire_of(_workshop), chain_id, _workshop.min_group_size)

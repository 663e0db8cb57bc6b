"""Shared pieces of the results pages: filters, cached statistics, and small views.

Statistics are computed once per set of workshops and cached, keyed by the workshop ids and
their data version (finished participants and their last change, read fresh on every run),
so a new or changed result shows at the next rerun, whichever app process stored it; charts
are cached by the data they show.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from ipm_model import formats
from ipm_model.access import Grant
from ipm_model.benchmark import has_bands
from ipm_model.i18n import t
from ipm_model.model import Workshop
from ipm_model.questionnaire import Questionnaire
from ipm_model.results import (
    ChainFindings,
    ChainTrend,
    RoundPart,
    RoundResults,
    TrendBasis,
    benchmark_answers,
    benchmark_state,
    chain_findings,
    chain_round_states,
    combine_round,
    combine_trend,
    for_display,
    load_answers,
    peer_benchmark,
    progress_changes,
    radar_frame,
    results_state,
    round_chain_states,
    round_parts,
    round_results,
    trend_basis,
    trend_difference,
    trend_round,
)
from ipm_model.results import previous_round as results_previous_round
from ipm_model.scoring import PhaseOrderSignal
from ipm_model.storage import exclusions
from ipm_model.storage.store import Store
from ipm_model.uncertainty import interval_note, interval_text
from ui import tables
from ui.access import current_grant, require
from ui.cache_fill import Fill
from ui.charts import show_radar
from ui.context import current_language, get_questionnaire, get_store
from ui.text import plain

CACHE_TTL_S = 30
# Caches keyed by one round's own version are exact (a change in that round moves the key);
# their time to live only bounds memory, so a closed round is not recomputed every 30 s.
ROUND_TTL_S = 3600
MAX_OVERLAY = 2  # more series than this on one radar are unreadable: small multiples


# -- filters (remembered while moving between pages: persist_state="session") ---------------------


def organisation_filter(store: Store, grant: Grant, lang: str) -> dict | None:
    """Pick an organisation; those running a workshop, then the latest rounds, first."""
    from ui.console import running_first
    from ui.demo import hide_sandboxes

    orgs = running_first(
        store,
        hide_sandboxes(
            store, [o for o in store.organisations() if grant.can_view_organisation(o["id"])]
        ),
    )
    if not orgs:
        st.info(t("results.no_organisation", lang))
        return None
    names = {o["id"]: o["name"] for o in orgs}
    if len(orgs) == 1:
        return store.organisation(orgs[0]["id"])
    org_id = st.selectbox(
        t("console.organisation", lang),
        list(names),
        format_func=names.get,
        key="filter-org",
        persist_state="session",
    )
    return store.organisation(org_id)


@dataclass(frozen=True)
class ResultsPage:
    """What every results page starts from: language, store, rights, organisation, rounds."""

    lang: str
    store: Store
    grant: Grant
    organisation: dict
    workshops: list[Workshop]  # oldest first


def open_results_page(title_key: str) -> ResultsPage:
    """Check the rights, show the title and the organisation filter; stop when there is none."""
    lang = current_language()
    store = get_store()
    grant = current_grant()
    require(grant.sees_results(), lang)
    st.title(t(title_key, lang))
    org = organisation_filter(store, grant, lang)
    if org is None:
        st.stop()
    return ResultsPage(lang, store, grant, org, store.workshops(org["id"]))


# A round the next round filter opens on, once (then the filter keeps the visitor's choice).
OPEN_ON_KEY = "results-open-on"


def round_filter(store: Store, workshops: Sequence[Workshop], lang: str) -> Workshop | None:
    """Pick a round (newest first); the default is the newest round with a shown group."""
    if not workshops:
        return None
    by_id = {w.id: w for w in workshops}
    ids = [w.id for w in reversed(workshops)]  # newest first
    # Open on the newest round in which some chain's group is shown.
    with_results = [
        i for i in ids if (store.participation(i)["finished"] >= by_id[i].min_group_size).any()
    ]
    default: int | None = ids.index(with_results[0]) if with_results else 0
    wanted = st.session_state.pop(OPEN_ON_KEY, None)
    if wanted in by_id:  # asked for once (the demo's "18 months" way in): that round
        st.session_state["filter-round"] = wanted
        default = None  # the value comes from the session state set just now
    chosen = st.selectbox(
        t("results.round", lang),
        ids,
        index=default,
        format_func=lambda i: f"{by_id[i].title} · {formats.day(by_id[i].date, lang)}",
        key="filter-round",
        persist_state="session",
    )
    return by_id.get(chosen)


def chain_filter(
    chains: dict[int, str],
    lang: str,
    key: str = "filter-chain",
    preferred: Sequence[int] = (),
) -> int | None:
    """Pick a chain; the first of `preferred` (e.g. chains with results) is the default."""
    if not chains:
        return None
    ids = list(chains)
    first = next((c for c in preferred if c in chains), ids[0])
    return st.selectbox(
        t("console.chain", lang),
        ids,
        index=ids.index(first),
        format_func=chains.get,
        key=key,
        persist_state="session",
    )


# -- cached data -------------------------------------------------------------------------------


@st.cache_data(ttl=CACHE_TTL_S, show_spinner=False, max_entries=64)
def answers_for(
    _store: Store, workshop_ids: tuple[int, ...], version: tuple[int, str]
) -> pd.DataFrame:
    """Answers of finished participants in these workshops, with the flagged ones marked
    where they are left out (results.load_answers; `version` only keys the cache)."""
    return load_answers(_store, workshop_ids)


def data_version(store: Store, workshops: Sequence[Workshop]) -> tuple[int, str]:
    """The version of these workshops' results, read fresh on every run: cached statistics
    are keyed by it, so they are never stale (also when another app process wrote, or
    switched leaving flagged answers out)."""
    return results_state(store, [w.id for w in workshops])


def left_out_note(store: Store, workshops: Sequence[Workshop], lang: str) -> None:
    """A caption naming the rounds whose careless-looking answers are left out (if any)."""
    rounds = set(exclusions.rounds_left_out(store, [w.id for w in workshops]))
    if rounds:
        named = ", ".join(plain(f"{w.title} ({w.date})") for w in workshops if w.id in rounds)
        st.caption(t("leave_out.rounds", lang, rounds=named))


def questionnaire_of(w: Workshop) -> Questionnaire:
    return get_questionnaire(w.questionnaire_id, w.questionnaire_version)


def round_stats(store: Store, workshop: Workshop) -> RoundResults:
    """One round's shown figures (ipm_model.results.round_results), put together from each
    chain's part (results.round_part) cached per that chain's own version, read fresh on
    every run: after a change in one chain only that chain's part is computed again, and
    "all chains" is pooled from the parts (results.combine_round)."""
    states = round_chain_states(store, workshop.id)
    return _round_stats(store, workshop, _round_key(workshop), tuple(sorted(states.items())))


def _round_key(workshop: Workshop) -> tuple:
    """What of a round its figures depend on besides its answers (a cheap cache key)."""
    return (
        workshop.id,
        workshop.min_group_size,
        workshop.questionnaire_id,
        workshop.questionnaire_version,
    )


@st.cache_data(ttl=ROUND_TTL_S, show_spinner=False, max_entries=64)
def _round_stats(
    _store: Store,
    _workshop: Workshop,
    round_key: tuple,
    states: tuple[tuple[int, tuple[int, str, str]], ...],
) -> RoundResults:
    """The chains' parts put together, cached per all their versions (a rerun with nothing
    changed reads one entry instead of one per chain)."""
    q, minimum = questionnaire_of(_workshop), _workshop.min_group_size
    parts = [p for p in _round_parts(_store, _workshop, round_key, states) if p is not None]
    if not parts:
        return round_results(load_answers(_store, (_workshop.id,)), q, minimum)
    return combine_round(parts, q, minimum, _workshop.id)


def chain_parts(
    store: Store, workshop: Workshop, states: Sequence[tuple[int, tuple[int, str, str]]]
) -> list[RoundPart]:
    """Some chains' parts of one round's figures (results.round_part), each cached per that
    chain's version in `states` (round_chain_states, read before): the same cache entries
    round_stats puts together, without the pooled "all chains" (the compare page)."""
    parts = _round_parts(store, workshop, _round_key(workshop), tuple(states))
    return [p for p in parts if p is not None]


# More chains than this to compute: read the round's rows in one query instead of per chain.
_ONE_READ = 4
_part_fill: Fill[RoundPart] = Fill()


def _round_parts(
    store: Store,
    workshop: Workshop,
    round_key: tuple,
    states: tuple[tuple[int, tuple[int, str, str]], ...],
) -> list[RoundPart | None]:
    """Each chain's part, from the cache where it is there; the missing ones computed
    together (results.round_parts: one computation for many chains costs about as much as
    one for a single chain) and stored each under its own chain's version."""

    def compute(missing: list[tuple[int, tuple[int, str, str]]]) -> dict[int, RoundPart]:
        if len(missing) > _ONE_READ:
            answers = load_answers(store, (workshop.id,))
            answers = answers[answers["chain_id"].isin({c for c, _ in missing})]
        else:
            answers = pd.concat(
                [chain_round_answers(store, workshop.id, c, v) for c, v in missing],
                ignore_index=True,
            )
        return round_parts(answers, questionnaire_of(workshop), workshop.min_group_size)

    found = _part_fill.missing(
        states,
        lambda chain_id, version: _round_part(store, workshop, round_key, chain_id, version),
        compute,
    )
    return [found[c] for c, _ in states]


@st.cache_data(ttl=ROUND_TTL_S, show_spinner=False, max_entries=512)
def _round_part(
    _store: Store,
    _workshop: Workshop,
    round_key: tuple,
    chain_id: int,
    version: tuple[int, str, str],
) -> RoundPart | None:
    """One chain's part of a round's figures, cached per that chain's own version in the
    round (exact, so the entry may live long); `round_key` names `_workshop`. Filled by
    _round_parts with the parts it computed from the rows of these versions; raises
    NotCached (nothing stored) when asked outside that (ui.cache_fill)."""
    return _part_fill.take(chain_id)


# Rounds whose figures a fresh process computes at start (ui.shared_results.start_warming):
# bounds that work's CPU (~1 s a round of 40 chains) and memory (one cached part a chain).
WARM_ROUNDS = 4


def warm_newest_rounds(store: Store, limit: int = WARM_ROUNDS) -> list[int]:
    """Put the figures the results page opens on into the caches, before anyone asks: per
    organisation (newest rounds first, at most `limit`) the round the page opens on
    (round_filter's default: the newest with a shown group), its chains' parts and the
    first shown chain's trend parts. The keys are the data versions read from the
    database, as on a page, so a warmed figure is never shown stale: a change afterwards
    moves the key. No st.* calls but the caches (runs outside a session); the ids warmed."""
    newest = []
    for org_id in sorted({w.organisation_id for w in store.workshops()}):
        workshops = store.workshops(org_id)
        for w in reversed(workshops):
            finished = store.participation(w.id)["finished"]
            if (finished >= w.min_group_size).any():
                newest.append(((w.date, w.id), tuple(workshops), w))
                break
    newest.sort(key=lambda item: item[0], reverse=True)
    warmed = []
    for _, workshops, w in newest[:limit]:
        results = round_stats(store, w)
        shown = results.shown_chains()
        if shown:
            findings(store, workshops, w, shown[0], findings_version(store, workshops, shown[0]))
            _warm_radar(store, w, results, shown[0])
        warmed.append(w.id)
    return warmed


def results_radar(results: RoundResults, workshop: Workshop, chain_id: int, lang: str):
    """The results page's radar series of one chain: the chain, and all chains pooled when
    the round has more than one; rounded for the screen (results.radar_frame)."""
    name = {c.id: c.name for c in workshop.chains}[chain_id]
    series = [radar_frame(results.chain(chain_id), name)]
    if len(workshop.chains) > 1 and not results.overall.empty:
        series.append(radar_frame(results.overall, t("results.all_chains", lang)))
    return pd.concat(series)


def _warm_radar(store: Store, workshop: Workshop, results: RoundResults, chain_id: int) -> None:
    """Build the results page's radar of this chain in every language (the first build of a
    layout is an Altair build, ~0.1-0.2 s), as the page will ask for it."""
    from ipm_model.phases import LANGUAGES
    from ui.charts import radar_chart_spec

    organisation = store.organisation(workshop.organisation_id)
    bands = benchmark_bands(store, organisation, workshop) if organisation else None
    name = {c.id: c.name for c in workshop.chains}[chain_id]
    q = questionnaire_of(workshop)
    for lang in LANGUAGES:
        data = results_radar(results, workshop, chain_id, lang)
        radar_chart_spec(data, q.phase_names(lang), lang, title=name, benchmark=bands)


def chain_round_stats(store: Store, workshop: Workshop, chain_id: int) -> RoundResults:
    """One round's figures of one chain only (round_results on that chain's rows), cached
    per that round's own version of the chain: for pages that need one chain of an earlier
    round (its ambition), without computing every chain of it."""
    version = chain_versions(store, (workshop,), chain_id)[0]
    return _chain_round_stats(store, workshop, chain_id, version)


@st.cache_data(ttl=ROUND_TTL_S, show_spinner=False, max_entries=256)
def _chain_round_stats(
    _store: Store, workshop: Workshop, chain_id: int, version: tuple[int, str, str]
) -> RoundResults:
    answers = chain_round_answers(_store, workshop.id, chain_id, version)
    return round_results(answers, questionnaire_of(workshop), workshop.min_group_size)


@st.cache_data(ttl=ROUND_TTL_S, show_spinner=False, max_entries=1024)
def chain_round_answers(
    _store: Store, workshop_id: int, chain_id: int, version: tuple[int, str, str]
) -> pd.DataFrame:
    """One chain's answers in one round (results.load_answers for that chain), cached per
    that round's own version: a closed round's rows are read once, however often the
    chain's other rounds change."""
    return load_answers(_store, (workshop_id,), chain_id)


def chain_versions(
    store: Store, workshops: Sequence[Workshop], chain_id: int
) -> tuple[tuple[int, str, str], ...]:
    """Each round's own version of one chain's results (results.chain_round_states), in
    the order of `workshops`; read fresh on every run, so nothing cached by it is stale."""
    states = chain_round_states(store, [w.id for w in workshops], chain_id)
    return tuple(states[w.id] for w in workshops)


def trend_stats(
    store: Store, workshops: Sequence[Workshop], chain_id: int
) -> tuple[pd.DataFrame, tuple[str, ...], tuple[str, ...]]:
    """Phase figures of one chain per round, on the statements all rounds' versions share.

    Reads only this chain's rows, each round's from a cache keyed by that round's own
    version (a change in one round re-reads that round only)."""
    trend = _trend(store, tuple(workshops), chain_id)
    return trend.stats, trend.shared, trend.dropped


def change_stats(
    store: Store, workshops: Sequence[Workshop], chain_id: int, before_id: int, after_id: int
) -> pd.DataFrame:
    """Per phase the 90 % interval of one chain's change between two rounds and its verdict,
    on the statements all `workshops` share (from the same computation as trend_stats)."""
    workshops = tuple(workshops)
    versions = chain_versions(store, workshops, chain_id)
    key = _rounds_key(workshops)
    return _change(store, workshops, key, chain_id, before_id, after_id, versions)


@st.cache_data(ttl=ROUND_TTL_S, show_spinner=False, max_entries=256)
def _change(
    _store: Store,
    _workshops: tuple[Workshop, ...],
    rounds_key: tuple,
    chain_id: int,
    before_id: int,
    after_id: int,
    versions: tuple[tuple[int, str, str], ...],
) -> pd.DataFrame:
    trend = _combined_trend(_store, _workshops, rounds_key, chain_id, versions)
    return trend_difference(trend, before_id, after_id)


def _rounds_key(workshops: Sequence[Workshop]) -> tuple:
    """What of each round a chain's trend depends on, in order (a cheap cache key: a
    Workshop with its chains is slow to hash)."""
    return tuple(
        (w.id, w.min_group_size, w.questionnaire_id, w.questionnaire_version) for w in workshops
    )


def _trend(store: Store, workshops: tuple[Workshop, ...], chain_id: int) -> ChainTrend:
    """One chain's trend over these rounds, put together from each round's part
    (results.trend_round), cached per that round's own version: after a change in one
    round only that round's part is computed again."""
    versions = chain_versions(store, workshops, chain_id)
    return _combined_trend(store, workshops, _rounds_key(workshops), chain_id, versions)


@st.cache_data(ttl=ROUND_TTL_S, show_spinner=False, max_entries=256)
def _combined_trend(
    _store: Store,
    _workshops: tuple[Workshop, ...],
    rounds_key: tuple,
    chain_id: int,
    versions: tuple[tuple[int, str, str], ...],
) -> ChainTrend:
    """The rounds' parts put together, cached per all their versions (a rerun with nothing
    changed reads one entry instead of one per round)."""
    basis = trend_basis(_workshops, {w.id: questionnaire_of(w) for w in _workshops})
    last = _workshops[-1]
    key = (last.questionnaire_id, last.questionnaire_version, basis.shared)
    pieces = [
        _trend_round(_store, w, (w.id, w.min_group_size), chain_id, v, key, basis)
        for w, v in zip(_workshops, versions, strict=True)
    ]
    return combine_trend(chain_id, pieces, basis)


@st.cache_data(ttl=ROUND_TTL_S, show_spinner=False, max_entries=1024)
def _trend_round(
    _store: Store,
    _workshop: Workshop,
    round_key: tuple[int, int],
    chain_id: int,
    version: tuple[int, str, str],
    basis_key: tuple,
    _basis: TrendBasis,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One round's part of a chain's trend; `round_key` (id, minimum) names `_workshop`,
    `basis_key` names `_basis` (the newest round's questionnaire, the shared statements)."""
    answers = chain_round_answers(_store, _workshop.id, chain_id, version)
    return trend_round(answers, _workshop, chain_id, _basis)


@st.cache_data(ttl=CACHE_TTL_S, show_spinner=False, max_entries=16)
def _benchmark(
    _store: Store, questionnaire: tuple[str, int], organisation_id: int, version: tuple
) -> pd.DataFrame:
    # Only the other organisations' rows: the bands leave this one's chains out anyway.
    answers = benchmark_answers(_store, *questionnaire, without=organisation_id)
    q = get_questionnaire(*questionnaire)
    return peer_benchmark(answers, q, organisation_id)


def benchmark_bands(store: Store, organisation: dict, workshop: Workshop) -> pd.DataFrame | None:
    """Other organisations' percentile bands for this round's questionnaire, or None (too few
    others, or the organisation opted out of the benchmark)."""
    if organisation.get("benchmark_opt_out"):
        return None
    key = (workshop.questionnaire_id, workshop.questionnaire_version)
    # Keyed by the other organisations' rounds only: the bands leave this one's out.
    state = benchmark_state(store, *key, without=organisation["id"])
    bands = _benchmark(store, key, organisation["id"], state)
    return bands if has_bands(bands) else None


# -- small views -------------------------------------------------------------------------------


def phase_table(stats: pd.DataFrame, q: Questionnaire, lang: str) -> None:
    """Mean, spread, n and don't-know rate per phase, as a table."""
    names = q.phase_names(lang)
    low = stats.get("ci_low", pd.Series(float("nan"), index=stats.index)).round(1)
    high = stats.get("ci_high", pd.Series(float("nan"), index=stats.index)).round(1)
    means = stats["mean"].round(1)
    table = pd.DataFrame(
        {
            t("result.phase", lang): stats["phase_id"].map(names).to_numpy(),
            t("result.score", lang): tables.numbers(means, lang),
            t("trust.interval", lang): [
                interval_text(a, b, lang) for a, b in zip(low, high, strict=True)
            ],
            t("trust.note", lang): [
                interval_note(m, a, b, lang) for m, a, b in zip(means, low, high, strict=True)
            ],
            t("result.sd", lang): tables.numbers(stats["sd"], lang, 2),
            t("result.n", lang): stats["n"].to_numpy(),
            t("results.dk_rate", lang): (stats["dont_know_rate"] * 100).round(0).to_numpy(),
            t("results.na_rate", lang): (stats["not_applicable_rate"] * 100).round(0).to_numpy(),
        }
    )
    st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        column_config={
            **tables.right_aligned(t("result.score", lang), t("result.sd", lang)),
            t("results.dk_rate", lang): st.column_config.NumberColumn(format="%d%%"),
            t("results.na_rate", lang): st.column_config.NumberColumn(format="%d%%"),
        },
    )
    st.caption(t("trust.interval_help", lang))


def order_signals(signals: Sequence[PhaseOrderSignal], q: Questionnaire, lang: str) -> None:
    """Warn when a later phase scores clearly above a phase it builds on (ChainFindings)."""
    names = q.phase_names(lang)
    for s in signals:
        st.warning(
            t(
                "results.order_signal",
                lang,
                later=names[s.later_phase],
                earlier=names[s.earlier_phase],
                later_score=formats.number(s.later_score, lang),
                earlier_score=formats.number(s.earlier_score, lang),
            )
        )


def statement_list(rows: pd.DataFrame, q: Questionnaire, lang: str, value: str) -> None:
    """A short list of statements with one number each (sd or don't-know rate)."""
    texts = {s.id: s.text.get(lang) for s in q.statements}
    names = q.phase_names(lang)
    for r in rows.itertuples():
        shown = getattr(r, value)
        number = formats.number(shown, lang, 2) if value == "sd" else formats.percent(shown, lang)
        st.markdown(
            f"- **{number}** · {plain(names.get(r.phase_id, ''))}: "
            f"{plain(texts.get(r.statement_id, r.statement_id))}"
        )


def empty_state(lang: str) -> None:
    st.info(t("results.empty", lang))


def previous_round(
    store: Store, workshops: Sequence[Workshop], workshop: Workshop, chain_id: int
) -> Workshop | None:
    """The last earlier round in which this chain's group was shown (ipm_model.results)."""
    rounds = tuple(w for w in workshops if chain_id in {c.id for c in w.chains})
    rounds = tuple(w for w in rounds if (w.date, w.id) <= (workshop.date, workshop.id))
    if len(rounds) < 2:
        return None
    # The rule (results.previous_round) on the chain's trend over `rounds`, whose rows of a
    # round are that round's part alone (results.trend_round on the basis of all `rounds`):
    # walking back from the newest earlier round, the first round the rule picks among the
    # parts seen so far is the one it picks on the whole trend, so the older rounds' parts
    # (~0.2 s each on a cold cache) are not computed. Each part is cached per its round's
    # own version, as trend_stats caches it.
    versions = dict(
        zip((w.id for w in rounds), chain_versions(store, rounds, chain_id), strict=True)
    )
    basis = trend_basis(rounds, {w.id: questionnaire_of(w) for w in rounds})
    last = rounds[-1]
    key = (last.questionnaire_id, last.questionnaire_version, basis.shared)
    earlier = [w for w in rounds if (w.date, w.id) < (workshop.date, workshop.id)]
    pieces = []
    for w in reversed(earlier):
        part = _trend_round(
            store, w, (w.id, w.min_group_size), chain_id, versions[w.id], key, basis
        )
        pieces.insert(0, part)
        seen = combine_trend(chain_id, pieces, basis).stats
        if len(seen) and "suppressed" in seen.columns:
            found = results_previous_round(seen, rounds, workshop)
            if found is not None:
                return found
    return None


def findings_version(
    store: Store, workshops: Sequence[Workshop], chain_id: int
) -> tuple[tuple[int, str, str], ...]:
    """What one chain's findings depend on, read fresh on every run: that chain's own
    version in every round (chain_versions; exact, with the leave-out switches). Its figures
    in a round, its trend parts and its previous round are made of those rows only, so a
    change in another chain does not move the key, and a change in this one always does."""
    return chain_versions(store, workshops, chain_id)


# Keyed exactly (findings_version): the time to live only bounds memory.
@st.cache_data(ttl=ROUND_TTL_S, show_spinner=False, max_entries=256)
def findings(
    _store: Store,
    workshops: tuple[Workshop, ...],
    workshop: Workshop,
    chain_id: int,
    version: tuple[tuple[int, str, str], ...],
) -> ChainFindings:
    """One shown chain's agenda, handvatten and statement lists (results.chain_findings),
    compared with the last earlier round in which its group was shown. `version`:
    findings_version of `workshops` (every round the comparison may use) for this chain."""
    results = round_stats(_store, workshop)
    earlier = previous_round(_store, workshops, workshop, chain_id)
    stats_prev = stats_now_shared = changes = None
    if earlier is not None:
        pair = (earlier, workshop)
        trend, _, _ = trend_stats(_store, pair, chain_id)
        stats_prev = trend[trend["workshop_id"] == earlier.id]
        stats_now_shared = trend[trend["workshop_id"] == workshop.id]
        # Real change or noise, on the same statements and people (90 % interval).
        changes = change_stats(_store, pair, chain_id, earlier.id, workshop.id)
    return chain_findings(
        results.chain(chain_id),
        results.chain_statements(chain_id),
        questionnaire_of(workshop),
        stats_prev,
        stats_now_shared=stats_now_shared,
        changes=changes,
        ambition=results.chain_ambition(chain_id),
    )


def round_changes(
    store: Store,
    rounds: tuple[Workshop, ...],
    chain_id: int,
    shown: pd.DataFrame,
    before: Workshop,
    after: Workshop,
) -> pd.DataFrame:
    """One chain's changes from `before` to `after` as the progress page shows them
    (results.progress_changes): `shown` holds the shown trend figures of `rounds`."""
    # Real change or noise: the interval of the difference, on the same statements and people.
    noise = change_stats(store, rounds, chain_id, before.id, after.id)
    # Where the previous round wanted to be by now (its ambition, under the same rules).
    previous = chain_round_stats(store, before, chain_id)
    return progress_changes(
        shown[shown["workshop_id"] == before.id],
        shown[shown["workshop_id"] == after.id],
        noise,
        previous,
        chain_id,
    )


@st.cache_data(ttl=CACHE_TTL_S, show_spinner=False, max_entries=64)
def report_bytes(
    _store: Store,
    code: str,
    chain_id: int | None,
    fmt: str,
    lang: str,
    version: tuple[int, str, int, str],
) -> bytes:
    """The HTML or PowerPoint report of one round (and chain), cached per data state."""
    from ipm_model.reports import build_report

    return build_report(_store, code, chain_id, fmt, lang)


@st.cache_data(ttl=CACHE_TTL_S, show_spinner=False, max_entries=64)
def agenda_html(
    _store: Store, code: str, chain_id: int, lang: str, version: tuple[int, str, int, str]
) -> bytes:
    """A printable page with only the conversation agenda (and handvatten)."""
    from ipm_model.reports import gather_report, render_html

    data = gather_report(_store, code, chain_id)
    return render_html(data, lang, parts=("agenda", "handvatten")).encode("utf-8")


def ambition_section(results: RoundResults, chain_id: int, q: Questionnaire, lang: str) -> None:
    """Now next to the ambition for 12 months: a radar and a table with the gap per phase."""
    rows = for_display(results.chain_ambition(chain_id))
    if rows.empty:
        return
    st.header(t("results.ambition", lang))
    st.caption(t("results.ambition_help", lang, min=results.minimum))
    names = q.phase_names(lang)
    series = []
    for column, label in (("now", "results.now"), ("ambition", "results.ambition_series")):
        series.append(
            pd.DataFrame(
                {
                    "series": t(label, lang),
                    "phase_id": rows["phase_id"],
                    "score": rows[column],
                    "n": rows["n"],
                    "sd": float("nan"),
                }
            )
        )
    show_radar(
        pd.concat(series),
        names,
        lang,
        title=t("results.ambition", lang),
        table=False,
        series_title=t("radar.what", lang),
    )
    table = pd.DataFrame(
        {
            t("result.phase", lang): rows["phase_id"].map(names),
            t("results.now", lang): tables.numbers(rows["now"], lang),
            t("results.ambition_series", lang): tables.numbers(rows["ambition"], lang),
            t("results.gap", lang): tables.changes(rows["gap"], lang),
            t("result.n", lang): rows["n"],
        }
    )
    st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        column_config=tables.right_aligned(
            t("results.now", lang), t("results.ambition_series", lang), t("results.gap", lang)
        ),
    )

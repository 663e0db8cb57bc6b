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
from ipm_model.questionnaire import Questionnaire
from ipm_model.results import (
    RoundResults,
    benchmark_answers,
    benchmark_state,
    breakdowns,
    chain_trend,
    for_display,
    load_answers,
    peer_benchmark,
    period_differences,
    period_results,
    results_state,
    round_results,
    trend_changes,
)
from ipm_model.results import previous_round as results_previous_round
from ipm_model.scoring import phase_order_signals
from ipm_model.storage import exclusions
from ipm_model.store import Store, Workshop
from ipm_model.uncertainty import interval_note, interval_text
from ui import tables
from ui.access import current_grant, require
from ui.charts import show_radar
from ui.context import current_language, get_questionnaire, get_store
from ui.text import plain

CACHE_TTL_S = 30
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
    default = ids.index(with_results[0]) if with_results else 0
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


@st.cache_data(ttl=CACHE_TTL_S, show_spinner=False, max_entries=64)
def round_stats(_store: Store, workshop: Workshop, version: tuple[int, str]) -> RoundResults:
    """One round's shown figures (ipm_model.results.round_results), cached per data state."""
    answers = answers_for(_store, (workshop.id,), version)
    return round_results(answers, questionnaire_of(workshop), workshop.min_group_size)


@st.cache_data(ttl=CACHE_TTL_S, show_spinner=False, max_entries=64)
def breakdown_stats(
    _store: Store, workshop: Workshop, chain_id: int, by: str, version: tuple[int, str]
) -> pd.DataFrame:
    """Phase figures of one chain split by role or partner (both decided together)."""
    answers = answers_for(_store, (workshop.id,), version)
    return breakdowns(answers, questionnaire_of(workshop), chain_id, workshop.min_group_size)[by]


@st.cache_data(ttl=CACHE_TTL_S, show_spinner=False, max_entries=64)
def trend_stats(
    _store: Store, workshops: tuple[Workshop, ...], chain_id: int, version: tuple[int, str]
) -> tuple[pd.DataFrame, tuple[str, ...], tuple[str, ...]]:
    """Phase figures of one chain per round, on the statements all rounds' versions share."""
    answers = answers_for(_store, tuple(w.id for w in workshops), version)
    versions = {w.id: questionnaire_of(w) for w in workshops}
    return chain_trend(answers, workshops, chain_id, versions)


@st.cache_data(ttl=CACHE_TTL_S, show_spinner=False, max_entries=64)
def change_stats(
    _store: Store,
    workshops: tuple[Workshop, ...],
    chain_id: int,
    before_id: int,
    after_id: int,
    version: tuple[int, str],
) -> pd.DataFrame:
    """Per phase the 90 % interval of one chain's change between two rounds and its verdict,
    on the statements all `workshops` share (as trend_stats)."""
    answers = answers_for(_store, tuple(w.id for w in workshops), version)
    versions = {w.id: questionnaire_of(w) for w in workshops}
    return trend_changes(answers, workshops, chain_id, versions, before_id, after_id)


@st.cache_data(ttl=CACHE_TTL_S, show_spinner=False, max_entries=64)
def chain_difference_stats(
    _store: Store,
    workshops: tuple[Workshop, ...],
    chain_a: int,
    chain_b: int,
    version: tuple[int, str],
) -> pd.DataFrame:
    """Per phase the 90 % interval of chain b minus chain a over a round or period."""
    answers = answers_for(_store, tuple(w.id for w in workshops), version)
    versions = {w.id: questionnaire_of(w) for w in workshops}
    return period_differences(answers, workshops, versions, chain_a, chain_b)


@st.cache_data(ttl=CACHE_TTL_S, show_spinner=False, max_entries=16)
def _benchmark(
    _store: Store, questionnaire: tuple[str, int], organisation_id: int, version: tuple
) -> pd.DataFrame:
    answers = benchmark_answers(_store, *questionnaire)
    q = get_questionnaire(*questionnaire)
    return peer_benchmark(answers, q, organisation_id)


def benchmark_bands(store: Store, organisation: dict, workshop: Workshop) -> pd.DataFrame | None:
    """Other organisations' percentile bands for this round's questionnaire, or None (too few
    others, or the organisation opted out of the benchmark)."""
    if organisation.get("benchmark_opt_out"):
        return None
    key = (workshop.questionnaire_id, workshop.questionnaire_version)
    bands = _benchmark(store, key, organisation["id"], benchmark_state(store, *key))
    return bands if has_bands(bands) else None


@st.cache_data(ttl=CACHE_TTL_S, show_spinner=False, max_entries=64)
def period_stats(
    _store: Store, workshops: tuple[Workshop, ...], version: tuple[int, str]
) -> pd.DataFrame:
    """Every chain over several rounds, pooling only what each round shows."""
    answers = answers_for(_store, tuple(w.id for w in workshops), version)
    return period_results(answers, workshops, {w.id: questionnaire_of(w) for w in workshops})


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


def order_signals(stats: pd.DataFrame, q: Questionnaire, lang: str) -> None:
    """Warn when a later phase scores clearly above a phase it builds on."""
    names = q.phase_names(lang)
    for s in phase_order_signals(stats[["phase_id", "mean"]]):
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
    trend, _, _ = trend_stats(store, rounds, chain_id, data_version(store, rounds))
    return results_previous_round(trend, rounds, workshop)


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
    show_radar(pd.concat(series), names, lang, title=t("results.ambition", lang), table=False)
    table = pd.DataFrame(
        {
            t("result.phase", lang): rows["phase_id"].map(names),
            t("results.now", lang): rows["now"],
            t("results.ambition_series", lang): rows["ambition"],
            t("results.gap", lang): rows["gap"],
            t("result.n", lang): rows["n"],
        }
    )
    st.dataframe(table, hide_index=True, width="stretch")

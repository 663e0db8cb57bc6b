"""A round's report data (one chain or all), gathered from ipm_model.results.

`gather_report` collects everything a report shows (results -> agenda -> handvatten ->
actions) into a ReportData; the html and pptx modules only lay it out. The anonymity rules
are the app's: every figure comes from `ipm_model.results` (the disclosure rule), a chain
below the minimum group size shows its participant count only, individual answers are never
listed, and comments appear only for a chain that is large enough.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from ipm_model import formats
from ipm_model.agenda import Agenda
from ipm_model.benchmark import has_bands
from ipm_model.handvatten import Focus, StatementSteps
from ipm_model.i18n import phrase
from ipm_model.model import Action, Chain, Workshop
from ipm_model.questionnaire import Questionnaire, questionnaire_for
from ipm_model.results import (
    RoundResults,
    benchmark_answers,
    chain_comments,
    chain_findings,
    chain_trend,
    for_display,
    load_answers,
    peer_benchmark,
    previous_round,
    round_results,
    shown_changes,
    trend_changes,
)
from ipm_model.scoring import PhaseOrderSignal
from ipm_model.storage.store import Store

# Earlier actions that are still running are carried into a round's report, to be reviewed.
OPEN_STATUSES: tuple[str, ...] = ("open", "busy")

PNG_SCALE = 2
MAX_ACTION_ROWS = 10  # per slide; more continue on the next slide


# -- data ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChainReport:
    """What a report shows for one chain in one round (anonymity rules applied)."""

    chain: Chain
    participants: int
    suppressed: bool
    stats: pd.DataFrame  # this round's phase rows, model order
    previous: Workshop | None  # the last earlier round with results shown for this chain
    trend: pd.DataFrame  # shown phase rows per round (workshop_id), on the shared statements
    changes: pd.DataFrame  # results.shown_changes(previous, this round); may be empty
    dropped_statements: int  # statements left out of the comparison (questionnaire changed)
    signals: tuple[PhaseOrderSignal, ...]
    agenda: Agenda
    focus: tuple[Focus, ...]
    actions: tuple[Action, ...]
    comments: pd.DataFrame  # phase_id, text; empty when the chain is too small
    # Ambition (12 months from now) per phase: results.AMBITION_COLUMNS, shown figures only;
    # empty when nobody gave one.
    ambition: pd.DataFrame = field(default_factory=pd.DataFrame)
    # Per focus phase: the next steps of its lowest-scoring statements (handvatten).
    steps: Mapping[str, tuple[StatementSteps, ...]] = field(default_factory=dict)
    left_out: int = 0  # flagged participants left out of the figures (a count, never who)

    def based_on(self, lang: str) -> str:
        """ "Result of n participants", with the number left out when any were."""

        if self.left_out:
            return phrase("report.left_out", lang, count=self.participants, left_out=self.left_out)
        return phrase("report.based_on", lang, count=self.participants)


@dataclass(frozen=True)
class ReportData:
    """Everything a report of one round shows; built by gather_report."""

    organisation: str
    workshop: Workshop
    questionnaire: Questionnaire
    rounds: tuple[Workshop, ...]  # the organisation's rounds up to and including this one
    chains: tuple[ChainReport, ...]
    comparison: pd.DataFrame  # phase rows of every chain of the round (chain_id first)
    created: date
    overall: pd.DataFrame  # all shown chains of the round pooled, per phase (results.overall)
    # Other organisations' percentile bands per phase (benchmark.BAND_COLUMNS), or None.
    benchmark: pd.DataFrame | None = None

    def round_names(self, lang: str) -> dict[int, str]:
        """A display name per round: its title, with the date (in `lang`'s words, as the
        report writes dates) when two titles are equal."""
        titles = [w.title for w in self.rounds]
        return {
            w.id: w.title
            if titles.count(w.title) == 1
            else f"{w.title} ({formats.day(w.date, lang)})"
            for w in self.rounds
        }


def _chain_report(
    store: Store,
    workshop: Workshop,
    chain: Chain,
    rounds: Sequence[Workshop],
    answers: pd.DataFrame,
    results: RoundResults,
) -> ChainReport:
    stats = results.chain(chain.id)
    statements = results.chain_statements(chain.id)
    participants = results.counted(chain.id) or results.finished.get(chain.id, 0)
    suppressed = stats.empty or bool(stats["suppressed"].any())

    chain_rounds = [w for w in rounds if w.chain(chain.id) is not None]
    versions = {
        w.id: questionnaire_for(w.questionnaire_id, w.questionnaire_version) for w in chain_rounds
    }
    trend, _, dropped_ids = chain_trend(answers, chain_rounds, chain.id, versions)
    dropped = len(dropped_ids)
    trend = trend[~trend["suppressed"]].reset_index(drop=True)
    previous = None if suppressed else previous_round(trend, chain_rounds, workshop)
    now_shared = trend[trend["workshop_id"] == workshop.id]
    prev_shared = trend[trend["workshop_id"] == previous.id] if previous else None
    changes = (
        shown_changes(prev_shared, now_shared)
        if prev_shared is not None
        else pd.DataFrame(columns=["phase_id", "mean_before", "mean_after", "change"])
    )

    if suppressed:
        agenda = Agenda(participants=participants, suppressed=True)
        signals: tuple[PhaseOrderSignal, ...] = ()
        focus: tuple[Focus, ...] = ()
        steps: Mapping[str, tuple[StatementSteps, ...]] = {}
    else:
        before = prev_shared.drop(columns="workshop_id") if prev_shared is not None else None
        after = now_shared.drop(columns="workshop_id")
        noise = (
            trend_changes(answers, chain_rounds, chain.id, versions, previous.id, workshop.id)
            if previous is not None
            else None
        )  # marks each drop as real or "binnen de ruis"
        # The same findings as the results page (results.chain_findings).
        found = chain_findings(
            stats,
            statements,
            versions[workshop.id],
            before,
            stats_now_shared=after,
            changes=noise,
            ambition=results.chain_ambition(chain.id),
        )
        agenda, signals, focus, steps = found.agenda, found.signals, found.focus, found.steps

    ids = {w.id for w in chain_rounds}
    keep = {workshop.id} | ({previous.id} if previous else set())
    actions = tuple(
        a
        for a in store.actions(chain_id=chain.id, workshop_ids=sorted(ids))
        if a.workshop_id in keep or a.status in OPEN_STATUSES
    )
    # Free text only for a chain large enough to be shown at all (never per person).
    comments = chain_comments(store, workshop, chain.id, results)
    return ChainReport(
        left_out=results.left_out.get(chain.id, 0),
        chain=chain,
        participants=participants,
        suppressed=suppressed,
        stats=stats,
        previous=previous,
        trend=trend,
        changes=changes,
        dropped_statements=dropped if previous else 0,
        signals=signals,
        agenda=agenda,
        focus=focus,
        actions=actions,
        comments=comments,
        ambition=pd.DataFrame() if suppressed else for_display(results.chain_ambition(chain.id)),
        steps=steps,
    )


def gather_report(
    store: Store,
    workshop_code: str,
    chain_id: int | None = None,
    *,
    today: date | None = None,
) -> ReportData:
    """Collect a round's report data, for one chain or (chain_id None) for all its chains.

    Raises ValueError for an unknown workshop code or a chain that is not in the workshop.
    """
    workshop = store.workshop_by_code(workshop_code)
    if workshop is None:
        raise ValueError(f"no workshop with code {workshop_code!r}")
    if chain_id is None:
        chains = workshop.chains
    else:
        try:
            chain = workshop.chain(int(chain_id))
        except (TypeError, ValueError):  # not a number: no such chain either
            chain = None
        if chain is None:
            offered = ", ".join(f"{c.id} ({c.name})" for c in workshop.chains)
            raise ValueError(
                f"chain {chain_id} is not part of workshop {workshop.code}; its chains: {offered}"
            )
        chains = (chain,)
    q = questionnaire_for(workshop.questionnaire_id, workshop.questionnaire_version)
    organisation = store.organisation(workshop.organisation_id) or {"name": ""}
    everything = store.workshops(workshop.organisation_id)  # oldest first
    rounds = tuple(everything[: [w.id for w in everything].index(workshop.id) + 1])

    answers = load_answers(store, [w.id for w in rounds])
    now = answers[answers["workshop_id"] == workshop.id]
    results = round_results(now, q, workshop.min_group_size)
    reports = tuple(_chain_report(store, workshop, c, rounds, answers, results) for c in chains)
    return ReportData(
        organisation=str(organisation["name"]),
        workshop=workshop,
        questionnaire=q,
        rounds=rounds,
        chains=reports,
        comparison=results.phases,
        created=today or date.today(),
        overall=results.overall,
        benchmark=_benchmark(store, organisation, workshop, q),
    )


def _benchmark(store: Store, organisation: dict, workshop: Workshop, q: Questionnaire):
    """Other organisations' percentile bands (results.peer_benchmark), or None: opted out,
    or too few other organisations."""
    if organisation.get("benchmark_opt_out") or "id" not in organisation:
        return None
    answers = benchmark_answers(store, workshop.questionnaire_id, workshop.questionnaire_version)
    bands = peer_benchmark(answers, q, int(organisation["id"]))
    return bands if has_bands(bands) else None


def hidden_chains(data: ReportData) -> list[str]:
    """Names of the round's chains whose figures are hidden (too few participants)."""
    rows = data.comparison.drop_duplicates("chain_id")
    hidden = set(rows.loc[rows["suppressed"], "chain_id"])
    with_rows = set(rows["chain_id"])
    return [c.name for c in data.workshop.chains if c.id in hidden or c.id not in with_rows]


# -- summary --------------------------------------------------------------------------------

SUMMARY_POINTS = 3  # gaps and changes named on a summary


@dataclass(frozen=True)
class Point:
    """One figure a summary names: a chain's phase, its shown score and (maybe) its change."""

    chain: str
    phase_id: str
    score: float
    before: float | None = None
    change: float | None = None


@dataclass(frozen=True)
class Summary:
    """Where the organisation (or the chain) stands, for a report's first page and slide.

    Every figure is a shown one (rounded by results.for_display), so the summary and the
    pages after it never disagree.
    """

    participants: int
    chains_shown: int
    chains: int
    strongest: Point | None
    weakest: Point | None
    gaps: tuple[Point, ...]  # the lowest chain x phase scores
    changes: tuple[Point, ...]  # the largest changes since each chain's previous round
    agenda: tuple[tuple[str, Focus], ...]  # (chain, first focus phase) per shown chain
    hidden: tuple[str, ...]  # chains whose figures are hidden


def summarise(data: ReportData) -> Summary:
    """The summary of a report (see Summary)."""
    shown = [c for c in data.chains if not c.suppressed]
    several = len(data.chains) > 1
    pooled = for_display(data.overall if several else (shown[0].stats if shown else data.overall))
    pooled = pooled.dropna(subset=["mean"]) if shown else pooled.iloc[0:0]
    name = "" if several or not shown else shown[0].chain.name

    def point(row) -> Point:
        return Point(name, row.phase_id, float(row.mean))

    by_mean = pooled.sort_values("mean", kind="stable")
    cells = [
        Point(c.chain.name, r.phase_id, float(r.mean))
        for c in shown
        for r in for_display(c.stats).dropna(subset=["mean"]).itertuples()
    ]
    changes = [
        Point(c.chain.name, r.phase_id, float(r.mean_after), float(r.mean_before), float(r.change))
        for c in shown
        for r in c.changes.dropna(subset=["change"]).itertuples()
        if r.change != 0
    ]
    changes.sort(key=lambda p: -abs(p.change or 0.0))
    return Summary(
        participants=sum(c.participants for c in shown),
        chains_shown=len(shown),
        chains=len(data.chains),
        strongest=point(next(by_mean.iloc[::-1].itertuples())) if len(by_mean) else None,
        weakest=point(next(by_mean.itertuples())) if len(by_mean) else None,
        gaps=tuple(sorted(cells, key=lambda p: p.score)[:SUMMARY_POINTS]),
        changes=tuple(changes[:SUMMARY_POINTS]),
        agenda=tuple((c.chain.name, c.focus[0]) for c in shown if c.focus),
        hidden=tuple(hidden_chains(data)) if several else (),
    )

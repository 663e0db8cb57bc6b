"""The agenda for a chain conversation, built from one chain's results in one round.

Four sections, in this order, each with at most `top` items and the numbers behind them:

1. weakest_phases: the phases with the lowest mean score. Ties: model order.
1a. gaps (only when participants gave a 12-month ambition): the phases where the mean
   ambition lies furthest above the mean now, from MIN_GAP (0.5 points) up, largest first.
   Ties: model order. Input: results.ambition_results rows of the group (already checked).
2. drops: phases whose mean fell by MIN_DROP (0.1 points) or more since the previous round,
   largest drop first. Ties: model order. Both rounds must be scored on the same statements
   (see scoring.comparable_answers), so a changed questionnaire does not look like a drop.
   With `changes` (results.trend_changes) each drop says whether it is a real drop (the
   90 % interval of the change lies below zero) or "binnen de ruis".
3. disagreement: statements whose answers spread most (sample sd of the 1–5 answers), from
   MIN_SD (1.0: answers lie on average a full point apart) up, largest first.
   Ties: the row order (statement_stats gives questionnaire order).
4. dont_know: statements where at least MIN_DONT_KNOW_RATE (15%) of the participants chose
   "weet ik niet", highest first. Ties: the row order.

The inputs are ONE group's rows after scoring.suppress_small_groups; a hidden cell (no mean,
sd or rate) never becomes an item, and a suppressed group gets an empty agenda. Raw, unchecked
statistics are refused, so a page cannot show numbers the anonymity rule would hide.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ipm_model import formats
from ipm_model.formats import for_display
from ipm_model.i18n import escape_markdown, phrase
from ipm_model.phases import PHASE_IDS
from ipm_model.questionnaire import Questionnaire
from ipm_model.scoring import DIST_COLUMNS, dont_know_hotspots, most_disagreement, score_changes
from ipm_model.uncertainty import DOWN, NOISE, UNKNOWN

DEFAULT_TOP = 3
MIN_DROP = 0.1
MIN_SD = 1.0
MIN_DONT_KNOW_RATE = 0.15
MIN_GAP = 0.5
_EPS = 1e-9  # thresholds are inclusive; float noise must not push a value just under one

SECTIONS: tuple[str, ...] = ("weakest_phases", "gaps", "drops", "disagreement", "dont_know")
# The kind of the items in each section.
KINDS: dict[str, str] = {
    "weakest_phases": "weakest_phase",
    "gaps": "gap",
    "drops": "drop",
    "disagreement": "disagreement",
    "dont_know": "dont_know",
}


@dataclass(frozen=True)
class AgendaItem:
    """One point for the conversation, with the numbers behind it.

    `value` is what the section ranks by: the mean (weakest_phase), the change (drop, < 0),
    the sd (disagreement) or the don't-know rate (dont_know). `n` is the number of people
    behind it: people with a score, or participants for the don't-know rate.
    """

    kind: str
    phase_id: str
    value: float
    n: int
    statement_id: str | None = None
    mean: float | None = None
    sd: float | None = None
    mean_before: float | None = None
    n_before: int | None = None
    dont_know: int | None = None
    distribution: tuple[int, ...] = ()  # answers with value 1..5 (disagreement items)
    verdict: str | None = None  # drops: uncertainty.DOWN, NOISE or UNKNOWN (None: not known)
    ambition: float | None = None  # gap items: the mean ambition (mean: the mean now)


@dataclass(frozen=True)
class Agenda:
    """The agenda of one chain and round: four ranked sections (see the module docstring)."""

    weakest_phases: tuple[AgendaItem, ...] = ()
    drops: tuple[AgendaItem, ...] = ()
    disagreement: tuple[AgendaItem, ...] = ()
    dont_know: tuple[AgendaItem, ...] = ()
    participants: int = 0
    suppressed: bool = False
    compared: bool = False  # a previous round was given, so `drops` means something
    gaps: tuple[AgendaItem, ...] = ()
    with_ambition: bool = False  # ambitions were given, so `gaps` is a section

    def sections(self) -> tuple[tuple[str, tuple[AgendaItem, ...]], ...]:
        """(section name, items) in agenda order; `gaps` only when ambitions were given."""
        return tuple(
            (name, getattr(self, name)) for name in SECTIONS if name != "gaps" or self.with_ambition
        )

    @property
    def is_empty(self) -> bool:
        return not any(items for _, items in self.sections())


# -- building ----------------------------------------------------------------------------------


def _one_group(frame: pd.DataFrame, what: str) -> pd.DataFrame:
    """Check that `frame` is anonymity-checked and holds a single group; return it."""
    missing = {"suppressed", "scores_hidden"} - set(frame.columns)
    if missing:
        raise ValueError(f"{what}: apply scoring.suppress_small_groups first")
    cell = "statement_id" if "statement_id" in frame.columns else "phase_id"
    if frame[cell].duplicated().any():
        raise ValueError(f"{what}: pass the rows of one group only")
    return frame.reset_index(drop=True)


def _shown(frame: pd.DataFrame, column: str) -> pd.Series:
    """Rows whose `column` may be shown: not hidden by the anonymity rule, and present."""
    hidden = frame["suppressed"] if column == "dont_know_rate" else frame["scores_hidden"]
    return frame[column].notna() & ~hidden.astype(bool)


def _model_order(phase_ids: pd.Series) -> np.ndarray:
    return phase_ids.map({p: i for i, p in enumerate(PHASE_IDS)}).to_numpy()


def weakest_phase_items(stats: pd.DataFrame, top: int = DEFAULT_TOP) -> tuple[AgendaItem, ...]:
    """The `top` phases with the lowest shown mean (ties: model order) of one group."""
    stats = _one_group(stats, "stats")
    rows = stats[_shown(stats, "mean")].assign(_phase=lambda f: _model_order(f["phase_id"]))
    rows = rows.sort_values(["mean", "_phase"], kind="stable").head(top)
    return tuple(
        AgendaItem(
            kind=KINDS["weakest_phases"],
            phase_id=r.phase_id,
            value=float(r.mean),
            n=int(r.n),
            mean=float(r.mean),
            sd=None if pd.isna(r.sd) else float(r.sd),
        )
        for r in rows.itertuples()
    )


def _drop_items(
    before: pd.DataFrame,
    after: pd.DataFrame,
    top: int,
    min_drop: float,
    changes: pd.DataFrame | None = None,
) -> tuple[AgendaItem, ...]:
    verdicts = (
        {} if changes is None else dict(zip(changes["phase_id"], changes["verdict"], strict=True))
    )
    keep = ["phase_id", "mean", "n"]
    before = before.loc[_shown(before, "mean"), keep]
    after = after.loc[_shown(after, "mean"), keep]
    # Shown values and their difference (the one number rule): a drop is what a reader sees.
    drops = for_display(score_changes(before, after)).dropna(subset=["change"])
    drops = drops[drops["change"] <= -min_drop + _EPS]
    drops = drops.assign(_phase=_model_order(drops["phase_id"]))
    drops = drops.sort_values(["change", "_phase"], kind="stable").head(top)
    return tuple(
        AgendaItem(
            kind=KINDS["drops"],
            phase_id=r.phase_id,
            value=float(r.change),
            n=int(r.n_after),
            mean=float(r.mean_after),
            mean_before=float(r.mean_before),
            n_before=int(r.n_before),
            verdict=verdicts.get(r.phase_id, UNKNOWN) if verdicts else None,
        )
        for r in drops.itertuples()
    )


def _gap_items(ambition: pd.DataFrame, top: int, min_gap: float) -> tuple[AgendaItem, ...]:
    """The `top` phases whose shown ambition lies furthest above the shown mean now."""
    rows = ambition[
        ambition["gap"].notna()
        & ~ambition["scores_hidden"].astype(bool)
        & (ambition["gap"] >= min_gap - _EPS)
    ]
    rows = rows.assign(_phase=_model_order(rows["phase_id"]))
    rows = rows.sort_values(["gap", "_phase"], ascending=[False, True], kind="stable").head(top)
    return tuple(
        AgendaItem(
            kind=KINDS["gaps"],
            phase_id=r.phase_id,
            value=float(r.gap),
            n=int(r.n),
            mean=float(r.now),
            ambition=float(r.ambition),
        )
        for r in rows.itertuples()
    )


def _disagreement_items(
    statements: pd.DataFrame, top: int, min_sd: float
) -> tuple[AgendaItem, ...]:
    rows = statements[_shown(statements, "sd") & (statements["sd"] >= min_sd - _EPS)]
    return tuple(
        AgendaItem(
            kind=KINDS["disagreement"],
            phase_id=r.phase_id,
            statement_id=r.statement_id,
            value=float(r.sd),
            n=int(r.n),
            mean=float(r.mean),
            sd=float(r.sd),
            distribution=tuple(int(getattr(r, c)) for c in DIST_COLUMNS),
        )
        for r in most_disagreement(rows, top).itertuples()
    )


def _dont_know_items(statements: pd.DataFrame, top: int, min_rate: float) -> tuple[AgendaItem, ...]:
    rate = statements["dont_know_rate"]
    rows = statements[_shown(statements, "dont_know_rate") & (rate >= min_rate - _EPS)]
    return tuple(
        AgendaItem(
            kind=KINDS["dont_know"],
            phase_id=r.phase_id,
            statement_id=r.statement_id,
            value=float(r.dont_know_rate),
            n=int(r.participants),
            dont_know=int(r.dont_know),
        )
        for r in dont_know_hotspots(rows, top).itertuples()
    )


def build_agenda(
    stats_now: pd.DataFrame,
    statements_now: pd.DataFrame,
    stats_prev: pd.DataFrame | None = None,
    *,
    top: int = DEFAULT_TOP,
    stats_now_shared: pd.DataFrame | None = None,
    min_drop: float = MIN_DROP,
    min_sd: float = MIN_SD,
    min_dont_know_rate: float = MIN_DONT_KNOW_RATE,
    changes: pd.DataFrame | None = None,
    ambition: pd.DataFrame | None = None,
    min_gap: float = MIN_GAP,
) -> Agenda:
    """The conversation agenda of one group (chain) in one round.

    `stats_now`: the group's group_phase_stats rows, `statements_now` its statement_stats
    rows, both after suppress_small_groups. `stats_prev`: the group's phase rows in the
    previous round (None: no previous round). Drops compare `stats_prev` with
    `stats_now_shared` (default `stats_now`): pass both scored on the statements the two
    rounds share when the questionnaire versions differ. `changes` (phase_id, verdict; from
    results.trend_changes) marks each drop as real or "binnen de ruis". `ambition`: the
    group's results.ambition_results rows (None or empty: no ambitions, no gaps section).
    """
    stats_now = _one_group(stats_now, "stats_now")
    statements_now = _one_group(statements_now, "statements_now")
    participants = int(stats_now["participants"].max()) if not stats_now.empty else 0
    suppressed = bool(stats_now["suppressed"].any()) or stats_now.empty
    compared = stats_prev is not None
    if suppressed:
        return Agenda(participants=participants, suppressed=True, compared=compared)
    with_ambition = ambition is not None and int(ambition["n"].sum()) > 0
    drops: tuple[AgendaItem, ...] = ()
    if stats_prev is not None:
        after = stats_now if stats_now_shared is None else stats_now_shared
        before = _one_group(stats_prev, "stats_prev")
        drops = _drop_items(before, _one_group(after, "stats_now_shared"), top, min_drop, changes)
    return Agenda(
        weakest_phases=weakest_phase_items(stats_now, top),
        drops=drops,
        disagreement=_disagreement_items(statements_now, top, min_sd),
        dont_know=_dont_know_items(statements_now, top, min_dont_know_rate),
        participants=participants,
        suppressed=False,
        compared=compared,
        gaps=() if not with_ambition else _gap_items(ambition, top, min_gap),
        with_ambition=with_ambition,
    )


def headline(agenda: Agenda, top: int = 3) -> tuple[AgendaItem, ...]:
    """The `top` biggest points for a first screen: the first of each section in agenda
    order (weakest phase, biggest drop, most disagreement, most don't-know), then the next
    ones of each section in turn."""
    sections = [items for _, items in agenda.sections() if items]
    picked: list[AgendaItem] = []
    depth = 0
    while len(picked) < top and any(depth < len(items) for items in sections):
        picked += [items[depth] for items in sections if depth < len(items)]
        depth += 1
    return tuple(picked[:top])


# -- texts ---------------------------------------------------------------------------------------


def item_texts(item: AgendaItem, questionnaire: Questionnaire, lang: str) -> tuple[str, str]:
    """(what, numbers): the phase or statement it is about, and the numbers, as plain text."""
    phase = questionnaire.phase(item.phase_id)
    what = phase.name.get(lang)
    if item.statement_id is not None:
        texts = {s.id: s.text.get(lang) for s in phase.statements}
        what = f"{what}: {texts.get(item.statement_id, item.statement_id)}"
    key = f"item.{item.kind}"
    if item.kind == KINDS["weakest_phases"]:
        numbers = phrase(
            key,
            lang,
            mean=formats.number(item.mean, lang),
            n=item.n,
            sd=formats.number(item.sd, lang, 2),
        )
    elif item.kind == KINDS["gaps"]:
        numbers = phrase(
            key,
            lang,
            now=formats.number(item.mean, lang),
            ambition=formats.number(item.ambition, lang),
            gap=formats.change(item.value, lang),
            n=item.n,
        )
    elif item.kind == KINDS["drops"]:
        numbers = phrase(
            key,
            lang,
            before=formats.number(item.mean_before, lang),
            after=formats.number(item.mean, lang),
            change=formats.change(item.value, lang),
            n_before=item.n_before,
            n=item.n,
        )
        if item.verdict in (DOWN, NOISE, UNKNOWN):
            numbers = f"{numbers} · {phrase(f'item.drop.{item.verdict}', lang)}"
    elif item.kind == KINDS["disagreement"]:
        d = item.distribution or (0,) * 5
        numbers = phrase(
            key,
            lang,
            sd=formats.number(item.sd, lang, 2),
            n=item.n,
            disagree=d[0] + d[1],
            neutral=d[2],
            agree=d[3] + d[4],
        )
    else:
        numbers = phrase(
            key,
            lang,
            rate=formats.percent(item.value, lang),
            count=item.dont_know,
            n=item.n,
        )
    return what, numbers


def item_question(item: AgendaItem, questionnaire: Questionnaire, lang: str) -> str | None:
    """The phase's key question for a phase item (weakest phase, drop); None for statements."""
    if item.statement_id is not None:
        return None
    return questionnaire.phase(item.phase_id).key_question.get(lang)


def empty_text(agenda: Agenda, section: str, lang: str) -> str:
    """What to say when a section has no items."""
    if section == "drops" and not agenda.compared:
        return phrase("section.drops.no_previous", lang)
    return phrase(f"section.{section}.empty", lang)


def agenda_markdown(
    agenda: Agenda,
    questionnaire: Questionnaire,
    lang: str,
    *,
    title: str | None = None,
    min_group_size: int | None = None,
) -> str:
    """The agenda as Markdown for a page or a download; `title` (e.g. a chain name) escaped."""
    heading = (
        phrase("agenda.title_for", lang, name=escape_markdown(title))
        if title
        else phrase("agenda.title", lang)
    )
    lines = [f"## {heading}", ""]
    if agenda.suppressed:
        if min_group_size is None:
            lines.append(phrase("agenda.suppressed_short", lang))
        else:
            lines.append(
                phrase(
                    "agenda.suppressed",
                    lang,
                    count=agenda.participants,
                    min=min_group_size,
                )
            )
        return "\n".join(lines) + "\n"
    lines += [phrase("agenda.based_on", lang, count=agenda.participants), ""]
    for number, (section, items) in enumerate(agenda.sections(), start=1):
        lines.append(f"### {number}. {phrase(f'section.{section}', lang)}")
        lines.append(f"_{escape_markdown(phrase(f'section.{section}.help', lang))}_")
        lines.append("")
        if not items:
            lines.append(escape_markdown(empty_text(agenda, section, lang)))
        for item in items:
            what, numbers = item_texts(item, questionnaire, lang)
            if item.statement_id is None:
                lines.append(f"- **{escape_markdown(what)}**: {escape_markdown(numbers)}")
            else:  # a statement ends with a full stop: its numbers on a line of their own
                lines.append(f"- **{escape_markdown(what)}**")
                lines.append(f"  - {escape_markdown(numbers)}")
            question = item_question(item, questionnaire, lang)
            if question:
                asked = phrase("item.question", lang, question=question)
                lines.append(f"  - {escape_markdown(asked)}")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"

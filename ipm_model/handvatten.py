"""Handvatten: concrete next steps, per statement, and which of them a chain sees first.

The steps live in the questionnaire: each statement has one or two `steps`, each for a named
role kind (questionnaire.NextStep; validated with the questionnaire). A step hangs on what
was measured, so the advice follows the statements that score low, not the phase as a whole.

- `statement_steps`: the steps of a chain's lowest-scoring statements (results page first).
- `focus_phases`: the phases that need attention (the weakest, and the weak foundation of a
  phase order signal); `handvatten_markdown` gives per focus phase its opening question and
  the steps of its own lowest-scoring statements.
- `next_steps`: statement id -> steps. A statement of an older version without steps takes
  them from the newest version of the same questionnaire that keeps its id (a kept id keeps
  its meaning), so a round on version 1 still gets advice where the statement survived.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from types import MappingProxyType

import pandas as pd

from ipm_model import formats
from ipm_model.agenda import weakest_phase_items
from ipm_model.i18n import escape_markdown, phrase
from ipm_model.phases import PHASE_IDS
from ipm_model.questionnaire import (
    NextStep,
    Questionnaire,
    QuestionnaireError,
    available_questionnaires,
    questionnaire_for,
)
from ipm_model.scoring import phase_order_signals

FOCUS_WEAKEST = 2  # how many of a chain's weakest phases get their handvatten shown
LOWEST_STATEMENTS = 3  # how many of a chain's lowest-scoring statements get their steps shown
PER_FOCUS_PHASE = 2  # per focus phase: the steps of this many of its lowest statements


@dataclass(frozen=True)
class Focus:
    """A phase whose handvatten to show, and why.

    `weakest`: among the chain's weakest phases. `foundation_for`: later phases that score
    clearly higher than this one (phase order signal), so this phase needs work first.
    """

    phase_id: str
    weakest: bool = False
    foundation_for: tuple[str, ...] = ()


@dataclass(frozen=True)
class StatementSteps:
    """The next steps of one low-scoring statement of one chain."""

    statement_id: str
    phase_id: str
    mean: float
    steps: tuple[NextStep, ...]


def next_steps(questionnaire: Questionnaire) -> Mapping[str, tuple[NextStep, ...]]:
    """Statement id -> its next steps (see the module doc for statements of older versions)."""
    return _next_steps(questionnaire.id, questionnaire.version, questionnaire)


@cache
def _next_steps(qid: str, version: int, q: Questionnaire) -> Mapping[str, tuple[NextStep, ...]]:
    found = {s.id: s.steps for s in q.statements if s.steps}
    newer = sorted(
        (v for i, v in available_questionnaires() if i == qid and v > version), reverse=True
    )
    for v in newer:  # the newest first: its steps win
        try:
            other = questionnaire_for(qid, v)
        except (KeyError, QuestionnaireError):  # the app refuses to start on those anyway
            continue
        for s in other.statements:
            if s.steps and s.id not in found and s.id in set(q.statement_ids):
                found[s.id] = s.steps
    return MappingProxyType(found)


def _lowest(
    statements: pd.DataFrame,
    questionnaire: Questionnaire,
    top: int,
    *,
    phase_id: str | None = None,
    skip: Iterable[str] = (),
) -> tuple[StatementSteps, ...]:
    """The `top` lowest-scoring shown statements that have steps (ties: questionnaire order)."""
    steps = next_steps(questionnaire)
    keep = set(steps) - set(skip)
    shown = statements[
        statements["mean"].notna()
        & ~statements["scores_hidden"].astype(bool)
        & statements["statement_id"].isin(keep)
    ]
    if phase_id is not None:
        shown = shown[shown["phase_id"] == phase_id]
    order = {sid: i for i, sid in enumerate(questionnaire.statement_ids)}
    lowest = shown.assign(_o=shown["statement_id"].map(order)).sort_values(["mean", "_o"])
    return tuple(
        StatementSteps(r.statement_id, r.phase_id, float(r.mean), steps[r.statement_id])
        for r in lowest.head(top).itertuples()
    )


def focus_phases(stats: pd.DataFrame, *, weakest: int = FOCUS_WEAKEST) -> tuple[Focus, ...]:
    """Phases of one chain whose handvatten to show, in model order.

    `stats`: the chain's group_phase_stats rows after suppress_small_groups. The `weakest`
    lowest-scoring phases (agenda ranking), plus the weak foundation of every phase order
    signal. Model order, because each phase builds on the ones before it: start at the
    bottom. Empty when no phase has a shown score.
    """
    lowest = {item.phase_id for item in weakest_phase_items(stats, weakest)}
    shown = stats.loc[stats["mean"].notna() & ~stats["scores_hidden"].astype(bool)]
    foundations: dict[str, list[str]] = {}
    for signal in phase_order_signals(shown[["phase_id", "mean"]]):
        foundations.setdefault(signal.earlier_phase, []).append(signal.later_phase)
    return tuple(
        Focus(phase_id=p, weakest=p in lowest, foundation_for=tuple(foundations.get(p, ())))
        for p in PHASE_IDS
        if p in lowest or p in foundations
    )


# -- next steps per statement ---------------------------------------------------------------------


def statement_steps(
    statements: pd.DataFrame, questionnaire: Questionnaire, top: int = LOWEST_STATEMENTS
) -> tuple[StatementSteps, ...]:
    """The lowest-scoring statements of one chain that have next steps, lowest first.

    `statements`: the chain's statement_stats rows after suppress_small_groups (hidden means
    never count).
    """
    return _lowest(statements, questionnaire, top)


def phase_steps(
    focus: tuple[Focus, ...],
    statements: pd.DataFrame,
    questionnaire: Questionnaire,
    *,
    per_phase: int = PER_FOCUS_PHASE,
    skip: Iterable[str] = (),
) -> dict[str, tuple[StatementSteps, ...]]:
    """Per focus phase: the steps of its lowest-scoring statements (not those in `skip`)."""
    return {
        f.phase_id: _lowest(statements, questionnaire, per_phase, phase_id=f.phase_id, skip=skip)
        for f in focus
    }


def _steps_lines(items: Iterable[StatementSteps], questionnaire: Questionnaire, lang: str) -> list:
    lines = []
    for item in items:
        text = questionnaire.statement(item.statement_id).text.get(lang)
        mean = formats.number(item.mean, lang)
        lines.append(f"**{escape_markdown(text)}** ({escape_markdown(mean)})")
        for step in item.steps:
            role = phrase(f"handvatten.role.{step.role}", lang)
            lines.append(f"- _{escape_markdown(role)}:_ {escape_markdown(step.text.get(lang))}")
        lines.append("")
    return lines


def statement_steps_markdown(
    items: tuple[StatementSteps, ...], questionnaire: Questionnaire, lang: str
) -> str:
    """The steps of the lowest-scoring statements as Markdown, each step for a named role."""
    lines = [f"_{escape_markdown(phrase('handvatten.statements_intro', lang))}_", ""]
    lines += _steps_lines(items, questionnaire, lang)
    return "\n".join(lines).rstrip() + "\n"


# -- texts ---------------------------------------------------------------------------------------


def _join(names: list[str], lang: str) -> str:
    """'a', 'a en b', 'a, b en c' ('and' in English)."""
    word = " and " if lang == "en" else " en "
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + word + names[-1]


def focus_reason(focus: Focus, questionnaire: Questionnaire, lang: str) -> str:
    """Why a phase's steps are shown, e.g. 'een van de zwakste fases; de basis onder Doen'."""
    names = questionnaire.phase_names(lang)
    reasons = [phrase("handvatten.why_weakest", lang)] if focus.weakest else []
    if focus.foundation_for:
        later = _join([names[p] for p in focus.foundation_for], lang)
        reasons.append(phrase("handvatten.why_foundation", lang, phases=later))
    return "; ".join(reasons)


def handvatten_markdown(
    focus: tuple[Focus, ...],
    questionnaire: Questionnaire,
    lang: str,
    *,
    steps: Mapping[str, tuple[StatementSteps, ...]],
) -> str:
    """The focus phases as Markdown: per phase its reason, its key question as the opening
    question, and the steps of its lowest-scoring statements (`steps`, from phase_steps).
    A phase without steps still gets its opening question."""
    if not focus:
        return escape_markdown(phrase("handvatten.none", lang)) + "\n"
    opening = phrase("handvatten.opening_question", lang)
    lines = [f"_{escape_markdown(phrase('handvatten.intro', lang))}_", ""]
    for f in focus:
        phase = questionnaire.phase(f.phase_id)
        name, why = phase.name.get(lang), focus_reason(f, questionnaire, lang)
        lines.append(f"### {escape_markdown(name)} ({escape_markdown(why)})")
        lines.append(f"**{opening}:** _{escape_markdown(phase.key_question.get(lang))}_")
        lines.append("")
        lines += _steps_lines(steps.get(f.phase_id, ()), questionnaire, lang)
    return "\n".join(lines).rstrip() + "\n"

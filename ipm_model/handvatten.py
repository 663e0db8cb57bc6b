"""Handvatten: practical next steps per phase, loaded and validated from a data file.

The steps live next to the questionnaire, in questionnaires/handvatten/<questionnaire id>.toml
(a folder of their own: every *.toml directly in questionnaires/ is read as a questionnaire):

    questionnaire = "ipm-ketenscan"

    [[phases]]
    id = "inzicht"                 # the seven phases, in the model's order

    [[phases.steps]]
    id = "inzicht-draw-route"      # unique in the file, stable
    nl = "..."                     # B1 Dutch, at most MAX_STEP_CHARS characters
    en = "..."

Each phase has MIN_STEPS to MAX_STEPS steps. Errors name the file and the place, like the
questionnaire loader's. `focus_phases` says for which phases of a chain to show them: its
weakest phases, and the weak earlier phase of every phase order signal.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pandas as pd

from ipm_model.agenda import pick, weakest_phase_items
from ipm_model.i18n import escape_markdown
from ipm_model.phases import PHASE_IDS
from ipm_model.questionnaire import (
    _ID_RE,
    QUESTIONNAIRE_DIR,
    Questionnaire,
    QuestionnaireError,
    Text,
    _Checker,
    read_toml,
)
from ipm_model.scoring import phase_order_signals

HANDVATTEN_DIR = QUESTIONNAIRE_DIR / "handvatten"
DEFAULT_QUESTIONNAIRE_ID = "ipm-ketenscan"
MIN_STEPS = 3
MAX_STEPS = 5
MAX_STEP_CHARS = 200
FOCUS_WEAKEST = 2  # how many of a chain's weakest phases get their handvatten shown


@dataclass(frozen=True)
class Step:
    """One practical next step for a phase."""

    id: str
    phase_id: str
    text: Text


@dataclass(frozen=True)
class Focus:
    """A phase whose handvatten to show, and why.

    `weakest`: among the chain's weakest phases. `foundation_for`: later phases that score
    clearly higher than this one (phase order signal), so this phase needs work first.
    """

    phase_id: str
    weakest: bool = False
    foundation_for: tuple[str, ...] = ()


def parse_handvatten(
    data: Mapping[str, Any], source: str = "<handvatten>"
) -> tuple[str, Mapping[str, tuple[Step, ...]]]:
    """Validate parsed TOML data; return (questionnaire id, {phase_id: steps})."""
    c = _Checker(source)
    c.table(data, "", "the file")
    qid = c.required(data, "questionnaire", "")
    if not isinstance(qid, str) or not _ID_RE.match(qid):
        raise c.fail("", f"'questionnaire' must be a questionnaire id, not {qid!r}")
    raw_phases = c.array(c.required(data, "phases", ""), "phases", "'phases'")
    steps: dict[str, tuple[Step, ...]] = {}
    seen: dict[str, str] = {}
    for i, raw in enumerate(raw_phases, start=1):
        raw, pid, where = c.phase(raw, i, steps)
        raw_steps = c.array(c.required(raw, "steps", where), where, "'steps'")
        phase_steps = []
        for j, rs in enumerate(raw_steps, start=1):
            rs, sid, swhere = c.item(rs, where, j, "step", seen, pid)
            text = c.text(rs, swhere, "")
            for lang in ("nl", "en"):
                if len(text.get(lang)) > MAX_STEP_CHARS:
                    raise c.fail(
                        swhere,
                        f"the {lang} text has {len(text.get(lang))} characters; "
                        f"keep a step to {MAX_STEP_CHARS}",
                    )
            phase_steps.append(Step(id=sid, phase_id=pid, text=text))
        if not MIN_STEPS <= len(phase_steps) <= MAX_STEPS:
            raise c.fail(
                where,
                f"has {len(phase_steps)} steps; a phase needs {MIN_STEPS} to {MAX_STEPS}",
            )
        steps[pid] = tuple(phase_steps)
    c.model_order(tuple(steps))
    return qid, MappingProxyType(steps)


def load_handvatten(path: str | Path) -> tuple[str, Mapping[str, tuple[Step, ...]]]:
    """Read and validate a handvatten file; raise QuestionnaireError naming file and place."""
    name = f"handvatten/{Path(path).name}"
    return parse_handvatten(read_toml(path, name), source=name)


def has_handvatten(questionnaire_id: str) -> bool:
    """True when there is a handvatten file for this questionnaire id."""
    return (
        bool(_ID_RE.match(questionnaire_id))
        and (HANDVATTEN_DIR / f"{questionnaire_id}.toml").is_file()
    )


@cache
def handvatten(questionnaire_id: str = DEFAULT_QUESTIONNAIRE_ID) -> Mapping[str, tuple[Step, ...]]:
    """The steps per phase (model order) for a questionnaire; read and validated once.

    Raises QuestionnaireError when the file is missing, invalid, or made for another
    questionnaire.
    """
    if not _ID_RE.match(questionnaire_id):
        raise QuestionnaireError(f"not a questionnaire id: {questionnaire_id!r}")
    path = HANDVATTEN_DIR / f"{questionnaire_id}.toml"
    qid, steps = load_handvatten(path)
    if qid != questionnaire_id:
        raise QuestionnaireError(
            f"handvatten/{path.name}: made for questionnaire {qid!r}, not {questionnaire_id!r}"
        )
    return steps


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

LOWEST_STATEMENTS = 3  # how many of a chain's lowest-scoring statements get their steps shown


def statement_steps(
    statements: pd.DataFrame, questionnaire: Questionnaire, top: int = LOWEST_STATEMENTS
) -> tuple[tuple[str, float, tuple], ...]:
    """The lowest-scoring statements of one chain that have next steps, lowest first.

    `statements`: the chain's statement_stats rows after suppress_small_groups (hidden means
    never count). Returns (statement id, mean, steps) per statement; ties: questionnaire order.
    """
    has_steps = {s.id for s in questionnaire.statements if s.steps}
    shown = statements[
        statements["mean"].notna()
        & ~statements["scores_hidden"].astype(bool)
        & statements["statement_id"].isin(has_steps)
    ]
    lowest = shown.assign(_row=range(len(shown))).sort_values(["mean", "_row"]).head(top)
    return tuple(
        (r.statement_id, float(r.mean), questionnaire.statement(r.statement_id).steps)
        for r in lowest.itertuples()
    )


def statement_steps_markdown(
    items: tuple[tuple[str, float, tuple], ...], questionnaire: Questionnaire, lang: str
) -> str:
    """The steps of the lowest-scoring statements as Markdown, each step for a named role."""
    lines = [f"_{escape_markdown(pick(STRINGS, 'handvatten.statements_intro', lang))}_", ""]
    for sid, mean, steps in items:
        text = questionnaire.statement(sid).text.get(lang)
        lines.append(f"**{escape_markdown(text)}** ({mean:.1f})")
        for step in steps:
            role = pick(STRINGS, f"handvatten.role.{step.role}", lang)
            lines.append(f"- _{escape_markdown(role)}:_ {escape_markdown(step.text.get(lang))}")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


# -- texts ---------------------------------------------------------------------------------------

# (Dutch, English), filled by agenda.pick; shared by the results pages and the reports.
STRINGS: dict[str, tuple[str, str]] = {
    "handvatten.title": ("Handvatten: wat kun je nu doen?", "Next steps: what can you do now?"),
    "handvatten.intro": (
        "Praktische stappen voor de fases die nu de meeste aandacht vragen. Begin het gesprek "
        "met de openingsvraag.",
        "Practical steps for the phases that need the most attention now. Start the "
        "conversation with the opening question.",
    ),
    "handvatten.none": (
        "Nog geen handvatten: daarvoor zijn scores nodig.",
        "No next steps yet: they need scores.",
    ),
    "handvatten.why_weakest": ("een van de zwakste fases", "one of the weakest phases"),
    "handvatten.why_foundation": ("de basis onder {phases}", "the foundation for {phases}"),
    "handvatten.opening_question": ("Openingsvraag", "Opening question"),
    "handvatten.statements_intro": (
        "Begin bij de uitspraken die het laagst scoren. Per uitspraak staat wie de stap zet.",
        "Start with the statements that score lowest. Each step says who takes it.",
    ),
    "handvatten.role.mt": ("MT", "Management team"),
    "handvatten.role.keteneigenaar": ("Keteneigenaar", "Chain owner"),
    "handvatten.role.ketenteam": ("Ketenteam", "Chain team"),
    "handvatten.role.medewerker": ("Medewerkers", "Staff"),
    "handvatten.role.partner": ("Partners", "Partners"),
}


def _join(names: list[str], lang: str) -> str:
    """'a', 'a en b', 'a, b en c' ('and' in English)."""
    word = " and " if lang == "en" else " en "
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + word + names[-1]


def focus_reason(focus: Focus, questionnaire: Questionnaire, lang: str) -> str:
    """Why a phase's steps are shown, e.g. 'een van de zwakste fases; de basis onder Doen'."""
    names = questionnaire.phase_names(lang)
    reasons = [pick(STRINGS, "handvatten.why_weakest", lang)] if focus.weakest else []
    if focus.foundation_for:
        later = _join([names[p] for p in focus.foundation_for], lang)
        reasons.append(pick(STRINGS, "handvatten.why_foundation", lang, phases=later))
    return "; ".join(reasons)


def handvatten_markdown(
    focus: tuple[Focus, ...],
    questionnaire: Questionnaire,
    lang: str,
    *,
    steps: Mapping[str, tuple[Step, ...]] | None = None,
) -> str:
    """The steps of the focus phases as Markdown: per phase its reason, the phase's key
    question as the opening question, and the numbered steps. `steps` defaults to
    handvatten(questionnaire.id).
    """
    steps = handvatten(questionnaire.id) if steps is None else steps
    shown = [f for f in focus if steps.get(f.phase_id)]
    if not shown:
        return escape_markdown(pick(STRINGS, "handvatten.none", lang)) + "\n"
    opening = pick(STRINGS, "handvatten.opening_question", lang)
    lines = [f"_{escape_markdown(pick(STRINGS, 'handvatten.intro', lang))}_", ""]
    for f in shown:
        phase = questionnaire.phase(f.phase_id)
        name, why = phase.name.get(lang), focus_reason(f, questionnaire, lang)
        lines.append(f"### {escape_markdown(name)} ({escape_markdown(why)})")
        lines.append(f"**{opening}:** _{escape_markdown(phase.key_question.get(lang))}_")
        lines.append("")
        lines += [
            f"{i}. {escape_markdown(s.text.get(lang))}"
            for i, s in enumerate(steps[f.phase_id], start=1)
        ]
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"

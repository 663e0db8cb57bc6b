"""The report as one self-contained HTML page: templates/report.html.j2 with report.css inlined.

No scripts, no links to other files, charts as inline SVG: it works offline, prints on A4 and
can be mailed as one file. This module only turns ReportData into plain values for the
template; the template holds all markup (autoescaped).
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from ipm_model import formats
from ipm_model.agenda import empty_text, item_question, item_texts
from ipm_model.handvatten import focus_reason
from ipm_model.i18n import normalize_language, phrase
from ipm_model.reports.build import ChainReport, ReportData, hidden_chains, summarise
from ipm_model.reports.figures import heatmap_for, inline_svg, radar_for, trend_for
from ipm_model.reports.templating import render, stylesheet
from ipm_model.reports.texts import (
    change_text,
    interval_cell,
    interval_is_wide,
    score_text,
)

HTML_PARTS: tuple[str, ...] = ("overview", "results", "agenda", "handvatten", "actions", "comments")
ACTION_COLUMNS: tuple[str, ...] = (
    "report.action_phase",
    "report.action_description",
    "report.action_owner",
    "report.action_due",
    "report.action_status",
    "report.action_round",
)


def signal_text(signal, q, lang: str) -> str:
    """A phase order signal in words."""
    names = q.phase_names(lang)
    return phrase(
        "report.order_signal",
        lang,
        later=names[signal.later_phase],
        earlier=names[signal.earlier_phase],
        later_score=formats.number(signal.later_score, lang),
        earlier_score=formats.number(signal.earlier_score, lang),
    )


def action_rows(data: ReportData, chain: ChainReport, lang: str) -> list[list[str]]:
    """Actions as table rows (phase, description, owner, due, status, round), plain text."""
    names = data.questionnaire.phase_names(lang)
    rounds = data.round_names(lang)
    return [
        [
            names.get(a.phase_id, a.phase_id),
            a.description,
            a.owner or "–",
            formats.day(a.due_date, lang) if a.due_date else "–",
            phrase(f"status.{a.status}", lang),
            rounds.get(a.workshop_id, ""),
        ]
        for a in chain.actions
    ]


def _phase_table(data: ReportData, chain: ChainReport, lang: str) -> dict:
    q = data.questionnaire
    changes = chain.changes.set_index("phase_id") if not chain.changes.empty else None
    head = [("col.phase", ""), ("col.score", "num"), ("col.interval", "num")]
    head += [("col.sd", "num"), ("col.n", "num")]
    peers = data.benchmark.set_index("phase_id") if data.benchmark is not None else None
    if peers is not None:
        head.append(("col.peers", "num"))
    head.append(("col.dk", "num"))
    if changes is not None:
        head += [("col.previous", "num"), ("col.change", "num")]
    rows, wide = [], False
    stats = chain.stats
    if "ci_low" not in stats.columns:
        stats = stats.assign(ci_low=float("nan"), ci_high=float("nan"))
    for r in stats.itertuples():
        span, note = interval_cell(r.mean, r.ci_low, r.ci_high, lang)
        mark = "*" if span and interval_is_wide(r.ci_low, r.ci_high) else ""
        wide = wide or bool(mark)
        values = [
            formats.number(r.mean, lang) if pd.notna(r.mean) else phrase("report.not_enough", lang),
            span + mark if span else note,
            formats.number(r.sd, lang, 2),
            str(int(r.n)),
            *([peer_band(peers, r.phase_id, lang)] if peers is not None else []),
            formats.percent(r.dont_know_rate, lang),
        ]
        if changes is not None:
            before = changes["mean_before"].get(r.phase_id)
            change = changes["change"].get(r.phase_id)
            values += [
                formats.number(before, lang),
                formats.change(change, lang),
            ]
        rows.append({"phase": q.phase(r.phase_id).name.get(lang), "values": values})
    notes = [phrase("report.wide_mark", lang)] if wide else []
    if peers is not None:
        notes.append(phrase("report.peers_note", lang))
    return {"head": [(phrase(k, lang), cls) for k, cls in head], "rows": rows, "notes": notes}


def peer_band(peers: pd.DataFrame, phase_id: str, lang: str) -> str:
    """The middle half of other organisations' chains for one phase ("3,0–3,6"), or "–"."""
    if phase_id not in peers.index or pd.isna(peers.at[phase_id, "p25"]):
        return "–"
    low, high = peers.at[phase_id, "p25"], peers.at[phase_id, "p75"]
    return f"{formats.number(low, lang)}–{formats.number(high, lang)}"


def ambition_rows(data: ReportData, chain: ChainReport, lang: str) -> list[list[str]]:
    """Phase, now, ambition, gap, n: the ambition table of the HTML report and the deck."""
    names = data.questionnaire.phase_names(lang)
    return [
        [
            names[r.phase_id],
            formats.number(r.now, lang) if pd.notna(r.now) else "–",
            formats.number(r.ambition, lang) if pd.notna(r.ambition) else "–",
            formats.change(r.gap, lang) if pd.notna(r.gap) else "–",
            str(int(r.n)),
        ]
        for r in chain.ambition.itertuples()
    ]


def _ambition(data: ReportData, chain: ChainReport, lang: str) -> dict | None:
    """Now next to the ambition for 12 months, with the gap per phase (None: no ambitions)."""
    if chain.suppressed or chain.ambition.empty:
        return None
    keys = ("col.phase", "report.now", "report.ambition", "report.gap", "col.n")
    return {
        "head": [(phrase(k, lang), "" if i == 0 else "num") for i, k in enumerate(keys)],
        "rows": [{"phase": r[0], "values": r[1:]} for r in ambition_rows(data, chain, lang)],
        "help": phrase("report.ambition_help", lang, min=data.workshop.min_group_size),
    }


def _agenda(data: ReportData, chain: ChainReport, lang: str) -> list[dict]:
    q, agenda = data.questionnaire, chain.agenda
    sections = []
    for section, items in agenda.sections():
        shown = []
        for item in items:
            what, numbers = item_texts(item, q, lang)
            question = item_question(item, q, lang)
            shown.append(
                {
                    "what": what,
                    "numbers": numbers,
                    "statement": item.statement_id is not None,
                    "question": phrase("item.question", lang, question=question)
                    if question
                    else "",
                }
            )
        sections.append(
            {
                "title": phrase(f"section.{section}", lang),
                "help": phrase(f"section.{section}.help", lang),
                "empty": "" if items else empty_text(agenda, section, lang),
                "items": shown,
            }
        )
    return sections


def _handvatten(data: ReportData, lang: str) -> list[dict]:
    """The handvatten of every chain's focus phases, each phase once with the chains it is for
    (the same advice is not repeated per chain): per phase the steps of the lowest-scoring
    statements of those chains, each statement once, each step for a named role."""
    q = data.questionnaire
    several = len(data.chains) > 1
    reasons: dict[str, list[str]] = {}
    items: dict[str, dict[str, list]] = {}
    for chain in data.chains:
        for f in chain.focus:
            reason = focus_reason(f, q, lang)
            reasons.setdefault(f.phase_id, []).append(
                f"{chain.chain.name} ({reason})" if several else reason
            )
            for item in chain.steps.get(f.phase_id, ()):
                items.setdefault(f.phase_id, {}).setdefault(
                    item.statement_id,
                    [
                        (phrase(f"handvatten.role.{step.role}", lang), step.text.get(lang))
                        for step in item.steps
                    ],
                )
    return [
        {
            "phase": q.phase(p).name.get(lang),
            "reason": "; ".join(reasons[p]),
            "question": q.phase(p).key_question.get(lang),
            "statements": [
                {"text": q.statement(sid).text.get(lang), "steps": steps}
                for sid, steps in items.get(p, {}).items()
            ],
        }
        for p in q.phase_names(lang)
        if p in reasons
    ]


def stand_text(summary, several: bool, lang: str) -> str:
    """The summary's first sentence: how many took part (and how many chains are shown)."""
    if not several:
        return phrase("summary.stand_chain", lang, participants=summary.participants)
    return phrase(
        "summary.stand",
        lang,
        participants=summary.participants,
        shown=summary.chains_shown,
        chains=summary.chains,
    )


def _summary(data: ReportData, lang: str) -> dict:
    """The first page: where the organisation (or chain) stands, gaps, changes, agenda."""
    summary = summarise(data)
    names = data.questionnaire.phase_names(lang)
    several = len(data.chains) > 1
    stand = stand_text(summary, several, lang)
    strong_weak = ""
    if summary.strongest and summary.weakest:
        strong_weak = phrase(
            "summary.strong_weak",
            lang,
            strong=names[summary.strongest.phase_id],
            strong_score=formats.number(summary.strongest.score, lang),
            weak=names[summary.weakest.phase_id],
            weak_score=formats.number(summary.weakest.score, lang),
        )
    chain = (lambda p: p.chain) if several else (lambda p: "")
    return {
        "empty": summary.chains_shown == 0,
        "stand": stand,
        "strong_weak": strong_weak,
        "gaps": [score_text(names[p.phase_id], p.score, lang, chain(p)) for p in summary.gaps],
        "changes": [
            change_text(names[p.phase_id], p.before, p.score, p.change, lang, chain(p))
            for p in summary.changes
        ],
        "agenda": [
            (f"{name}: " if several else "")
            + f"{names[f.phase_id]} ({focus_reason(f, data.questionnaire, lang)})"
            for name, f in summary.agenda
        ],
    }


def _comments(data: ReportData, chain: ChainReport) -> list[tuple[str, list[str]]]:
    """(phase id, texts) per phase in model order, texts in alphabetical order."""
    if chain.comments.empty:
        return []
    order = {p: i for i, p in enumerate(data.questionnaire.phase_names("nl"))}
    comments = chain.comments.assign(_o=chain.comments["phase_id"].map(order))
    return [
        (str(phase_id), list(group["text"]))
        for phase_id, group in comments.sort_values(["_o", "text"]).groupby("phase_id", sort=False)
    ]


def _chain(data: ReportData, chain: ChainReport, index: int, lang: str) -> dict:
    q, minimum = data.questionnaire, data.workshop.min_group_size
    previous = data.round_names(lang)[chain.previous.id] if chain.previous is not None else None
    names = q.phase_names(lang)
    return {
        "index": index,
        "name": chain.chain.name,
        "suppressed": chain.suppressed,
        "too_few": phrase("report.too_few", lang, count=chain.participants, min=minimum),
        "based_on": chain.based_on(lang),
        "previous": previous,
        "compared_with": phrase("report.compared_with", lang, previous=previous)
        if previous
        else "",
        "versions": (
            phrase("report.versions", lang, dropped=chain.dropped_statements)
            if previous and chain.dropped_statements
            else ""
        ),
        "radar": None
        if chain.suppressed
        else inline_svg(radar_for(data, chain, lang), f"c{index}-radar", lang),
        "table": None if chain.suppressed else _phase_table(data, chain, lang),
        "signals": [signal_text(s, q, lang) for s in chain.signals],
        "ambition": _ambition(data, chain, lang),
        "agenda_suppressed": chain.agenda.suppressed,
        "agenda_based_on": phrase("agenda.based_on", lang, count=chain.participants),
        "agenda": _agenda(data, chain, lang),
        "trend": (
            None
            if chain.suppressed
            else inline_svg(trend_for(data, chain, lang), f"c{index}-trend", lang)
        ),
        "actions": action_rows(data, chain, lang),
        "comments": [(names.get(p, p), texts) for p, texts in _comments(data, chain)],
    }


def render_html(data: ReportData, lang: str = "nl", *, parts: Iterable[str] = HTML_PARTS) -> str:
    """The report as one self-contained HTML page (inline CSS and SVG, no scripts or links).

    `parts` picks sections (HTML_PARTS), e.g. ("agenda",) for a printable agenda only.
    """
    lang = normalize_language(lang)
    parts = set(parts)
    unknown = parts - set(HTML_PARTS)
    if unknown:
        raise ValueError(f"unknown report parts {sorted(unknown)}; choose from {HTML_PARTS}")
    w = data.workshop
    title = phrase("report.title", lang)
    several = "overview" in parts and len(data.chains) > 1  # the heatmap of all chains
    hidden = hidden_chains(data)
    return render(
        "report.html.j2",
        t=lambda key, **fields: phrase(key, lang, **fields),
        lang=lang,
        css=stylesheet("report.css"),
        parts=parts,
        title=title,
        page_title=f"{title}: {data.organisation}, {data.round_names(lang)[w.id]}",
        organisation=data.organisation,
        subtitle=data.round_names(lang)[w.id],
        held_on=phrase("report.held_on", lang, date=formats.day(w.date, lang)),
        page_word=phrase("report.page", lang),
        intro=phrase("report.intro", lang, min=w.min_group_size),
        created=phrase("report.created", lang, date=formats.day(data.created, lang)),
        overview=inline_svg(heatmap_for(data, lang), "overview", lang) if several else None,
        summary=_summary(data, lang) if "overview" in parts else None,
        handvatten=_handvatten(data, lang) if "handvatten" in parts else [],
        any_shown=any(not c.suppressed for c in data.chains),
        several=several,
        hidden=(
            phrase("report.hidden_chains", lang, min=w.min_group_size, chains=", ".join(hidden))
            if hidden
            else ""
        ),
        action_columns=[phrase(k, lang) for k in ACTION_COLUMNS],
        chains=[_chain(data, c, i, lang) for i, c in enumerate(data.chains, start=1)],
    )

"""Reports per round (one chain or all): a self-contained HTML page and a PowerPoint deck.

`gather_report` collects everything a report shows (store -> scoring -> agenda -> handvatten
-> actions) into a ReportData; `render_html` and `render_pptx` only lay it out;
`build_report` does both for the command line. The anonymity rules are the app's: every
number comes from suppress_small_groups output, a chain below the minimum group size shows
its participant count only, individual answers are never listed, and comments appear only
for a chain that is large enough.

Charts are rendered offline by vl-convert (it bundles Vega and its own renderer; external
data URLs are refused): inline SVG in the HTML, PNG in the deck. The HTML has no scripts,
no links to other files and inline CSS with an A4 print layout, so it works offline, prints
well and can be mailed as one file.
"""

from __future__ import annotations

import html
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pandas as pd
import vl_convert as vlc

from ipm_model.agenda import STRINGS as AGENDA_STRINGS
from ipm_model.agenda import (
    Agenda,
    AgendaItem,
    build_agenda,
    empty_text,
    fmt_change,
    fmt_rate,
    fmt_score,
    item_question,
    item_texts,
    pick,
)
from ipm_model.charts import _ipm_theme, heatmap_chart, radar_spec, trend_chart
from ipm_model.handvatten import STRINGS as HANDVATTEN_STRINGS
from ipm_model.handvatten import (
    Focus,
    Step,
    focus_phases,
    focus_reason,
    handvatten,
    has_handvatten,
)
from ipm_model.i18n import normalize_language
from ipm_model.questionnaire import Questionnaire, questionnaire_for
from ipm_model.results import (
    RoundResults,
    chain_comments,
    chain_trend,
    for_display,
    previous_round,
    round_results,
)
from ipm_model.scoring import PhaseOrderSignal, phase_order_signals, score_changes
from ipm_model.store import Action, Chain, Store, Workshop

REPORT_FORMATS: tuple[str, ...] = ("html", "pptx")
HTML_PARTS: tuple[str, ...] = ("overview", "results", "agenda", "handvatten", "actions", "comments")
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
    changes: pd.DataFrame  # score_changes(previous round, this round); empty without previous
    dropped_statements: int  # statements left out of the comparison (questionnaire changed)
    signals: tuple[PhaseOrderSignal, ...]
    agenda: Agenda
    focus: tuple[Focus, ...]
    actions: tuple[Action, ...]
    comments: pd.DataFrame  # phase_id, text; empty when the chain is too small
    # Ambition (12 months from now) per phase: results.AMBITION_COLUMNS, shown figures only;
    # empty when nobody gave one.
    ambition: pd.DataFrame = field(default_factory=pd.DataFrame)


@dataclass(frozen=True)
class ReportData:
    """Everything a report of one round shows; built by gather_report."""

    organisation: str
    workshop: Workshop
    questionnaire: Questionnaire
    rounds: tuple[Workshop, ...]  # the organisation's rounds up to and including this one
    chains: tuple[ChainReport, ...]
    comparison: pd.DataFrame  # phase rows of every chain of the round (chain_id first)
    steps: Mapping[str, tuple[Step, ...]]
    created: date

    @property
    def round_names(self) -> dict[int, str]:
        """A display name per round: its title, with the date when two titles are equal."""
        titles = [w.title for w in self.rounds]
        return {
            w.id: w.title if titles.count(w.title) == 1 else f"{w.title} ({w.date})"
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
        score_changes(prev_shared, now_shared)
        if prev_shared is not None
        else pd.DataFrame(columns=["phase_id", "mean_before", "mean_after", "change"])
    )

    if suppressed:
        agenda = Agenda(participants=participants, suppressed=True)
        signals: tuple[PhaseOrderSignal, ...] = ()
        focus: tuple[Focus, ...] = ()
    else:
        before = prev_shared.drop(columns="workshop_id") if prev_shared is not None else None
        after = now_shared.drop(columns="workshop_id")
        agenda = build_agenda(
            stats,
            statements,
            before,
            stats_now_shared=after,
            ambition=results.chain_ambition(chain.id),
        )
        signals = tuple(phase_order_signals(stats[["phase_id", "mean"]]))
        focus = focus_phases(stats)

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

    answers = store.result_answers([w.id for w in rounds])
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
        steps=handvatten(q.id) if has_handvatten(q.id) else {},
        created=today or date.today(),
    )


# -- charts --------------------------------------------------------------------------------------

_THEME_CONFIG: dict[str, Any] = _ipm_theme()["config"]


def chart_svg(spec: Mapping[str, Any]) -> str:
    """A Vega-Lite spec as SVG text, rendered offline (external data URLs are refused)."""
    return vlc.vegalite_to_svg(dict(spec), config=_THEME_CONFIG, allowed_base_urls=[])


def chart_png(spec: Mapping[str, Any], scale: float = PNG_SCALE) -> bytes:
    """A Vega-Lite spec as PNG bytes (`scale` times its CSS size), rendered offline."""
    config = {**_THEME_CONFIG, "background": "white"}  # no see-through picture on a slide
    return vlc.vegalite_to_png(dict(spec), scale=scale, config=config, allowed_base_urls=[])


def _tooltip_titles(lang: str) -> dict[str, str]:
    keys = ("series", "phase", "score", "n", "sd", "chain", "round")
    return {k: pick(STRINGS, f"chart.{k}", lang) for k in keys}


def radar_for(data: ReportData, chain: ChainReport, lang: str, size: int = 360) -> dict | None:
    """This round's radar of a chain, with the previous round beside it; None when hidden.

    With a previous round both series come from the statements the two rounds share.
    """
    if chain.suppressed:
        return None
    names = data.round_names
    rounds = [data.workshop.id] + ([chain.previous.id] if chain.previous else [])
    if chain.previous:
        rows = chain.trend[chain.trend["workshop_id"].isin(rounds)]
        series = rows["workshop_id"].map(names)
    else:
        rows, series = chain.stats, names[data.workshop.id]
    frame = pd.DataFrame(
        {
            "series": series,
            "phase_id": rows["phase_id"],
            "score": rows["mean"].astype(float),
            "n": rows["n"].astype(int),
            "sd": rows["sd"].astype(float),
        }
    )
    return radar_spec(
        frame,
        data.questionnaire.phase_names(lang),
        series_order=[names[r] for r in rounds],
        size=size,
        tooltip_titles=_tooltip_titles(lang),
    )


def heatmap_for(data: ReportData, lang: str) -> dict | None:
    """All chains of the round side by side (hidden chains left out); None when none shown."""
    names = {c.id: c.name for c in data.workshop.chains}
    rows = data.comparison[~data.comparison["suppressed"]]
    if rows.empty:
        return None
    frame = pd.DataFrame(
        {
            "chain": rows["chain_id"].map(names),
            "phase_id": rows["phase_id"],
            "score": rows["mean"].astype(float),
            "n": rows["n"].astype(int),
        }
    )
    order = [names[c.id] for c in data.workshop.chains if names[c.id] in set(frame["chain"])]
    return heatmap_chart(
        frame,
        data.questionnaire.phase_names(lang),
        chain_order=order,
        cell=60,
        tooltip_titles=_tooltip_titles(lang),
    ).to_dict()


def trend_for(data: ReportData, chain: ChainReport, lang: str) -> dict | None:
    """A line per phase over the rounds with shown results; None with fewer than two."""
    if chain.trend["workshop_id"].nunique() < 2:
        return None
    names = data.round_names
    order = [names[w.id] for w in data.rounds if w.id in set(chain.trend["workshop_id"])]
    frame = pd.DataFrame(
        {
            "round": chain.trend["workshop_id"].map(names),
            "phase_id": chain.trend["phase_id"],
            "score": chain.trend["mean"].astype(float),
            "n": chain.trend["n"].astype(int),
        }
    )
    return trend_chart(
        frame,
        data.questionnaire.phase_names(lang),
        round_order=order,
        width=620,
        height=300,
        tooltip_titles=_tooltip_titles(lang),
    ).to_dict()


# -- texts ---------------------------------------------------------------------------------------

# (Dutch, English); filled by agenda.pick. Agenda texts are in agenda.STRINGS.
STRINGS: dict[str, tuple[str, str]] = {
    "report.title": ("iPM Ketenscan: resultaten", "iPM Chain Scan: results"),
    "report.deck_subtitle": ("Voor het managementteam", "For the management team"),
    "report.round": ("{title}, {date}", "{title}, {date}"),
    "report.created": ("Gemaakt op {date}.", "Made on {date}."),
    "report.intro": (
        "iPM staat hier voor integraal prestatiemanagement: sturen op klantketens, van "
        "klantvraag tot antwoord (niet: Integraal Projectmanagement). Elke fase krijgt een "
        "score van 1 (helemaal mee oneens) tot 5 (helemaal mee eens). 'Weet ik niet' en 'niet "
        "van toepassing' tellen niet mee in de score. Een groep verschijnt pas vanaf {min} "
        "deelnemers, zodat niemand herkenbaar is.",
        "iPM stands for integral performance management here: steering by customer chains, "
        "from a customer's request to the answer (not: integral project management). Each "
        "phase gets a score from 1 (strongly disagree) to 5 (strongly agree). 'Don't know' and "
        "'not applicable' do not count in the score. A group appears only from {min} "
        "participants, so nobody can be recognised.",
    ),
    "report.overview": ("Alle ketens in deze ronde", "All chains in this round"),
    "report.hidden_chains": (
        "Niet getoond (minder dan {min} deelnemers): {chains}.",
        "Not shown (fewer than {min} participants): {chains}.",
    ),
    "report.based_on": (
        "Uitslag van {count} deelnemers.",
        "Result of {count} participants.",
    ),
    "report.too_few": (
        "Nog te weinig deelnemers in deze keten: {count} van minimaal {min}. Zo blijft "
        "iedereen anoniem. Daarom staan hier geen scores.",
        "Too few participants in this chain: {count} of at least {min}. That keeps everyone "
        "anonymous, so no scores are shown here.",
    ),
    "report.scores": ("Scores per fase", "Scores per phase"),
    "report.ambition_title": ("Nu en ambitie", "Now and ambition"),
    "report.ambition_help": (
        "Waar de deelnemers de keten over 12 maanden willen zien, naast de score van nu. "
        "Alleen waar minstens {min} mensen een ambitie gaven.",
        "Where the participants want the chain to be in 12 months, next to today's score. "
        "Only where at least {min} people gave an ambition.",
    ),
    "report.ambition_slide": ("{name}: nu en ambitie", "{name}: now and ambition"),
    "report.now": ("Nu", "Now"),
    "report.ambition": ("Ambitie", "Ambition"),
    "report.gap": ("Afstand", "Gap"),
    "report.compared_with": (
        "Vergeleken met {previous}.",
        "Compared with {previous}.",
    ),
    "report.no_previous": (
        "Er is nog geen eerdere ronde met resultaten voor deze keten.",
        "There is no earlier round with results for this chain yet.",
    ),
    "report.versions": (
        "De vragenlijst veranderde tussen de rondes. De vergelijking gebruikt alleen de "
        "uitspraken die in alle rondes hetzelfde waren ({dropped} niet meegeteld).",
        "The questionnaire changed between rounds. The comparison uses only the statements "
        "that were the same in every round ({dropped} left out).",
    ),
    "report.not_enough": ("te weinig antwoorden", "not enough answers"),
    "report.order_signal": (
        "{later} scoort hoog ({later_score}), maar {earlier} is nog zwak ({earlier_score}). "
        "De fases bouwen op elkaar voort: begin bij {earlier}.",
        "{later} scores high ({later_score}), but {earlier} is still weak ({earlier_score}). "
        "The phases build on each other: start with {earlier}.",
    ),
    "report.actions": ("Acties", "Actions"),
    "report.actions_intro": (
        "Afspraken uit deze ronde, en eerdere afspraken die nog lopen.",
        "Agreements from this round, and earlier agreements that are still running.",
    ),
    "report.no_actions": ("Nog geen acties vastgelegd.", "No actions recorded yet."),
    "report.action_phase": ("Fase", "Phase"),
    "report.action_description": ("Actie", "Action"),
    "report.action_owner": ("Eigenaar", "Owner"),
    "report.action_due": ("Klaar op", "Due"),
    "report.action_status": ("Status", "Status"),
    "report.action_round": ("Ronde", "Round"),
    "status.open": ("Open", "Open"),
    "status.busy": ("Bezig", "In progress"),
    "status.done": ("Klaar", "Done"),
    "status.dropped": ("Gestopt", "Dropped"),
    "report.comments": ("Opmerkingen van deelnemers", "Comments from participants"),
    "report.comments_intro": (
        "Zoals deelnemers ze schreven, per fase en op alfabet.",
        "As participants wrote them, per phase and in alphabetical order.",
    ),
    "report.progress": ("Voortgang", "Progress"),
    "report.progress_one_round": (
        "Na een tweede ronde zie je hier wat er veranderde.",
        "After a second round you will see here what changed.",
    ),
    "report.largest_changes": ("Grootste veranderingen", "Largest changes"),
    "report.deck_radar": ("{chain}: scores per fase", "{chain}: scores per phase"),
    "report.deck_progress": ("{chain}: voortgang", "{chain}: progress"),
    "report.deck_agenda": ("{chain}: agenda ketengesprek", "{chain}: chain meeting agenda"),
    "report.deck_actions": ("{chain}: acties", "{chain}: actions"),
    "report.deck_more": ("(vervolg)", "(continued)"),
    "report.deck_weakest": ("Zwakste fases", "Weakest phases"),
    "col.phase": ("Fase", "Phase"),
    "col.score": ("Score", "Score"),
    "col.sd": ("Spreiding", "Spread"),
    "col.n": ("Aantal", "Count"),
    "col.dk": ("Weet ik niet", "Don't know"),
    "col.previous": ("Vorige ronde", "Previous round"),
    "col.change": ("Verschil", "Change"),
    "chart.series": ("Ronde", "Round"),
    "chart.phase": ("Fase", "Phase"),
    "chart.score": ("Score", "Score"),
    "chart.n": ("Aantal", "Count"),
    "chart.sd": ("Spreiding (sd)", "Spread (sd)"),
    "chart.chain": ("Keten", "Chain"),
    "chart.round": ("Ronde", "Round"),
}


def _t(key: str, lang: str, /, **fields: object) -> str:
    """A report text; agenda and handvatten texts come from their own modules."""
    for table in (STRINGS, AGENDA_STRINGS, HANDVATTEN_STRINGS):
        if key in table:
            return pick(table, key, lang, **fields)
    raise KeyError(key)


def signal_text(signal: PhaseOrderSignal, q: Questionnaire, lang: str) -> str:
    names = q.phase_names(lang)
    return _t(
        "report.order_signal",
        lang,
        later=names[signal.later_phase],
        earlier=names[signal.earlier_phase],
        later_score=fmt_score(signal.later_score),
        earlier_score=fmt_score(signal.earlier_score),
    )


def _hidden_chains(data: ReportData) -> list[str]:
    rows = data.comparison.drop_duplicates("chain_id")
    hidden = set(rows.loc[rows["suppressed"], "chain_id"])
    with_rows = set(rows["chain_id"])
    return [c.name for c in data.workshop.chains if c.id in hidden or c.id not in with_rows]


# -- HTML ----------------------------------------------------------------------------------------

_CSS = """
@page { size: A4; margin: 14mm 14mm 16mm; }
:root { --text: #31333F; --muted: #5c5f6b; --line: #d3d6dc; --accent: #0072B2;
        --signal: #E69F00; --soft: #f3f6f9; }
* { box-sizing: border-box; }
html { color: var(--text); font-size: 11pt; line-height: 1.45;
       font-family: "Source Sans 3", "Source Sans Pro", "Segoe UI", Arial, sans-serif; }
body { margin: 0 auto; max-width: 182mm; padding: 24px 16px; }
h1 { font-size: 21pt; margin: 0 0 4px; }
h2 { font-size: 16pt; margin: 0 0 8px; padding-bottom: 4px;
     border-bottom: 2px solid var(--accent); }
h3 { font-size: 13pt; margin: 18px 0 6px; }
h4 { font-size: 11.5pt; margin: 12px 0 4px; }
p { margin: 4px 0 8px; }
.muted { color: var(--muted); }
.lead { font-size: 12pt; }
header { margin-bottom: 16px; }
section.chain, section.overview { margin-top: 28px; }
section.chain { break-before: page; }
figure { margin: 8px 0 12px; text-align: center; break-inside: avoid; }
figure svg { max-width: 100%; height: auto; }
table { width: 100%; border-collapse: collapse; margin: 6px 0 12px; font-size: 10pt; }
th, td { text-align: left; vertical-align: top; padding: 4px 6px;
         border-bottom: 1px solid var(--line); }
th { background: var(--soft); font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr, li { break-inside: avoid; }
.signal { border-left: 4px solid var(--signal); background: #fff6e5; padding: 6px 10px;
          margin: 8px 0; }
.note { border-left: 4px solid var(--line); padding: 4px 10px; color: var(--muted); }
ol.agenda > li { margin-bottom: 8px; }
ol.agenda h4 { display: inline; }
ul.items { margin: 4px 0 0; padding-left: 18px; }
ul.items li { margin: 3px 0; }
.numbers { color: var(--muted); }
.question { font-style: italic; }
.focus { border: 1px solid var(--line); border-radius: 6px; padding: 6px 12px 8px;
         margin: 8px 0; break-inside: avoid; }
.focus ol { margin: 4px 0; padding-left: 20px; }
blockquote { margin: 4px 0 4px 12px; padding-left: 8px; border-left: 3px solid var(--line); }
@media print {
  body { max-width: none; padding: 0; }
  h2, h3, h4 { break-after: avoid; }
}
"""


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


# Where an SVG names or points at an id: id="x", url(#x), href="#x" (and xlink:href).
_SVG_ID_REF = re.compile(r'(\bid="|url\(#|href="#)([^")]+)')


def _inline_svg(svg: str, prefix: str, label: str) -> str:
    """An SVG ready to sit inline: ids made unique in the page, a text label for readers."""
    svg = _SVG_ID_REF.sub(lambda m: f"{m.group(1)}{prefix}-{m.group(2)}", svg)
    return svg.replace("<svg ", f'<svg role="img" aria-label="{_e(label)}" ', 1)


def _figure(spec: Mapping[str, Any] | None, prefix: str) -> str:
    if spec is None:
        return ""
    label = str(spec.get("description") or spec.get("title") or "")
    return f"<figure>{_inline_svg(chart_svg(spec), prefix, label)}</figure>"


def _phase_table(data: ReportData, chain: ChainReport, lang: str) -> str:
    q = data.questionnaire
    changes = chain.changes.set_index("phase_id") if not chain.changes.empty else None
    head = [
        ("col.phase", ""),
        ("col.score", "num"),
        ("col.sd", "num"),
        ("col.n", "num"),
        ("col.dk", "num"),
    ]
    if changes is not None:
        head += [("col.previous", "num"), ("col.change", "num")]
    cells = "".join(f'<th class="{cls}" scope="col">{_e(_t(k, lang))}</th>' for k, cls in head)
    rows = []
    for r in chain.stats.itertuples():
        score = fmt_score(r.mean) if pd.notna(r.mean) else _t("report.not_enough", lang)
        values = [
            fmt_score(r.sd, 2) if pd.notna(r.sd) else "–",
            str(int(r.n)),
            fmt_rate(r.dont_know_rate) if pd.notna(r.dont_know_rate) else "–",
        ]
        if changes is not None:
            before = changes["mean_before"].get(r.phase_id)
            change = changes["change"].get(r.phase_id)
            values += [
                fmt_score(before),
                fmt_change(change) if change is not None and pd.notna(change) else "–",
            ]
        tds = "".join(f'<td class="num">{_e(v)}</td>' for v in values)
        rows.append(
            f'<tr><th scope="row">{_e(q.phase(r.phase_id).name.get(lang))}</th>'
            f'<td class="num">{_e(score)}</td>{tds}</tr>'
        )
    return f"<table><thead><tr>{cells}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _ambition_rows(data: ReportData, chain: ChainReport, lang: str) -> list[list[str]]:
    """Phase, now, ambition, gap, n: the ambition table of the HTML report and the deck."""
    names = data.questionnaire.phase_names(lang)
    return [
        [
            names[r.phase_id],
            fmt_score(r.now) if pd.notna(r.now) else "–",
            fmt_score(r.ambition) if pd.notna(r.ambition) else "–",
            fmt_change(r.gap) if pd.notna(r.gap) else "–",
            str(int(r.n)),
        ]
        for r in chain.ambition.itertuples()
    ]


def _ambition_html(data: ReportData, chain: ChainReport, lang: str) -> str:
    """Now next to the ambition for 12 months, with the gap per phase (one small table)."""
    keys = ("col.phase", "report.now", "report.ambition", "report.gap", "col.n")
    head = "".join(
        f'<th class="{"" if i == 0 else "num"}" scope="col">{_e(_t(k, lang))}</th>'
        for i, k in enumerate(keys)
    )
    body = "".join(
        f'<tr><th scope="row">{_e(row[0])}</th>'
        + "".join(f'<td class="num">{_e(v)}</td>' for v in row[1:])
        + "</tr>"
        for row in _ambition_rows(data, chain, lang)
    )
    note = _t("report.ambition_help", lang, min=data.workshop.min_group_size)
    return (
        f'<h3>{_e(_t("report.ambition_title", lang))}</h3><p class="muted">{_e(note)}</p>'
        f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    )


def _agenda_html(data: ReportData, chain: ChainReport, lang: str) -> str:
    q, agenda = data.questionnaire, chain.agenda
    parts = [f"<h3>{_e(_t('agenda.title', lang))}</h3>"]
    if agenda.suppressed:
        return "".join(parts)  # the chain section already says why there is nothing
    parts.append(
        f'<p class="muted">{_e(_t("agenda.based_on", lang, count=chain.participants))}</p>'
    )
    parts.append('<ol class="agenda">')
    for section, items in agenda.sections():
        parts.append(
            f"<li><h4>{_e(_t(f'section.{section}', lang))}</h4>"
            f'<p class="muted">{_e(_t(f"section.{section}.help", lang))}</p>'
        )
        if not items:
            parts.append(f"<p>{_e(empty_text(agenda, section, lang))}</p></li>")
            continue
        parts.append('<ul class="items">')
        for item in items:
            what, numbers = item_texts(item, q, lang)
            # A statement ends with a full stop: its numbers go on a line of their own.
            joint = "<br>" if item.statement_id else ": "
            line = f'<strong>{_e(what)}</strong>{joint}<span class="numbers">{_e(numbers)}</span>'
            question = item_question(item, q, lang)
            if question:
                asked = _t("item.question", lang, question=question)
                line += f'<br><span class="question">{_e(asked)}</span>'
            parts.append(f"<li>{line}</li>")
        parts.append("</ul></li>")
    parts.append("</ol>")
    return "".join(parts)


def _handvatten_html(data: ReportData, chain: ChainReport, lang: str) -> str:
    q = data.questionnaire
    parts = [f"<h3>{_e(_t('handvatten.title', lang))}</h3>"]
    focus = [f for f in chain.focus if data.steps.get(f.phase_id)]
    if not focus:
        parts.append(f"<p>{_e(_t('handvatten.none', lang))}</p>")
        return "".join(parts)
    parts.append(f'<p class="muted">{_e(_t("handvatten.intro", lang))}</p>')
    for f in focus:
        phase = q.phase(f.phase_id)
        steps = "".join(f"<li>{_e(s.text.get(lang))}</li>" for s in data.steps[f.phase_id])
        parts.append(
            f'<div class="focus"><h4>{_e(phase.name.get(lang))} '
            f'<span class="muted">({_e(focus_reason(f, q, lang))})</span></h4>'
            f"<p><strong>{_e(_t('handvatten.opening_question', lang))}:</strong> "
            f'<span class="question">{_e(phase.key_question.get(lang))}</span></p>'
            f"<ol>{steps}</ol></div>"
        )
    return "".join(parts)


def _action_rows(data: ReportData, chain: ChainReport, lang: str) -> list[list[str]]:
    """Actions as table rows (phase, description, owner, due, status, round), plain text."""
    names = data.questionnaire.phase_names(lang)
    rounds = data.round_names
    return [
        [
            names.get(a.phase_id, a.phase_id),
            a.description,
            a.owner or "–",
            a.due_date or "–",
            _t(f"status.{a.status}", lang),
            rounds.get(a.workshop_id, ""),
        ]
        for a in chain.actions
    ]


_ACTION_COLUMNS = (
    "report.action_phase",
    "report.action_description",
    "report.action_owner",
    "report.action_due",
    "report.action_status",
    "report.action_round",
)


def _actions_html(data: ReportData, chain: ChainReport, lang: str) -> str:
    parts = [f"<h3>{_e(_t('report.actions', lang))}</h3>"]
    rows = _action_rows(data, chain, lang)
    if not rows:
        parts.append(f"<p>{_e(_t('report.no_actions', lang))}</p>")
        return "".join(parts)
    parts.append(f'<p class="muted">{_e(_t("report.actions_intro", lang))}</p>')
    head = "".join(f'<th scope="col">{_e(_t(k, lang))}</th>' for k in _ACTION_COLUMNS)
    body = "".join("<tr>" + "".join(f"<td>{_e(v)}</td>" for v in row) + "</tr>" for row in rows)
    parts.append(f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")
    return "".join(parts)


def _comments_html(data: ReportData, chain: ChainReport, lang: str) -> str:
    if chain.comments.empty:
        return ""
    names = data.questionnaire.phase_names(lang)
    parts = [
        f"<h3>{_e(_t('report.comments', lang))}</h3>",
        f'<p class="muted">{_e(_t("report.comments_intro", lang))}</p>',
    ]
    order = {p: i for i, p in enumerate(names)}
    comments = chain.comments.assign(_o=chain.comments["phase_id"].map(order))
    for phase_id, group in comments.sort_values(["_o", "text"]).groupby("phase_id", sort=False):
        parts.append(f"<h4>{_e(names.get(phase_id, phase_id))}</h4>")
        parts += [f"<blockquote>{_e(text)}</blockquote>" for text in group["text"]]
    return "".join(parts)


def _chain_html(
    data: ReportData, chain: ChainReport, index: int, lang: str, parts: set[str]
) -> str:
    q = data.questionnaire
    out = [f'<section class="chain" id="chain-{index}"><h2>{_e(chain.chain.name)}</h2>']
    if chain.suppressed:
        minimum = data.workshop.min_group_size
        too_few = _t("report.too_few", lang, count=chain.participants, min=minimum)
        out.append(f'<p class="note">{_e(too_few)}</p>')
    else:
        out.append(
            f'<p class="lead">{_e(_t("report.based_on", lang, count=chain.participants))}</p>'
        )
    if "results" in parts and not chain.suppressed:
        out.append(f"<h3>{_e(_t('report.scores', lang))}</h3>")
        if chain.previous is not None:
            previous = data.round_names[chain.previous.id]
            out.append(f"<p>{_e(_t('report.compared_with', lang, previous=previous))}</p>")
            if chain.dropped_statements:
                changed = _t("report.versions", lang, dropped=chain.dropped_statements)
                out.append(f'<p class="note">{_e(changed)}</p>')
        else:
            out.append(f'<p class="muted">{_e(_t("report.no_previous", lang))}</p>')
        out.append(_figure(radar_for(data, chain, lang), f"c{index}-radar"))
        out.append(_phase_table(data, chain, lang))
        out += [f'<p class="signal">{_e(signal_text(s, q, lang))}</p>' for s in chain.signals]
    if "results" in parts and not chain.ambition.empty:
        out.append(_ambition_html(data, chain, lang))
    if "agenda" in parts:
        out.append(_agenda_html(data, chain, lang))
    if "handvatten" in parts and not chain.suppressed:
        out.append(_handvatten_html(data, chain, lang))
    if "actions" in parts:
        out.append(_actions_html(data, chain, lang))
    if "comments" in parts:
        out.append(_comments_html(data, chain, lang))
    out.append("</section>")
    return "".join(out)


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
    title = _t("report.title", lang)
    subtitle = _t("report.round", lang, title=data.round_names[w.id], date=w.date)
    body = [
        "<header>",
        f"<h1>{_e(title)}</h1>",
        f'<p class="lead">{_e(data.organisation)} · {_e(subtitle)}</p>',
        f'<p class="muted">{_e(_t("report.intro", lang, min=w.min_group_size))} '
        f"{_e(_t('report.created', lang, date=data.created.isoformat()))}</p>",
        "</header>",
    ]
    if "overview" in parts and len(data.chains) > 1:
        body.append(f'<section class="overview"><h2>{_e(_t("report.overview", lang))}</h2>')
        body.append(_figure(heatmap_for(data, lang), "overview"))
        hidden = _hidden_chains(data)
        if hidden:
            text = _t("report.hidden_chains", lang, min=w.min_group_size, chains=", ".join(hidden))
            body.append(f'<p class="note">{_e(text)}</p>')
        body.append("</section>")
    body += [_chain_html(data, c, i, lang, parts) for i, c in enumerate(data.chains, start=1)]
    page_title = f"{title}: {data.organisation}, {data.round_names[w.id]}"
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_e(page_title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
        + "\n".join(body)
        + "\n</body>\n</html>\n"
    )


# -- PowerPoint ----------------------------------------------------------------------------------

EMU_PER_INCH = 914400
SLIDE_W, SLIDE_H = 13.333, 7.5  # inches, 16:9
MARGIN = 0.5
BODY_TOP = 1.4


@dataclass(frozen=True)
class _Box:
    """A place on a slide, in inches."""

    left: float
    top: float
    width: float
    height: float

    def emu(self) -> tuple[int, int, int, int]:
        return tuple(int(v * EMU_PER_INCH) for v in (self.left, self.top, self.width, self.height))


_TITLE = _Box(MARGIN, 0.3, SLIDE_W - 2 * MARGIN, 1.0)
_BODY = _Box(MARGIN, BODY_TOP, SLIDE_W - 2 * MARGIN, SLIDE_H - BODY_TOP - 0.3)


def _columns(share: float, gap: float = 0.3) -> tuple[_Box, _Box]:
    """The body split in two columns; the left one takes `share` of the width."""
    left_width = (_BODY.width - gap) * share
    left = _Box(_BODY.left, _BODY.top, left_width, _BODY.height)
    right_width = _BODY.width - left_width - gap
    right = _Box(_BODY.left + left_width + gap, _BODY.top, right_width, _BODY.height)
    return left, right


# A paragraph of a text box: (text, level, bold). Level 1 is a bullet, level 2 a detail line.
Paragraph = tuple[str, int, bool]


def render_pptx(data: ReportData, lang: str = "nl") -> bytes:
    """A 16:9 deck for the management team; texts are editable, charts are PNG pictures.

    Slides: title; a radar per chain; the chain comparison (when the report has more than one
    chain); progress, agenda and actions per chain. The agenda slide's notes hold the
    handvatten with the opening questions.
    """
    return _Deck(data, normalize_language(lang)).build()


class _Deck:
    """Builds the deck slide by slide on python-pptx's default template.

    python-pptx is imported where it is used: it takes about 150 ms to import, which pages
    that only show or export HTML should not pay.
    """

    def __init__(self, data: ReportData, lang: str):
        from pptx import Presentation

        self.data, self.lang, self.q = data, lang, data.questionnaire
        self.prs = Presentation()
        self.prs.slide_width = int(SLIDE_W * EMU_PER_INCH)
        self.prs.slide_height = int(SLIDE_H * EMU_PER_INCH)

    # -- building blocks

    def _slide(self, title: str, layout: int = 5):
        """A slide with its title in the title placeholder (so outlines and readers see it)."""
        from pptx.enum.text import PP_ALIGN
        from pptx.util import Pt

        slide = self.prs.slides.add_slide(self.prs.slide_layouts[layout])
        shape = slide.shapes.title
        shape.left, shape.top, shape.width, shape.height = _TITLE.emu()
        shape.text = title
        paragraph = shape.text_frame.paragraphs[0]
        paragraph.alignment = PP_ALIGN.LEFT
        paragraph.runs[0].font.size = Pt(28)
        return slide

    def _picture(self, slide, png: bytes, box: _Box) -> None:
        """The picture as large as fits in `box`, keeping its proportions, centred."""
        from pptx.parts.image import Image

        px_w, px_h = Image.from_blob(png).size
        scale = min(box.width / px_w, box.height / px_h)
        width, height = px_w * scale, px_h * scale
        left = box.left + (box.width - width) / 2
        placed = _Box(left, box.top, width, height).emu()
        slide.shapes.add_picture(io.BytesIO(png), *placed)

    def _text(self, slide, box: _Box, paragraphs: Sequence[Paragraph], size: int = 16) -> None:
        from pptx.enum.text import MSO_AUTO_SIZE
        from pptx.util import Pt

        frame = slide.shapes.add_textbox(*box.emu()).text_frame
        frame.word_wrap = True
        frame.auto_size = MSO_AUTO_SIZE.TEXT_TO_FIT_SHAPE  # PowerPoint shrinks long agendas
        for i, (text, level, bold) in enumerate(paragraphs):
            p = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
            run = p.add_run()
            run.text = ("• " if level == 1 else "") + text
            run.font.size = Pt(size - 2 * level)
            run.font.bold = bold
            p.level = level
            p.space_before = Pt(8 if level == 0 and i else 2)

    def _message(self, slide, text: str) -> None:
        self._text(slide, _Box(_BODY.left, _BODY.top, _BODY.width, 1.5), [(text, 0, False)])

    def _item_paragraphs(self, item: AgendaItem) -> list[Paragraph]:
        what, numbers = item_texts(item, self.q, self.lang)
        if item.statement_id is None:
            return [(f"{what}: {numbers}", 1, False)]
        return [(what, 1, False), (numbers, 2, False)]

    # -- slides

    def _title_slide(self) -> None:
        d, lang, w = self.data, self.lang, self.data.workshop
        slide = self.prs.slides.add_slide(self.prs.slide_layouts[0])
        title, subtitle = slide.shapes.title, slide.placeholders[1]
        title.left, title.top, title.width, title.height = _Box(MARGIN, 2.0, _BODY.width, 1.5).emu()
        subtitle.left, subtitle.top, subtitle.width, subtitle.height = _Box(
            MARGIN, 3.7, _BODY.width, 2.0
        ).emu()
        title.text = _t("report.title", lang)
        subtitle.text_frame.text = d.organisation
        for line in (
            _t("report.round", lang, title=d.round_names[w.id], date=w.date),
            _t("report.deck_subtitle", lang),
        ):
            subtitle.text_frame.add_paragraph().text = line
        slide.notes_slide.notes_text_frame.text = _t("report.intro", lang, min=w.min_group_size)

    def _radar_slide(self, chain: ChainReport) -> None:
        d, lang = self.data, self.lang
        slide = self._slide(_t("report.deck_radar", lang, chain=chain.chain.name))
        if chain.suppressed:
            minimum = d.workshop.min_group_size
            self._message(slide, _t("report.too_few", lang, count=chain.participants, min=minimum))
            return
        left, right = _columns(0.5)
        self._picture(slide, chart_png(radar_for(d, chain, lang, size=420)), left)
        lines: list[Paragraph] = [(_t("report.based_on", lang, count=chain.participants), 0, False)]
        if chain.previous is not None:
            previous = d.round_names[chain.previous.id]
            lines.append((_t("report.compared_with", lang, previous=previous), 0, False))
        lines.append((_t("report.deck_weakest", lang), 0, True))
        for item in chain.agenda.weakest_phases:
            lines += self._item_paragraphs(item)
        lines += [(signal_text(s, self.q, lang), 0, False) for s in chain.signals]
        self._text(slide, right, lines)

    def _comparison_slide(self) -> None:
        d, lang = self.data, self.lang
        slide = self._slide(_t("report.overview", lang))
        spec = heatmap_for(d, lang)
        if spec is not None:
            box = _Box(MARGIN, BODY_TOP, _BODY.width, _BODY.height - 1.0)
            self._picture(slide, chart_png(spec), box)
        hidden = _hidden_chains(d)
        if hidden:
            minimum, names = d.workshop.min_group_size, ", ".join(hidden)
            text = _t("report.hidden_chains", lang, min=minimum, chains=names)
            box = _Box(MARGIN, SLIDE_H - 1.0, _BODY.width, 0.7)
            self._text(slide, box, [(text, 0, False)], size=14)

    def _progress_slide(self, chain: ChainReport) -> None:
        d, lang = self.data, self.lang
        slide = self._slide(_t("report.deck_progress", lang, chain=chain.chain.name))
        spec = None if chain.suppressed else trend_for(d, chain, lang)
        if spec is None:
            self._message(slide, _t("report.progress_one_round", lang))
            return
        left, right = _columns(0.64)
        self._picture(slide, chart_png(spec), left)
        if chain.previous is None:
            return
        previous = d.round_names[chain.previous.id]
        lines: list[Paragraph] = [
            (_t("report.compared_with", lang, previous=previous), 0, False),
            (_t("report.largest_changes", lang), 0, True),
        ]
        names = self.q.phase_names(lang)
        changes = chain.changes.dropna(subset=["change"])
        largest = changes.loc[changes["change"].abs().sort_values(ascending=False).index].head(4)
        for r in largest.itertuples():
            before, after = fmt_score(r.mean_before), fmt_score(r.mean_after)
            text = f"{names[r.phase_id]}: {before} → {after} ({fmt_change(r.change)})"
            lines.append((text, 1, False))
        self._text(slide, right, lines)

    def _ambition_slide(self, chain: ChainReport) -> None:
        """Now, ambition and gap per phase, as lines (only when ambitions were given)."""
        if chain.ambition.empty:
            return
        slide = self._slide(_t("report.ambition_slide", self.lang, name=chain.chain.name))
        head = " · ".join(_t(k, self.lang) for k in ("report.now", "report.ambition", "report.gap"))
        lines: list[Paragraph] = [(head, 0, True)]
        lines += [
            (f"{phase}: {now} · {aim} · {gap}", 1, False)
            for phase, now, aim, gap, _n in _ambition_rows(self.data, chain, self.lang)
        ]
        self._text(slide, _BODY, lines)

    def _agenda_slide(self, chain: ChainReport) -> None:
        lang, agenda = self.lang, chain.agenda
        slide = self._slide(_t("report.deck_agenda", lang, chain=chain.chain.name))
        if agenda.suppressed:
            self._message(slide, _t("agenda.suppressed_short", lang))
            return
        # Phase items are short, statement items long: phases left, statements right.
        columns = dict(zip(("left", "right"), _columns(0.42), strict=True))
        placed: dict[str, list[Paragraph]] = {"left": [], "right": []}
        for number, (section, items) in enumerate(agenda.sections(), start=1):
            side = "left" if section in ("weakest_phases", "drops") else "right"
            placed[side].append((f"{number}. {_t(f'section.{section}', lang)}", 0, True))
            if not items:
                placed[side].append((empty_text(agenda, section, lang), 1, False))
            for item in items:
                placed[side] += self._item_paragraphs(item)
        for side, lines in placed.items():
            self._text(slide, columns[side], lines, size=16)
        self._handvatten_notes(slide, chain)

    def _handvatten_notes(self, slide, chain: ChainReport) -> None:
        """The handvatten of the chain's focus phases, as speaker notes."""
        lang, lines = self.lang, []
        for f in chain.focus:
            phase = self.q.phase(f.phase_id)
            lines.append(f"{phase.name.get(lang)} ({focus_reason(f, self.q, lang)})")
            lines.append(
                f"{_t('handvatten.opening_question', lang)}: {phase.key_question.get(lang)}"
            )
            lines += [f"- {s.text.get(lang)}" for s in self.data.steps.get(f.phase_id, ())]
            lines.append("")
        if lines:
            text = "\n".join([_t("handvatten.title", lang), "", *lines]).rstrip()
            slide.notes_slide.notes_text_frame.text = text

    def _actions_slides(self, chain: ChainReport) -> None:
        from pptx.util import Inches, Pt

        lang = self.lang
        rows = _action_rows(self.data, chain, lang)
        title = _t("report.deck_actions", lang, chain=chain.chain.name)
        if not rows:
            self._message(self._slide(title), _t("report.no_actions", lang))
            return
        widths = (1.6, 4.93, 1.7, 1.3, 1.3, 1.5)  # inches, adding up to the body width
        for start in range(0, len(rows), MAX_ACTION_ROWS):
            chunk = rows[start : start + MAX_ACTION_ROWS]
            slide = self._slide(title + (f" {_t('report.deck_more', lang)}" if start else ""))
            box = _Box(MARGIN, BODY_TOP, _BODY.width, 0.4 * (len(chunk) + 1))
            table = slide.shapes.add_table(len(chunk) + 1, len(_ACTION_COLUMNS), *box.emu()).table
            for j, width in enumerate(widths):
                table.columns[j].width = Inches(width)
            header = [_t(key, lang) for key in _ACTION_COLUMNS]
            for i, values in enumerate([header, *chunk]):
                for j, value in enumerate(values):
                    cell = table.cell(i, j)
                    cell.text = value
                    for run in cell.text_frame.paragraphs[0].runs:
                        run.font.size = Pt(12)

    def build(self) -> bytes:
        d = self.data
        self.prs.core_properties.title = f"{_t('report.title', self.lang)}: {d.workshop.title}"
        self.prs.core_properties.author = "iPM Ketenscan"
        self._title_slide()
        for chain in d.chains:
            self._radar_slide(chain)
        if len(d.chains) > 1:
            self._comparison_slide()
        for make in (
            self._progress_slide,
            self._ambition_slide,
            self._agenda_slide,
            self._actions_slides,
        ):
            for chain in d.chains:
                make(chain)
        out = io.BytesIO()
        self.prs.save(out)
        return out.getvalue()


# -- entry point -----------------------------------------------------------------------------


def build_report(
    store: Store,
    workshop_code: str,
    chain_id: int | None = None,
    fmt: str = "html",
    lang: str = "nl",
    *,
    today: date | None = None,
) -> bytes:
    """The report of a round as file bytes: "html" (UTF-8) or "pptx".

    Raises ValueError for an unknown format, workshop code or chain.
    """
    if fmt not in REPORT_FORMATS:
        raise ValueError(f"unknown report format {fmt!r}; choose from {', '.join(REPORT_FORMATS)}")
    data = gather_report(store, workshop_code, chain_id, today=today)
    if fmt == "pptx":
        return render_pptx(data, lang)
    return render_html(data, lang).encode("utf-8")

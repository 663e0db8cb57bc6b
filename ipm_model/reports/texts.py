"""The words of the reports (Dutch, English); agenda and handvatten texts live in their modules.

`t` looks a key up here, then in agenda.STRINGS and handvatten.STRINGS, so a report words
the agenda exactly as the pages do.
"""

from __future__ import annotations

from ipm_model import formats
from ipm_model.agenda import STRINGS as AGENDA_STRINGS
from ipm_model.agenda import pick
from ipm_model.handvatten import STRINGS as HANDVATTEN_STRINGS
from ipm_model.uncertainty import interval_note, is_wide

# (Dutch, English); filled by agenda.pick.
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
    "report.left_out": (
        "Uitslag van {count} deelnemers; {left_out} weggelaten met opvallende antwoorden "
        "(overal hetzelfde antwoord of opvallend snel klaar).",
        "Result of {count} participants; {left_out} left out with careless-looking answers "
        "(the same answer everywhere or finished remarkably fast).",
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
    "report.peers_slide": (
        "{name}: naast andere organisaties",
        "{name}: next to other organisations",
    ),
    "report.peers_median": ("Anderen (midden)", "Others (median)"),
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
    "summary.title": ("Samenvatting", "Summary"),
    "summary.stand": (
        "{participants} deelnemers in {shown} van de {chains} ketens.",
        "{participants} participants in {shown} of the {chains} chains.",
    ),
    "summary.stand_chain": ("{participants} deelnemers.", "{participants} participants."),
    "summary.strong_weak": (
        "Sterkste fase: {strong} ({strong_score}). Zwakste fase: {weak} ({weak_score}).",
        "Strongest phase: {strong} ({strong_score}). Weakest phase: {weak} ({weak_score}).",
    ),
    "summary.gaps": ("Laagste scores", "Lowest scores"),
    "summary.changes": ("Grootste veranderingen", "Largest changes"),
    "summary.no_changes": (
        "Nog geen eerdere ronde om mee te vergelijken.",
        "No earlier round to compare with yet.",
    ),
    "summary.agenda": ("Voorstel voor het gesprek", "Proposed agenda"),
    "summary.none": (
        "Nog geen resultaten: elke keten heeft te weinig deelnemers. Zo blijft iedereen anoniem.",
        "No results yet: every chain has too few participants. That keeps everyone anonymous.",
    ),
    "report.held_on": ("Workshop van {date}", "Workshop of {date}"),
    "report.footer": ("{organisation} · {round} · {date}", "{organisation} · {round} · {date}"),
    "report.trend": ("Verloop over de rondes", "Trend across rounds"),
    "report.trend_one_round": (
        "Na een tweede ronde zie je hier het verloop.",
        "After a second round you will see the trend here.",
    ),
    "report.handvatten_for": ("Voor {chains}", "For {chains}"),
    "report.deck_actions_all": ("Acties en hun voortgang", "Actions and their progress"),
    "report.action_chain": ("Keten", "Chain"),
    "report.deck_since": ("Sinds {previous}", "Since {previous}"),
    "report.page": ("Pagina", "Page"),
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
    "col.interval": ("90%-interval", "90% interval"),
    "col.peers": ("Anderen", "Others"),
    "report.peers_note": (
        "Anderen: de middelste helft van de ketens van andere organisaties op "
        "dezelfde vragenlijst (minstens 5 organisaties, zonder namen).",
        "Others: the middle half of other organisations' chains on the same "
        "questionnaire (at least 5 organisations, no names).",
    ),
    "report.interval_help": (
        "Onder elke score het 90%-interval: de echte score van de groep ligt met 90% zekerheid "
        "tussen deze twee getallen.",
        "Under each score its 90% interval: the group's real score lies between these two "
        "numbers with 90% certainty.",
    ),
    "report.wide_mark": (
        "*: weinig deelnemers, breed 90%-interval: voorzichtig lezen.",
        "*: few participants, wide 90% interval: read with care.",
    ),
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


def t(key: str, lang: str, /, **fields: object) -> str:
    """A report text in `lang` with {fields} filled in."""
    for table in (STRINGS, AGENDA_STRINGS, HANDVATTEN_STRINGS):
        if key in table:
            return pick(table, key, lang, **fields)
    raise KeyError(key)


def score_text(phase: str, score: float, lang: str, chain: str = "") -> str:
    """ "Groeien 2,3", with "Keten: " before it when a chain is named."""
    text = f"{phase} {formats.number(score, lang)}"
    return f"{chain}: {text}" if chain else text


def change_text(
    phase: str, before: float, after: float, change: float, lang: str, chain: str = ""
) -> str:
    """ "Doen 3,2 → 3,7 (+0,5)": the change is the difference of the two shown values."""
    n = formats.number
    text = f"{phase} {n(before, lang)} → {n(after, lang)} ({formats.change(change, lang)})"
    return f"{chain}: {text}" if chain else text


def interval_cell(mean: float, low: float, high: float, lang: str) -> tuple[str, str]:
    """A shown mean's 90 % interval as report text ("3,1–3,8", decimal comma in Dutch) and
    the words to go with it ("weinig deelnemers: voorzichtig lezen", "te weinig gegevens" or
    ""). Both empty for a hidden mean."""
    import math

    if mean is None or math.isnan(float(mean)):
        return "", ""
    note = interval_note(mean, low, high, lang)
    if math.isnan(float(low)) or math.isnan(float(high)):
        return "", note
    span = f"{formats.number(low, lang)}–{formats.number(high, lang)}"
    return span, note


def interval_is_wide(low: float, high: float) -> bool:
    """True when a report should mark the interval as wide (uncertainty.is_wide)."""
    import math

    return not (math.isnan(float(low)) or math.isnan(float(high))) and is_wide(low, high)

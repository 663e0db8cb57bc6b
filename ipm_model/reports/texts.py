"""How the reports word numbers: a score, a change. Their texts are in ipm_model/texts/
(one table with the screens', looked up by i18n.phrase)."""

from __future__ import annotations

from ipm_model import formats
from ipm_model.uncertainty import interval_note, is_wide


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

"""The seven phases of the iPM development model, in the model's order."""

from __future__ import annotations

# The order matters: each phase builds on the ones before it. Questionnaire files must list
# exactly these ids in exactly this order; names and key questions live in the questionnaire
# file so that a new questionnaire version can rephrase them.
PHASE_IDS: tuple[str, ...] = (
    "inzicht",
    "toekomst",
    "versnellen",
    "structuur",
    "doen",
    "groeien",
    "borgen",
)

PHASE_COUNT = len(PHASE_IDS)

LANGUAGES: tuple[str, ...] = ("nl", "en")
DEFAULT_LANGUAGE = "nl"

"""Numbers and dates as a reader expects them, through Babel (the CLDR locale data).

Dutch: "3,4", "+0,3", "17%", "2 november 2026". English: "3.4", "+0.3", "17%",
"2 November 2026" (British order, as in most of Europe). Every page and document formats
through these functions; none replaces a point by a comma itself.

Values are rounded here exactly as `for_display` (below) rounds a frame's figures (numpy's
round half to even on the float), so a formatted figure is the figure the data carry. A
change is shown as the difference of the shown values (`for_display` recomputes it), never
rounded on its own. `for_display` lives here, below agenda and results, so both can use it
without an import circle; `results.for_display` is the same function.
"""

from __future__ import annotations

from datetime import date, datetime
from functools import cache, lru_cache
from typing import TYPE_CHECKING

import numpy as np
from babel import Locale
from babel.dates import format_date
from babel.numbers import format_decimal, format_percent

if TYPE_CHECKING:
    import pandas as pd

LOCALES: dict[str, str] = {"nl": "nl_NL", "en": "en_GB"}
DASH = "–"  # shown for a missing value
MINUS = "−"  # a true minus sign, not a hyphen
SHOWN_DECIMALS = 1  # phase means and changes, as every screen and document shows them
SD_DECIMALS = 2
RATE_DECIMALS = 2  # shares (0..1): whole per cents


@cache
def locale(lang: str) -> Locale:
    """The Babel locale of an interface language (Dutch unless "en")."""
    return Locale.parse(LOCALES.get(lang, LOCALES["nl"]))


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and np.isnan(value))


def rounded(value: float, decimals: int) -> float:
    """`value` rounded as the data are rounded for display (numpy, half to even)."""
    return float(np.round(float(value), decimals)) + 0.0  # + 0.0 turns -0.0 into 0.0


def number(value: float | None, lang: str, decimals: int = 1) -> str:
    """A score or spread with `decimals` decimals: "3,4" in Dutch; a dash when missing."""
    if _missing(value):
        return DASH
    return _decimal(rounded(value, decimals), decimals, lang)


@lru_cache(maxsize=8192)
def _decimal(value: float, decimals: int, lang: str) -> str:
    """Babel's text of an already rounded number (~40 µs a call, and a page writes a few
    thousand of the same few dozen scores: 40 small radars' labels and tooltips)."""
    pattern = "0." + "0" * decimals if decimals else "0"
    return format_decimal(value, pattern, locale=locale(lang))


def count(value: int, lang: str) -> str:
    """A whole count with the language's thousands separator: "1.234" / "1,234"."""
    return format_decimal(int(value), "#,##0", locale=locale(lang))


def change(value: float | None, lang: str, decimals: int = 1) -> str:
    """A signed change: "+0,3", "−0,2", "0,0"; a dash when missing."""
    if _missing(value):
        return DASH
    value = rounded(value, decimals)
    text = number(abs(value), lang, decimals)
    return text if value == 0 else ("+" if value > 0 else MINUS) + text


def percent(rate: float | None, lang: str) -> str:
    """A share (0..1) in whole per cents: "17%"."""
    if _missing(rate):
        return DASH
    return format_percent(rounded(rate, 2), "#,##0%", locale=locale(lang))


def _as_date(value: date | str) -> date:
    if isinstance(value, datetime):
        return value.date()
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def day(value: date | str | None, lang: str) -> str:
    """A date in words: "2 november 2026" / "2 November 2026"; a dash when missing."""
    if value is None or value == "":
        return DASH
    return format_date(_as_date(value), "d MMMM y", locale=locale(lang))


@cache
def vega_locale(lang: str) -> dict[str, dict]:
    """The Vega / Vega-Lite `config.locale` of a language, from the same CLDR data as `number`.

    Charts format their own numbers (axes, tooltips) with d3-format; this makes them write
    "3,4" in Dutch and "3.4" in English, like every other figure. Treat the result as
    read-only (it is shared).
    """
    symbols = locale(lang).number_symbols["latn"]
    return {
        "number": {
            "decimal": symbols["decimal"],
            "thousands": symbols["group"],
            "grouping": [3],
            "currency": ["", ""],  # no chart shows money
            "minus": MINUS,
        }
    }


def parse_number(text: str, lang: str) -> float:
    """The inverse of `number` and `change` (for tests and checks)."""
    sign = -1.0 if text.startswith(MINUS) else 1.0
    digits = text.lstrip("+" + MINUS)
    decimal = locale(lang).number_symbols["latn"]["decimal"]
    return sign * float(digits.replace(decimal, "."))


def for_display(stats: pd.DataFrame) -> pd.DataFrame:
    """Round figures to what is shown, so no more precision reaches a browser or a file.

    The one number rule: a change (score_changes' `change`) becomes the difference of the
    shown `mean_before` and `mean_after`, so "3,0 → 3,4 (+0,4)" always adds up.
    """
    out = stats.copy()
    for column, decimals in (
        ("mean", SHOWN_DECIMALS),
        ("now", SHOWN_DECIMALS),
        ("ambition", SHOWN_DECIMALS),
        ("gap", SHOWN_DECIMALS),
        ("score", SHOWN_DECIMALS),
        ("mean_before", SHOWN_DECIMALS),
        ("mean_after", SHOWN_DECIMALS),
        ("ci_low", SHOWN_DECIMALS),
        ("ci_high", SHOWN_DECIMALS),
        ("change_low", SHOWN_DECIMALS),
        ("change_high", SHOWN_DECIMALS),
        ("sd", SD_DECIMALS),
        ("dont_know_rate", RATE_DECIMALS),
        ("not_applicable_rate", RATE_DECIMALS),
    ):
        if column in out.columns:
            out[column] = out[column].astype(float).round(decimals)
    if {"mean_before", "mean_after", "change"} <= set(out.columns):
        # Rounded again: the difference of two one-decimal floats carries float noise.
        out["change"] = (out["mean_after"] - out["mean_before"]).round(SHOWN_DECIMALS) + 0.0
    return out

"""The one number rule: every shown change is the difference of the shown values."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from ipm_model import formats
from ipm_model.agenda import build_agenda, item_texts
from ipm_model.phases import PHASE_IDS
from ipm_model.questionnaire import default_questionnaire
from ipm_model.results import for_display
from ipm_model.scoring import DIST_COLUMNS, score_changes

Q = default_questionnaire()
scores = st.lists(
    st.one_of(st.floats(1, 5, allow_nan=False), st.just(float("nan"))),
    min_size=len(PHASE_IDS),
    max_size=len(PHASE_IDS),
)


def _stats(means: list[float]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "phase_id": PHASE_IDS,
            "participants": 5,
            "n": 5,
            "mean": means,
            "sd": 0.5,
            "dont_know_rate": 0.0,
            "suppressed": False,
            "scores_hidden": [bool(np.isnan(m)) for m in means],
        }
    )


def _decimal(text: str, lang: str) -> Decimal:
    sign = -1 if text.startswith(formats.MINUS) else 1
    digits = text.lstrip("+" + formats.MINUS)
    return sign * Decimal(digits.replace(",", ".") if lang == "nl" else digits)


def assert_adds_up(before: str, after: str, change: str, lang: str) -> None:
    """The shown change equals shown after minus shown before, to the shown decimal."""
    assert _decimal(after, lang) - _decimal(before, lang) == _decimal(change, lang), (
        before,
        after,
        change,
    )


@settings(max_examples=300, deadline=None)
@given(before=scores, after=scores, lang=st.sampled_from(["nl", "en"]))
def test_shown_changes_are_differences_of_shown_values(before, after, lang):
    changes = for_display(score_changes(_stats(before), _stats(after)))
    for r in changes.dropna(subset=["change"]).itertuples():
        assert_adds_up(
            formats.number(r.mean_before, lang),
            formats.number(r.mean_after, lang),
            formats.change(r.change, lang),
            lang,
        )


@settings(max_examples=200, deadline=None)
@given(before=scores, after=scores, lang=st.sampled_from(["nl", "en"]))
def test_agenda_drops_add_up_and_are_what_a_reader_sees(before, after, lang):
    statements = pd.DataFrame(
        columns=[
            "phase_id",
            "statement_id",
            "n",
            "mean",
            "sd",
            "dont_know_rate",
            "participants",
            "dont_know",
            "suppressed",
            "scores_hidden",
            *DIST_COLUMNS,
        ]
    )
    agenda = build_agenda(_stats(after), statements, _stats(before), top=7)
    for item in agenda.drops:
        before_text = formats.number(item.mean_before, lang)
        after_text = formats.number(item.mean, lang)
        change_text = formats.change(item.value, lang)
        assert_adds_up(before_text, after_text, change_text, lang)
        assert _decimal(change_text, lang) <= Decimal("-0.1")  # a drop a reader can see
        _, numbers = item_texts(item, Q, lang)
        assert f"{before_text}" in numbers and f"({change_text};" in numbers


def test_dutch_and_english_formats():
    assert formats.number(3.45, "nl") == "3,4" and formats.number(3.45, "en") == "3.4"
    assert formats.change(-0.25, "nl") == "−0,2" and formats.change(0.3, "en") == "+0.3"
    assert formats.change(0.04, "nl") == "0,0"
    assert formats.percent(0.17, "nl") == "17%"
    assert formats.day("2026-11-02", "nl") == "2 november 2026"
    assert formats.day("2026-11-02", "en") == "2 November 2026"
    assert formats.number(None, "nl") == formats.DASH


@settings(max_examples=300, deadline=None)
@given(
    value=st.one_of(st.floats(-1e6, 1e6, allow_nan=False), st.integers(-1000, 1000)),
    lang=st.sampled_from(["nl", "en", "de"]),
    decimals=st.integers(0, 3),
)
def test_number_is_babels_text_of_the_rounded_value(value, lang, decimals):
    """formats.number keeps Babel's text per rounded value: the same as Babel's every time."""
    from babel.numbers import format_decimal

    pattern = "0." + "0" * decimals if decimals else "0"
    expected = format_decimal(
        formats.rounded(value, decimals), pattern, locale=formats.locale(lang)
    )
    assert formats.number(value, lang, decimals) == expected
    assert formats.number(value, lang, decimals) == expected  # from the kept text

"""Numbers in tables as the page's language writes them: "3,4" in Dutch, "3.4" in English.

Streamlit's number columns format with printf patterns and know no language, so a Dutch page
would show "3.4". Scores, spreads and changes are therefore sent as text formatted by
`ipm_model.formats` (the same function as the documents), right-aligned like numbers.
Whole numbers (counts, per cents) stay numbers: they have no decimal sign.
"""

from __future__ import annotations

from collections.abc import Iterable

import streamlit as st

from ipm_model import formats


def numbers(values: Iterable[float | None], lang: str, decimals: int = 1) -> list[str]:
    """Each value as shown ("3,4"); a dash for a missing one."""
    return [formats.number(v, lang, decimals) for v in values]


def changes(values: Iterable[float | None], lang: str) -> list[str]:
    """Each change with its sign ("+0,3", "−0,2"); a dash for a missing one."""
    return [formats.change(v, lang) for v in values]


def right_aligned(*labels: str) -> dict[str, object]:
    """Column settings that align these text columns of numbers to the right."""
    return {label: st.column_config.TextColumn(alignment="right") for label in labels}

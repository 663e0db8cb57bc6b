"""Typed text on screen: a name, title, comment or action shows exactly as it was typed.

Typed text is everything a person entered: organisation, chain, role and partner names,
workshop titles, comments, action descriptions and owners, imported text. It never becomes
markup: no Markdown, LaTeX, HTML, icons, emoji, colours or links (also not from a bare URL or
e-mail address). The rules, checked in Chromium by tests/browser/test_plain_text.py:

- Where Streamlit renders Markdown, typed text goes only through `plain()`, or as a field
  of `t()` (which calls the same escaping). Markdown is rendered by st.markdown, st.write,
  st.caption, st.title/header/subheader, the alerts (info, success, warning, error), every
  widget label, radio, segmented_control and pills options (also from `format_func`), tab
  and expander labels, and every cell and index of st.table (`plain_table()`).
- Where Streamlit shows text as it is, pass it unchanged (escaping would show backslashes):
  selectbox and multiselect options (also from `format_func`), text fields, st.dataframe and
  st.data_editor cells (TextColumn, never LinkColumn), st.code and Vega-Lite chart labels.
- st.html only with `html.escape()` applied to every typed value.
"""

from __future__ import annotations

import pandas as pd

from ipm_model.i18n import escape_markdown


def plain(text: object) -> str:
    """Typed text for a place where Streamlit renders Markdown; it reads exactly as typed."""
    return escape_markdown(text)


def plain_table(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of `frame` for st.table (which renders Markdown): text cells and index escaped."""
    shown = frame.copy()
    for column in shown.columns:
        if _is_text(shown[column]):
            shown[column] = shown[column].map(plain)
    if _is_text(shown.index):
        shown.index = shown.index.map(plain).rename(shown.index.name)
    return shown


def _is_text(values: pd.Series | pd.Index) -> bool:
    return pd.api.types.is_string_dtype(values) or pd.api.types.is_object_dtype(values)

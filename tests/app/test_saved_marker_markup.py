"""The saved marker is drawn as one caption with a span (ui/scan.py _saved_marker) and
unsafe_allow_html: what an answer label holds must still reach the browser as text."""

from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest

from tests.app.conftest import MARKER_RE

HOSTILE = [
    '<img src=x onerror="alert(1)">',
    "</span><script>alert(1)</script>",
    "**vet** [link](javascript:alert(1)) &lt;b&gt;",
]


def _marker_script(label: str) -> None:
    import streamlit as st

    from ui import scan

    st.session_state.setdefault(scan.NOTES, {})
    st.session_state.setdefault(scan.PENDING, {})
    scan._saved_marker("inz-1", "4", {"4": label}, "nl")


@pytest.mark.parametrize("label", HOSTILE)
def test_a_hostile_answer_label_in_the_marker_stays_text(label):
    at = AppTest.from_function(_marker_script, args=(label,)).run()
    assert not at.exception
    captions = [c.value for c in at.caption]
    assert len(captions) == 1
    mark = MARKER_RE.fullmatch(captions[0])
    assert mark and mark["state"] == "saved" and mark["id"] == "inz-1"
    inner = mark["text"]
    # Every character that could open a tag, an entity or Markdown is backslash-escaped,
    # so CommonMark (with HTML allowed) shows it as typed; only our own span is HTML.
    assert not re.search(r"(?<!\\)[<>&*\[\]()]", inner), inner
    assert captions[0].count("<span") == 1 and captions[0].count("</span>") == 1

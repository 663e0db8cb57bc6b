"""House rules: ipm_model stays free of Streamlit; every UI text exists in both languages."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from ipm_model.i18n import escape_markdown, normalize_language, t
from ipm_model.throttle import FREE_TRIES, Throttle

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("path", sorted((ROOT / "ipm_model").rglob("*.py")), ids=lambda p: p.name)
def test_ipm_model_does_not_import_streamlit(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            names = [node.module or ""]
        else:
            continue
        assert not any(n == "streamlit" or n.startswith("streamlit.") for n in names), path


def test_importing_ipm_model_loads_no_streamlit():
    code = (
        "import sys, ipm_model.cli, ipm_model.storage.store, ipm_model.scoring, ipm_model.charts; "
        "print('streamlit' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert out.stdout.strip() == "False"


def test_markdown_in_user_text_is_shown_as_typed():
    hostile = "**bold** <script>alert(1)</script> [x](http://evil) ![i](http://e/i.png) :red[x]"
    escaped = escape_markdown(hostile)
    for token in ("**", "<script>", "](", "!["):
        assert token not in escaped
    assert t("start.code_unknown", "nl", code="<b>x</b>") == (
        "We kennen de code '\\<b\\>x\\<\\/b\\>' niet. Kijk of je de code goed hebt overgenomen."
    )


@pytest.mark.parametrize(
    ("typed", "broken"),
    [
        ("zie https://example.org/x", "https:\u2060//"),
        ("ga naar www.example.org", "www\u2060."),
        ("mail info@example.org", "@\u2060"),
        (":smile: :streamlit: :material/home: :red[x]", ":\u2060streamlit"),
    ],
    ids=["url", "www", "email", "shortcodes"],
)
def test_autolinks_and_shortcodes_are_broken_invisibly(typed, broken):
    """Streamlit links URLs and draws shortcodes after resolving backslashes: a word joiner
    breaks them, and removing the joiners and backslashes gives the typed text back."""
    escaped = escape_markdown(typed)
    assert broken in escaped.replace("\\", "")
    assert escaped.replace("\u2060", "").replace("\\", "") == typed


def test_escaping_keeps_no_word_joiner_or_control_character_from_the_input():
    assert escape_markdown("a\u2060b\x00c\u202ed\r\ne") == "abcd  e"
    assert escape_markdown("Doel: 3 van 5") == "Doel\\: 3 van 5"  # no joiner before a space


@pytest.mark.parametrize(
    ("raw", "lang"),
    [
        ("en", "en"),
        ("EN", "en"),
        ("nl", "nl"),
        ("fr", "nl"),
        (None, "nl"),
        ("en-GB", "en"),
        (["en"], "nl"),
        ("", "nl"),
    ],
)
def test_language_from_any_input(raw, lang):
    assert normalize_language(raw) == lang


def test_throttle_waits_longer_after_repeated_failures():
    now = [100.0]
    guard = Throttle(clock=lambda: now[0])
    for _ in range(FREE_TRIES - 1):
        guard.failed()
    assert guard.wait_seconds() == 0
    guard.failed()
    assert guard.wait_seconds() == 5
    now[0] += 5
    assert guard.wait_seconds() == 0
    guard.failed()
    assert guard.wait_seconds() == 10
    guard.succeeded()
    assert guard.wait_seconds() == 0


def test_throttle_without_free_tries_waits_at_once_and_decays_on_success():
    from ipm_model.throttle import Throttle

    now = [100.0]
    t = Throttle(clock=lambda: now[0])
    t.failed(no_free_tries=True)  # a hot address: this session waits after one wrong try
    assert t.wait_seconds() == 5
    for _ in range(3):
        t.failed()
    assert t.wait_seconds() == 40
    t.decay()  # 8 -> 4 failures: a shorter wait, never a longer one
    assert t.failures == 4 and t.wait_seconds() == 0

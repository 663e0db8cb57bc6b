"""The app's own charts write numbers as the page's language does: "3,8" in Dutch, "3.8" in
English, in what Vega draws (tooltips, screen-reader labels) and in the heatmap's cells."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tests.browser.browser_helpers import assert_no_exception, goto

pytestmark = pytest.mark.browser

DUTCH = re.compile(r"\d,\d")
ENGLISH = re.compile(r"\d\.\d")
CASES = [
    ("nl", "Resultaten", "Inzicht", "Score", DUTCH, ENGLISH),
    ("en", "Results", "Insight", "Score", ENGLISH, DUTCH),
]
WHO = {"nl": "Wie", "en": "Who"}  # the series' title in the tooltip (no raw field name)


@pytest.mark.parametrize(
    ("lang", "title", "phase", "score", "wanted", "unwanted"), CASES, ids=["nl", "en"]
)
def test_radar_tooltip_and_labels_follow_the_language(
    browser, app_server, results_token, tmp_path, lang, title, phase, score, wanted, unwanted
):
    context = browser.new_context(
        viewport={"width": 1440, "height": 900}, has_touch=True, base_url=app_server
    )
    page = context.new_page()
    try:
        goto(page, f"/results?r={results_token}&lang={lang}", title)
        chart = page.locator('[data-testid="stVegaLiteChart"]').first
        point = chart.locator(f'svg [aria-label*=", {phase}: "]').first
        point.wait_for(state="attached")
        # The point's own label (Python's number through ipm_model.formats).
        label = point.get_attribute("aria-label")
        assert wanted.search(label) and not unwanted.search(label), label
        # The tooltip: Vega formats the score and the spread itself, with the spec's locale.
        text = _radar_tooltip(page, point, WHO[lang])
        assert score in text and phase in text
        assert WHO[lang] in text and "series" not in text, text
        numbers = re.findall(r"\d[.,]\d", text)
        assert len(numbers) >= 2, text  # score and spread (and the interval)
        assert all(wanted.fullmatch(n) for n in numbers), text
        assert "x2" not in " ".join(
            chart.locator("svg [aria-label]").evaluate_all("els => els.map(e => e.ariaLabel)")
        )
        assert_no_exception(page)
        shots = Path(os.environ.get("IPM_SHOTS") or tmp_path)
        page.screenshot(path=str(shots / f"tooltip-{lang}.png"))
    finally:
        context.close()


def _radar_tooltip(page, point, who: str, attempts: int = 4) -> str:
    """The tooltip text of `point` in the first radar. Vega shares one tooltip element between
    the page's charts, and the mouse lands where the point was when Playwright measured it; on
    a loaded machine the page can still move under it (a chart below drawing, a scrollbar
    appearing), so the mouse may rest on the ambition radar's point of the same phase. Hover
    again, at most `attempts` times, until the tooltip is the radar's own (it names "Who")."""
    tooltip = page.locator("#vg-tooltip-element")
    text = ""
    for _ in range(attempts):
        point.scroll_into_view_if_needed()
        page.mouse.move(0, 0)
        point.hover(force=True)
        tooltip.wait_for(state="visible")
        text = tooltip.inner_text()
        if who in text:
            break
        page.wait_for_timeout(300)
    return text


@pytest.mark.parametrize(("lang", "wanted", "unwanted"), [("nl", DUTCH, ENGLISH)], ids=["nl"])
def test_heatmap_cells_follow_the_language(
    browser, app_server, results_token, lang, wanted, unwanted
):
    context = browser.new_context(
        viewport={"width": 1440, "height": 900}, has_touch=True, base_url=app_server
    )
    page = context.new_page()
    try:
        goto(page, f"/compare?r={results_token}&lang={lang}", "Ketens vergelijken")
        cells = page.locator('[data-testid="stVegaLiteChart"] svg text').filter(
            has_text=re.compile(r"^\d[.,]\d$")
        )
        # The seventh cell: the whole heatmap is drawn (another chart of the page, or the
        # heatmap's first cells, can be there a moment before the rest under load).
        cells.nth(6).wait_for(state="attached")
        values = cells.all_text_contents()
        assert len(values) >= 7, values
        assert all(wanted.fullmatch(v) for v in values), values
        assert_no_exception(page)
    finally:
        context.close()

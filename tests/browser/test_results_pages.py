"""The results pages on a tablet, portrait and landscape: the radar is drawn and fits, and
axe-core finds no accessibility violations."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser.browser_helpers import assert_no_exception, goto, wait_idle

pytestmark = pytest.mark.browser

PAGES = [
    ("results", "Resultaten"),
    ("compare", "Ketens vergelijken"),
    ("progress", "Voortgang"),
]
SIZES = {"portrait": {"width": 820, "height": 1180}, "landscape": {"width": 1180, "height": 820}}


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize(("path", "title"), PAGES, ids=[p for p, _ in PAGES])
def test_results_page_draws_a_fitting_radar_without_axe_violations(
    browser, app_server, results_token, path, title, size
):
    viewport = SIZES[size]
    context = browser.new_context(viewport=viewport, has_touch=True, base_url=app_server)
    page = context.new_page()
    try:
        goto(page, f"/{path}?r={results_token}", title)
        chart = page.locator('[data-testid="stVegaLiteChart"]').first
        chart.wait_for(state="visible")
        graphic = chart.locator("svg, canvas").first
        graphic.wait_for(state="visible")
        box = graphic.bounding_box()
        assert box is not None and box["width"] > 200 and box["height"] > 200
        assert box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"]
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= viewport["width"], "the page scrolls sideways"
        assert_no_exception(page)
        if path == "results":  # the agenda and the handvatten are on the page axe checks
            page.get_by_text("Agenda voor het ketengesprek").first.wait_for()
        results = Axe().run(page)
        if results.violations_count:
            print(results.generate_report())
        assert results.violations_count == 0
    finally:
        context.close()


def test_report_downloads_from_the_results_page(browser, app_server, results_token, tmp_path):
    context = browser.new_context(
        viewport={"width": 1180, "height": 820}, base_url=app_server, accept_downloads=True
    )
    page = context.new_page()
    try:
        goto(page, f"/results?r={results_token}", "Rapport en export")
        for label, suffix, magic in (
            ("Rapport (HTML, A4)", ".html", b"<!doctype html"),
            ("Presentatie voor het MT (PowerPoint)", ".pptx", b"PK"),
            ("Agenda om te printen (HTML)", ".html", b"<!doctype html"),
        ):
            with page.expect_download(timeout=60_000) as info:
                page.get_by_role("button", name=label).click()
            download = info.value
            assert download.suggested_filename.endswith(suffix)
            target = tmp_path / download.suggested_filename
            download.save_as(target)
            assert target.read_bytes()[:20].lower().startswith(magic.lower())
        assert_no_exception(page)
    finally:
        context.close()


def _screens(page, viewport_height: int) -> float:
    """The page's height in screens (the main block scrolls, not the body)."""
    height = page.evaluate(
        "() => { const m = document.querySelector('[data-testid=stMain]');"
        " return m ? m.scrollHeight : document.body.scrollHeight; }"
    )
    return height / viewport_height


def test_results_lead_with_radar_points_and_downloads_on_the_first_screen(
    browser, app_server, results_token
):
    """At 1440x900: the radar, the three biggest points and the downloads above the fold,
    the whole page at most three screens, and the page uses the width."""
    viewport = {"width": 1440, "height": 900}
    context = browser.new_context(viewport=viewport, base_url=app_server)
    page = context.new_page()
    try:
        goto(page, f"/results?r={results_token}", "De drie grootste punten")
        chart = page.locator('[data-testid="stVegaLiteChart"]').first
        chart.wait_for(state="visible")
        for element in (
            chart,
            page.get_by_text("De drie grootste punten"),
            page.get_by_role("button", name="Rapport (HTML, A4)"),
            page.get_by_role("button", name="Presentatie voor het MT (PowerPoint)"),
        ):
            box = element.bounding_box()
            assert box is not None and box["y"] + box["height"] <= viewport["height"], element
        points = page.get_by_text("De drie grootste punten").bounding_box()
        assert points["x"] > viewport["width"] / 2  # beside the radar, not under it
        assert _screens(page, viewport["height"]) <= 3
        assert_no_exception(page)
    finally:
        context.close()


@pytest.mark.parametrize(("path", "title"), PAGES, ids=[p for p, _ in PAGES])
def test_results_pages_are_at_most_three_screens_and_show_no_none(
    browser, app_server, results_token, path, title
):
    viewport = {"width": 1440, "height": 900}
    context = browser.new_context(viewport=viewport, base_url=app_server)
    page = context.new_page()
    try:
        goto(page, f"/{path}?r={results_token}", title)
        page.locator('[data-testid="stVegaLiteChart"]').first.wait_for(state="visible")
        page.wait_for_timeout(1500)  # tables draw their cells after the charts
        assert _screens(page, viewport["height"]) <= 3
        # Grid cells are drawn on a canvas: read what the data grids hold through their
        # accessible tables, and the visible text of everything else.
        text = page.locator('[data-testid="stMain"]').inner_text()
        cells = page.eval_on_selector_all(
            '[data-testid="stDataFrame"] table td', "cells => cells.map(c => c.textContent)"
        )
        words = set(text.split()) | {c.strip() for c in cells}
        assert "None" not in words and "nan" not in words
        assert_no_exception(page)
    finally:
        context.close()


def test_compare_within_one_chain_computes_for_the_chain_picked(browser, app_server, results_token):
    """The compare page's "within one chain" section opens with an empty chain picker (its
    figures are computed only for a chain someone picks); a pick on a tablet shows that
    chain's split by role, and the pick stays on a rerun (a language switch)."""
    context = browser.new_context(
        viewport=SIZES["portrait"], has_touch=True, locale="nl-NL", base_url=app_server
    )
    page = context.new_page()
    try:
        goto(page, f"/compare?r={results_token}", "Binnen één keten")
        assert page.get_by_text("Verdeel naar").count() == 0  # nothing computed yet
        picker = page.locator('[data-testid="stSelectbox"]').last
        picker.scroll_into_view_if_needed()
        field = picker.locator("input").first
        assert "Kies een keten" in picker.inner_text() + (field.get_attribute("placeholder") or "")
        picker.tap()
        option = page.get_by_role("option").first
        chain = option.inner_text().strip()
        option.tap()
        wait_idle(page, "Verdeel naar")
        assert chain in picker.inner_text() + field.input_value()
        assert_no_exception(page)
        page.locator(".st-key-lang-switch").get_by_role("radio", name="EN").tap()
        wait_idle(page, "Split by")
        picker = page.locator('[data-testid="stSelectbox"]').last
        field = picker.locator("input").first
        assert chain in picker.inner_text() + field.input_value()  # the pick is kept
        assert_no_exception(page)
    finally:
        context.close()

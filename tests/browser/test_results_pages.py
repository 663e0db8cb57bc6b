"""The results pages on a tablet, portrait and landscape: the radar is drawn and fits, and
axe-core finds no accessibility violations."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser.browser_helpers import assert_no_exception, goto

pytestmark = pytest.mark.browser

PAGES = [
    ("results", "Resultaten"),
    ("compare", "Ketens vergelijken"),
    ("progress", "Voortgang"),
]
SIZES = {"portrait": {"width": 820, "height": 1180}, "landscape": {"width": 1180, "height": 820}}


@pytest.fixture(scope="module")
def results_token(app_db: Path) -> str:
    db = sqlite3.connect(app_db)
    (token,) = db.execute(
        "SELECT o.results_token FROM organisation o JOIN workshop w ON w.organisation_id = o.id "
        "WHERE w.code = 'DEMO'"
    ).fetchone()
    db.close()
    return token


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

"""The HTML report in a real Chromium: all seven phases visible, no request leaves the file.

Needs no app server: the report is a file opened by its file:// URL. Skipped when Chromium is
missing, except on CI (CI=true), where that is an error.
"""

from __future__ import annotations

import io
import os
import re
import shutil
from collections import defaultdict
from datetime import date
from pathlib import Path

import pypdf
import pytest

from ipm_model.demo import create_demo
from ipm_model.phases import PHASE_IDS
from ipm_model.questionnaire import default_questionnaire
from ipm_model.reports import build_report
from ipm_model.storage.store import Store

pytestmark = pytest.mark.browser

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
A4_WIDTH_PX = 794  # 210 mm at 96 CSS px per inch


@pytest.fixture(autouse=True)
def server_log_clean():
    """This module opens files, not the app: no server to start or to watch."""
    yield


@pytest.fixture(scope="module")
def chromium():
    path = shutil.which("chromium")
    if not path:
        if os.environ.get("CI", "").strip().lower() == "true":
            pytest.fail("the report browser test cannot run on CI: no chromium", pytrace=False)
        pytest.skip("no chromium executable on PATH")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def reports(tmp_path_factory) -> dict[str, Path]:
    """The report of the demo's last history round: one chain (Dutch), all chains (English)."""
    folder = tmp_path_factory.mktemp("report-html")
    questionnaire = default_questionnaire()
    store = Store(folder / "x.db")
    demo = create_demo(store, questionnaire, today=date(2025, 6, 2))
    last = demo.history[-1]
    files = {
        "nl": (build_report(store, last.code, last.chains[1].id, "html", "nl"), "een keten.html"),
        "en": (build_report(store, last.code, None, "html", "en"), "all chains.html"),
    }
    store.close()
    paths = {}
    for lang, (data, name) in files.items():
        paths[lang] = folder / name
        paths[lang].write_bytes(data)
    return paths


def _open(chromium, path: Path, viewport: dict[str, int] | None = None):
    """Load the file in a fresh context; return the page and every request it made."""
    context = chromium.new_context(viewport=viewport or {"width": 1000, "height": 1200})
    page = context.new_page()
    requests: list[str] = []
    errors: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(path.as_uri(), wait_until="load")
    page.wait_for_load_state("networkidle")
    return page, requests, errors


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_report_shows_the_seven_phases_without_any_external_request(chromium, reports, lang):
    questionnaire = default_questionnaire()
    page, requests, errors = _open(chromium, reports[lang])
    try:
        assert requests == [reports[lang].as_uri()]
        assert errors == []
        text = page.inner_text("body")
        for phase_id in PHASE_IDS:
            phase = questionnaire.phase(phase_id)
            assert phase.name.get(lang) in text
        assert page.locator("figure svg").count() >= 1
        assert page.locator("svg[role=img][aria-label]").count() >= 1
        # The radar draws the phase names itself, inside its SVG.
        radar = page.locator("section.chain figure svg").first.inner_html()
        assert questionnaire.phase("borgen").name.get(lang) in radar
    finally:
        page.context.close()


def test_report_fits_an_a4_page_and_prints(chromium, reports):
    page, requests, _ = _open(chromium, reports["en"], {"width": A4_WIDTH_PX, "height": 1123})
    try:
        page.emulate_media(media="print")
        overflow = page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0
        breaks = page.evaluate(
            "() => [...document.querySelectorAll('section.chain')]"
            ".map(s => getComputedStyle(s).breakBefore)"
        )
        assert breaks and set(breaks) == {"page"}
        pdf = page.pdf(format="A4")
        assert pdf[:5] == b"%PDF-"
        pages = len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf))
        assert pages >= 1 + len(breaks)  # every chain starts on a page of its own
        assert requests == [reports["en"].as_uri()]
    finally:
        page.context.close()


def _lines(page) -> list[tuple[float, float, str]]:
    """A PDF page's text lines above the bottom margin: (height from the bottom, largest
    font size in pt, text), lowest first."""
    lines: dict[int, list] = defaultdict(lambda: [0.0, []])

    def visit(text, cm, tm, font, size):
        if text.strip():
            y = round(cm[3] * tm[5] + cm[5])
            lines[y][0] = max(lines[y][0], size * abs(tm[3]) * abs(cm[3]))
            lines[y][1].append(text.strip())

    page.extract_text(visitor_text=visit)
    bottom_margin = 16 / 25.4 * 72  # 16 mm (report.css @page), where the page number sits
    return sorted((y, pt, " ".join(t)) for y, (pt, t) in lines.items() if y > bottom_margin)


def test_printed_report_starts_with_a_summary_numbers_its_pages_and_ends_no_page_on_a_heading(
    chromium, reports
):
    page, _, _ = _open(chromium, reports["en"], {"width": A4_WIDTH_PX, "height": 1123})
    try:
        page.emulate_media(media="print")
        pdf = pypdf.PdfReader(io.BytesIO(page.pdf(format="A4", prefer_css_page_size=True)))
    finally:
        page.context.close()
    chains = 4
    # A summary page, three to four pages per chain (with the now-and-ambition table), the
    # handvatten once (one or two pages: the steps of each focus phase's lowest statements).
    assert 1 + chains + 1 <= len(pdf.pages) <= 3 + 4 * chains
    first = pdf.pages[0].extract_text()
    assert "Summary" in first and "Largest changes" in first and "Proposed agenda" in first
    for number, sheet in enumerate(pdf.pages, start=1):
        text = sheet.extract_text()
        assert f"Page {number} / {len(pdf.pages)}" in text  # print CSS page numbers
        lines = _lines(sheet)
        _, last_pt, last_text = lines[0]
        # Nor a section heading (h2, h3: 13 pt and up) with only its one-line intro under it.
        _, above_pt, above_text = lines[1]
        assert above_pt < 12.5, f"page {number} ends with {above_text!r} and one line"
        # report.css: text 11 pt at most, headings from 11.5 pt (h4) up; the page prints at
        # 100 % (nothing is wider than A4), so a line of 11.5 pt or more is a heading.
        assert last_pt < 11.4, f"page {number} ends with the heading {last_text!r}"
    handvatten = [p for p in pdf.pages if "Next steps: what can you do now?" in p.extract_text()]
    assert len(handvatten) == 1  # said once, for all chains

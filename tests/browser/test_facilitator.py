"""A facilitator runs a workshop: create it, share it, participants join by its link on
tablets, the projector (1920×1080) shows the counts and, after the reveal, the radar."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest

from tests.browser.browser_helpers import (
    AMBITION_HEADING,
    ANSWER_GROUP,
    NEXT,
    PHASES,
    TILE,
    Q,
    act,
    assert_no_exception,
    goto,
    progress,
    wait_idle,
)
from tests.browser.conftest import ADMIN_PASSWORD, serve_app

pytestmark = pytest.mark.browser

PROJECTOR = {"width": 1920, "height": 1080}
CHAIN = "Van melding tot jeugdhulp"


def _facilitator_page(browser, base_url):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=base_url)
    return context, context.new_page()


def _tablet(browser, base_url):
    context = browser.new_context(
        viewport={"width": 820, "height": 1180}, has_touch=True, base_url=base_url
    )
    return context, context.new_page()


def _create_workshop(page, title: str) -> None:
    goto(page, "/login", "Inloggen voor begeleiders")
    page.get_by_label("Wachtwoord beheerder").fill(ADMIN_PASSWORD)
    act(page, page.get_by_role("button", name="Inloggen").click, "ingelogd als beheerder")
    act(page, page.get_by_role("link", name="Workshops beheren").click, "Workshops beheren")
    act(page, page.get_by_role("tab", name="Nieuwe workshop").click, "Workshop maken")
    page.get_by_label("Titel").last.fill(title)
    act(
        page,
        page.get_by_role("button", name="Workshop maken").click,
        "Workshop gemaakt met code",
    )
    assert_no_exception(page)


def _participant_finishes(browser, base_url: str, link: str) -> None:
    context, page = _tablet(browser, base_url)
    try:
        goto(page, link, "Start de scan")
        page.locator(f".st-key-join-chain {TILE}", has_text=CHAIN).tap()
        page.locator(f".st-key-join-role {TILE}", has_text="Professional").tap()
        shown = len(Q.statements_for("medewerker"))  # a professional's statements (routing)
        act(page, page.get_by_role("button", name="Start de scan").tap, progress(1, 0, shown))
        groups = page.locator(ANSWER_GROUP)
        for i in range(4):  # every role kind sees at least 4 statements of a phase
            target = groups.nth(i).locator(TILE).nth(3)
            act(page, target.tap, progress(1, i + 1, shown))
        for phase in range(2, PHASES + 1):
            act(page, page.locator(NEXT).tap, progress(phase, 4, shown))
        act(page, page.locator(NEXT).tap, AMBITION_HEADING)
        act(page, page.locator(NEXT).tap, "Afronden en uitslag bekijken")
        act(
            page,
            page.get_by_role("button", name="Afronden en uitslag bekijken").tap,
            "Jouw uitslag",
        )
        assert_no_exception(page)
    finally:
        context.close()


def test_facilitator_runs_a_workshop_with_live_projector(browser, app_server, app_db: Path):
    base = app_server
    title = "Browsertest ronde"
    context, console = _facilitator_page(browser, base)
    try:
        _create_workshop(console, title)
        code = re.search(r"Workshop gemaakt met code (\w+)", console.inner_text("body")).group(1)
        db = sqlite3.connect(app_db)
        workshop_id, token = db.execute(
            "SELECT id, facilitator_token FROM workshop WHERE code = ?", [code]
        ).fetchone()
        db.close()

        card = console.locator(f".st-key-ws-{workshop_id}")
        act(console, card.get_by_text("Delen: code, link en QR-code").click, "Workshopcode")
        qr = card.locator("img.ipm-qr")
        qr.wait_for(state="visible")  # the QR code, drawn from a data: URI
        assert qr.evaluate("e => e.naturalWidth > 0 && e.complete")
        link = card.locator("code", has_text="/?code=").first.inner_text().strip()
        assert link.endswith(f"/?code={code}"), link

        projector = context.new_page()
        projector.set_viewport_size(PROJECTOR)
        goto(projector, f"/projector?f={token}&w={workshop_id}", "Doe mee!", code)
        wait_idle(projector, "0 begonnen · 0 klaar")

        for _ in range(3):
            _participant_finishes(browser, base, link)

        # Counts arrive with the projector's own refresh (every 5 s).
        projector.get_by_text("3 begonnen · 3 klaar").wait_for(timeout=20_000)
        assert projector.get_by_text("De uitslag is nog verborgen").is_visible()
        assert projector.locator('[data-testid="stVegaLiteChart"]').count() == 0

        act(
            console,
            card.get_by_role("button", name="Uitslag tonen op scherm").click,
            "Uitslag verbergen",
        )
        chart = projector.locator('[data-testid="stVegaLiteChart"]').first
        chart.wait_for(state="visible", timeout=20_000)
        projector.get_by_text("· 3 deelnemers").wait_for(timeout=20_000)
        box = chart.bounding_box()
        assert box and box["width"] > 200 and box["x"] + box["width"] <= PROJECTOR["width"]
        assert_no_exception(projector)
    finally:
        context.close()


def test_direct_page_url_on_a_fresh_server_goes_through_the_router(
    browser, request, app_db, app_dir
):
    """ui/router.py: a page URL that is the very first request of a new server still gets
    the app's menu and rules (here: no rights, so the console does not render: the login
    page explains). Its own server, so that no other test's request comes first."""
    with serve_app(request, app_db, app_dir / "streamlit-first-request.log") as url:
        context, page = _facilitator_page(browser, url)
        try:
            goto(page, "/console", "Inloggen voor begeleiders", "moet je ingelogd zijn")
            assert page.get_by_text("Nieuwe workshop").count() == 0
            assert (
                page.get_by_role("button", name="NL").count()
                + page.get_by_text("NL", exact=True).count()
                >= 1
            )
            assert_no_exception(page)
        finally:
            context.close()

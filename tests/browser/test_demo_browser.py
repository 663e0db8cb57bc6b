"""Real browser, touch: a visitor of the hosted demo (IPM_DEMO=1) and its three ways in.

A server of this module's own, on a new database: the app builds the demo itself (history,
open DEMO with simulated people), as a hosted demo does on first start. Each browser
context is another visitor. Screenshots of the start page and the projector's reveal at
the four sizes go to $IPM_DEMO_SHOTS (else the test's temporary folder).
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.browser_helpers import (
    AMBITION_HEADING,
    TILE,
    ProgressLine,
    act,
    assert_no_exception,
    goto,
    next_screen,
    table_rows,
    tile,
    wait_idle,
)
from tests.browser.conftest import serve_app

SIZES = {
    "tablet": {"width": 820, "height": 1180},
    "phone": {"width": 390, "height": 844},
    "projector": {"width": 1920, "height": 1080},
    "beamer": {"width": 1280, "height": 720},
}
WAYS = ("Doe de scan als deelnemer", "Bekijk 18 maanden resultaten", "Leid een workshop")
OWN_COPY = "Dit is jouw eigen kopie van de demo"


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("hosted-demo")


@pytest.fixture(scope="module")
def app_server(request, chromium_path, demo_dir: Path):
    with serve_app(
        request, demo_dir / "demo.db", demo_dir / "streamlit.log", env={"IPM_DEMO": "1"}
    ) as url:
        yield url


def rows(demo_dir: Path, sql: str, params=()) -> list[tuple]:
    db = sqlite3.connect(demo_dir / "demo.db")
    try:
        return db.execute(sql, params).fetchall()
    finally:
        db.close()


def sandboxes(demo_dir: Path) -> set[int]:
    return {r[0] for r in rows(demo_dir, "SELECT organisation_id FROM sandbox")}


def open_workshop(demo_dir: Path, organisation_id: int) -> tuple[int, str]:
    (found,) = rows(
        demo_dir,
        "SELECT id, code FROM workshop WHERE organisation_id = ? AND status = 'open'",
        [organisation_id],
    )
    return found


def start(page) -> None:
    goto(page, "/", *WAYS)


def lead(page, demo_dir: Path) -> int:
    """Tap "Leid een workshop": the visitor's own copy and its console; its id."""
    before = sandboxes(demo_dir)
    start(page)
    act(page, page.get_by_role("button", name="Leid een workshop").tap, OWN_COPY)
    wait_idle(page, OWN_COPY)  # after the cookie's round trip
    (own,) = sandboxes(demo_dir) - before
    return own


def test_the_scan_way_in_ends_with_both_radars(new_tablet, demo_dir):
    page = new_tablet(SIZES["tablet"])
    start(page)
    act(page, page.get_by_role("button", name=WAYS[0]).tap, "Start de scan")
    # Chain and role are filled in, and can be changed (the browser draws the checked state
    # a moment after the run ends: wait for it, as CI once read it too early).
    expect(page.locator(f".st-key-join-chain {TILE} input:checked")).to_have_count(1)
    expect(page.locator(f".st-key-join-role {TILE} input:checked")).to_have_count(1)
    act(page, page.get_by_role("button", name="Start de scan").tap, "Fase 1 van 7")
    for phase in range(1, 8):
        act(page, tile(page, 0, "Mee eens").tap, ProgressLine(f"Fase {phase} van 7 · {phase} van"))
        next_screen(page, f"Fase {phase + 1} van 7" if phase < 7 else AMBITION_HEADING)
    next_screen(page, "Afronden · 7 van")  # the ambition screen, skipped
    act(page, page.get_by_role("button", name="Afronden en uitslag bekijken").tap, "Jouw uitslag")
    wait_idle(page, "gesimuleerd")
    table = table_rows(page)
    assert table[0][-2:] == ["Ik", "Groep"], table  # own radar beside the group's
    page.get_by_text("van de 6 mensen in deze groep zijn gesimuleerd").wait_for(state="visible")
    assert_no_exception(page)


def test_the_results_way_in_shows_18_months_read_only(new_tablet, demo_dir, tmp_path):
    page = new_tablet(SIZES["projector"])
    start(page)
    before = sandboxes(demo_dir)
    act(page, page.get_by_role("button", name=WAYS[1]).tap, "De drie grootste punten")
    # The radar draws once Vega has run: wait for it rather than count at once.
    page.locator('[data-testid="stVegaLiteChart"]').first.wait_for(state="visible")
    shots = Path(os.environ.get("IPM_DEMO_SHOTS") or tmp_path)
    page.screenshot(path=str(shots / "demo-results-projector.png"), full_page=True)
    for path, text in (("/compare", "Vergelijken"), ("/progress", "Voortgang")):
        goto(page, path, text)
        assert_no_exception(page)
    assert sandboxes(demo_dir) == before  # looking makes nothing


def test_the_lead_way_in_keeps_the_copy_over_a_reload_and_reveals_live(
    new_tablet, demo_dir, tmp_path
):
    console = new_tablet(SIZES["projector"])
    own = lead(console, demo_dir)
    workshop_id, code = open_workshop(demo_dir, own)
    assert code != "DEMO"
    console.reload()
    wait_idle(console, OWN_COPY, code)
    assert sandboxes(demo_dir) >= {own}
    card = console.locator(f".st-key-ws-{workshop_id}")
    card.get_by_text("20 deelnemers zijn gesimuleerd").wait_for(state="visible")
    shots = Path(os.environ.get("IPM_DEMO_SHOTS") or tmp_path)
    console.screenshot(path=str(shots / "demo-console-projector.png"))
    # The projector on a second tab of the same browser: the same copy.
    projector = console.context.new_page()
    goto(projector, f"/projector?w={workshop_id}", "Doe mee!", code)
    act(
        console,
        card.get_by_role("button", name="Uitslag tonen op scherm").tap,
        "Uitslag verbergen",
    )
    charts = projector.locator('[data-testid="stVegaLiteChart"]')
    charts.first.wait_for(state="visible", timeout=20_000)
    projector.get_by_text("gesimuleerd").first.wait_for(timeout=20_000)
    projector.wait_for_function(
        "() => document.querySelectorAll('[data-testid=stVegaLiteChart]').length === 4",
        timeout=20_000,
    )
    assert_no_exception(projector)
    # The shared demo did not change.
    assert rows(demo_dir, "SELECT status, revealed FROM workshop WHERE code = 'DEMO'") == [
        ("open", 0)
    ]


def test_two_visitors_each_close_their_own_round(new_tablet, demo_dir):
    first, second = new_tablet(SIZES["tablet"]), new_tablet(SIZES["tablet"])
    a, b = lead(first, demo_dir), lead(second, demo_dir)
    assert a != b
    (wa, code_a), (wb, code_b) = open_workshop(demo_dir, a), open_workshop(demo_dir, b)
    act(
        first,
        first.locator(f".st-key-ws-{wa}").get_by_role("button", name="Sluiten").tap,
        "Weer openen",
    )
    assert rows(demo_dir, "SELECT status FROM workshop WHERE id = ?", [wa]) == [("closed",)]
    second.reload()
    wait_idle(second, OWN_COPY, code_b)
    assert code_a not in second.inner_text("body")
    card_b = second.locator(f".st-key-ws-{wb}")
    card_b.get_by_role("button", name="Sluiten").wait_for(state="visible")  # still open for B
    act(second, card_b.get_by_role("button", name="Sluiten").tap, "Weer openen")
    first.reload()
    wait_idle(first, OWN_COPY, code_a)
    assert code_b not in first.inner_text("body")
    assert rows(demo_dir, "SELECT status FROM workshop WHERE code = 'DEMO'") == [("open",)]


@pytest.mark.parametrize("size", list(SIZES))
def test_start_page_and_reveal_at_every_size(new_tablet, demo_dir, tmp_path, size):
    """The three ways in fit the width at every size; screenshots to look at."""
    shots = Path(os.environ.get("IPM_DEMO_SHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    viewport = SIZES[size]
    page = new_tablet(viewport)
    start(page)
    for way in WAYS:
        box = page.get_by_role("button", name=way).bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"], way
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= viewport["width"]
    page.screenshot(path=str(shots / f"demo-start-{size}.png"))
    own = lead(page, demo_dir)
    workshop_id, code = open_workshop(demo_dir, own)
    card = page.locator(f".st-key-ws-{workshop_id}")
    act(page, card.get_by_role("button", name="Uitslag tonen op scherm").tap, "Uitslag verbergen")
    goto(page, f"/projector?w={workshop_id}", code)
    page.get_by_text("gesimuleerd").first.wait_for(timeout=20_000)
    page.wait_for_function(
        "() => document.querySelectorAll('[data-testid=stVegaLiteChart]').length === 4",
        timeout=20_000,
    )
    wait_idle(page)
    page.screenshot(path=str(shots / f"demo-reveal-{size}.png"))

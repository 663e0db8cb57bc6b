"""A facilitator leaves careless-looking answers out of a round in the console, on a tablet
and on a wide screen, and the results page then counts them as left out.

Runs on a database of its own (the demo, with two straightliners added), so the switch does
not change what the other browser tests see. Screenshots go to the module's temp folder.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from ipm_model.storage.store import Store
from tests.app.test_leave_out_app import straighten
from tests.browser.browser_helpers import act, assert_no_exception, goto, wait_idle
from tests.browser.conftest import ROOT, serve_app

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def demo_with_flags(tmp_path_factory) -> dict:
    folder = tmp_path_factory.mktemp("leave-out")
    db = folder / "ipm.db"
    subprocess.run(
        [sys.executable, "-m", "ipm_model", "demo"],
        cwd=ROOT,
        env={**os.environ, "IPM_DB": str(db)},
        check=True,
        capture_output=True,
        timeout=120,
    )
    store = Store(str(db))
    demo = store.workshop_by_code("DEMO")
    last = [w for w in store.workshops(demo.organisation_id) if w.code != "DEMO"][-1]
    straighten(store, last)
    token = store.organisation(last.organisation_id)["results_token"]
    store.close()
    return {"db": db, "folder": folder, "workshop": last, "r": token}


@pytest.fixture(scope="module")
def app_server(request, chromium_path, demo_with_flags) -> str:
    """This module's own server (overrides the shared one)."""
    db = demo_with_flags["db"]
    with serve_app(request, db, db.with_name("streamlit.log")) as url:
        yield url


def _switched_on(db: Path, workshop_id: int) -> bool:
    with sqlite3.connect(db) as conn:
        return bool(
            conn.execute(
                "SELECT 1 FROM leave_out WHERE workshop_id = ? AND active = 1", [workshop_id]
            ).fetchone()
        )


@pytest.mark.parametrize(
    ("width", "height", "touch"), [(820, 1180, True), (1920, 1080, False)], ids=["tablet", "wide"]
)
def test_facilitator_switches_leaving_out_on_and_off(
    browser, app_server, demo_with_flags, width, height, touch
):
    w = demo_with_flags["workshop"]
    folder = demo_with_flags["folder"]
    context = browser.new_context(
        viewport={"width": width, "height": height}, has_touch=touch, base_url=app_server
    )
    page = context.new_page()
    try:
        goto(page, f"/console?f={w.facilitator_token}", "Workshops beheren")
        card = page.locator(f".st-key-ws-{w.id}")
        act(page, card.get_by_text("Opvallende antwoorden").first.click, "vallen op")
        control = page.locator(f".st-key-leave-out-{w.id}")
        button = control.get_by_role("button", name="Laat hen weg uit de uitkomsten")
        button.wait_for(state="visible")
        box = button.bounding_box()
        assert box is not None and box["height"] >= 40 and box["x"] + box["width"] <= width
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        control.scroll_into_view_if_needed()
        page.screenshot(path=str(folder / f"leave-out-off-{width}x{height}.png"))

        # While the round's flagged answers are left out, the section stays open.
        act(page, button.tap if touch else button.click, "Nu weggelaten:")
        assert _switched_on(demo_with_flags["db"], w.id)
        control.scroll_into_view_if_needed()
        page.screenshot(path=str(folder / f"leave-out-on-{width}x{height}.png"))

        results = context.new_page()
        goto(results, f"/results?r={demo_with_flags['r']}", "Resultaten")
        wait_idle(results, "met opvallende antwoorden weggelaten")
        assert_no_exception(results)
        results.close()

        again = control.get_by_role("button", name="Tel hen weer mee")
        act(page, again.tap if touch else again.click, "Iedereen telt weer mee.")
        assert not _switched_on(demo_with_flags["db"], w.id)
        assert_no_exception(page)
    finally:
        context.close()

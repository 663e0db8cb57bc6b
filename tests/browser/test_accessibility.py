"""axe-core on the participant's screens: start (with the join code), a question screen, result.

Every rule axe runs by default is checked (WCAG A/AA and best practices). A violation that is
known and waiting for a fix in the app is listed in KNOWN_APP_VIOLATIONS by rule id AND the
exact element; it is not excluded from axe, only accepted after the run, and the test fails
as soon as it is gone so that the entry is removed with the fix.
"""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser.browser_helpers import (
    AMBITION_HEADING,
    NEXT,
    PHASES,
    SHOWN,
    act,
    answer,
    goto,
    join,
    next_screen,
    progress,
    shown_in,
    wait_idle,
)

pytestmark = pytest.mark.browser

CHAIN = "Van melding tot jeugdhulp"
PHASE_1 = (  # the answers tapped in phase 1 (as many as it shows a chain team member)
    "Mee eens",
    "Niet eens, niet oneens",
    "Weet ik niet",
    "Helemaal mee eens",
    "Mee oneens",
    "Mee eens",
    "Niet van toepassing",
)[: shown_in(0)]

# (screen, rule id, axe target selector) -> why it is accepted for now.
KNOWN_APP_VIOLATIONS: dict[tuple[str, str, str], str] = {}


def check(page, screen: str) -> None:
    results = Axe().run(page)
    found = {
        (screen, v["id"], ", ".join(node["target"])): v
        for v in results.response["violations"]
        for node in v["nodes"]
    }
    unexpected = sorted(k for k in found if k not in KNOWN_APP_VIOLATIONS)
    if results.violations_count:
        print(f"axe on {screen} ({page.url}):\n{results.generate_report()}")
    assert not unexpected, f"{screen}: axe violations {unexpected}:\n{results.generate_snapshot()}"
    gone = sorted(k for k in KNOWN_APP_VIOLATIONS if k[0] == screen and k not in found)
    assert not gone, f"fixed, remove from KNOWN_APP_VIOLATIONS: {gone}"


def test_start_screen_with_code(tablet):
    goto(tablet, "/?code=DEMO", "Start de scan")
    check(tablet, "start screen")


def test_question_and_result_screens(tablet):
    page = tablet
    join(page, CHAIN)
    for n, label in enumerate(PHASE_1):
        answer(page, n, label, phase=1, answered_after=n + 1)
    check(page, "question screen")

    for phase in range(2, PHASES + 1):
        next_screen(page, progress(phase, len(PHASE_1)))
    next_screen(page, AMBITION_HEADING)
    # An ambition given, so the screen is checked with a chosen option too.
    page.locator(".st-key-scan-answers-box label", has_text="Mee eens").first.tap()
    wait_idle(page, "Naar afronden")
    check(page, "ambition screen")
    act(page, page.locator(NEXT).tap, f"Afronden · {len(PHASE_1)} van {SHOWN}")
    act(page, page.get_by_role("button", name="Afronden en uitslag bekijken").tap, "Jouw uitslag")
    page.locator('.st-key-radar-box [data-testid="stVegaLiteChart"]').wait_for(state="visible")
    page.locator(".st-key-radar-box svg.marks, .st-key-radar-box canvas.marks").first.wait_for()
    wait_idle(page, "Jouw uitslag")
    check(page, "result screen")


def test_result_screen_without_scores(tablet):
    """Finishing with (almost) no answers is allowed; the empty radar must stay accessible."""
    page = tablet
    join(page, CHAIN)
    answer(page, 0, "Weet ik niet", phase=1, answered_after=1)
    for phase in range(2, PHASES + 1):
        next_screen(page, progress(phase, 1))
    next_screen(page, AMBITION_HEADING)
    act(page, page.locator(NEXT).tap, f"Afronden · 1 van {SHOWN}")  # ambition skipped
    act(page, page.get_by_role("button", name="Afronden en uitslag bekijken").tap, "Jouw uitslag")
    page.locator('.st-key-radar-box [data-testid="stVegaLiteChart"]').wait_for(state="visible")
    page.locator(".st-key-radar-box svg.marks, .st-key-radar-box canvas.marks").first.wait_for()
    wait_idle(page, "Jouw uitslag")
    check(page, "result screen without scores")

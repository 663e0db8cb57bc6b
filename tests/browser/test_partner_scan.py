"""A partner participant answers the whole version 2 scan on a tablet, in a real Chromium."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from ipm_model.questionnaire import default_questionnaire
from tests.browser.browser_helpers import (
    ANSWER_GROUP,
    NEXT,
    TILE,
    ProgressLine,
    act,
    assert_no_exception,
    goto,
    table_rows,
    tile,
    wait_idle,
)

pytestmark = pytest.mark.browser

Q = default_questionnaire()
PARTNER = "Ketenpartner (andere organisatie)"
CHAIN = "Van melding tot jeugdhulp"
LABEL = {o.code: o.label.get("nl") for o in Q.options}


def _progress(phase: int, answered: int) -> ProgressLine:
    total = len(Q.statements_for("partner"))
    return ProgressLine(f"Fase {phase} van 7 · {answered} van {total} beantwoord")


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    """Where the screenshots go: IPM_SHOTS (to look at them) or the test's own folder."""
    folder = Path(os.environ.get("IPM_SHOTS") or tmp_path / "shots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _shot(page, folder: Path, name: str) -> None:
    page.wait_for_timeout(600)  # let an opening help finish its animation (looks only)
    page.screenshot(path=str(folder / name), full_page=True)


def test_partner_answers_the_whole_scan_on_a_tablet_and_gets_seven_scores(tablet, shots):
    page = tablet
    goto(page, "/?code=DEMO", "Start de scan")
    page.locator(f".st-key-join-chain {TILE}", has_text=CHAIN).tap()
    page.locator(f".st-key-join-role {TILE}", has_text=PARTNER).tap()
    act(page, page.get_by_role("button", name="Start de scan").tap, _progress(1, 0))

    answered = 0
    for number, phase in enumerate(Q.phases, start=1):
        shown = Q.phase_statements(phase.id, "partner")
        groups = page.locator(ANSWER_GROUP)
        assert groups.count() == len(shown), phase.id
        page.get_by_text("Bestaat iets (nog) niet?").first.wait_for(state="visible")
        for n in range(len(shown)):
            # A partner who finds a practice missing answers "oneens", never n.v.t.
            code = "2" if (number + n) % 3 == 0 else str((number + n) % 5 + 1)
            answered += 1
            act(page, tile(page, n, LABEL[code]).tap, _progress(number, answered))
        if number == 1:
            _shot(page, shots, "tablet-partner-phase1.png")
        helped = [s for s in shown if s.help]
        if helped and number in (2, 5):
            button = page.locator(f".st-key-scan-help-{helped[0].id} summary").first
            box = button.bounding_box()
            assert box and box["height"] >= 44 and box["width"] >= 44, box
            button.tap()
            page.get_by_text(helped[0].help.nl[:30]).first.wait_for(state="visible")
            _shot(page, shots, f"tablet-partner-help-phase{number}.png")
            button.tap()
        following = _progress(number + 1, answered) if number < 7 else "Jullie ambitie"
        act(page, page.locator(NEXT).tap, following)

    _shot(page, shots, "tablet-partner-ambition-empty.png")
    groups = page.locator(ANSWER_GROUP)
    assert groups.count() == 7
    for n in range(7):
        groups.nth(n).locator(TILE).filter(has=page.get_by_text(LABEL["4"], exact=True)).tap()
        wait_idle(page)
    _shot(page, shots, "tablet-partner-ambition.png")
    act(page, page.locator(NEXT).tap, "Je hebt alle uitspraken beantwoord")
    act(page, page.get_by_role("button", name="Afronden en uitslag bekijken").tap, "Jouw uitslag")
    assert_no_exception(page)
    _shot(page, shots, "tablet-partner-result.png")

    rows = table_rows(page, ".stMain")
    header, body = rows[0], rows[1:]
    me = header.index("Ik")
    scores = {r[1] if r[0] == "" else r[0]: r for r in body}
    assert len(body) == len(Q.phases), rows
    assert set(scores) == {p.name.get("nl") for p in Q.phases}, rows
    for row in body:  # a score on every phase: the partner answered all they were shown
        value = row[me].replace(",", ".")
        assert value and 1.0 <= float(value) <= 5.0, row


def test_a_phone_shows_the_help_button_and_the_rule(new_tablet, shots):
    page = new_tablet({"width": 390, "height": 844})
    goto(page, "/?code=DEMO", "Start de scan")
    page.locator(f".st-key-join-chain {TILE}", has_text=CHAIN).tap()
    page.locator(f".st-key-join-role {TILE}", has_text=PARTNER).tap()
    act(page, page.get_by_role("button", name="Start de scan").tap, _progress(1, 0))
    for _ in range(3):
        act(page, page.locator(NEXT).tap)
    wait_idle(page, "Fase 4 van 7")
    _shot(page, shots, "phone-partner-structuur.png")
    helped = next(s for s in Q.phase_statements("structuur", "partner") if s.help)
    button = page.locator(f".st-key-scan-help-{helped.id} summary").first
    box = button.bounding_box()
    assert box and box["height"] >= 44, box
    button.tap()
    page.get_by_text(helped.help.nl[:30]).first.wait_for(state="visible")
    _shot(page, shots, "phone-partner-help.png")
    # The help opens in place: it covers neither its own answers nor the next statement.
    shown = Q.phase_statements("structuur", "partner")
    index = shown.index(helped)
    groups = page.locator(ANSWER_GROUP)
    help_box = page.locator(f".st-key-scan-help-{helped.id}").bounding_box()
    above = groups.nth(index).bounding_box()
    below = groups.nth(index + 1).bounding_box()
    assert above["y"] + above["height"] <= help_box["y"], (above, help_box)
    assert help_box["y"] + help_box["height"] <= below["y"], (help_box, below)
    groups.nth(index + 1).locator(TILE).first.tap()  # still answerable with the help open
    wait_idle(page)
    button.tap()  # and it closes again
    wait_idle(page)
    expect(page.get_by_text(helped.help.nl[:30]).first).to_be_hidden(timeout=15_000)
    for _ in range(4):  # to the ambition screen: one question per phase, fits a phone
        act(page, page.locator(NEXT).tap)
    wait_idle(page, "Jullie ambitie")
    groups = page.locator(ANSWER_GROUP)
    expect(groups).to_have_count(len(Q.phases))
    groups.nth(0).locator(TILE).filter(has=page.get_by_text(LABEL["4"], exact=True)).tap()
    wait_idle(page, "Naar afronden")
    width = page.viewport_size["width"]
    for i in range(groups.nth(0).locator(TILE).count()):
        box = groups.nth(0).locator(TILE).nth(i).bounding_box()
        assert box["height"] >= 44 and box["x"] + box["width"] <= width, box
    _shot(page, shots, "phone-partner-ambition.png")

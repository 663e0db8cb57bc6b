"""The participant's way through the app on a touch tablet, in a real Chromium."""

from __future__ import annotations

import os
import re
import sqlite3
from pathlib import Path

import pytest
from playwright.sync_api import expect

from ipm_model import formats
from tests.browser.browser_helpers import (
    AMBITION_HEADING,
    ANSWER_GROUP,
    BACK,
    NEXT,
    SHOWN,
    TILE,
    Q,
    accessible_progress,
    act,
    answer,
    answered_before,
    assert_no_exception,
    goto,
    join,
    next_screen,
    progress,
    progress_lines,
    shown_in,
    table_rows,
    token_of,
    wait_idle,
)

pytestmark = pytest.mark.browser

LABEL = {o.code: o.label.get("nl") for o in Q.options}  # "1".."5", "dk", "na" -> tile text
CHOSEN_BORDER = "rgb(31, 95, 139)"  # ui/style.py: a chosen tile gets the primary colour
MIN_TARGET_PX = 44
# Each test that finishes a scan uses its own chain, so group results cannot mix between tests.
CHAIN_FULL = "Van schuld tot rust"
CHAIN_SIZES = "Van aanvraag tot uitkering"
CHAIN_RESUME = "Van melding tot jeugdhulp"
CHAIN_GROUP = "Van vergunning tot bouw"


def planned(phase: int, n: int) -> str:
    """The answer code tapped for statement n (0-based) of phase (0-based): spread over the
    scale, 'Weet ik niet' last in every other phase, 'Niet van toepassing' once."""
    if n == 6 and phase % 2 == 0:
        return "dk"
    if (phase, n) == (5, 6):
        return "na"
    return str((phase + n) % 5 + 1)


def db_rows(db: Path, sql: str, params: tuple = ()) -> list[tuple]:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        return conn.execute(sql, params).fetchall()


def assert_phase_answers(page, phase: int, upto: int) -> None:
    """Statements 0..upto-1 of `phase` (0-based) show the planned answer, the rest none."""
    groups = page.locator(ANSWER_GROUP)
    expect(groups).to_have_count(shown_in(phase))
    for n in range(shown_in(phase)):
        checked = groups.nth(n).locator(f"{TILE}:has(input:checked)")
        if n < upto:
            expect(checked, f"statement {n + 1}").to_have_count(1)
            expect(checked, f"statement {n + 1}").to_have_text(LABEL[planned(phase, n)])
            # ...and the tile looks chosen, not only the hidden input.
            look = checked.evaluate(
                "e => { const s = getComputedStyle(e); return [s.borderTopColor, s.boxShadow]; }"
            )
            assert look[0] == CHOSEN_BORDER and "inset" in look[1], f"statement {n + 1}: {look}"
        else:
            expect(checked, f"statement {n + 1} should still be open").to_have_count(0)


def answer_phase(page, phase: int, statements: range) -> None:
    for n in statements:
        answer(
            page,
            n,
            LABEL[planned(phase, n)],
            phase=phase + 1,
            answered_after=answered_before(phase) + n + 1,
        )


def finish(page) -> None:
    """From the finish screen: tap 'Afronden en uitslag bekijken' and wait for the result."""
    act(page, page.get_by_role("button", name="Afronden en uitslag bekijken").tap, "Jouw uitslag")


def radar_marks(page):
    """The drawn radar: vega-embed's canvas (or svg) inside our chart box."""
    chart = page.locator('.st-key-radar-box [data-testid="stVegaLiteChart"]')
    chart.wait_for(state="visible")
    marks = chart.locator("canvas.marks, svg.marks")
    marks.first.wait_for(state="visible")
    return marks.first


# -- the whole scan ------------------------------------------------------------------------------


def test_full_scan_on_tablet_survives_reload_and_saves_every_tap(tablet, app_db: Path):
    page = tablet
    token = join(page, CHAIN_FULL)

    last = len(Q.phases) - 1
    for phase in range(len(Q.phases)):
        count = shown_in(phase)
        wait_idle(page, progress(phase + 1, answered_before(phase)))
        if phase == 3:
            answer_phase(page, phase, range(4))
            page.reload()
            wait_idle(page, progress(4, answered_before(phase) + 4))
            assert token_of(page) == token
            assert_phase_answers(page, phase, upto=4)
            answer_phase(page, phase, range(4, count))
        else:
            answer_phase(page, phase, range(count))
        assert_phase_answers(page, phase, upto=count)
        following = progress(phase + 2, answered_before(phase + 1)) if phase < last else None
        next_screen(page, following or AMBITION_HEADING)
    next_screen(page, f"Afronden · {SHOWN} van {SHOWN}")  # the ambition screen, skipped

    wait_idle(page, "Je hebt alle uitspraken beantwoord")
    assert page.get_by_role("button", name=re.compile(r"^Naar fase")).count() == 0
    finish(page)
    assert_no_exception(page)

    marks = radar_marks(page)
    page.wait_for_function(
        "e => e.getBoundingClientRect().width > 0 && e.getBoundingClientRect().height > 0",
        arg=marks.element_handle(),
    )
    width = page.viewport_size["width"]  # 820
    box = marks.bounding_box()
    assert box and box["width"] > 100 and box["height"] > 100, box
    assert box["x"] >= 0 and box["x"] + box["width"] <= width, f"radar sticks out: {box}"
    chart_box = page.locator('.st-key-radar-box [data-testid="stVegaLiteChart"]').bounding_box()
    assert chart_box["x"] + chart_box["width"] <= width, f"chart sticks out: {chart_box}"
    if marks.evaluate("e => e.tagName.toLowerCase()") == "canvas":
        # Something is painted: count non-transparent pixels (a blank canvas has none).
        painted = marks.evaluate(
            """c => { const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                      let n = 0; for (let i = 3; i < d.length; i += 4) { if (d[i]) n++; }
                      return n; }"""
        )
        assert painted > 5000, f"radar canvas looks empty ({painted} painted pixels)"
    else:
        assert marks.locator("path").count() > 0

    # The table under the radar has my score per phase: the mean of my 1..5 answers.
    rows = table_rows(page)
    assert rows[0] == ["Fase", "Ik"], rows[0]
    assert [r[0] for r in rows[1:]] == [p.name.get("nl") for p in Q.phases]
    for phase, row in enumerate(rows[1:]):
        planned_codes = (planned(phase, n) for n in range(shown_in(phase)))
        scored = [int(v) for v in planned_codes if v.isdigit()]
        shown = formats.parse_number(row[1], "nl")  # "3,4": the Dutch page's decimal comma
        assert shown == pytest.approx(sum(scored) / len(scored), abs=0.051), row

    # The database holds exactly the answers tapped, and the scan is finished.
    rows = db_rows(
        app_db,
        "SELECT a.statement_id, a.value FROM answer a JOIN participant p "
        "ON p.id = a.participant_id WHERE p.token = ?",
        (token,),
    )
    expected = {
        s.id: planned(phase, n)
        for phase, ph in enumerate(Q.phases)
        for n, s in enumerate(Q.phase_statements(ph.id, "ketenteam"))
    }
    assert len(rows) == SHOWN
    assert dict(rows) == expected
    ((finished_at,),) = db_rows(
        app_db, "SELECT finished_at FROM participant WHERE token = ?", (token,)
    )
    assert finished_at


# -- touch targets -------------------------------------------------------------------------------


@pytest.mark.parametrize("device", ["tablet", "tablet_landscape"])
def test_answer_tiles_and_buttons_are_finger_sized(device, request):
    page = request.getfixturevalue(device)
    width = page.viewport_size["width"]

    goto(page, "/?code=DEMO", "Start de scan")
    start_targets = page.locator(
        f".st-key-join-chain {TILE}, .st-key-join-role {TILE}, .stFormSubmitButton button"
    )
    expect(start_targets).to_have_count(4 + 6 + 2)  # chains, roles, "Start de scan", resume
    for i in range(start_targets.count()):
        box = start_targets.nth(i).bounding_box()
        assert box["width"] >= MIN_TARGET_PX and box["height"] >= MIN_TARGET_PX, (
            f"start page target {i} ({start_targets.nth(i).inner_text()!r}) is {box}"
        )

    join(page, CHAIN_SIZES)
    answer(page, 0, LABEL["3"], phase=1, answered_after=1)
    next_screen(page, progress(2, 1))  # phase 2: both navigation buttons are enabled

    tiles = page.locator(f"{ANSWER_GROUP} {TILE}")
    expect(tiles).to_have_count(7 * shown_in(1))  # seven tiles per statement of phase 2
    small = []
    for i in range(tiles.count()):
        box = tiles.nth(i).bounding_box()
        if box["width"] < MIN_TARGET_PX or box["height"] < MIN_TARGET_PX:
            small.append((i, box))
        assert box["x"] >= 0 and box["x"] + box["width"] <= width, f"tile {i} off-screen: {box}"
    assert not small, f"answer tiles smaller than {MIN_TARGET_PX} px: {small}"

    for selector in (BACK, NEXT, ".st-key-lang-switch button"):
        buttons = page.locator(selector)
        expect(buttons.first).to_be_visible()
        for i in range(buttons.count()):
            box = buttons.nth(i).bounding_box()
            assert box["width"] >= MIN_TARGET_PX and box["height"] >= MIN_TARGET_PX, (
                f"{selector} #{i} is {box['width']:.0f}x{box['height']:.0f} px"
            )


# -- resume on another device --------------------------------------------------------------------


# The share of the progress bar that is filled (the primary colour), 0..1.
_BAR_FILLED = """() => {
  const bar = document.querySelector('.ipm-progress-bar');
  const filled = Array.from(bar.children)
    .filter(seg => getComputedStyle(seg).backgroundColor === 'rgb(31, 95, 139)')
    .reduce((sum, seg) => sum + seg.getBoundingClientRect().width, 0);
  return filled / bar.getBoundingClientRect().width;
}"""


@pytest.mark.parametrize("size", [{"width": 390, "height": 844}, {"width": 820, "height": 1180}])
def test_the_progress_line_counts_every_tap(new_tablet, size, request, tmp_path):
    """A tap reruns only its statement; the progress line's count and bar follow in the
    browser, for the eye and for a screen reader, and stay true across screens."""
    page = new_tablet(size)
    join(page, CHAIN_RESUME)
    shown = shown_in(0)
    taps = [(2, "Mee eens"), (0, "Weet ik niet"), (5, "Mee oneens")]
    for count, (n, label) in enumerate(taps, start=1):
        answer(page, n, label, phase=1, answered_after=count)
        assert progress_lines(page) == [progress(1, count)]
        assert accessible_progress(page) == [progress(1, count)]
        assert page.evaluate(_BAR_FILLED) == pytest.approx(count / SHOWN, abs=0.01)
    # Another answer to a statement already answered: the count stays.
    answer(page, 0, "Helemaal mee eens", phase=1, answered_after=len(taps))
    assert progress_lines(page) == [progress(1, len(taps))]
    shots = Path(os.environ.get("IPM_SHOTS") or tmp_path)
    page.screenshot(path=str(shots / f"progress-{size['width']}.png"), full_page=False)
    # The next screen starts from the same count, and counts its own taps on top.
    next_screen(page, progress(2, len(taps)))
    answer(page, 1, "Niet eens, niet oneens", phase=2, answered_after=len(taps) + 1)
    assert accessible_progress(page) == [progress(2, len(taps) + 1)]
    next_screen(page, progress(3, len(taps) + 1))
    act(page, page.locator(BACK).tap, progress(2, len(taps) + 1))
    act(page, page.locator(BACK).tap, progress(1, len(taps) + 1))
    assert page.evaluate(_BAR_FILLED) == pytest.approx((len(taps) + 1) / SHOWN, abs=0.01)
    assert shown > len(taps)
    assert_no_exception(page)


def test_resume_code_on_another_device(new_tablet):
    first = new_tablet()
    token = join(first, CHAIN_RESUME)
    first_phase = shown_in(0)
    answer_phase(first, 0, range(first_phase))
    next_screen(first, progress(2, first_phase))
    answer_phase(first, 1, range(2))
    caption = first.get_by_text("Jouw hervatcode:", exact=False).inner_text()
    match = re.search(r"Jouw hervatcode:\s*([A-Z0-9]{4})-([A-Z0-9]{4})", caption)
    assert match, caption

    other = new_tablet()  # a new browser context: no cookies, no session
    goto(other, "/", "Al begonnen?")
    # Typed the way people do on a tablet: lower case, a space instead of the dash.
    other.get_by_role("textbox", name="Jouw hervatcode").fill(f"{match[1]} {match[2]}".lower())
    act(
        other,
        other.get_by_role("button", name="Ga verder waar ik was").tap,
        progress(2, first_phase + 2),
    )
    assert token_of(other) == token
    assert_phase_answers(other, 1, upto=2)
    act(other, other.locator(BACK).tap, progress(1, first_phase + 2))
    assert_phase_answers(other, 0, upto=first_phase)
    assert_no_exception(other)


# -- wrong codes and links -----------------------------------------------------------------------


def test_unknown_workshop_code_is_explained(tablet):
    # Worded "We kennen de code '...' niet" (the resume-code message is "... kennen we niet").
    goto(tablet, "/?code=XXXXXX", "We kennen de code 'XXXXXX' niet")
    expect(tablet.locator('[data-testid="stAlert"]').filter(has_text="kennen")).to_be_visible()
    assert_no_exception(tablet)
    # The participant can type another code straight away.
    expect(tablet.get_by_role("textbox", name="Workshopcode")).to_be_visible()

    # A wrong resume code is explained too.
    tablet.get_by_role("textbox", name="Jouw hervatcode").fill("ZZZZ-ZZZZ")
    act(
        tablet,
        tablet.get_by_role("button", name="Ga verder waar ik was").tap,
        "Deze hervatcode kennen we niet",
    )
    assert_no_exception(tablet)


def test_broken_personal_link_is_explained(tablet):
    goto(tablet, "/scan?p=garbage", "Deze persoonlijke link werkt niet")
    assert_no_exception(tablet)
    expect(tablet.get_by_role("link", name="Naar de startpagina")).to_be_visible()
    assert tablet.locator(ANSWER_GROUP).count() == 0


# -- language ------------------------------------------------------------------------------------


def test_english_link_opens_in_english(tablet):
    goto(tablet, "/?code=DEMO&lang=en", "Start the scan")
    expect(tablet.get_by_text("Which chain do you work in?")).to_be_visible()
    assert tablet.get_by_text("Start de scan").count() == 0
    assert "lang=en" in tablet.url
    tablet.reload()
    wait_idle(tablet, "Start the scan")


def test_language_switch_to_english_sticks(tablet):
    page = tablet
    goto(page, "/?code=DEMO", "Start de scan")
    en = page.locator(".st-key-lang-switch").get_by_role("radio", name="EN")
    act(page, en.tap, "Start the scan")
    assert "lang=en" in page.url
    expect(page.get_by_text("Which chain do you work in?")).to_be_visible()
    expect(page.get_by_text("Chain team member", exact=True)).to_be_visible()
    assert page.get_by_text("Start de scan").count() == 0

    page.reload()
    wait_idle(page, "Start the scan")
    assert "lang=en" in page.url.lower()
    expect(en).to_have_attribute("aria-checked", "true")
    assert page.get_by_text("Wat is je rol?").count() == 0

    # Starting the scan keeps English: the statements come in English too.
    page.locator(f".st-key-join-chain {TILE}", has_text=CHAIN_SIZES).tap()
    page.locator(f".st-key-join-role {TILE}", has_text="Chain team member").tap()
    act(page, page.get_by_role("button", name="Start the scan").tap, "Phase 1 of 7")
    assert "lang=en" in page.url.lower()
    expect(page.get_by_text("Don't know", exact=True)).to_have_count(shown_in(0))
    expect(page.locator(NEXT)).to_have_text("Next →")


@pytest.mark.parametrize("size", [(820, 1180), (390, 844)], ids=["tablet", "phone"])
def test_choices_on_the_join_screen_survive_a_language_switch(new_tablet, size, tmp_path):
    """Chain and role tapped, then EN before Start: both stay chosen, in English labels."""
    import os

    page = new_tablet({"width": size[0], "height": size[1]})
    goto(page, "/?code=DEMO", "Start de scan")
    page.locator(f".st-key-join-chain {TILE}", has_text=CHAIN_SIZES).tap()
    page.locator(f".st-key-join-role {TILE}", has_text="Lid van het ketenteam").tap()
    wait_idle(page)
    en = page.locator(".st-key-lang-switch").get_by_role("radio", name="EN")
    act(page, en.tap, "Start the scan")
    chosen = page.locator(f".st-key-join-chain {TILE}:has(input:checked)")
    expect(chosen).to_have_text(re.compile(CHAIN_SIZES))
    role = page.locator(f".st-key-join-role {TILE}:has(input:checked)")
    expect(role).to_have_text("Chain team member")
    shots = Path(os.environ.get("IPM_SHOTS") or tmp_path)
    page.screenshot(path=str(shots / f"join-after-switch-{size[0]}x{size[1]}.png"))
    act(page, page.get_by_role("button", name="Start the scan").tap, "Phase 1 of 7")
    assert_no_exception(page)


# -- group result --------------------------------------------------------------------------------


def _short_scan(page) -> None:
    """Join the group chain, answer phase 1 only, skip to the end and finish."""
    join(page, CHAIN_GROUP)
    first_phase = shown_in(0)
    answer_phase(page, 0, range(first_phase))
    for phase in range(2, len(Q.phases) + 1):
        next_screen(page, progress(phase, first_phase))
    next_screen(page, AMBITION_HEADING)
    next_screen(page, f"Afronden · {first_phase} van {SHOWN}")
    finish(page)
    assert_no_exception(page)


def test_group_appears_when_the_third_participant_finishes(new_tablet):
    for count in (1, 2):
        page = new_tablet()
        _short_scan(page)
        wait_idle(page, "De groepsuitslag komt zodra 3 deelnemers")
        expect(page.get_by_text(f"Nu zijn dat er {count}.", exact=False)).to_be_visible()
        assert page.get_by_text("De groep is", exact=False).count() == 0
        page.context.close()

    page = new_tablet()
    _short_scan(page)
    wait_idle(page, f"De groep is 3 deelnemers uit keten {CHAIN_GROUP}")
    assert page.get_by_text("De groepsuitslag komt zodra", exact=False).count() == 0
    rows = table_rows(page)
    assert rows[0] == ["Fase", "Ik", "Groep"], rows[0]
    # All three answered phase 1 alike, so the group's score there equals mine; the other
    # phases have no scores at all (and a group score needs 3 people who scored the phase).
    assert rows[1][0] == "Inzicht" and rows[1][2] != formats.DASH, rows[1]
    assert rows[1][1] == rows[1][2], rows[1]
    assert all(r[2] == formats.DASH for r in rows[2:]), rows
    marks = radar_marks(page)
    if marks.evaluate("e => e.tagName.toLowerCase()") == "svg":
        expect(marks.get_by_text("Groep", exact=True).first, "legend").to_be_visible()

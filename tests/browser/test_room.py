"""The workshop room: the public address in links and QR codes, the projector's stage at
projector sizes, the language switch, phone sizes and the Streamlit chrome (real Chromium)."""

from __future__ import annotations

import os
import random
import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from ipm_model.questionnaire import default_questionnaire
from ipm_model.share import qr_img_tag
from ipm_model.storage.store import Store
from tests.browser.browser_helpers import (
    ANSWER_GROUP,
    SHOWN,
    TILE,
    ProgressLine,
    act,
    answer,
    goto,
    join,
    next_screen,
    progress,
    wait_idle,
)
from tests.browser.conftest import (
    ADMIN_PASSWORD,
    _free_port,
    _start_streamlit,
    _stop,
    _tail,
    _wait_healthy,
)

pytestmark = pytest.mark.browser

PUBLIC_URL = "http://192.0.2.10:8501"  # TEST-NET-1: never contacted, only written into links
STAGE_CHAINS = (
    "Van melding tot jeugdhulp",
    "Schuldhulpverlening en inkomen",
    "Wonen en zorg",
    "Re-integratie en werk",
    "Veiligheid in de wijk",
    "Armoede en meedoen",
)
PROJECTORS = [{"width": 1920, "height": 1080}, {"width": 1280, "height": 720}]


def add_stage_workshop(db: Path) -> tuple[int, str]:
    """A revealed workshop STAGE6 with six chains of four finished participants each."""
    store = Store(db)
    try:
        q = default_questionnaire()
        org = store.create_organisation("Projectortest")
        ids = [store.add_chain(org, name) for name in STAGE_CHAINS]
        w = store.create_workshop(
            org, title="Zes ketens", workshop_date="2026-12-01", chain_ids=ids,
            questionnaire=q, code="STAGE6",
        )  # fmt: skip
        rng = random.Random(6)
        people = [
            {
                "chain_id": chain_id,
                "role": w.roles[0].id,
                "partner": "",
                "answers": {s.id: str(rng.randint(1 + i // 3, 3 + i // 3)) for s in q.statements},
                "finished_at": "2026-12-01T10:00:00+00:00",
            }
            for i, chain_id in enumerate(ids)
            for _ in range(4)
        ]
        store.load_finished_participants(w, people)
        store.set_revealed(w.id, True)
        return w.id, w.facilitator_token
    finally:
        store.close()


@pytest.fixture(scope="module")
def room(app_db: Path, tmp_path_factory: pytest.TempPathFactory, chromium_path: str):
    """A second server with a public address set, on a copy of the demo database plus the
    six-chain workshop; yields (base URL, workshop id, facilitator token)."""
    folder = tmp_path_factory.mktemp("ipm-room")
    db = folder / "room.db"
    source, target = sqlite3.connect(app_db), sqlite3.connect(db)
    source.backup(target)
    source.close()
    target.close()
    workshop_id, token = add_stage_workshop(db)
    env = {
        **os.environ,
        "IPM_DB": str(db),
        "IPM_ADMIN_PASSWORD": ADMIN_PASSWORD,
        "IPM_PUBLIC_URL": PUBLIC_URL + "/",
        "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false",
        "PYTHONUNBUFFERED": "1",
    }
    log = folder / "streamlit.log"
    port = _free_port()
    proc = _start_streamlit(port, env, log)
    try:
        problem = _wait_healthy(proc, f"http://127.0.0.1:{port}")
        if problem:
            pytest.fail(f"{problem}:\n{_tail(log)}", pytrace=False)
        yield f"http://127.0.0.1:{port}", workshop_id, token
    finally:
        _stop(proc)
        text = log.read_text(encoding="utf-8", errors="replace")
        assert "Traceback (most recent call last)" not in text, text[-3000:]


@pytest.fixture
def open_page(browser) -> Iterator:
    """Factory: a page of its own context at a viewport size; all closed afterwards."""
    contexts = []

    def make(base_url: str, viewport: dict[str, int], *, touch: bool = False):
        context = browser.new_context(viewport=viewport, has_touch=touch, base_url=base_url)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


# -- the public address ----------------------------------------------------------------------


def test_public_address_is_in_link_and_qr_never_the_browsers_loopback(room, open_page):
    base, workshop_id, token = room
    page = open_page(base, {"width": 1280, "height": 900})
    goto(page, f"/console?f={token}", "Workshops beheren")
    card = page.locator(f".st-key-ws-{workshop_id}")
    act(page, card.get_by_text("Delen: code, link en QR-code").click, "Workshopcode")
    expected = f"{PUBLIC_URL}/?code=STAGE6"
    card.locator("img.ipm-qr").wait_for()
    card.locator("code").first.wait_for()
    codes = [c.strip() for c in card.locator("code").all_inner_texts()]
    assert codes[0] == expected
    assert all(c.startswith(PUBLIC_URL + "/") for c in codes), codes
    qr = card.locator("img.ipm-qr").get_attribute("src")
    assert f'src="{qr}"'.replace("&", "&amp;") in qr_img_tag(expected, alt="", css_width="1px")
    body = page.inner_text("body")
    assert "127.0.0.1" not in body and "localhost" not in body
    assert page.locator('[class*="st-key-address-warning"]').count() == 0

    goto(page, f"/projector?f={token}&w={workshop_id}", "STAGE6")
    assert page.locator(".ipm-url").inner_text().strip() == expected
    assert "127.0.0.1" not in page.inner_text("body")


def test_loopback_address_warns_before_the_qr(app_server, app_db: Path, open_page):
    """The shared test server runs without a public address and is opened as 127.0.0.1."""
    db = sqlite3.connect(app_db)
    workshop_id, token = db.execute(
        "SELECT id, facilitator_token FROM workshop WHERE code = 'DEMO'"
    ).fetchone()
    db.close()
    page = open_page(app_server, {"width": 1280, "height": 900})
    goto(page, f"/console?f={token}", "Workshops beheren")
    card = page.locator(f".st-key-ws-{workshop_id}")
    act(page, card.get_by_text("Delen: code, link en QR-code").click, "Workshopcode")
    warning = card.locator(f".st-key-address-warning-{workshop_id}")
    warning.get_by_text("werkt alleen op deze computer").wait_for()
    card.locator("img.ipm-qr").wait_for()
    assert "server.address" in warning.inner_text() and "firewall" in warning.inner_text()
    qr = card.locator("img.ipm-qr")
    assert warning.bounding_box()["y"] < qr.bounding_box()["y"]
    for shown in warning.locator("code").all_inner_texts():  # the laptop's own addresses
        assert "127.0.0.1" not in shown and "localhost" not in shown


# -- the projector's stage -------------------------------------------------------------------


@pytest.mark.parametrize("screen", PROJECTORS, ids=lambda s: f"{s['width']}x{s['height']}")
def test_projector_shows_six_radars_on_one_screen(room, open_page, screen):
    base, workshop_id, token = room
    page = open_page(base, screen)
    goto(page, f"/projector?f={token}&w={workshop_id}", "STAGE6", STAGE_CHAINS[-1])
    charts = page.locator('[data-testid="stVegaLiteChart"] svg.marks')
    page.wait_for_function(
        "() => document.querySelectorAll('[data-testid=stVegaLiteChart] svg.marks').length == 6"
    )
    page.wait_for_timeout(500)  # the charts' own layout pass
    width, height = screen["width"], screen["height"]
    for i in range(6):
        box = charts.nth(i).bounding_box()
        assert box["x"] >= 0 and box["y"] >= 0, box
        assert box["x"] + box["width"] <= width and box["y"] + box["height"] <= height, box
    # Every phase label on screen, and big enough to read from the back of the room.
    labels = page.evaluate(
        """() => Array.from(document.querySelectorAll(
                '[data-testid=stVegaLiteChart] svg.marks .phase_labels_marks text, '
                + '[data-testid=stVegaLiteChart] svg.marks g[class*=phase_labels] text'))
              .map(t => { const r = t.getBoundingClientRect();
                          const svg = t.ownerSVGElement, vb = svg.viewBox.baseVal;
                          const s = Math.min(svg.clientWidth / vb.width,
                                             svg.clientHeight / vb.height);
                          return {x: r.left, y: r.top, r: r.right, b: r.bottom,
                                  px: parseFloat(t.getAttribute('font-size')) * s,
                                  text: t.textContent}; })"""
    )
    assert len(labels) == 6 * 7, labels
    for label in labels:
        assert label["x"] >= 0 and label["y"] >= 0, label
        assert label["r"] <= width and label["b"] <= height, label
    if height >= 1080:
        assert min(label["px"] for label in labels) >= 24, labels
    scroll = page.evaluate(
        "() => { const m = document.querySelector('[data-testid=stMain]');"
        " return [m.scrollHeight, m.clientHeight]; }"
    )
    assert scroll[0] <= scroll[1] + 1, scroll
    for chrome in ('[data-testid="stHeader"]', ".st-key-lang-switch", '[role="navigation"]'):
        assert not page.locator(chrome).first.is_visible(), chrome
    assert page.locator('[data-testid="stMainMenu"]').count() == 0 or not (
        page.locator('[data-testid="stMainMenu"]').is_visible()
    )
    wait_idle(page)


# -- language, phone and chrome --------------------------------------------------------------


def _checked(page) -> list[str]:
    return page.evaluate(
        """() => Array.from(document.querySelectorAll('.st-key-scan-answers-box input:checked'))
                  .map(i => i.closest('label').innerText.trim())"""
    )


def test_language_switch_keeps_screen_answers_and_sets_html_lang(tablet):
    page = tablet
    join(page, "Van melding tot jeugdhulp")
    assert page.evaluate("document.documentElement.lang") == "nl"
    next_screen(page, progress(2, 0))
    answer(page, 0, "Mee eens", phase=2, answered_after=1)
    answer(page, 2, "Weet ik niet", phase=2, answered_after=2)
    switch = page.locator(".st-key-lang-switch")
    english = ProgressLine(f"Phase 2 of 7 · 2 of {SHOWN} answered")
    act(page, switch.get_by_role("radio", name="EN").tap, english)
    assert _checked(page) == ["Agree", "Don't know"]
    page.wait_for_function("document.documentElement.lang === 'en'")
    act(page, switch.get_by_role("radio", name="NL").tap, progress(2, 2))
    assert _checked(page) == ["Mee eens", "Weet ik niet"]
    page.wait_for_function("document.documentElement.lang === 'nl'")
    # A tap after the switches still counts, and is shown.
    answer(page, 1, "Niet eens, niet oneens", phase=2, answered_after=3)
    assert _checked(page) == ["Mee eens", "Niet eens, niet oneens", "Weet ik niet"]


@pytest.mark.parametrize(
    "screen", [{"width": 390, "height": 844}, {"width": 820, "height": 1180}], ids=str
)
def test_phase_screen_fits_three_screens_with_little_chrome(new_tablet, screen):
    page = new_tablet(screen)
    join(page, "Van schuld tot rust")
    answer(page, 0, "Niet eens, niet oneens", phase=1, answered_after=1)
    size = page.evaluate(
        """() => { const m = document.querySelector('[data-testid=stMain]');
                   const first = document.querySelector('[data-testid=stMainBlockContainer]'
                       + ' [data-testid=stVerticalBlock] > :not([style*="display: none"])');
                   const top = Array.from(document.querySelectorAll(
                       '[data-testid=stMainBlockContainer] .stElementContainer'))
                     .filter(e => e.getBoundingClientRect().height > 0)[0];
                   // Content the questionnaire asks for on this screen, not chrome: the
                   // n.v.t. rule and the help buttons (issue 13).
                   const asked = Array.from(document.querySelectorAll(
                       '.st-key-scan-rule, [class*="st-key-scan-help-"]'))
                     .reduce((sum, e) => sum + e.getBoundingClientRect().height + 16, 0);
                   return {scroll: m.scrollHeight, top: top.getBoundingClientRect().top,
                           asked: asked}; }"""
    )
    assert 0 < size["asked"] < 200, size  # the rule and phase 1's one help button
    assert size["scroll"] - size["asked"] <= 3 * screen["height"], size
    assert size["top"] <= 80, size  # Streamlit's bar and padding above our first line
    tiles = page.locator(f"{ANSWER_GROUP} {TILE}")
    for i in range(7):  # the seven tiles of the first statement
        box = tiles.nth(i).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= screen["width"], box
        assert box["height"] >= 44, box
    text = page.inner_text("body")
    assert "Press " not in text and "Connection error" not in text


NONE_OR_NAN = re.compile(r"\b(None|nan|NaN)\b")


def test_no_none_or_nan_text_on_any_page(room, open_page, app_db: Path):
    """Every page of the demo, as its links open them (the room server has the same demo)."""
    base, _, _ = room
    db = sqlite3.connect(app_db)
    (results,) = db.execute("SELECT results_token FROM organisation WHERE is_demo").fetchone()
    (facilitator,) = db.execute(
        "SELECT facilitator_token FROM workshop WHERE code = 'DEMO'"
    ).fetchone()
    db.close()
    pages = {
        "/?code=DEMO": "Start de scan",
        "/about": "Inzicht",
        f"/results?r={results}": "Resultaten",
        f"/compare?r={results}": "Ketens vergelijken",
        f"/progress?r={results}": "Voortgang",
        f"/console?f={facilitator}": "Workshops beheren",
    }
    page = open_page(base, {"width": 1440, "height": 900})
    for path, text in pages.items():
        goto(page, path, text)
        page.wait_for_timeout(500)
        shown = page.inner_text("body")
        for grid in page.locator('[data-testid="stDataFrame"]').all():
            shown += grid.evaluate(
                "e => Array.from(e.querySelectorAll('table[role=grid] td, table[role=grid] th'))"
                ".map(c => c.textContent).join(' | ')"
            )
        found = NONE_OR_NAN.findall(shown)
        assert not found, f"{path}: {found}"


def test_result_radar_fits_a_phone(browser, app_server, app_db):
    """A participant's result on a 390x844 phone: the radar (own and group) fits the width."""
    store = Store(app_db)
    workshop = store.workshop_by_code("DEMO")
    q = default_questionnaire()
    rng = random.Random(5)
    token = None
    for _ in range(3):  # a group of the minimum size, so the group radar shows too
        p = store.create_participant(workshop, chain_id=workshop.chains[-1].id, role="mt")
        for statement in q.statements:
            store.save_answer(p.id, statement.id, str(rng.randint(2, 5)))
        store.finish(p.id)
        token = p.token
    store.close()
    viewport = {"width": 390, "height": 844}
    context = browser.new_context(viewport=viewport, has_touch=True, base_url=app_server)
    page = context.new_page()
    try:
        goto(page, f"/scan?p={token}", "Jouw uitslag", "De groep is")
        chart = page.locator('[data-testid="stVegaLiteChart"]').first
        chart.locator("svg, canvas").first.wait_for()
        box = chart.bounding_box()
        assert box is not None and box["width"] > 300
        assert box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"]
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    finally:
        context.close()

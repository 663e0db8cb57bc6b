"""Typed text shows as typed on every page, in Chromium: no Markdown, LaTeX, HTML, icons,
emoji, colours or links (also not from a bare URL or e-mail address).

An organisation whose names, titles, comments and actions are all hostile strings (those of
tests/fault/test_hostile_input.py plus links and shortcodes) is opened on every page that
shows typed text. Wherever a string's witness word appears, the element around it reads the
whole string as stored (word joiners, ui/text.py's invisible link breakers, left out) and
holds no element made from it. Its own server and database: other modules see none of it.
"""

from __future__ import annotations

import sqlite3
from datetime import date, timedelta

import pytest

from ipm_model.model import DEFAULT_ROLES, NAME_MAX_CHARS, Role, clean_text, now_iso
from ipm_model.questionnaire import default_questionnaire
from ipm_model.storage.store import Store
from tests.browser.browser_helpers import TILE, act, assert_no_exception, goto, wait_idle
from tests.browser.conftest import serve_app

pytestmark = pytest.mark.browser

Q = default_questionnaire()
# witness word -> hostile text (at most NAME_MAX_CHARS, so it fits every field)
HOSTILE = {
    "vetwoord": "**vetwoord** _schuin_ [klik](https://example.org/x) ![i](https://e.org/p.png) `c`",
    "alertwoord": "<script>alert('alertwoord')</script><img src=x onerror=alert(1)><b>vet</b>",
    "citaatwoord": "# Kop\n> citaatwoord\n- lijst\n1. een ~~weg~~ | a | b |",
    "huiswoord": "$x^2$ :material/home: :red[huiswoord] :smile: :streamlit: $$y$$",
    "linkwoord": "linkwoord https://example.org/a www.example.org info@example.org",
}
CODE = "VREEMD"
# Elements Markdown or HTML would make out of typed text: never from it...
MADE = "a:not([href^='#']), img, script, code, del, table, .katex, [role=img], " + (
    "[data-testid=stIconMaterial], .stMarkdownColoredText"
)
# ...and formatting the app puts around a whole text (a bold title, a quoted comment), never
# inside one.
WRAP = "strong, em, h1, h2, h3, blockquote, ul, ol, li"
FIND = """([witness, stored, made, wrap]) => {
    const norm = s => s.replaceAll('\\u2060', '').replace(/\\s+/g, ' ').trim();
    const found = [];
    for (const el of document.querySelectorAll('body *')) {
        if (el.closest('svg, style, script, textarea, input')) continue;
        if (!el.textContent.includes(witness)) continue;
        if ([...el.children].some(c => c.textContent.includes(witness))) continue;
        const box = el.closest('[data-testid=stMarkdownContainer]') || el;
        const bad = [...box.querySelectorAll(made)].concat(
            [...box.querySelectorAll(wrap)].filter(e => !norm(e.textContent).includes(stored)));
        const html = box.outerHTML.slice(0, 400);
        found.push({text: norm(box.textContent), made: bad.length, html});
    }
    return found;
}"""
# st.dataframe paints on a canvas; its cells are read from the grid's accessible table.
GRIDS_FILLED = """() => [...document.querySelectorAll('[data-testid=stDataFrame]')]
    .filter(g => g.offsetParent !== null)
    .every(g => g.querySelectorAll('table[role=grid] tr').length > 1)"""
LINKS = "a[href*='example.org'], a[href^='mailto:'], img[src*='e.org'], .katex"


def norm(text: str) -> str:
    return " ".join(text.split())


def check_page(page, *expected: str) -> None:
    """Every hostile text on the page reads as stored and made no markup; `expected` shown."""
    assert_no_exception(page)
    seen = set()
    for witness, text in HOSTILE.items():
        stored = norm(clean_text(text, NAME_MAX_CHARS)[0])
        for hit in page.evaluate(FIND, [witness, stored, MADE, WRAP]):
            assert hit["made"] == 0, f"markup made from {witness!r}: {hit['html']}"
            assert stored in hit["text"], f"{witness!r} not shown as typed: {hit['html']}"
            seen.add(witness)
    assert page.locator(LINKS).count() == 0, page.locator(LINKS).first.evaluate("e => e.outerHTML")
    missing = set(expected) - seen
    assert not missing, f"not shown on {page.url}: {sorted(missing)}"


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> dict:
    """A database with one organisation made of hostile strings; its links and tokens."""
    db = tmp_path_factory.mktemp("ipm-plain") / "ipm.db"
    store = Store(db)
    org = store.create_organisation(HOSTILE["huiswoord"])
    chains = [store.add_chain(org, HOSTILE["vetwoord"]), store.add_chain(org, HOSTILE["linkwoord"])]
    role = Role("vreemd", HOSTILE["alertwoord"], HOSTILE["alertwoord"])
    store.set_organisation_roles(org, (*DEFAULT_ROLES, role))
    rounds = []
    for n, (day, code) in enumerate(
        [(date.today() - timedelta(days=90), None), (date.today(), CODE)]
    ):
        workshop = store.create_workshop(
            org,
            title=HOSTILE["citaatwoord"] if n else HOSTILE["linkwoord"],
            workshop_date=day,
            chain_ids=chains,
            questionnaire=Q,
            roles=(*DEFAULT_ROLES, role),
            partners=[HOSTILE["citaatwoord"]],
            code=code,
        )
        people = [
            {
                "chain_id": chain,
                "role": "vreemd",
                "partner": HOSTILE["citaatwoord"],
                "answers": {s.id: str(2 + (i + n) % 3) for s in Q.statements},
                "comments": {
                    "inzicht": f"{HOSTILE['linkwoord']} {i}",
                    "toekomst": f"{HOSTILE['huiswoord']} {i}",
                    "doen": HOSTILE["vetwoord"],
                },
                "finished_at": now_iso(),
            }
            for chain in chains
            for i in range(3)
        ]
        store.load_finished_participants(workshop, people)
        store.create_action(
            chain_id=chains[0],
            workshop_id=workshop.id,
            phase_id="doen",
            description=HOSTILE["vetwoord"],
            owner=HOSTILE["linkwoord"],
        )
        rounds.append(workshop)
    store.set_revealed(rounds[-1].id, True)
    results_token = store.organisation(org)["results_token"]
    store.close()
    with sqlite3.connect(db) as conn:
        (participant,) = conn.execute(
            "SELECT token FROM participant WHERE workshop_id = ? LIMIT 1", [rounds[-1].id]
        ).fetchone()
    return {
        "db": db,
        "r": results_token,
        "f": rounds[-1].facilitator_token,
        "p": participant,
    }


@pytest.fixture(scope="module")
def app_server(request, chromium_path, hostile) -> str:
    """This module's own server, on the hostile database (overrides the shared one)."""
    with serve_app(request, hostile["db"], hostile["db"].with_name("streamlit.log")) as url:
        yield url


@pytest.fixture
def page(tablet):
    dialogs: list[str] = []
    tablet.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    yield tablet
    assert dialogs == [], "a script typed by a user ran"


def test_join_and_scan_pages_show_typed_names_as_typed(page):
    # The names stand on the page before they are read (a loaded machine draws them late).
    goto(page, f"/?code={CODE}", "Start de scan", "vetwoord", "linkwoord", "alertwoord")
    check_page(page, "citaatwoord", "vetwoord", "linkwoord", "alertwoord")
    page.locator("[data-testid=stSelectbox] input").first.focus()
    page.keyboard.press("ArrowDown")  # opens the list of partners
    page.get_by_role("option").first.wait_for()
    check_page(page, "citaatwoord")  # the partner in the opened list
    page.keyboard.press("Escape")
    page.locator(f".st-key-join-chain {TILE}", has_text="linkwoord").tap()
    page.locator(f".st-key-join-role {TILE}", has_text="alertwoord").tap()
    act(page, page.get_by_role("button", name="Start de scan").tap, "Fase 1 van 7")
    check_page(page, "linkwoord", "citaatwoord")


def test_personal_result_shows_the_chain_as_typed(page, hostile):
    goto(page, f"/scan?p={hostile['p']}", "Jouw uitslag")
    check_page(page, "vetwoord")


@pytest.mark.parametrize(
    ("path", "heading", "expected"),
    [
        ("results", "De drie grootste punten", ("vetwoord", "linkwoord", "huiswoord")),
        ("compare", "Ketens vergelijken", ("vetwoord", "linkwoord")),
        ("progress", "Voortgang", ("vetwoord",)),
    ],
)
def test_results_pages_show_names_comments_and_actions_as_typed(
    page, hostile, path, heading, expected
):
    goto(page, f"/{path}?r={hostile['r']}", heading)
    page.locator('[data-testid="stVegaLiteChart"]').first.wait_for()
    page.wait_for_function(GRIDS_FILLED)
    check_page(page)
    if path == "results":  # comments and actions are on tabs of their own
        for tab in ("Opmerkingen van deelnemers", "Acties"):
            page.get_by_role("tab", name=tab).click()
            page.wait_for_timeout(500)
            page.wait_for_function(GRIDS_FILLED)
            check_page(page)
    for grid in page.locator('[data-testid="stDataFrame"]').all():  # the columns on the right
        if not grid.is_visible():  # on a tab that is not open
            continue
        grid.hover()
        page.mouse.wheel(5000, 0)
    page.wait_for_timeout(500)  # the grid redraws its accessible table (visible cells only)
    check_page(page, *expected)


def test_console_and_projector_show_titles_and_chains_as_typed(page, hostile):
    goto(page, f"/console?f={hostile['f']}", "Workshops")
    check_page(page, "citaatwoord")
    goto(page, f"/projector?f={hostile['f']}", "begonnen ·")
    # Before the reveal a table of counts, after it the radars' stage with a heading each.
    page.locator('[data-testid="stTable"], .st-key-stage-grid').first.wait_for()
    wait_idle(page)
    check_page(page, "vetwoord", "linkwoord")  # the title is in the selectbox field

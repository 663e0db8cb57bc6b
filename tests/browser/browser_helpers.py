"""Waiting for Streamlit and driving the iPM Ketenscan screens from a real browser."""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import parse_qs, urlparse

from ipm_model.i18n import t
from ipm_model.questionnaire import default_questionnaire

DEFAULT_TIMEOUT_MS = 15_000

# Streamlit's markers: the app root carries the script and connection state; the status
# widget shows a running icon while a script runs; a stale element is left from an older run.
APP = '[data-testid="stApp"]'
APP_IDLE = f'{APP}[data-test-script-state="notRunning"][data-test-connection-state="CONNECTED"]'
RUNNING_ICON = (
    '[data-testid="stStatusWidgetRunningIcon"], [data-testid="stStatusWidgetRunningManIcon"]'
)
STALE = '[data-stale="true"]'
EXCEPTION = '[data-testid="stException"]'
# ui/style.py's stylesheet arrives through st.html, which Streamlit draws a moment after the
# widgets on a page load; sizes and colours are only final once it is in the document.
_APP_CSS_LOADED = """() => Array.from(document.querySelectorAll('style'))
    .some(s => s.textContent.includes('.st-key-scan-answers-box'))"""


# A phase screen's progress line as the browser shows it (ui/scan.py, _phase_progress): its
# count is a CSS counter (generated content, no DOM text), so it is read from the browser's
# computed styles: the counter's start on the line plus every bar segment that counts.
_PROGRESS_LINES = """() => Array.from(document.querySelectorAll('.ipm-progress'))
  .filter(line => line.getClientRects().length > 0)
  .map(line => {
    const value = (css) => { const m = css.match(/ipm-answered (-?\\d+)/); return m ? +m[1] : 0; };
    let n = value(getComputedStyle(line).counterReset);
    for (const seg of line.querySelectorAll('.ipm-progress-bar > span')) {
      n += value(getComputedStyle(seg).counterIncrement);
    }
    const text = line.querySelector('.ipm-progress-text');
    return Array.from(text.childNodes)
      .map(node => node.nodeType === Node.TEXT_NODE ? node.textContent : String(n)).join('');
  })"""


class ProgressLine(str):
    """A phase screen's progress line ("Fase 2 van 7 · 9 van 49 beantwoord", or its start):
    wait_idle reads it from the progress element (_PROGRESS_LINES), not from the DOM's text."""


def progress_lines(page) -> list[str]:
    """The visible progress lines on the page, as the browser draws them."""
    return page.evaluate(_PROGRESS_LINES)


def accessible_progress(page) -> list[str]:
    """The progress lines as Chromium's accessibility tree has them (what a screen reader
    reads): the static texts of every paragraph with the progress line's start."""
    cdp = page.context.new_cdp_session(page)
    try:
        nodes = cdp.send("Accessibility.getFullAXTree")["nodes"]
    finally:
        cdp.detach()
    by_id = {n["nodeId"]: n for n in nodes}

    def text_of(node: dict) -> str:
        role = node.get("role", {}).get("value")
        if role == "StaticText":
            return node.get("name", {}).get("value", "")
        kids = [by_id[c] for c in node.get("childIds", []) if c in by_id]
        return "".join(text_of(kid) for kid in kids)

    lines = []
    for n in nodes:
        if n.get("role", {}).get("value") != "paragraph":
            continue
        text = text_of(n)
        if text.startswith(("Fase ", "Phase ")) and ("beantwoord" in text or "answered" in text):
            lines.append(text)
    return lines


def _wait_for_text(page, text: str, timeout: float) -> None:
    if isinstance(text, ProgressLine):
        page.wait_for_function(
            f"(want) => ({_PROGRESS_LINES})().some((line) => line.startsWith(want))",
            arg=str(text),
            timeout=timeout,
        )
    else:
        page.get_by_text(text, exact=False).first.wait_for(state="visible", timeout=timeout)


# -- waiting for Streamlit -------------------------------------------------------------------


def wait_idle(page, *texts: str, timeout: float = DEFAULT_TIMEOUT_MS) -> None:
    """Wait until Streamlit is idle: connected, no script running, no stale elements, no
    running indicator, the app's stylesheet in place; then until every text in `texts` is
    visible (a ProgressLine: drawn by the progress line)."""
    for text in texts:
        _wait_for_text(page, text, timeout)
    page.locator(APP_IDLE).wait_for(state="attached", timeout=timeout)
    page.locator(RUNNING_ICON).first.wait_for(state="hidden", timeout=timeout)
    page.wait_for_function(f"() => document.querySelector({STALE!r}) === null", timeout=timeout)
    page.wait_for_function(_APP_CSS_LOADED, timeout=timeout)
    for text in texts:
        _wait_for_text(page, text, timeout)


def act(page, action: Callable[[], object], *texts: str, timeout: float = DEFAULT_TIMEOUT_MS):
    """Do `action` (a tap that makes Streamlit rerun), then wait for `texts` and for the run to
    end. `texts` must be something the run changes (e.g. the new progress count): Streamlit's
    running state can come and go between two animation frames, so it alone is no signal."""
    result = action()
    wait_idle(page, *texts, timeout=timeout)
    return result


def goto(page, path: str, *texts: str) -> None:
    """Open `path` and wait for the first run to finish with `texts` shown."""
    page.goto(path)
    wait_idle(page, *texts)


# -- the app's screens -----------------------------------------------------------------------

# One radio group per statement; five scale tiles, then "Weet ik niet", "Niet van toepassing".
ANSWER_GROUP = '.st-key-scan-answers-box div[role="radiogroup"]'
# Under each statement's tiles: its saved marker (ui/scan.py: a caption whose span has the
# classes ipm-mark, ipm-mark-<state> and ipm-mark-<state>-<id>).
MARKER = ".st-key-scan-answers-box .ipm-mark"
TILE = 'label[data-testid="stRadioOption"]'
BACK = ".st-key-scan-back button"
NEXT = ".st-key-scan-next button"
DEFAULT_ROLE = "Lid van het ketenteam"
DEFAULT_KIND = "ketenteam"  # DEFAULT_ROLE's role kind: the statements it is shown
Q = default_questionnaire()
PHASES = len(Q.phases)
SHOWN = len(Q.statements_for(DEFAULT_KIND))  # statements a chain team member answers


def shown_in(phase_index: int, kind: str = DEFAULT_KIND) -> int:
    """How many statements phase `phase_index` (0-based) shows to a role kind."""
    return len(Q.phase_statements(Q.phases[phase_index].id, kind))


def answered_before(phase_index: int, kind: str = DEFAULT_KIND) -> int:
    """Statements of the phases before `phase_index` (0-based) shown to a role kind."""
    return sum(shown_in(i, kind) for i in range(phase_index))


AMBITION_HEADING = "Jullie ambitie"  # the screen after the last phase (skippable)


def progress(phase: int, answered: int, total: int = SHOWN) -> ProgressLine:
    """The progress line of phase screen `phase` (1-based), as the app shows it in Dutch."""
    return ProgressLine(f"Fase {phase} van {PHASES} · {answered} van {total} beantwoord")


def token_of(page) -> str:
    """The participant token from a /scan?p=... URL."""
    url = urlparse(page.url)
    assert url.path.endswith("/scan"), page.url
    (token,) = parse_qs(url.query)["p"]
    return token


def join(page, chain: str, role: str = DEFAULT_ROLE) -> str:
    """Join the demo workshop by its link, pick chain and role, start; returns the token."""
    goto(page, "/?code=DEMO", "Start de scan")
    page.locator(f".st-key-join-chain {TILE}", has_text=chain).tap()
    page.locator(f".st-key-join-role {TILE}", has_text=role).tap()
    act(page, page.get_by_role("button", name="Start de scan").tap, progress(1, 0))
    return token_of(page)


def tile(page, statement: int, label: str):
    """The answer tile with text `label` of statement `statement` (0-based) on this screen."""
    group = page.locator(ANSWER_GROUP).nth(statement)
    return group.locator(TILE).filter(has=page.get_by_text(label, exact=True))


def marker(page, statement: int):
    """The saved marker under statement `statement` (0-based) on this screen."""
    return page.locator(MARKER).nth(statement)


def saved(label: str, lang: str = "nl") -> str:
    """A statement's marker once its answer `label` is stored, as the page shows it."""
    return re.sub(r"\\(.)", r"\1", t("scan.answer_saved", lang, answer=label))


def answer(page, statement: int, label: str, *, phase: int, answered_after: int) -> None:
    """Tap one answer tile and wait until the app has stored it (the statement's marker
    says so) and counted it (the progress line)."""
    target = tile(page, statement, label)
    target.tap()
    marker(page, statement).get_by_text(saved(label), exact=True).wait_for(
        state="visible", timeout=DEFAULT_TIMEOUT_MS
    )
    wait_idle(page, progress(phase, answered_after))
    assert target.locator("input").is_checked(), f"{label!r} not checked after the tap"


def next_screen(page, *texts: str) -> None:
    """Tap "Volgende →" (or "Naar afronden →") and wait for `texts`."""
    act(page, page.locator(NEXT).tap, *texts)


def assert_no_exception(page) -> None:
    assert page.locator(EXCEPTION).count() == 0, page.locator(EXCEPTION).first.inner_text()


def table_rows(page, scope: str = "") -> list[list[str]]:
    """The cells of the st.dataframe grids in `scope`, read from the grid's accessible table
    (the grid itself is painted on a canvas)."""
    grid = page.locator(f'{scope} [data-testid="stDataFrame"]'.strip()).first
    grid.wait_for(state="visible")
    grid.locator("canvas").first.wait_for(state="attached")
    page.wait_for_function(
        "e => e.querySelectorAll('table[role=grid] tr').length > 1", arg=grid.element_handle()
    )
    return grid.evaluate(
        """e => Array.from(e.querySelectorAll('table[role=grid] tr'))
                  .map(r => Array.from(r.children).map(c => c.textContent.trim()))"""
    )

"""Shared pieces of the fault suite: a real server, a simulated tablet, the database as it is.

A `LiveServer` is `streamlit run app.py` on a free 127.0.0.1 port (through bench/server.py),
with its output in a log file. A `Tablet` is one participant's browser tab, simulated over
Streamlit's own websocket protocol (bench/stclient.py). Database checks read the SQLite file
directly, never through the app's Store, so they see what is really on disk.
"""

from __future__ import annotations

import asyncio
import html
import re
import sqlite3
from collections.abc import Coroutine
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from websockets.exceptions import ConnectionClosed

from bench.server import StreamlitServer, health_ok
from bench.stclient import (
    RerunResult,
    StreamlitClientError,
    StreamlitSession,
    Widget,
)
from ipm_model.questionnaire import default_questionnaire
from ipm_model.storage.store import Store
from tests.app.conftest import new_app, texts

ROOT = Path(__file__).resolve().parents[2]
Q = default_questionnaire()
CHAINS = (
    "Van aanvraag tot uitkering",
    "Van melding tot jeugdhulp",
    "Van schuld tot rust",
    "Van vergunning tot bouw",
)
CHAIN = "Van schuld tot rust"
ROLE = "Lid van het ketenteam"
KIND = "ketenteam"  # the role kind of ROLE: the statements it is shown (questionnaire routing)
SHOWN = len(Q.statements_for(KIND))
# "next" taps from the first phase to the finish screen: the phases, then the ambition screen
TO_FINISH = len(Q.phases) + 1
JOIN_SUBMIT = "FormSubmitter:join-form-Start de scan"
LABEL = {o.code: o.label.get("nl") for o in Q.options}  # "4" -> "Mee eens"
CODE_OF_LABEL = {label: code for code, label in LABEL.items()}
PHASE_PROGRESS = re.compile(rf"Fase (\d) van {len(Q.phases)} · (\d+) van {SHOWN} beantwoord")
# Ways a tablet notices that its connection is gone.
CONNECTION_LOST = (StreamlitClientError, ConnectionClosed, OSError)
REDACTED = "This app has encountered an error. The original error message is redacted"
DATABASE_MESSAGE = "De database werkt nu niet"
SERVER_TIMEOUT_S = 60.0


def run(coro: Coroutine[Any, Any, Any], timeout: float = 90.0) -> Any:
    """Run a coroutine to its end (bounded: a hung server fails the test, not the suite)."""

    async def main() -> Any:
        asyncio.get_running_loop().set_exception_handler(_quiet_lost_replies)
        return await asyncio.wait_for(coro, timeout)

    return asyncio.run(main())


def _quiet_lost_replies(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
    """Do not log the lost reply of a rerun whose connection was cut on purpose."""
    if isinstance(context.get("exception"), StreamlitClientError | ConnectionClosed):
        return
    loop.default_exception_handler(context)


# -- the server ------------------------------------------------------------------------------


@dataclass
class LiveServer:
    """The app served by a real `streamlit run` on 127.0.0.1, on the database `db`."""

    db: Path
    log: Path
    env: dict[str, str] = field(default_factory=dict)
    server: StreamlitServer | None = None

    def start(self) -> LiveServer:
        env = {
            "IPM_DB": str(self.db),
            # Not inherited from a test that set them: this server is a participant's server.
            "IPM_DEMO": "",
            "IPM_ADMIN_PASSWORD": "",
            "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false",
            "PYTHONUNBUFFERED": "1",
            **self.env,
        }
        for attempt in range(3):  # another process may take the free port before streamlit
            server = StreamlitServer(
                "app.py",
                env=env,
                # Serve the code as it was at the start (others may edit files meanwhile).
                extra_args=["--server.fileWatcherType", "none"],
                log_path=self.log,
                startup_timeout=SERVER_TIMEOUT_S,
            )
            try:
                server.start()
            except (RuntimeError, TimeoutError) as exc:
                server.stop()
                if "already in use" not in self.log_tail() or attempt == 2:
                    raise RuntimeError(f"{exc}; log:\n{self.log_tail()}") from exc
                continue
            self.server = server
            return self
        raise AssertionError("unreachable")  # pragma: no cover

    @property
    def url(self) -> str:
        assert self.server is not None, "server not running"
        return self.server.base_url

    @property
    def running(self) -> bool:
        proc = self.server.process if self.server else None
        return proc is not None and proc.poll() is None

    def healthy(self) -> bool:
        return self.running and health_ok(self.url, timeout=5)

    def kill(self) -> None:
        """SIGKILL: no shutdown handlers, no flush, like a power cut of the process."""
        assert self.server is not None and self.server.process is not None
        self.server.process.kill()
        self.server.process.wait(timeout=10)
        self.server.process = None

    def stop(self) -> None:
        if self.server is not None:
            self.server.stop()

    def log_size(self) -> int:
        return self.log.stat().st_size if self.log.exists() else 0

    def log_since(self, offset: int) -> str:
        if not self.log.exists():
            return ""
        with open(self.log, "rb") as f:
            f.seek(offset)
            return f.read().decode("utf-8", errors="replace")

    def log_tail(self, lines: int = 60) -> str:
        return "\n".join(self.log_since(0).splitlines()[-lines:])


def create_demo_db(path: Path) -> Path:
    """A database file holding the demo workshop DEMO (without the history rounds)."""
    from ipm_model.demo import create_demo

    store = Store(path)
    try:
        create_demo(store, Q, history=False)
    finally:
        store.close()  # the last connection checkpoints the WAL: the file is complete
    return path


# -- a participant's tablet ------------------------------------------------------------------


def plain(label: str) -> str:
    """A label as the participant reads it (Markdown backslash escapes and the invisible word
    joiners that break autolinks removed)."""
    return re.sub(r"\\(.)", r"\1", label).replace("\u2060", "")


class Tablet:
    """One participant's browser tab, simulated over the websocket."""

    def __init__(self, rerun_timeout: float = 45.0) -> None:
        self.session = StreamlitSession(rerun_timeout=rerun_timeout)
        self.results: list[RerunResult] = []

    async def close(self) -> None:
        await self.session.close()

    def _keep(self, result: RerunResult | None) -> RerunResult:
        assert result is not None, "the interaction sent nothing"
        self.results.append(result)
        return result

    async def open(self, url: str, query: str = "", page: str = "") -> RerunResult:
        return self._keep(await self.session.connect(url, query, page))

    async def join(self, url: str, chain: str = CHAIN, role: str = ROLE) -> str:
        """Open /?code=DEMO, pick chain and role, start the scan; return the token."""
        await self.open(url, "code=DEMO")
        s = self.session
        await s.choose("join-chain", self.option("join-chain", chain))
        await s.choose("join-role", self.option("join-role", role))
        self._keep(await s.click(JOIN_SUBMIT))
        assert self.phase() == 1, f"not on phase 1 after joining: {self.describe()}"
        return self.token

    async def resume(self, url: str, token: str) -> RerunResult:
        """Open the personal link /scan?p=<token> in a new tab."""
        return await self.open(url, f"p={token}", page="scan")

    def option(self, key: str, text: str) -> str:
        """The option label of a radio that reads `text` (escaped or not)."""
        widget = self.session.find_widget(key=key)
        for label in widget.options:
            if label == text or plain(label) == text:
                return label
        raise AssertionError(f"{text!r} is not an option of {key}: {widget.options}")

    @property
    def token(self) -> str:
        return parse_qs(self.session.query_string)["p"][0]

    def radio(self, statement_id: str) -> Widget:
        return self.session.find_widget(key=f"scan-a-{statement_id}")

    async def answer(self, statement_id: str, code: str) -> RerunResult:
        return self._keep(await self.session.choose(self.radio(statement_id), LABEL[code]))

    async def next(self) -> RerunResult:
        return self._keep(await self.session.click("scan-next"))

    async def comment(self, phase_id: str, text: str) -> RerunResult:
        return self._keep(await self.session.type_text(f"scan-c-{phase_id}", text))

    def shown_answer(self, statement_id: str) -> str | None:
        """The answer code the radio shows as selected (None: nothing selected)."""
        label = self.session.current_value(self.radio(statement_id))
        return None if label is None else CODE_OF_LABEL[label]

    def shown_answers(self, phase_index: int) -> dict[str, str | None]:
        phase = Q.phases[phase_index]
        return {s.id: self.shown_answer(s.id) for s in Q.phase_statements(phase.id, KIND)}

    def progress(self) -> tuple[int, int] | None:
        """(phase number, answered count) from the progress line, None when not on a phase.

        Counted as a browser does (ui/scan.py, _phase_progress): the line's counter start,
        plus each bar segment answered when the line was drawn or whose statement shows a
        saved or waiting marker now (a tap reruns only its statement)."""
        for node in self.session.nodes.values():
            if node.element_type != "html" or "ipm-progress-text" not in node.proto.body:
                continue
            body = node.proto.body
            count = int(re.search(r"counter-reset:ipm-answered (\d+)", body)[1])
            for sid, on in re.findall(r'<span class="ipm-seg-([a-z0-9-]+)( on)?"', body):
                marker = self.marker(sid)
                count += bool(on) or (marker is not None and marker[0] in ("saved", "pending"))
            text = re.search(r'<p class="ipm-progress-text">(.*?)</p>', body)[1]
            count_span = '<span class="ipm-progress-count"></span>'
            shown = html.unescape(text.replace(count_span, str(count)))
            found = PHASE_PROGRESS.search(shown)
            if found:
                return int(found.group(1)), int(found.group(2))
        return None

    def phase(self) -> int | None:
        shown = self.progress()
        return shown[0] if shown else None

    def marker(self, statement_id: str) -> tuple[str, str] | None:
        """(state, text) of the saved marker under a statement (ui/scan.py draws it as one
        caption: <span class="ipm-mark ipm-mark-<state> ipm-mark-<state>-<statement id>">),
        None when the statement is not on the screen."""
        pattern = re.compile(
            r'<span class="ipm-mark ipm-mark-(\w+) ipm-mark-\1-'
            + re.escape(statement_id)
            + r'">(.*)</span>',
            re.DOTALL,
        )
        nodes = self.session.nodes
        for path in sorted(nodes):
            node = nodes[path]
            if node.is_block or node.element_type != "markdown":
                continue
            found = pattern.fullmatch(node.proto.body)
            if found:
                return found.group(1), plain(found.group(2)).strip()
        return None

    def texts(self) -> str:
        """Every markdown, alert, heading and text body on the page, in page order."""
        kinds = ("markdown", "heading", "text", "alert")
        nodes = self.session.nodes
        return "\n".join(
            nodes[path].proto.body for path in sorted(nodes) if nodes[path].element_type in kinds
        )

    def exceptions(self) -> list[Any]:
        """Exception elements on the page now, or received by any rerun of this tab."""
        on_page = [
            node.proto for node in self.session.nodes.values() if node.element_type == "exception"
        ]
        return on_page + [e for r in self.results for e in r.exceptions]

    def describe(self) -> str:
        return f"progress={self.progress()} texts={self.texts()[:400]!r}"


# -- the database as it is on disk --------------------------------------------------------------


def query(db: Path, sql: str, params: tuple = ()) -> list[tuple]:
    with closing(sqlite3.connect(db, timeout=30)) as conn:
        return conn.execute(sql, params).fetchall()


def participant_row(db: Path, token: str) -> tuple[int, int, str | None]:
    """(id, current_step, finished_at) of the participant with this token."""
    rows = query(
        db, "SELECT id, current_step, finished_at FROM participant WHERE token = ?", (token,)
    )
    assert len(rows) == 1, f"no participant with token {token!r}"
    return rows[0]


def stored_answers(db: Path, participant_id: int) -> dict[str, str]:
    rows = query(
        db, "SELECT statement_id, value FROM answer WHERE participant_id = ?", (participant_id,)
    )
    return dict(rows)


def assert_no_duplicate_answers(db: Path) -> None:
    total, distinct = query(
        db,
        "SELECT count(*), (SELECT count(*) FROM "
        "(SELECT DISTINCT participant_id, statement_id FROM answer)) FROM answer",
    )[0]
    assert total == distinct, f"{total} answer rows for {distinct} (participant, statement) pairs"


def assert_redacted(exceptions: list[Any]) -> None:
    """Exception elements (if any) tell nothing about the code: no message, no stack."""
    for exc in exceptions:
        assert exc.message.startswith(REDACTED), f"an exception leaks details: {exc.message!r}"
        assert not list(exc.stack_trace), "an exception element carries a stack trace"
        assert str(ROOT) not in exc.message and "Traceback" not in exc.message


# -- AppTest helpers -----------------------------------------------------------------------------


def start_scan(store: Store):
    """AppTest: join the demo workshop DEMO and open the scan; (app, participant)."""
    at = new_app(code="DEMO").run()
    workshop = store.workshop_by_code("DEMO")
    chain_id = next(c.id for c in workshop.chains if c.name == CHAIN)
    at.radio(key="join-chain").set_value(chain_id)
    at.radio(key="join-role").set_value(KIND)
    at.button(key="FormSubmitter:join-form-Start de scan").click().run()
    assert not at.exception
    token = at.query_params["p"]
    return at, store.participant_by_token(token[0] if isinstance(token, list) else token)


def tap(at, statement_id: str, code: str):
    """AppTest: tap an answer."""
    return at.radio(key=f"scan-a-{statement_id}").set_value(code).run()


def assert_clear(at, detail: str) -> None:
    """AppTest: the database message with `detail` is shown, no traceback."""
    shown = plain(texts(at))
    assert not at.exception
    assert DATABASE_MESSAGE in shown
    assert detail in shown
    assert "Traceback" not in shown


def assert_joins_and_stores_an_answer(url: str, db: str | Path) -> None:
    """A tablet joins the demo workshop at `url` and answers one statement; the database
    `db` holds that answer."""

    async def join() -> tuple[str, list]:
        tablet = Tablet()
        try:
            token = await tablet.join(url, chain=CHAIN)
            assert (await tablet.answer(Q.phases[0].statements[0].id, "4")).ok
            return token, tablet.exceptions()
        finally:
            await tablet.close()

    token, exceptions = run(join())
    assert exceptions == []
    check = Store(db)
    try:
        participant = check.participant_by_token(token)
        assert check.answers(participant.id) == {Q.phases[0].statements[0].id: "4"}
    finally:
        check.close()


def open_join_link(url: str, query: str = "code=DEMO") -> tuple[str, list]:
    """A tablet opens the join link at `url`: (the texts shown, the exceptions shown)."""

    async def visit() -> tuple[str, list]:
        tablet = Tablet()
        try:
            await tablet.open(url, query)
            return tablet.texts(), tablet.exceptions()
        finally:
            await tablet.close()

    return run(visit())

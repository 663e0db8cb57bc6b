"""Workshop simulator: N tablets doing the whole iPM Ketenscan, measured against a bare page.

    python bench/workshop_sim.py --participants 30 --think 0
    python bench/workshop_sim.py --participants 60 --think-min 2 --think-max 5
        [--phases 7] [--tcp-nodelay [launcher|hook]] [--out BENCHMARKS.md]
    python bench/workshop_sim.py --replicas 2 --participants 30    # replicas behind nginx
    python bench/workshop_sim.py --url http://127.0.0.1:8600 --db postgresql://...


One run, all servers on 127.0.0.1 with the project's ``.streamlit/config.toml``
(cwd = project root, see bench/server.py), started and stopped here:

1. BASELINE, ``bench/bare_app.py`` (one radio): RSS per idle session; one session
   tapping (single-session p50/p95/max); then as many sessions as participants, tapping
   with the same think times (the same concurrency as the app run).
2. APP, ``app.py`` on a fresh temporary database holding the demo workshop DEMO: a
   warm-up tab (not counted), RSS per idle session on ``/?code=DEMO``, then the workshop
   in three stages, each started together: join (open ``/?code=DEMO``, pick chain and
   role, spread over the 4 chains and 6 roles, submit), answering (every statement of
   the first ``--phases`` phases tapped once with a deterministic value, including
   "Weet ik niet" and "Niet van toepassing", and "next" after each of the 7 phases), and
   finish (finish, then the result screen with its radar is read).
3. The database is read afterwards through the app's own Store (a SQLite file or a
   PostgreSQL URL alike): answers acknowledged (taps whose fragment rerun finished
   without exception) must equal the answers stored, with the same values.

Against servers that run elsewhere (no baseline, no RSS; CPU only for processes started
here): ``--url URL`` sends every tablet to that base URL (e.g. a load balancer; give it
several times to spread the tablets over the URLs round-robin instead), ``--db`` names
their database for the check (without it the check is skipped; the database must hold the
open workshop DEMO). ``--replicas N`` starts N app replicas behind nginx itself
(deploy/cluster.py) on a fresh demo database (a throwaway PostgreSQL server, or
``--db``), and ``--direct`` spreads the tablets over the replicas without nginx. Every
tablet keeps its own cookies: it loads the page first (``GET /?code=DEMO``; nginx answers
with its route cookie ``ipm_route``) and opens the websocket with that cookie, so nginx
keeps it on one replica; the report counts the tablets per replica.

Times are from sending ``rerun_script`` to receiving ``script_finished``. Server CPU is
utime+stime of the server process: around each step for one session, per stage for
many. ``--think`` pauses before every action (uniform between ``--think-min`` and
``--think-max``; seeded, so runs repeat). ``--tcp-nodelay`` serves both pages via
bench/streamlit_nodelay.py; ``--tcp-nodelay hook`` instead adds the two-line in-app
hook of ui/tcp.py (app.py runs it from its lifespan already) to copies of both scripts. ``--set
server.fileWatcherType=none`` passes config to both servers. CPU pressure is Linux PSI
(share of the time some task waited for a CPU, machine-wide): high values mean other
jobs competed with the run; ``--wait-quiet SECONDS`` waits for a quieter machine first.
Before the workshop the app server is left to finish its start-up warming (the results
caches of ui/shared_results.py, ~2 s of CPU on the demo database) until it is idle, so the
join stage does not share the CPU with it (``--no-idle-wait``: start at once, as before).
Errors are counted per step with the first message of each kind; a timeout is a rerun
without script_finished within ``--timeout``, a disconnect a closed websocket (the
client sends no keepalive pings, like a browser), flow an unexpected page.

For pytest: ``run_smoke(participants=10, phases=1)`` (app only, no timing); with
``urls=`` and ``db=`` it runs against servers that are already up.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import platform
import random
import re
import shlex
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs

PROJECT_ROOT = Path(__file__).resolve().parent.parent
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))

from websockets.exceptions import ConnectionClosed  # noqa: E402

from bench.bench_baseline_demo import percentile  # noqa: E402
from bench.server import StreamlitServer  # noqa: E402
from bench.stclient import (  # noqa: E402
    RerunResult,
    RerunTimeout,
    StreamlitClientError,
    StreamlitSession,
)
from ipm_model.demo import DEMO_CODE, DEMO_PARTNERS, create_demo  # noqa: E402
from ipm_model.i18n import t  # noqa: E402
from ipm_model.model import DEFAULT_ROLES, Role  # noqa: E402
from ipm_model.questionnaire import Questionnaire, default_questionnaire, role_kind  # noqa: E402
from ipm_model.storage.store import Store  # noqa: E402

APP_SCRIPT = PROJECT_ROOT / "app.py"
BARE_SCRIPT = Path(__file__).resolve().parent / "bare_app.py"
BARE_KEY = "answer"
SCAN_PAGE = "scan"
LANG = "nl"
TCP_MODES = ("off", "launcher", "hook")
HOOK_PRELUDE = "from ui.tcp import enable_tcp_nodelay\n\nenable_tcp_nodelay()\n"
LOG_DIR = Path(tempfile.gettempdir()) / "ipm-workshop-sim"
WARMUP_TAPS = 5
MIN_RSS_SESSIONS = 10
BASELINE_TAPS_WITH_THINK = 10
ROUTE_COOKIE = "ipm_route"  # nginx's sticky route (deploy/nginx.conf.template)


# --------------------------------------------------------------------------- configuration


@dataclass(frozen=True)
class SimConfig:
    """One simulator run. ``think_max`` 0 means no pauses."""

    participants: int
    phases: int = 7
    think_min: float = 0.0
    think_max: float = 0.0
    tcp: str = "off"
    baseline_taps: int | None = None
    rerun_timeout: float = 60.0
    seed: int = 1
    settings: tuple[str, ...] = ()  # "section.option=value", for both servers
    idle_wait: bool = True  # the app server idle (start-up warming done) before the workshop

    @property
    def extra_args(self) -> list[str]:
        """``--section.option value`` flags for `streamlit run` (from ``settings``)."""
        args = []
        for setting in self.settings:
            name, _, value = setting.partition("=")
            args += [f"--{name}", value]
        return args

    def think(self, rng: random.Random) -> float:
        return rng.uniform(self.think_min, self.think_max) if self.think_max > 0 else 0.0

    def taps_per_participant(self, questionnaire: Questionnaire) -> int:
        return sum(len(p.statements) for p in questionnaire.phases[: self.phases])

    def bare_taps(self, questionnaire: Questionnaire) -> int:
        """Taps per session in the concurrent baseline (capped when thinking)."""
        if self.baseline_taps is not None:
            return self.baseline_taps
        taps = self.taps_per_participant(questionnaire)
        return min(taps, BASELINE_TAPS_WITH_THINK) if self.think_max > 0 else taps


async def pause(cfg: SimConfig, rng: random.Random) -> None:
    seconds = cfg.think(rng)
    if seconds > 0:
        await asyncio.sleep(seconds)


# --------------------------------------------------------------------------- recording


def error_kind(exc: BaseException) -> str:
    """timeout | disconnect | flow (the page did not offer what the flow expected)."""
    if isinstance(exc, RerunTimeout):
        return "timeout"
    if isinstance(exc, ConnectionClosed | OSError):
        return "disconnect"
    text = str(exc)
    if "connection lost" in text or "not connected" in text:
        return "disconnect"
    return "flow"


@dataclass
class Recorder:
    """Latencies and errors per step kind, reruns; CPU per kind if ``cpu_probe``.

    Give a ``cpu_probe`` only when one session runs at a time: it reads the server's
    CPU seconds before and after each step and books the difference on that step.
    """

    cpu_probe: Callable[[], float] | None = None
    latencies: dict[str, list[float]] = field(default_factory=dict)
    cpu: Counter[str] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)  # by error kind
    step_errors: Counter[tuple[str, str]] = field(default_factory=Counter)  # (step, error)
    samples: dict[str, str] = field(default_factory=dict)  # error kind -> first message
    slow: list[tuple[float, str, float]] = field(default_factory=list)  # ms, step, started s
    reruns: int = 0
    started: float = field(default_factory=time.perf_counter)

    def error(self, step: str, kind: str, message: str = "") -> None:
        self.errors[kind] += 1
        self.step_errors[step, kind] += 1
        if message:
            self.samples.setdefault(kind, f"{step}: {message[:300]}")

    async def run(self, kind: str, action: Awaitable[RerunResult | None]) -> RerunResult | None:
        """Await one rerun; the result if it finished cleanly, else None (error counted)."""
        before = self.cpu_probe() if self.cpu_probe else 0.0
        sent = time.perf_counter()
        try:
            result = await action
        except (StreamlitClientError, ConnectionClosed, OSError) as exc:
            self.error(kind, error_kind(exc), f"{type(exc).__name__}: {exc}")
            return None
        finally:
            if self.cpu_probe:
                self.cpu[kind] += self.cpu_probe() - before
        if result is None:
            self.error(kind, "flow", "a rerun was expected, the client only staged a value")
            return None
        self.reruns += 1
        self.latencies.setdefault(kind, []).append(result.elapsed_ms)
        self.slow.append((result.elapsed_ms, kind, sent - self.started))
        if not result.ok:
            self.error(kind, "exception" if result.exceptions else "status", str(result.status))
            return None
        return result

    async def stage(self, kind: str, action: Awaitable[RerunResult | None]) -> bool:
        """A form input that only stages a value (no rerun); False on a client error."""
        try:
            await action
        except (StreamlitClientError, ConnectionClosed, OSError) as exc:
            self.error(kind, error_kind(exc), f"{type(exc).__name__}: {exc}")
            return False
        return True

    def count(self, kind: str) -> int:
        return len(self.latencies.get(kind, []))

    def cpu_ms_per(self, kind: str) -> float | None:
        """Server CPU ms per rerun of ``kind`` (only with a cpu_probe)."""
        if self.cpu_probe is None or not self.count(kind):
            return None
        return 1000.0 * self.cpu[kind] / self.count(kind)

    def errors_of(self, step: str) -> Counter[str]:
        return Counter({kind: n for (s, kind), n in self.step_errors.items() if s == step})

    def slowest(self, n: int = 3) -> list[tuple[float, str, float]]:
        return sorted(self.slow, reverse=True)[:n]


@dataclass(frozen=True)
class Stage:
    """A stretch of the run that all sessions start together: wall time, server CPU."""

    name: str
    wall_s: float
    cpu_s: float | None  # None: the servers' CPU is not known here
    reruns: int
    cpu_pressure: float | None = None  # share of the wall time some task waited for a CPU

    @property
    def cpu_ms_per_rerun(self) -> float | None:
        if self.cpu_s is None or not self.reruns:
            return None
        return 1000.0 * self.cpu_s / self.reruns


async def timed_stage(
    name: str,
    cpu_probe: Callable[[], float] | None,
    rec: Recorder,
    actions: Sequence[Awaitable[object]],
) -> Stage:
    """Run ``actions`` together; wall time, reruns and (with a probe) the servers' CPU."""
    cpu = cpu_probe() if cpu_probe else None
    started, reruns = time.perf_counter(), rec.reruns
    stalled = cpu_stall_us()
    await asyncio.gather(*actions)
    wall = time.perf_counter() - started
    return Stage(
        name,
        wall,
        cpu_probe() - cpu if cpu_probe and cpu is not None else None,
        rec.reruns - reruns,
        pressure_share(stalled, cpu_stall_us(), wall),
    )


def cpu_stall_us() -> int | None:
    """Linux PSI: total µs in which some runnable task waited for a CPU (machine-wide)."""
    try:
        text = Path("/proc/pressure/cpu").read_text()
    except OSError:
        return None
    match = re.search(r"^some .*total=(\d+)", text, re.M)
    return int(match.group(1)) if match else None


def cpu_pressure_avg10() -> float | None:
    """Linux PSI: share of the last 10 s in which some task waited for a CPU (0..1)."""
    try:
        text = Path("/proc/pressure/cpu").read_text()
    except OSError:
        return None
    match = re.search(r"^some avg10=([\d.]+)", text, re.M)
    return float(match.group(1)) / 100 if match else None


def wait_for_quiet(max_wait_s: float, threshold: float = 0.2, poll_s: float = 5.0) -> None:
    """On a shared machine: wait at most ``max_wait_s`` for CPU pressure below threshold."""
    deadline = time.monotonic() + max_wait_s
    while time.monotonic() < deadline:
        level = cpu_pressure_avg10()
        if level is None or level < threshold:
            return
        print(f"waiting for a quieter machine: CPU pressure {level:.0%}", file=sys.stderr)
        time.sleep(min(poll_s, max(0.0, deadline - time.monotonic())))


def pressure_share(before: int | None, after: int | None, wall_s: float) -> float | None:
    if before is None or after is None or wall_s <= 0:
        return None
    return (after - before) / 1e6 / wall_s


# --------------------------------------------------------------------------- servers


def hooked_copy(script: Path, folder: Path) -> Path:
    """A copy of ``script`` in ``folder`` that calls the proposed TCP_NODELAY hook first.

    ``pages/`` is linked next to it so st.Page paths resolve; imports of ``ui`` and
    ``ipm_model`` still come from the project (cwd, first on sys.path with ``-m``).
    """
    target = folder / script.name
    target.write_text(HOOK_PRELUDE + script.read_text(encoding="utf-8"), encoding="utf-8")
    pages = script.parent / "pages"
    if pages.is_dir():
        (folder / "pages").symlink_to(pages, target_is_directory=True)
    return target


@contextmanager
def serve(
    script: Path, cfg: SimConfig, env: dict[str, str], name: str
) -> Iterator[StreamlitServer]:
    """A started server for ``script`` with cfg's TCP mode and settings; stopped on exit."""
    tcp = cfg.tcp
    if tcp not in TCP_MODES:
        raise ValueError(f"tcp mode {tcp!r} not in {TCP_MODES}")
    LOG_DIR.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="ipm-sim-") as tmp:
        target = hooked_copy(script, Path(tmp)) if tcp == "hook" else script
        server = StreamlitServer(
            target,
            env=env,
            extra_args=cfg.extra_args,
            tcp_nodelay=tcp == "launcher",
            log_path=LOG_DIR / f"{name}-{os.getpid()}.log",
        )
        with server:
            yield server


def wait_idle(cpu_seconds: Callable[[], float], max_wait: float = 120.0) -> float:
    """Wait until a process used under 2 % of a CPU for a second; the seconds waited."""
    started = time.perf_counter()
    while time.perf_counter() - started < max_wait:
        before = cpu_seconds()
        time.sleep(1.0)
        if cpu_seconds() - before < 0.02:
            break
    return time.perf_counter() - started


def app_env(db_path: Path) -> dict[str, str]:
    """The app's environment: this database, demo mode off (a normal workshop server)."""
    return {"IPM_DB": str(db_path), "IPM_DEMO": ""}


def demo_database(folder: Path) -> Path:
    """A fresh database file in ``folder`` with the demo workshop DEMO."""
    path = folder / "workshop-sim.db"
    store = Store(path)
    try:
        create_demo(store, default_questionnaire())
    finally:
        store.close()
    return path


async def close_all(sessions: Sequence[StreamlitSession]) -> None:
    await asyncio.gather(*(s.close() for s in sessions), return_exceptions=True)


async def idle_rss_per_session(server: StreamlitServer, sessions: int, query: str) -> float:
    """(RSS with ``sessions`` idle tabs on ``?query`` - RSS without) / sessions, MiB."""
    await asyncio.sleep(0.5)
    before = server.rss_bytes()
    clients = [StreamlitSession(keep_messages=False) for _ in range(sessions)]
    try:
        await asyncio.gather(*(c.connect(server.base_url, query) for c in clients))
        await asyncio.sleep(0.5)
        after = server.rss_bytes()
    finally:
        await close_all(clients)
    return (after - before) / sessions / 2**20


# --------------------------------------------------------------------------- baseline


async def tap_bare(session: StreamlitSession, rec: Recorder, kind: str = "tap") -> None:
    """One tap on the bare page's radio, always on a different option."""
    radio = session.find_widget(key=BARE_KEY)
    current = session.current_value(radio)
    index = radio.options.index(current) if current in radio.options else 0
    await rec.run(kind, session.choose(radio, (index + 1) % len(radio.options)))


async def tap_bare_repeatedly(
    session: StreamlitSession, taps: int, rec: Recorder, cfg: SimConfig, rng: random.Random
) -> None:
    for _ in range(taps):
        if not session.connected:
            return
        await pause(cfg, rng)
        await tap_bare(session, rec)


@dataclass
class BareRun:
    label: str
    sessions: int
    rec: Recorder
    stage: Stage

    @property
    def tap_cpu_ms(self) -> float | None:
        per_step = self.rec.cpu_ms_per("tap")
        return per_step if per_step is not None else self.stage.cpu_ms_per_rerun


async def measure_bare_single(server: StreamlitServer, taps: int) -> BareRun:
    """One session: warm-up taps (not counted), then ``taps`` taps with CPU per tap."""
    rec = Recorder(cpu_probe=server.cpu_seconds)
    async with StreamlitSession(keep_messages=False) as session:
        await session.connect(server.base_url)
        for _ in range(WARMUP_TAPS):
            await tap_bare(session, Recorder())
        no_think = SimConfig(participants=1)
        stage = await timed_stage(
            "taps",
            server.cpu_seconds,
            rec,
            [tap_bare_repeatedly(session, taps, rec, no_think, random.Random(0))],
        )
    return BareRun("bare page, 1 session", 1, rec, stage)


async def measure_bare_concurrent(
    server: StreamlitServer, sessions: int, taps: int, cfg: SimConfig
) -> BareRun:
    """``sessions`` tabs tapping ``taps`` times each, all at once, with cfg's think times."""
    rec = Recorder()
    clients = [StreamlitSession(keep_messages=False) for _ in range(sessions)]
    try:
        await asyncio.gather(*(c.connect(server.base_url) for c in clients))
        rngs = [random.Random(cfg.seed * 1000 + i) for i in range(sessions)]
        stage = await timed_stage(
            "taps",
            server.cpu_seconds,
            rec,
            [tap_bare_repeatedly(c, taps, rec, cfg, r) for c, r in zip(clients, rngs, strict=True)],
        )
    finally:
        await close_all(clients)
    return BareRun(f"bare page, {sessions} sessions", sessions, rec, stage)


# --------------------------------------------------------------------------- participants


def answer_code(participant: int, number: int) -> str:
    """The answer participant ``participant`` gives to statement ``number`` (0-based).

    Deterministic; about 1 in 11 answers is "dk" (Weet ik niet) and 1 in 23 "na".
    """
    mix = participant * 7 + number * 3
    if mix % 11 == 0:
        return "dk"
    if mix % 23 == 0:
        return "na"
    return str(1 + (participant + number) % 5)


@dataclass
class Participant:
    """One simulated tablet and what the server acknowledged for it."""

    index: int
    session: StreamlitSession
    rng: random.Random
    url: str = ""  # the base URL this tablet opens (a server, or the load balancer)
    load_page: bool = False  # GET the page first, like a browser (receives route cookies)
    token: str = ""
    answers: dict[str, str] = field(default_factory=dict)  # statement id -> code, acked
    finished: bool = False
    result_seen: bool = False

    @property
    def route(self) -> str | None:
        """nginx's sticky route cookie (ipm_route) this tablet got, if any."""
        return self.session.cookie(ROUTE_COOKIE)

    @property
    def role(self) -> Role:
        """The role picked: option ``index`` (the demo lists DEFAULT_ROLES in this order)."""
        return DEFAULT_ROLES[self.index % len(DEFAULT_ROLES)]


def url_path(session: StreamlitSession) -> str:
    page = session.find_page(session.page_script_hash)
    return str(page.url_pathname) if page is not None else ""


async def choose_nth(
    session: StreamlitSession, n: int, *, key: str | None = None, type: str | None = None
) -> None:
    """Pick option ``n`` (modulo the number of options) of the widget with this key/type.

    By position, not label: the app may format labels (e.g. escape Markdown).
    """
    widget = session.find_widget(key=key, type=type)
    await session.choose(widget, n % len(widget.options))


async def join(p: Participant, rec: Recorder, cfg: SimConfig) -> bool:
    """Open p.url/?code=DEMO, pick chain, role (and partner), submit; True on the scan page."""
    await pause(cfg, p.rng)
    opening = p.session.connect(p.url, f"code={DEMO_CODE}", load_page=p.load_page)
    if await rec.run("open", opening) is None:
        return False
    await pause(cfg, p.rng)
    s = p.session
    staged = await rec.stage("join", choose_nth(s, p.index, key="join-chain"))
    staged = staged and await rec.stage("join", choose_nth(s, p.index, key="join-role"))
    if staged and p.role.id == "partner":  # option 0 is the own organisation
        partner = 1 + p.index % len(DEMO_PARTNERS)
        staged = await rec.stage("join", choose_nth(s, partner, type="selectbox"))
    if not staged or await rec.run("join", s.click(join_submit_key())) is None:
        return False
    p.token = parse_qs(s.query_string).get("p", [""])[0]
    if url_path(s) != SCAN_PAGE or not p.token:
        rec.error("join", "flow", f"not on the scan page after joining: {url_path(s)!r}")
        return False
    return True


async def tap_answer(
    p: Participant, statement_id: str, number: int, positions: dict[str, int], rec: Recorder
) -> None:
    code = answer_code(p.index, number)
    result = await rec.run("tap", p.session.choose(f"scan-a-{statement_id}", positions[code]))
    if result is not None:
        p.answers[statement_id] = code


async def answer_phases(
    p: Participant, q: Questionnaire, rec: Recorder, cfg: SimConfig, positions: dict[str, int]
) -> None:
    """Tap every statement the participant's role kind is shown in the first cfg.phases
    phases; "next" after every phase, and once more past the (skipped) ambition screen."""
    numbers = {s.id: i for i, s in enumerate(q.statements)}
    kind = role_kind(p.role.id, "partner" if p.role.id == "partner" else "")
    for step, phase in enumerate(q.phases):
        statements = q.phase_statements(phase.id, kind) if step < cfg.phases else ()
        for statement in statements:
            if not p.session.connected:
                return
            await pause(cfg, p.rng)
            await tap_answer(p, statement.id, numbers[statement.id], positions, rec)
        if not p.session.connected:
            return
        await pause(cfg, p.rng)
        await rec.run("next", p.session.click("scan-next"))
    if p.session.connected:  # the ambition screen: skipped, as many participants will
        await pause(cfg, p.rng)
        await rec.run("next", p.session.click("scan-next"))


def shows_result(session: StreamlitSession) -> bool:
    """The result screen: its heading and a radar chart are on the page."""
    kinds = {node.element_type for node in session.nodes.values()}
    return "vega_lite_chart" in kinds and t("result.heading", LANG) in session.texts()


async def finish(p: Participant, rec: Recorder, cfg: SimConfig) -> None:
    if not p.session.connected:
        return
    await pause(cfg, p.rng)
    if await rec.run("finish", p.session.click("scan-finish")) is None:
        return
    p.finished = True
    p.result_seen = shows_result(p.session)
    if not p.result_seen:
        rec.error("finish", "flow", "no result heading and radar after finishing")


def answer_positions(q: Questionnaire) -> dict[str, int]:
    """Answer code -> its position among an answer radio's options."""
    return {option.code: i for i, option in enumerate(q.options)}


def join_submit_key() -> str:
    """The join form's submit button ("FormSubmitter:<form key>-<label>")."""
    return f"FormSubmitter:join-form-{t('start.begin', LANG)}"


@dataclass
class AppRun:
    participants: list[Participant]
    rec: Recorder
    stages: dict[str, Stage]
    wall_s: float
    client_cpu_s: float
    idle_wait_s: float | None = None  # waited for the server's start-up warming (None: not)


@dataclass(frozen=True)
class Target:
    """Where the tablets go: tablet i opens ``urls[i % len(urls)]``.

    One URL: a server, or a load balancer in front of several. ``cpu_seconds``: the CPU
    seconds of every server process together, when they run on this machine (else None).
    ``load_page``: each tablet GETs the page before opening the websocket, as a browser
    does, and so receives a sticky load balancer's route cookie.
    """

    urls: tuple[str, ...]
    cpu_seconds: Callable[[], float] | None = None
    load_page: bool = False

    def url_for(self, index: int) -> str:
        return self.urls[index % len(self.urls)]


def as_target(where: StreamlitServer | Target) -> Target:
    if isinstance(where, Target):
        return where
    return Target((where.base_url,), where.cpu_seconds)


async def run_workshop(
    where: StreamlitServer | Target, cfg: SimConfig, q: Questionnaire, *, first_index: int = 0
) -> AppRun:
    """Join, answer, finish: each stage started by all participants together."""
    target = as_target(where)
    single = cfg.participants == 1
    rec = Recorder(cpu_probe=target.cpu_seconds if single else None)
    people = [
        Participant(
            first_index + i,
            StreamlitSession(keep_messages=False, rerun_timeout=cfg.rerun_timeout),
            random.Random(cfg.seed * 1000 + first_index + i),
            url=target.url_for(i),
            load_page=target.load_page,
        )
        for i in range(cfg.participants)
    ]
    positions = answer_positions(q)
    cpu = target.cpu_seconds
    started, client_cpu = time.perf_counter(), time.process_time()
    try:
        join_stage = await timed_stage("join", cpu, rec, [join(p, rec, cfg) for p in people])
        joined = [p for p in people if p.token and p.session.connected]
        answer_stage = await timed_stage(
            "answering", cpu, rec, [answer_phases(p, q, rec, cfg, positions) for p in joined]
        )
        finish_stage = await timed_stage("finish", cpu, rec, [finish(p, rec, cfg) for p in joined])
    finally:
        await close_all([p.session for p in people])
    stages = {s.name: s for s in (join_stage, answer_stage, finish_stage)}
    return AppRun(
        people, rec, stages, time.perf_counter() - started, time.process_time() - client_cpu
    )


async def warm_up_app(where: StreamlitServer | str, q: Questionnaire) -> None:
    """One tab joins, taps once and goes to phase 2 (imports, caches); not counted."""
    cfg = SimConfig(participants=1)
    rec = Recorder()
    url = where if isinstance(where, str) else where.base_url
    p = Participant(10_000, StreamlitSession(keep_messages=False), random.Random(0), url=url)
    try:
        if await join(p, rec, cfg):
            first = q.phases[0].statements[0]
            await tap_answer(p, first.id, 0, answer_positions(q), rec)
            await rec.run("next", p.session.click("scan-next"))
    finally:
        await p.session.close()
    if rec.errors:
        raise RuntimeError(f"app warm-up failed: {rec.samples}; server log in {LOG_DIR}")


# --------------------------------------------------------------------------- database check


@dataclass(frozen=True)
class DbCheck:
    acknowledged: int
    stored: int
    missing: int  # acknowledged, not in the database
    unexpected: int  # in the database, never acknowledged
    wrong_value: int
    finished_acknowledged: int
    finished_stored: int
    results_seen: int

    @property
    def ok(self) -> bool:
        return (
            self.acknowledged == self.stored
            and not (self.missing or self.unexpected or self.wrong_value)
            and self.finished_acknowledged == self.finished_stored
        )


def stored_answers(db: str | Path, tokens: Sequence[str]) -> tuple[dict[tuple[str, str], str], int]:
    """(token, statement id) -> value for these participants, and how many finished.

    Read through the app's Store, so ``db`` is a SQLite file or a postgresql:// URL.
    """
    stored: dict[tuple[str, str], str] = {}
    finished = 0
    store = Store(db)
    try:
        for token in tokens:
            participant = store.participant_by_token(token)
            if participant is None:
                continue
            finished += participant.finished
            for statement_id, value in store.answers(participant.id).items():
                stored[token, statement_id] = value
    finally:
        store.close()
    return stored, finished


def check_database(db: str | Path, people: Sequence[Participant]) -> DbCheck:
    """Compare what the servers acknowledged with what is in the database."""
    acked = {(p.token, sid): code for p in people if p.token for sid, code in p.answers.items()}
    tokens = [p.token for p in people if p.token]
    stored, finished = stored_answers(db, tokens) if tokens else ({}, 0)
    return DbCheck(
        acknowledged=len(acked),
        stored=len(stored),
        missing=len(acked.keys() - stored.keys()),
        unexpected=len(stored.keys() - acked.keys()),
        wrong_value=sum(1 for k, v in acked.items() if k in stored and stored[k] != v),
        finished_acknowledged=sum(p.finished for p in people),
        finished_stored=finished,
        results_seen=sum(p.result_seen for p in people),
    )


# --------------------------------------------------------------------------- full run


@dataclass
class SimReport:
    cfg: SimConfig
    bare_single: BareRun
    bare_concurrent: BareRun
    bare_rss_mib: float
    app: AppRun
    app_rss_mib: float
    rss_sessions: int
    db: DbCheck
    load_before: tuple[float, float, float]
    load_after: tuple[float, float, float]


async def measure_baseline(
    cfg: SimConfig, q: Questionnaire, rss_sessions: int
) -> tuple[BareRun, BareRun, float]:
    """Bare page: RSS per idle session, one session, then cfg.participants sessions."""
    with serve(BARE_SCRIPT, cfg, {}, "bare") as bare:
        rss = await idle_rss_per_session(bare, rss_sessions, "")
        single = await measure_bare_single(bare, cfg.taps_per_participant(q))
        concurrent = single
        if cfg.participants > 1:
            concurrent = await measure_bare_concurrent(
                bare, cfg.participants, cfg.bare_taps(q), cfg
            )
    return single, concurrent, rss


async def measure_app(
    cfg: SimConfig, q: Questionnaire, rss_sessions: int | None
) -> tuple[AppRun, float, DbCheck]:
    """The app on a fresh demo database: warm-up, RSS per idle session, the workshop."""
    with tempfile.TemporaryDirectory(prefix="ipm-sim-db-") as tmp:
        db_path = demo_database(Path(tmp))
        with serve(APP_SCRIPT, cfg, app_env(db_path), "app") as app:
            await warm_up_app(app, q)
            rss = 0.0
            if rss_sessions:
                rss = await idle_rss_per_session(app, rss_sessions, f"code={DEMO_CODE}")
            waited = await asyncio.to_thread(wait_idle, app.cpu_seconds) if cfg.idle_wait else None
            run = await run_workshop(app, cfg, q)
            run.idle_wait_s = waited
        return run, rss, check_database(db_path, run.participants)


async def simulate_async(cfg: SimConfig) -> SimReport:
    q = default_questionnaire()
    rss_sessions = max(cfg.participants, MIN_RSS_SESSIONS)
    load_before = os.getloadavg()
    single, concurrent, bare_rss = await measure_baseline(cfg, q, rss_sessions)
    app, app_rss, db = await measure_app(cfg, q, rss_sessions)
    return SimReport(
        cfg=cfg,
        bare_single=single,
        bare_concurrent=concurrent,
        bare_rss_mib=bare_rss,
        app=app,
        app_rss_mib=app_rss,
        rss_sessions=rss_sessions,
        db=db,
        load_before=load_before,
        load_after=os.getloadavg(),
    )


def simulate(cfg: SimConfig) -> SimReport:
    return asyncio.run(simulate_async(cfg))


def run_smoke(
    participants: int = 10,
    phases: int = 1,
    *,
    urls: Sequence[str] | None = None,
    db: str | Path | None = None,
) -> dict[str, object]:
    """App only, no baseline and no timing: the counts a test can assert on.

    By default on its own server and fresh demo database; with ``urls`` (and ``db``, their
    database) on servers that are already up, the tablets spread over the URLs.
    Returns errors (total), error_kinds, acknowledged, stored, missing, unexpected,
    wrong_value, finished, finished_stored, results_seen, participants.
    """
    cfg = SimConfig(participants=participants, phases=phases)

    async def _run() -> tuple[AppRun, DbCheck]:
        if urls:
            if db is None:
                raise ValueError("run_smoke(urls=...) needs db= for the database check")
            target = Target(tuple(urls), load_page=True)
            run = await run_workshop(target, cfg, default_questionnaire())
            return run, check_database(db, run.participants)
        run, _, checked = await measure_app(cfg, default_questionnaire(), None)
        return run, checked

    run, db = asyncio.run(_run())
    return {
        "participants": participants,
        "errors": sum(run.rec.errors.values()),
        "error_kinds": dict(run.rec.errors),
        "acknowledged": db.acknowledged,
        "stored": db.stored,
        "missing": db.missing,
        "unexpected": db.unexpected,
        "wrong_value": db.wrong_value,
        "finished": db.finished_acknowledged,
        "finished_stored": db.finished_stored,
        "results_seen": db.results_seen,
    }


# --------------------------------------------------------------------------- other servers


@dataclass
class TargetReport:
    """A run against servers not started by simulate(): no baseline, maybe no CPU."""

    cfg: SimConfig
    setup: str  # e.g. "2 replicas behind nginx, PostgreSQL"
    app: AppRun
    db: DbCheck | None  # None: not checked
    per_replica: Counter[str]  # replica -> tablets that joined through it
    not_sticky: int  # tablets whose requests reached more than one replica
    load_before: tuple[float, float, float]
    load_after: tuple[float, float, float]


def tablets_by_url(people: Sequence[Participant]) -> Counter[str]:
    return Counter(p.url for p in people if p.token)


def tablets_by_route(
    people: Sequence[Participant], upstreams_by_route: dict[str, set[str]]
) -> tuple[Counter[str], int]:
    """Tablets per replica from nginx's log (route cookie -> replicas), and the non-sticky."""
    per_replica: Counter[str] = Counter()
    not_sticky = 0
    for p in people:
        if not p.token:
            continue
        upstreams = upstreams_by_route.get(p.route or "", set())
        if len(upstreams) == 1:
            per_replica[next(iter(upstreams))] += 1
        else:
            not_sticky += 1
            per_replica["unknown" if not upstreams else "several"] += 1
    return per_replica, not_sticky


async def simulate_urls_async(cfg: SimConfig, urls: Sequence[str], db: str | None) -> TargetReport:
    """The workshop against running servers at ``urls`` (spread round-robin)."""
    q = default_questionnaire()
    load_before = os.getloadavg()
    run = await run_workshop(Target(tuple(urls), load_page=True), cfg, q)
    checked = check_database(db, run.participants) if db else None
    setup = f"{len(urls)} URL(s): {', '.join(urls)}"
    per_replica = tablets_by_url(run.participants) if len(urls) > 1 else Counter()
    return TargetReport(cfg, setup, run, checked, per_replica, 0, load_before, os.getloadavg())


def prepare_demo(db: str) -> None:
    """Make sure ``db`` holds the open demo workshop DEMO (created with its history)."""
    store = Store(db)
    try:
        if store.workshop_by_code(DEMO_CODE) is None:
            create_demo(store, default_questionnaire())
    finally:
        store.close()


@contextmanager
def cluster_database(db: str | None) -> Iterator[str]:
    """``db``, or a throwaway PostgreSQL server's database (deploy/pgserver.py)."""
    if db:
        yield db
        return
    from deploy.pgserver import PgServer

    server = PgServer.start()
    try:
        yield server.url
    finally:
        server.stop("immediate", remove=True)


async def simulate_cluster_async(
    cfg: SimConfig, replicas: int, db: str | None, direct: bool
) -> TargetReport:
    """``replicas`` app processes behind nginx (deploy/cluster.py) on a demo database."""
    from deploy.cluster import running_cluster

    q = default_questionnaire()
    with cluster_database(db) as url:
        prepare_demo(url)
        with running_cluster(url, replicas, extra_args=cfg.extra_args) as cluster:
            for replica_url in cluster.replica_urls:
                await warm_up_app(replica_url, q)
            urls = tuple(cluster.replica_urls) if direct else (cluster.url,)
            target = Target(urls, cluster.cpu_seconds, load_page=True)
            load_before = os.getloadavg()
            run = await run_workshop(target, cfg, q)
            names = {r.url: f"replica {r.index}" for r in cluster.replicas}
            names |= {r.address: f"replica {r.index}" for r in cluster.replicas}
            if direct:
                per_replica, not_sticky = tablets_by_url(run.participants), 0
            else:
                await asyncio.sleep(0.5)  # nginx logs a websocket when it has closed
                per_replica, not_sticky = tablets_by_route(
                    run.participants, cluster.upstreams_by_route()
                )
            per_replica = Counter({names.get(k, k): n for k, n in per_replica.items()})
        checked = check_database(url, run.participants)
    kind = "PostgreSQL" if url.startswith("postgres") else "SQLite"
    how = "tablets spread over the replicas directly" if direct else "behind nginx"
    setup = f"{replicas} replica(s) {how}, {kind}"
    return TargetReport(
        cfg, setup, run, checked, per_replica, not_sticky, load_before, os.getloadavg()
    )


def target_report_markdown(report: TargetReport, command: str) -> str:
    cfg = report.cfg
    spread_text = ", ".join(f"{k} {n}" for k, n in sorted(report.per_replica.items())) or "–"
    lines = [
        *header_lines(f"workshop_sim · {report.setup} · {settings_line(cfg)}", command),
        TABLE_HEAD,
        *app_rows(report.app, None),
        "",
        db_line(report.db) if report.db else "- database: not checked (no --db)",
        f"- tablets per replica: {spread_text}; tablets not kept on one replica: "
        f"{report.not_sticky}",
        *error_lines(report.app.rec),
        *stage_lines(report.app),
        f"- run wall {report.app.wall_s:.1f} s; simulator CPU {report.app.client_cpu_s:.1f} s "
        f"(same machine); load average before/after {fmt_load(report.load_before)} / "
        f"{fmt_load(report.load_after)}",
    ]
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- reporting


def fmt(value: float | None, digits: int = 1) -> str:
    return "–" if value is None else f"{value:,.{digits}f}"


def spread(values: Sequence[float]) -> tuple[float | None, float | None, float | None]:
    """p50, p95, max (nearest rank) of latencies, or Nones when there are none."""
    if not values:
        return None, None, None
    ordered = sorted(values)
    return percentile(ordered, 50), percentile(ordered, 95), ordered[-1]


def p50(values: Sequence[float]) -> float | None:
    return spread(values)[0]


def p95(values: Sequence[float]) -> float | None:
    return spread(values)[1]


def ratio(a: float | None, b: float | None) -> str:
    return "–" if a is None or not b else f"{a / b:.1f}×"


def fmt_share(share: float | None) -> str:
    return "–" if share is None else f"{100 * share:.0f} %"


TABLE_HEAD = (
    "| measurement | sessions | reruns | p50 ms | p95 ms | max ms "
    "| server CPU ms/rerun | RSS MiB/idle session | errors |\n"
    "|---|---:|---:|---:|---:|---:|---:|---:|---|"
)


def table_row(
    label: str,
    sessions: int,
    latencies: Sequence[float],
    cpu_ms: float | None,
    rss: float | None = None,
    errors: Counter[str] | None = None,
) -> str:
    p50_, p95_, max_ = spread(latencies)
    errs = ", ".join(f"{k} {v}" for k, v in sorted((errors or Counter()).items())) or "0"
    return (
        f"| {label} | {sessions} | {len(latencies)} | {fmt(p50_)} | {fmt(p95_)} | {fmt(max_)} "
        f"| {fmt(cpu_ms)} | {fmt(rss, 2)} | {errs} |"
    )


def bare_row(run: BareRun, rss: float | None = None) -> str:
    return table_row(
        f"{run.label}: tap", run.sessions, run.rec.latencies.get("tap", []), run.tap_cpu_ms,
        rss, run.rec.errors_of("tap"),
    )  # fmt: skip


def app_tap_cpu_ms(run: AppRun) -> float | None:
    """CPU per answer tap: measured per step (1 participant) or the answering stage's."""
    per_step = run.rec.cpu_ms_per("tap")
    return per_step if per_step is not None else run.stages["answering"].cpu_ms_per_rerun


def app_rows(run: AppRun, rss: float | None) -> list[str]:
    """Rows per step kind; CPU per step (one participant) or per stage (many)."""
    rec, n = run.rec, len(run.participants)

    def cpu(kind: str, stage: str | None) -> float | None:
        per_step = rec.cpu_ms_per(kind)
        if per_step is not None or stage is None:
            return per_step
        return run.stages[stage].cpu_ms_per_rerun

    lat, errs = rec.latencies, rec.errors_of
    return [
        table_row(f"app, {n} participant(s): answer tap", n, lat.get("tap", []),
                  app_tap_cpu_ms(run), rss, errs("tap")),
        table_row("app: next phase", n, lat.get("next", []), cpu("next", None),
                  errors=errs("next")),
        table_row("app: open /?code=DEMO (new session)", n, lat.get("open", []),
                  cpu("open", None), errors=errs("open")),
        table_row("app: join (submit → scan page)", n, lat.get("join", []), cpu("join", "join"),
                  errors=errs("join")),
        table_row("app: finish → result screen", n, lat.get("finish", []),
                  cpu("finish", "finish"), errors=errs("finish")),
    ]  # fmt: skip


def error_lines(rec: Recorder) -> list[str]:
    """Error totals with the first message of each kind, and the slowest steps."""
    lines = [f"- errors, app run: {sum(rec.errors.values())}"]
    lines += [f"  - {kind} {n}: `{rec.samples.get(kind, '')}`" for kind, n in rec.errors.items()]
    slowest = ", ".join(f"{step} {ms:,.0f} ms at +{at:.1f} s" for ms, step, at in rec.slowest())
    lines.append(f"- slowest steps (time since the app run started): {slowest or '–'}")
    return lines


def stage_lines(run: AppRun) -> list[str]:
    return [
        f"- stage {s.name}: {s.reruns} reruns in {s.wall_s:.1f} s, server CPU {fmt(s.cpu_s, 2)} s "
        f"= {fmt(s.cpu_ms_per_rerun)} ms/rerun, {s.reruns / s.wall_s:.1f} reruns/s, "
        f"CPU pressure {fmt_share(s.cpu_pressure)}"
        for s in run.stages.values()
        if s.wall_s > 0
    ]


def db_line(db: DbCheck) -> str:
    verdict = "OK" if db.ok else "MISMATCH"
    return (
        f"- database ({verdict}): answers acknowledged {db.acknowledged}, stored "
        f"{db.stored} (missing {db.missing}, unexpected {db.unexpected}, wrong value "
        f"{db.wrong_value}); finished acknowledged {db.finished_acknowledged}, stored "
        f"{db.finished_stored}; result screens with radar {db.results_seen}"
    )


def ratio_lines(report: SimReport) -> list[str]:
    app_taps = report.app.rec.latencies.get("tap", [])
    single = report.bare_single.rec.latencies.get("tap", [])
    conc = report.bare_concurrent.rec.latencies.get("tap", [])
    return [
        f"- app tap p95 / bare single-session p95: **{ratio(p95(app_taps), p95(single))}**",
        f"- app tap p50 / bare single-session p50: {ratio(p50(app_taps), p50(single))}",
        f"- app tap p95 / bare p95 at the same concurrency "
        f"({report.bare_concurrent.sessions} session(s)): {ratio(p95(app_taps), p95(conc))}",
        f"- server CPU per rerun, app answer tap / bare tap: "
        f"{ratio(app_tap_cpu_ms(report.app), report.bare_single.tap_cpu_ms)}",
    ]


def settings_line(cfg: SimConfig) -> str:
    think = f"{cfg.think_min:g}–{cfg.think_max:g} s" if cfg.think_max > 0 else "0 s"
    return (
        f"participants {cfg.participants}, phases answered {cfg.phases} of 7, think {think}, "
        f"TCP_NODELAY {cfg.tcp}" + "".join(f", {s}" for s in cfg.settings)
    )


def header_lines(title: str, command: str) -> list[str]:
    return [
        f"### {dt.date.today().isoformat()} · {title}",
        "",
        f"Command: `{command}`  ",
        f"Machine: {machine_line()}  ",
        f"Code: {git_state()}",
        "",
    ]


def report_markdown(report: SimReport, command: str) -> str:
    cfg = report.cfg
    bare_stage = report.bare_concurrent.stage
    lines = [
        *header_lines(f"workshop_sim · {settings_line(cfg)}", command),
        TABLE_HEAD,
        bare_row(report.bare_single, report.bare_rss_mib),
        *([bare_row(report.bare_concurrent)] if cfg.participants > 1 else []),
        *app_rows(report.app, report.app_rss_mib),
        "",
        *ratio_lines(report),
        db_line(report.db),
        *error_lines(report.app.rec),
        *stage_lines(report.app),
        f"- bare concurrent run: {cfg.bare_taps(default_questionnaire())} taps per session, "
        f"CPU pressure {fmt_share(bare_stage.cpu_pressure)}; RSS per idle session measured "
        f"with {report.rss_sessions} sessions (app: on /?code=DEMO, after one warm-up tab)",
        "- app server idle before the workshop: "
        + (
            "not waited for (--no-idle-wait)"
            if report.app.idle_wait_s is None
            else f"after {report.app.idle_wait_s:.1f} s (start-up warming done)"
        ),
        f"- app run wall {report.app.wall_s:.1f} s; simulator CPU {report.app.client_cpu_s:.1f} s "
        f"(same machine); load average before/after {fmt_load(report.load_before)} / "
        f"{fmt_load(report.load_after)}",
    ]
    return "\n".join(lines) + "\n"


def fmt_load(load: tuple[float, float, float]) -> str:
    return " ".join(f"{x:.2f}" for x in load)


# --------------------------------------------------------------------------- machine and file


def _cpuinfo_model() -> str:
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return platform.processor() or "unknown CPU"
    match = re.search(r"^model name\s*:\s*(.+)$", text, re.M)
    return match.group(1).strip() if match else "unknown CPU"


def _ram_gib() -> float:
    try:
        text = Path("/proc/meminfo").read_text()
    except OSError:
        return float("nan")
    match = re.search(r"^MemTotal:\s*(\d+) kB", text, re.M)
    return int(match.group(1)) / 2**20 if match else float("nan")


def machine_line() -> str:
    import streamlit

    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return (
        f"{cores} cores (nproc), {_cpuinfo_model()}, {_ram_gib():.1f} GiB RAM, "
        f"Python {platform.python_version()}, Streamlit {streamlit.__version__}, "
        f"{platform.system()} {platform.release()}"
    )


def git_state() -> str:
    """Commit and whether the working tree differs from it (the app is measured as it is)."""

    def git(*args: str) -> str:
        done = subprocess.run(
            ["git", *args], cwd=PROJECT_ROOT, capture_output=True, text=True, check=False
        )
        return done.stdout.strip()

    commit = git("rev-parse", "--short", "HEAD") or "unknown"
    status = git("status", "--porcelain", "--", ".", ":!bench", ":!BENCHMARKS.md")
    changed = [line for line in status.splitlines() if line]
    return f"commit {commit}" + (f" + {len(changed)} uncommitted app paths" if changed else "")


def command_line() -> str:
    return " ".join(shlex.quote(a) for a in ["python", *sys.argv])


BENCHMARKS_HEADER = "# Benchmarks\n\nGenerated sections below are written by bench/*.py --out.\n"


def write_section(path: Path, key: str, body: str) -> None:
    """Append the marked section ``key`` to ``path``, or replace it if it is there."""
    start, end = f"<!-- bench:{key} -->", f"<!-- /bench:{key} -->"
    block = f"{start}\n{body.rstrip()}\n{end}\n"
    text = path.read_text(encoding="utf-8") if path.exists() else BENCHMARKS_HEADER
    pattern = re.compile(re.escape(start) + r".*?" + re.escape(end) + r"\n?", re.S)
    if pattern.search(text):
        text = pattern.sub(lambda _: block, text, count=1)
    else:
        text = text.rstrip("\n") + "\n\n" + block
    path.write_text(text, encoding="utf-8")


def section_key(tool: str, cfg: SimConfig) -> str:
    think = f"{cfg.think_min:g}-{cfg.think_max:g}" if cfg.think_max > 0 else "0"
    return (
        f"{dt.date.today().isoformat()}:{tool}:n{cfg.participants}:think{think}:"
        f"phases{cfg.phases}:tcp-{cfg.tcp}" + "".join(f":{s}" for s in cfg.settings)
    )


# --------------------------------------------------------------------------- command line


def add_server_args(parser: argparse.ArgumentParser) -> None:
    """Options shared with bench_tap.py: TCP mode, extra config, output file."""
    parser.add_argument(
        "--tcp-nodelay",
        nargs="?",
        const="launcher",
        default="off",
        choices=TCP_MODES,
        help="launcher: bench/streamlit_nodelay.py; hook: the in-app hook (ui/tcp.py)",
    )
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="SECTION.OPTION=VALUE",
        help="extra Streamlit config for both servers, e.g. server.fileWatcherType=none",
    )
    parser.add_argument("--out", type=Path, help="append/replace a dated section in this file")
    parser.add_argument(
        "--wait-quiet",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="first wait up to SECONDS until other jobs leave the CPUs mostly idle (PSI < 20 %%)",
    )


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--participants", type=int, default=30)
    parser.add_argument("--phases", type=int, default=7, help="phases answered (1-7)")
    parser.add_argument("--think", type=float, default=0.0, help="fixed pause before each action")
    parser.add_argument("--think-min", type=float, help="random pause, lower bound (s)")
    parser.add_argument("--think-max", type=float, help="random pause, upper bound (s)")
    parser.add_argument("--baseline-taps", type=int, help="taps per session, bare concurrent run")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds per rerun")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--no-idle-wait",
        action="store_true",
        help="start the workshop without waiting for the app server's start-up warming",
    )
    parser.add_argument(
        "--url",
        action="append",
        default=[],
        help="run against this base URL instead of own servers (repeat: spread over them)",
    )
    parser.add_argument(
        "--replicas", type=int, help="start this many app replicas behind nginx (deploy/)"
    )
    parser.add_argument(
        "--direct", action="store_true", help="with --replicas: tablets go to replicas directly"
    )
    parser.add_argument(
        "--db", help="the servers' database for the check: SQLite file or postgresql:// URL"
    )
    add_server_args(parser)
    args = parser.parse_args(argv)
    if args.url and args.replicas:
        parser.error("--url and --replicas exclude each other")
    if args.direct and not args.replicas:
        parser.error("--direct needs --replicas")
    if (args.url or args.replicas) and args.tcp_nodelay != "off":
        parser.error("--tcp-nodelay only applies to the servers started without --url/--replicas")
    if args.replicas is not None and not 1 <= args.replicas <= 16:
        parser.error("--replicas must be 1..16")
    return args


def config_from_args(args: argparse.Namespace) -> SimConfig:
    low = args.think if args.think_min is None else args.think_min
    high = args.think if args.think_max is None else args.think_max
    if not 1 <= args.participants <= 200 or not 1 <= args.phases <= 7:
        raise SystemExit("keep --participants in 1..200 and --phases in 1..7")
    if not 0 <= low <= high <= 60:
        raise SystemExit("need 0 <= think-min <= think-max <= 60")
    if any("=" not in s for s in args.set):
        raise SystemExit("--set takes SECTION.OPTION=VALUE")
    return SimConfig(
        participants=args.participants,
        phases=args.phases,
        think_min=low,
        think_max=high,
        tcp=args.tcp_nodelay,
        baseline_taps=args.baseline_taps,
        rerun_timeout=args.timeout,
        seed=args.seed,
        settings=tuple(args.set),
        idle_wait=not args.no_idle_wait,
    )


def main_target(args: argparse.Namespace, cfg: SimConfig) -> int:
    """--url / --replicas: the workshop on other servers, or on replicas behind nginx."""
    if args.replicas:
        report = asyncio.run(simulate_cluster_async(cfg, args.replicas, args.db, args.direct))
        key = f"replicas{args.replicas}" + ("-direct" if args.direct else "")
    else:
        report = asyncio.run(simulate_urls_async(cfg, args.url, args.db))
        key = "url"
    text = target_report_markdown(report, command_line())
    print(text)
    if args.out:
        write_section(args.out, f"{section_key('workshop_sim', cfg)}:{key}", text)
        print(f"written to {args.out}")
    ok = report.db.ok if report.db else True
    return 0 if ok and not report.app.rec.errors and not report.not_sticky else 1


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    cfg = config_from_args(args)
    wait_for_quiet(args.wait_quiet)
    if args.url or args.replicas:
        return main_target(args, cfg)
    report = simulate(cfg)
    text = report_markdown(report, command_line())
    print(text)
    print(f"server logs: {LOG_DIR}/{{bare,app}}-{os.getpid()}.log")
    if args.out:
        write_section(args.out, section_key("workshop_sim", cfg), text)
        print(f"written to {args.out}")
    errors = sum(report.app.rec.errors.values()) + sum(report.bare_concurrent.rec.errors.values())
    return 0 if report.db.ok and not errors else 1


if __name__ == "__main__":
    sys.exit(main())

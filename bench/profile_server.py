"""Where a real server spends its CPU during a simulated workshop: py-spy over `streamlit run`.

    python bench/profile_server.py --participants 30 [--rate 200] [--stacks /tmp/app.stacks]
    python bench/profile_server.py --stage answering --participants 30   # taps only
    python bench/profile_server.py --summarize /tmp/app.stacks      # an earlier recording
    python bench/profile_server.py --summarize /tmp/app.stacks --kind result \
        --focus _build_radar_template radar_spec own_phase_scores      # CPU inside these

Starts the app (``app.py``, the project's config) on a fresh demo database, attaches
py-spy (``pip install py-spy``; sampling, no changes to the server) and runs the workshop
of ``bench/workshop_sim.py`` against it: everyone joins, answers every statement and
finishes together (``--think 0``). Then it sorts every sample by what the server was doing
(the frames in its stack) and prints, per kind of work, the CPU time and the functions
inside it that took the most (inclusive) and the most themselves (self):

- result: the finish screen's rerun (``ui.result.show_result`` and what the fragment does
  around it), the step the issue's "server CPU per finish" is about;
- phase screen: a run of a whole phase screen (``_phase_screen``: after "next", or a full
  run), every statement's fragment in it;
- answer tap: the answer callback and the rerun of the tapped statement's fragment alone
  (``_on_statement_answer``, ``_statement``);
- start page: opening ``/?code=...`` and joining (``pages/start.py``);
- page frame: ``app.py``'s own part of a full run (config, language switch, navigation);
- script runner: Streamlit's rerun machinery around the scripts (in the script thread);
- server: everything outside a script thread (tornado, websocket, protobuf, asyncio).

``--stage join`` records only joins: ``--rounds`` bursts of ``--participants`` new tablets
that each open ``/?code=DEMO``, pick chain and role and submit (the join stage of the
workshop, nothing after it), and counts the script runs the server started per tablet
(``new_session`` messages: a page switch or a rerun is a run of its own). With it the
kinds are split further: the join's start page, the scan page it lands on, the page frame.

``--stage answering`` records only the answering stage: the tablets join unrecorded, then
all tap their answers and "next" together (``--think 0``); it prints CPU per tap and per
rerun (taps and "next"). A tap is its callback (``_on_statement_answer``) and its statement's
fragment rerun (``_statement``); "script runner" and "server" are Streamlit's own part of it.

Samples are taken of the thread holding the GIL only (``--gil``: one Streamlit process runs
Python on one core at a time), so milliseconds = samples / rate.
Compare shares, not absolute times (py-spy itself takes some CPU on a 2-core machine).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent.parent
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))

# (kind, frames that mark it); the first kind whose marker is in a stack wins.
KINDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("result", ("show_result (ui/result.py", "_finish (ui/scan.py")),
    # A whole phase screen: after "next" (or a full run), every statement's fragment in it.
    ("phase screen", ("_phase_screen (ui/scan.py",)),
    # A tap: its callback, then a rerun of its statement's fragment (_statement) alone.
    (
        "answer tap",
        ("_statement (ui/scan.py", "_on_statement_answer (ui/scan.py", "_on_answer (ui/scan.py"),
    ),
    ("review / next", ("_review_screen (ui/scan.py", "_go (ui/scan.py")),
    ("scan other", ("_scan_screen (ui/scan.py", "pages/scan.py", " (scan.py:")),
    # py-spy names a page script by its file name alone (it is run from the project root).
    ("start page", ("pages/start.py", " (start.py:")),
    ("page frame", ("main (app.py", "<module> (app.py")),
    ("script runner", ("_run_script (streamlit/runtime/scriptrunner/script_runner.py",)),
)
OTHER = "server"
GENERIC = (
    "<module>",
    "_run_script",
    "exec_func_with_error_handling",
    "code_to_exec",
    "wrapped_fragment",
    "run",
    "_bootstrap",
    "_bootstrap_inner",
    "_run_script_thread",
    "wrapper",
    "wrap",
)


def kind_of(frames: list[str]) -> str:
    for kind, markers in KINDS:
        if any(m in f for f in frames for m in markers):
            return kind
    return OTHER


def function_name(frame: str) -> str:
    """'show_result (ui/result.py:41)' -> 'show_result (ui/result.py)'."""
    name, _, rest = frame.partition(" (")
    path = rest.rsplit(":", 1)[0]
    for marker in ("site-packages/", "/work/"):
        if marker in path:
            path = path.split(marker, 1)[1]
    return f"{name} ({path})"


def summarize(stacks: Path, rate: float, top: int = 18) -> str:
    """A text report of a py-spy raw (collapsed) recording."""
    per_kind: Counter[str] = Counter()
    inclusive: dict[str, Counter[str]] = {}
    own: dict[str, Counter[str]] = {}
    for line in stacks.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        frames = stack.split(";")
        n = int(count)
        kind = kind_of(frames)
        per_kind[kind] += n
        names = [function_name(f) for f in frames]
        for name in set(names):
            if name.split(" (")[0] not in GENERIC:
                inclusive.setdefault(kind, Counter())[name] += n
        own.setdefault(kind, Counter())[names[-1]] += n
    total = sum(per_kind.values()) or 1
    out = [f"{total} samples at {rate:g}/s = {total / rate:.1f} s of CPU (py-spy, server process)"]
    for kind, n in per_kind.most_common():
        out.append("")
        out.append(f"== {kind}: {n / rate:.2f} s CPU ({100 * n / total:.0f} %)")
        out.append("   inclusive (the function and what it calls):")
        for name, m in inclusive.get(kind, Counter()).most_common(top):
            out.append(f"   {100 * m / n:5.1f} %  {name}")
        out.append("   self:")
        for name, m in own.get(kind, Counter()).most_common(top // 2):
            out.append(f"   {100 * m / n:5.1f} %  {name}")
    return "\n".join(out)


def focus(stacks: Path, rate: float, kind: str, names: list[str]) -> str:
    """CPU of one kind of work spent inside each named function (name prefix), inclusive."""
    total, inside = 0, Counter()
    for line in stacks.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        frames = stack.split(";")
        if kind_of(frames) != kind:
            continue
        n = int(count)
        total += n
        called = [function_name(f) for f in frames]
        for name in names:
            if any(f.startswith(name) for f in called):
                inside[name] += n
    out = [f"{kind}: {total / rate:.2f} s CPU"]
    for name in names:
        share = 100 * inside[name] / total if total else 0.0
        out.append(f"   {share:5.1f} %  {inside[name] / rate:6.2f} s  {name}")
    return "\n".join(out)


async def join_bursts(base_url: str, participants: int, rounds: int) -> tuple[int, Counter[str]]:
    """``rounds`` bursts of ``participants`` joins; (tablets joined, script runs by step)."""
    import random

    from bench import stclient
    from bench.workshop_sim import Participant, Recorder, SimConfig, join

    runs: Counter[str] = Counter()
    original = stclient._HANDLERS["new_session"]

    def counting(session: stclient.StreamlitSession, msg) -> None:  # noqa: ANN001
        if not msg.metadata.run.fragment_ids:  # a full run (a fragment run is no page run)
            runs["all"] += 1
        original(session, msg)

    stclient._HANDLERS["new_session"] = counting
    cfg, joined = SimConfig(participants=participants), 0
    try:
        for r in range(rounds):
            rec = Recorder()
            people = [
                Participant(
                    r * participants + i,
                    stclient.StreamlitSession(keep_messages=False),
                    random.Random(i),
                    url=base_url,
                    load_page=True,
                )
                for i in range(participants)
            ]
            try:
                done = await asyncio.gather(*(join(p, rec, cfg) for p in people))
            finally:
                await asyncio.gather(*(p.session.close() for p in people))
            joined += sum(done)
            if rec.errors:
                raise RuntimeError(f"join errors: {rec.samples}")
    finally:
        stclient._HANDLERS["new_session"] = original
    return joined, runs


def record_joins(participants: int, rounds: int, rate: float, stacks: Path) -> None:
    """py-spy over the server during join bursts only (see ``--stage join``)."""
    with idle_server(rate, stacks) as (server, command):
        cpu = server.cpu_seconds()
        spying = subprocess.Popen(command, stdout=subprocess.DEVNULL)
        try:
            joined, runs = asyncio.run(join_bursts(server.base_url, participants, rounds))
        finally:
            spying.send_signal(signal.SIGINT)
            spying.wait(timeout=60)
        cpu = server.cpu_seconds() - cpu
    print(
        f"tablets joined: {joined}; full script runs per tablet (open + join): "
        f"{runs['all'] / max(joined, 1):.2f}"
    )
    print(
        f"server CPU (utime+stime, with py-spy attached): {1000 * cpu / max(joined, 1):.1f} "
        "ms per tablet (open + join)"
    )


def record(participants: int, rate: float, stacks: Path) -> None:
    from bench.server import StreamlitServer
    from bench.workshop_sim import (
        APP_SCRIPT,
        SimConfig,
        app_env,
        demo_database,
        simulate_urls_async,
        warm_up_app,
    )
    from ipm_model.questionnaire import default_questionnaire

    spy = shutil.which("py-spy")
    if spy is None:
        raise SystemExit("py-spy is not installed: pip install py-spy")
    with tempfile.TemporaryDirectory(prefix="ipm-profile-") as tmp:
        db = demo_database(Path(tmp))
        with StreamlitServer(APP_SCRIPT, env=app_env(db)) as server:
            asyncio.run(warm_up_app(server, default_questionnaire()))
            command = [spy, "record", "--pid", str(server.pid), "--rate", str(round(rate))]
            command += ["--format", "raw", "--output", str(stacks), "--nonblocking", "--gil"]
            spying = subprocess.Popen(command, stdout=subprocess.DEVNULL)
            try:
                cfg = SimConfig(participants=participants)
                report = asyncio.run(simulate_urls_async(cfg, [server.base_url], str(db)))
            finally:
                spying.send_signal(signal.SIGINT)
                spying.wait(timeout=60)
        for name, stage in report.app.stages.items():
            print(f"stage {name}: {stage}")
        print(f"database check: {report.db}")


async def recorded_stage(
    url: str,
    participants: int,
    spy_command: list[str],
    cpu_seconds: Callable[[], float],
    stage: str = "finish",
) -> dict:
    """Run the workshop of bench/workshop_sim.py and record only one of its stages with
    py-spy: "answering" (every tablet taps its answers and "next", all together, after
    joining unrecorded) or "finish" (every tablet taps "finish" together and reads its
    result screen, after joining and answering unrecorded)."""
    import random

    from bench.stclient import StreamlitSession
    from bench.workshop_sim import (
        Participant,
        Recorder,
        SimConfig,
        answer_phases,
        answer_positions,
        close_all,
        finish,
        join,
        spread,
    )
    from ipm_model.questionnaire import default_questionnaire

    q = default_questionnaire()
    cfg = SimConfig(participants=participants)
    rec = Recorder()
    people = [
        Participant(i, StreamlitSession(keep_messages=False), random.Random(i), url=url)
        for i in range(participants)
    ]
    positions = answer_positions(q)
    step = "tap" if stage == "answering" else "finish"
    try:
        await asyncio.gather(*(join(p, rec, cfg) for p in people))
        joined = [p for p in people if p.token and p.session.connected]
        if stage != "answering":
            await asyncio.gather(*(answer_phases(p, q, rec, cfg, positions) for p in joined))
        spying = subprocess.Popen(spy_command, stdout=subprocess.DEVNULL)
        await asyncio.sleep(1.0)  # py-spy attached before the stage
        try:
            reruns = rec.reruns
            cpu, wall = cpu_seconds(), time.perf_counter()
            if stage == "answering":
                await asyncio.gather(*(answer_phases(p, q, rec, cfg, positions) for p in joined))
            else:
                await asyncio.gather(*(finish(p, rec, cfg) for p in joined))
            cpu, wall = cpu_seconds() - cpu, time.perf_counter() - wall
            reruns = rec.reruns - reruns
        finally:
            spying.send_signal(signal.SIGINT)
            spying.wait(timeout=60)
    finally:
        await close_all([p.session for p in people])
    p50, p95, worst = spread(rec.latencies.get(step, []))
    done = len(rec.latencies.get(step, []))
    found = {
        "finished" if step == "finish" else "taps": done,
        "p50_ms": p50,
        "p95_ms": p95,
        "max_ms": worst,
        "wall_s": round(wall, 2),
        f"server_cpu_ms_per_{step}": round(1000 * cpu / max(done, 1), 1),
        "errors": dict(rec.errors),
    }
    if stage == "answering":
        found["reruns"] = reruns  # taps and "next"
        found["server_cpu_ms_per_rerun"] = round(1000 * cpu / max(reruns, 1), 2)
    return found


def record_stage(
    stage: str, participants: int, rate: float, stacks: Path, gil: bool = True
) -> None:
    """py-spy over the server during one stage only (see ``--stage answering|finish``)."""
    with idle_server(rate, stacks, gil=gil) as (server, command):
        found = asyncio.run(
            recorded_stage(server.base_url, participants, command, server.cpu_seconds, stage)
        )
    print(f"{stage} stage (ms): {found}")


@contextmanager
def idle_server(
    rate: float, stacks: Path, gil: bool = True, need_spy: bool = True
) -> Iterator[tuple[Any, list[str]]]:
    """A server on a fresh demo database, warmed up and left until its start-up warming
    (ui/shared_results.py) is done, and the py-spy command that records it into `stacks`
    (`gil`: only the thread holding the GIL; else every running thread; `need_spy` False:
    py-spy need not be installed, the command is then not for running)."""
    from bench.server import StreamlitServer
    from bench.workshop_sim import APP_SCRIPT, app_env, demo_database, wait_idle, warm_up_app
    from ipm_model.questionnaire import default_questionnaire

    spy = shutil.which("py-spy")
    if spy is None and need_spy:
        raise SystemExit("py-spy is not installed: pip install py-spy")
    with tempfile.TemporaryDirectory(prefix="ipm-profile-") as tmp:
        db = demo_database(Path(tmp))
        with StreamlitServer(APP_SCRIPT, env=app_env(db)) as server:
            asyncio.run(warm_up_app(server, default_questionnaire()))
            print(f"server idle after {wait_idle(server.cpu_seconds):.1f} s")
            command = [spy or "py-spy", "record", "--pid", str(server.pid)]
            command += ["--rate", str(round(rate))]
            command += ["--format", "raw", "--output", str(stacks), "--nonblocking"]
            command += ["--gil"] if gil else []
            yield server, command


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--participants", type=int, default=30)
    parser.add_argument("--rate", type=float, default=200, help="samples per second")
    parser.add_argument("--stacks", type=Path, default=Path(tempfile.gettempdir()) / "app.stacks")
    parser.add_argument(
        "--stage",
        choices=("all", "join", "answering", "finish"),
        default="all",
        help="join: record only bursts of joins (open, pick, submit); answering: only the "
        "answering stage (every tablet taps its answers and 'next' together, after joining "
        "unrecorded); finish: only the burst of everyone finishing together (after joining "
        "and answering unrecorded)",
    )
    parser.add_argument(
        "--all-threads",
        action="store_true",
        help="with --stage answering|finish: sample every thread on a CPU, not only the GIL's "
        "holder (shows time in C code that lets go of the GIL: SQLite, Arrow)",
    )
    parser.add_argument("--rounds", type=int, default=3, help="with --stage join: bursts")
    parser.add_argument("--summarize", type=Path, help="only summarize this recording")
    parser.add_argument("--top", type=int, default=18)
    parser.add_argument("--kind", default="result", help="with --focus: which kind of work")
    parser.add_argument("--focus", nargs="+", help="print only the CPU inside these functions")
    args = parser.parse_args(argv)
    if args.summarize is None and args.stage == "join":
        record_joins(args.participants, args.rounds, args.rate, args.stacks)
    elif args.summarize is None and args.stage in ("answering", "finish"):
        record_stage(
            args.stage, args.participants, args.rate, args.stacks, gil=not args.all_threads
        )
    elif args.summarize is None:
        record(args.participants, args.rate, args.stacks)
    stacks = args.summarize or args.stacks
    if args.focus:
        print(focus(stacks, args.rate, args.kind, args.focus))
    else:
        print(summarize(stacks, args.rate, args.top))
    print(f"\nload average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

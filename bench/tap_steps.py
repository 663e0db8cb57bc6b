"""What one answer tap and one "next" cost a real server, step by step, against the bare page.

    python bench/tap_steps.py [--taps 300] [--nexts 60] [--stacks /tmp/steps.stacks]

One session: starts the app on a fresh demo database (the server of
bench/profile_server.py's ``idle_server``), joins one tablet, then taps answers on the first
phase screen ``--taps`` times (each tap reruns its statement's fragment) and goes
"next"/"back" ``--nexts`` times (each a run of a whole phase screen). Prints per kind of
step: server CPU per step (user and system time of the server process from /proc, over
all steps of that kind, enough of them that the 10 ms tick does not matter), the
ForwardMsgs (deltas) and bytes the server sent per step, and the elements one step draws.

    python bench/tap_steps.py --sessions 30 [--taps 50] [--stacks /tmp/taps.stacks]

Taps alone at a concurrency: ``--sessions`` tablets join (not measured), then all tap
answers on their first phase screen together, ``--taps`` each, without think time and
without "next"; then as many sessions tap the bare page (bench/bare_app.py, same config)
as often. Prints p50/p95 and server CPU per tap of both and their ratios: the answer tap of
bench/workshop_sim.py's answering stage without the phase screens in between. ``--bare
fragment``: the bare page is bench/bare_fragment_app.py instead, the scan's structure (a
fragment per statement, radio and saved marker) without its code: Streamlit's own floor for
a tap drawn that way.

``--stacks``: also record the measured steps with py-spy (the thread holding the GIL only),
into ``<stem>-answer``/``<stem>-next`` (one session) or ``<stem>``/``<stem>-bare``
(``--sessions``); read them with ``python bench/profile_server.py --summarize FILE --rate
RATE``. Compare two commits back to back on one machine, and ratios, not absolute times.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import signal
import subprocess
import sys
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent.parent
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))


def cpu_split(pid: int) -> tuple[float, float]:
    """(user, system) CPU seconds of a process so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    tick = os.sysconf("SC_CLK_TCK")
    return int(fields[11]) / tick, int(fields[12]) / tick


@contextmanager
def spying(command: list[str] | None) -> Iterator[None]:
    """py-spy recording while inside (``command`` None: nothing)."""
    if command is None:
        yield
        return
    spy = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    try:
        yield
    finally:
        spy.send_signal(signal.SIGINT)
        spy.wait(timeout=60)


def spy_command(command: list[str], pid: int, stacks: Path) -> list[str]:
    """profile_server.idle_server's py-spy command, for another process and output file."""
    out = list(command)
    out[out.index("--pid") + 1] = str(pid)
    out[out.index("--output") + 1] = str(stacks)
    return out


def with_suffix(stacks: Path, name: str) -> Path:
    return stacks.with_name(f"{stacks.stem}-{name}{stacks.suffix}")


def element_kinds(result: Any) -> dict[str, int]:
    """What the deltas of one rerun draw: element types and blocks."""
    kinds: Counter[str] = Counter()
    for m in result.deltas:
        kind = m.delta.WhichOneof("type")
        if kind == "new_element":
            kind = m.delta.new_element.WhichOneof("type")
        elif kind == "add_block":
            kind = "block:" + (m.delta.add_block.WhichOneof("type") or "vertical")
        kinds[kind] += 1
    return dict(kinds)


async def one_session(
    server: Any, taps: int, nexts: int, command: list[str] | None, stacks: Path | None
) -> dict[str, dict]:
    """Taps, then next/back, of one tablet; a row per kind of step."""
    from bench.stclient import StreamlitSession
    from bench.workshop_sim import Participant, Recorder, SimConfig, answer_positions, join
    from ipm_model.questionnaire import default_questionnaire

    q = default_questionnaire()
    positions = answer_positions(q)
    codes = list(positions)
    p = Participant(0, StreamlitSession(keep_messages=True), random.Random(0), url=server.base_url)
    found: dict[str, dict] = {}
    try:
        if not await join(p, Recorder(), SimConfig(participants=1)):
            raise RuntimeError("join failed")
        keys = {w.key for w in p.session.widgets}
        shown = [s.id for s in q.phases[0].statements if f"scan-a-{s.id}" in keys]

        async def tap(i: int) -> Any:
            sid = shown[i % len(shown)]
            return await p.session.choose(f"scan-a-{sid}", positions[codes[i % len(codes)]])

        async def move(i: int) -> Any:
            return await p.session.click("scan-next" if i % 2 == 0 else "scan-back")

        kinds: tuple[tuple[str, Callable[[int], Awaitable[Any]], int], ...] = (
            ("answer", tap, taps),
            ("next", move, nexts),
        )
        for name, action, n in kinds:
            await action(0)  # warm; "next" ends where it started (next, back)
            await action(1)
            record = spy_command(command, server.pid, with_suffix(stacks, name)) if stacks else None
            with spying(record):
                if record:
                    await asyncio.sleep(1.0)  # py-spy attached
                user, system = cpu_split(server.pid)
                deltas, size, drawn = 0, 0, {}
                for i in range(2, n + 2):
                    result = await action(i)
                    if result is None or not result.ok:
                        raise RuntimeError(f"{name} failed: {result}")
                    deltas += result.delta_count
                    size += result.bytes_received
                    drawn = drawn or element_kinds(result)
                u2, s2 = cpu_split(server.pid)
            found["answer tap" if name == "answer" else "next / back"] = {
                "steps": n,
                "cpu_ms": round(1000 * (u2 - user + s2 - system) / n, 2),
                "user_ms": round(1000 * (u2 - user) / n, 2),
                "sys_ms": round(1000 * (s2 - system) / n, 2),
                "deltas": round(deltas / n, 1),
                "bytes": round(size / n),
                "elements": drawn,
            }
    finally:
        await p.session.close()
    return found


def tap_row(latencies: list[float], user: float, system: float, errors: dict) -> dict:
    from bench.workshop_sim import spread

    p50, p95, worst = spread(latencies)
    done = max(len(latencies), 1)
    return {
        "taps": len(latencies),
        "p50_ms": round(p50 or 0, 1),
        "p95_ms": round(p95 or 0, 1),
        "max_ms": round(worst or 0, 1),
        "cpu_ms_per_tap": round(1000 * (user + system) / done, 2),
        "user_ms": round(1000 * user / done, 2),
        "sys_ms": round(1000 * system / done, 2),
        "errors": errors,
    }


async def app_taps(server: Any, sessions: int, taps: int, command: list[str] | None) -> dict:
    """``sessions`` tablets join, then tap ``taps`` answers each, all together (no "next")."""
    from bench.stclient import StreamlitSession
    from bench.workshop_sim import (
        Participant,
        Recorder,
        SimConfig,
        answer_positions,
        close_all,
        join,
    )
    from ipm_model.questionnaire import default_questionnaire

    q = default_questionnaire()
    positions = answer_positions(q)
    codes = list(positions)
    people = [
        Participant(i, StreamlitSession(keep_messages=False), random.Random(i), url=server.base_url)
        for i in range(sessions)
    ]
    rec = Recorder()

    async def tapping(p: Participant) -> None:
        keys = {w.key for w in p.session.widgets}
        shown = [s.id for s in q.phases[0].statements if f"scan-a-{s.id}" in keys]
        for i in range(taps):
            sid = shown[(p.index + i) % len(shown)]
            option = positions[codes[(p.index + i) % len(codes)]]
            await rec.run("tap", p.session.choose(f"scan-a-{sid}", option))

    try:
        await asyncio.gather(
            *(join(p, Recorder(), SimConfig(participants=sessions)) for p in people)
        )
        with spying(command):
            if command:
                await asyncio.sleep(1.0)  # py-spy attached
            user, system = cpu_split(server.pid)
            await asyncio.gather(*(tapping(p) for p in people if p.token))
            u2, s2 = cpu_split(server.pid)
    finally:
        await close_all([p.session for p in people])
    return tap_row(rec.latencies.get("tap", []), u2 - user, s2 - system, dict(rec.errors))


async def bare_taps(server: Any, sessions: int, taps: int, command: list[str] | None) -> dict:
    """``sessions`` tabs of the bare page tap ``taps`` times each, all together."""
    from bench.stclient import StreamlitSession
    from bench.workshop_sim import Recorder, close_all, tap_bare

    rec = Recorder()
    clients = [StreamlitSession(keep_messages=False) for _ in range(sessions)]

    async def tapping(session: StreamlitSession) -> None:
        for _ in range(taps):
            await tap_bare(session, rec)

    try:
        await asyncio.gather(*(c.connect(server.base_url) for c in clients))
        await asyncio.gather(*(tap_bare(c, Recorder()) for c in clients))  # warm
        with spying(command):
            if command:
                await asyncio.sleep(1.0)  # py-spy attached
            user, system = cpu_split(server.pid)
            await asyncio.gather(*(tapping(c) for c in clients))
            u2, s2 = cpu_split(server.pid)
    finally:
        await close_all(clients)
    return tap_row(rec.latencies.get("tap", []), u2 - user, s2 - system, dict(rec.errors))


def ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}x" if b else "-"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--taps", type=int, default=300, help="taps (per session)")
    parser.add_argument("--nexts", type=int, default=60, help="one session: next/back steps")
    parser.add_argument(
        "--sessions", type=int, default=0, help="taps alone at this concurrency, app and bare"
    )
    parser.add_argument(
        "--bare",
        choices=("radio", "fragment"),
        default="radio",
        help="with --sessions: the bare page, bench/bare_app.py (radio) or "
        "bench/bare_fragment_app.py (fragment)",
    )
    parser.add_argument("--stacks", type=Path, help="also record with py-spy (see above)")
    parser.add_argument("--rate", type=float, default=500, help="py-spy samples per second")
    args = parser.parse_args(argv)
    from bench.profile_server import idle_server
    from bench.server import StreamlitServer
    from bench.workshop_sim import BARE_SCRIPT

    stacks = args.stacks or Path("/nonexistent/unused.stacks")
    with idle_server(args.rate, stacks, need_spy=args.stacks is not None) as (server, command):
        if not args.sessions:
            found = asyncio.run(one_session(server, args.taps, args.nexts, command, args.stacks))
            for name, row in found.items():
                print(f"{name}: {row}")
            print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
            return 0
        spy = spy_command(command, server.pid, stacks) if args.stacks else None
        app = asyncio.run(app_taps(server, args.sessions, args.taps, spy))
    script = BARE_SCRIPT if args.bare == "radio" else BARE_SCRIPT.with_name("bare_fragment_app.py")
    with StreamlitServer(script) as bare:
        spy = spy_command(command, bare.pid, with_suffix(stacks, "bare")) if args.stacks else None
        base = asyncio.run(bare_taps(bare, args.sessions, args.taps, spy))
    print(f"app, {args.sessions} sessions, taps only: {app}")
    print(f"bare page ({script.name}), {args.sessions} sessions: {base}")
    print(
        f"app / bare: p95 {ratio(app['p95_ms'], base['p95_ms'])}, "
        f"p50 {ratio(app['p50_ms'], base['p50_ms'])}, "
        f"CPU per tap {ratio(app['cpu_ms_per_tap'], base['cpu_ms_per_tap'])}"
    )
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

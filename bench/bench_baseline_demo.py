"""Baseline: tap-to-script_finished latency and server CPU per rerun on a bare page.

    python bench/bench_baseline_demo.py [--sessions 20] [--taps 30] [--app bench/bare_app.py]

Starts ``bench/bare_app.py`` (one radio, five options) with the project's
``.streamlit/config.toml`` in effect, then runs two scenarios against 127.0.0.1:
1 session doing N radio taps, and S concurrent sessions each doing N taps (no think
time: every tab taps again as soon as its previous rerun finished). Each tap picks a
different option, so every rerun is a real value change.

Prints p50/p95/max of the time from sending rerun_script to receiving script_finished,
and the server's CPU seconds (utime+stime from /proc) per rerun.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.server import StreamlitServer  # noqa: E402
from bench.stclient import StreamlitSession  # noqa: E402

BARE_APP = Path(__file__).resolve().parent / "bare_app.py"
RADIO_KEY = "answer"


@dataclass
class Stats:
    label: str
    latencies_ms: list[float]
    wall_s: float
    server_cpu_s: float
    failures: int

    @property
    def reruns(self) -> int:
        return len(self.latencies_ms)

    def line(self) -> str:
        lat = sorted(self.latencies_ms)
        cpu_ms = 1000 * self.server_cpu_s / max(self.reruns, 1)
        return (
            f"{self.label:<14} reruns={self.reruns:4d}  "
            f"p50={percentile(lat, 50):7.1f} ms  p95={percentile(lat, 95):7.1f} ms  "
            f"max={lat[-1] if lat else float('nan'):7.1f} ms  "
            f"server CPU/rerun={cpu_ms:6.1f} ms  "
            f"throughput={self.reruns / self.wall_s:6.1f} reruns/s  failures={self.failures}"
        )


def percentile(sorted_values: list[float], pct: float) -> float:
    """Nearest-rank percentile of an already sorted list."""
    if not sorted_values:
        return float("nan")
    rank = max(1, round(pct / 100 * len(sorted_values) + 0.5 - 1e-9))
    return sorted_values[min(rank, len(sorted_values)) - 1]


async def tap_radio(session: StreamlitSession, taps: int) -> tuple[list[float], int]:
    """``taps`` radio taps, each on the next option; returns latencies and failures."""
    latencies: list[float] = []
    failures = 0
    for i in range(taps):
        radio = session.find_widget(key=RADIO_KEY)
        result = await session.choose(radio, (i + 1) % len(radio.options))
        if result is None or not result.ok:
            failures += 1
            continue
        latencies.append(result.elapsed_ms)
    return latencies, failures


async def run_scenario(server: StreamlitServer, label: str, sessions: int, taps: int) -> Stats:
    clients = [StreamlitSession(keep_messages=False) for _ in range(sessions)]
    try:
        await asyncio.gather(*(c.connect(server.base_url) for c in clients))
        cpu_before, started = server.cpu_seconds(), time.perf_counter()
        results = await asyncio.gather(*(tap_radio(c, taps) for c in clients))
        wall, cpu = time.perf_counter() - started, server.cpu_seconds() - cpu_before
    finally:
        await asyncio.gather(*(c.close() for c in clients))
    latencies = [ms for lats, _ in results for ms in lats]
    return Stats(label, latencies, wall, cpu, sum(f for _, f in results))


async def idle_rss_per_session(server: StreamlitServer, sessions: int) -> float:
    """(RSS with ``sessions`` idle connected sessions - RSS before) / sessions, in MiB."""
    await asyncio.sleep(0.5)
    before = server.rss_bytes()
    clients = [StreamlitSession(keep_messages=False) for _ in range(sessions)]
    try:
        await asyncio.gather(*(c.connect(server.base_url) for c in clients))
        await asyncio.sleep(0.5)
        after = server.rss_bytes()
    finally:
        await asyncio.gather(*(c.close() for c in clients))
    return (after - before) / sessions / 2**20


async def main_async(server: StreamlitServer, sessions: int, taps: int) -> None:
    print(f"server pid={server.pid} {server.base_url}  app={server.script}")
    print(f"launch: {' '.join(server.command()[1:])}")
    print(f"server RSS at start: {server.rss_bytes() / 2**20:.1f} MiB")
    client_cpu = time.process_time()
    # Measured first, on the fresh server: after a load phase, freed memory is reused
    # and the difference would read as ~0.
    per_session = await idle_rss_per_session(server, sessions)
    print(f"idle RSS per session ({sessions} sessions, fresh server): {per_session:.2f} MiB")
    for label, count in (("1 session", 1), (f"{sessions} sessions", sessions)):
        stats = await run_scenario(server, label, count, taps)
        print(stats.line())
    print(f"client CPU: {time.process_time() - client_cpu:.2f} s (same machine as the server)")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--app", type=Path, default=BARE_APP, help="script to serve")
    parser.add_argument("--sessions", type=int, default=20, help="concurrent sessions")
    parser.add_argument("--taps", type=int, default=30, help="radio taps per session")
    parser.add_argument(
        "--tcp-nodelay",
        action="store_true",
        help="serve via bench/streamlit_nodelay.py (TCP_NODELAY; not stock Streamlit)",
    )
    args = parser.parse_args()
    if not 1 <= args.sessions <= 200 or not 1 <= args.taps <= 1000:
        parser.error("keep --sessions in 1..200 and --taps in 1..1000")
    return args


def main() -> None:
    args = parse_args()
    log_path = Path(tempfile.gettempdir()) / "bench_baseline_server.log"
    server = StreamlitServer(args.app.resolve(), log_path=log_path, tcp_nodelay=args.tcp_nodelay)
    with server:
        asyncio.run(main_async(server, args.sessions, args.taps))
    print(f"server log: {log_path}")


if __name__ == "__main__":
    main()

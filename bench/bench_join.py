"""Join bursts: N tablets open ``/?code=DEMO`` and join at once, two checkouts taking turns.

    python bench/bench_join.py --base /tmp/base-worktree [--participants 30] [--bursts 6]

The join stage of ``bench/workshop_sim.py`` (open the link, pick chain and role, Start),
and nothing after it, repeated: one app server per checkout (this one and ``--base``, each
on a fresh demo database, started together, left to finish their start-up warming), then
bursts of ``--participants`` new tablets, alternately against each server, so that both
meet the same load of a busy machine. Per checkout: join p50/p95 (Start → scan page) and
open p95 per burst, their medians over the bursts, and the server's CPU per tablet
(utime+stime over the bursts / tablets). Without ``--base`` only this checkout is measured.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import sys
import tempfile
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))

from bench.server import StreamlitServer  # noqa: E402
from bench.stclient import StreamlitSession  # noqa: E402
from bench.workshop_sim import (  # noqa: E402
    Participant,
    Recorder,
    SimConfig,
    app_env,
    demo_database,
    join,
    p95,
    wait_idle,
    warm_up_app,
)
from ipm_model.questionnaire import default_questionnaire  # noqa: E402


async def burst(server: StreamlitServer, participants: int, first: int) -> dict[str, float]:
    """One burst of joins; join p50/p95, open p95 (ms), server CPU (s), errors."""
    rec, cfg = Recorder(), SimConfig(participants=participants)
    people = [
        Participant(
            first + i,
            StreamlitSession(keep_messages=False),
            random.Random(first + i),
            url=server.base_url,
            load_page=True,
        )
        for i in range(participants)
    ]
    cpu = server.cpu_seconds()
    try:
        await asyncio.gather(*(join(p, rec, cfg) for p in people))
    finally:
        await asyncio.gather(*(p.session.close() for p in people), return_exceptions=True)
    joins, opens = rec.latencies.get("join", []), rec.latencies.get("open", [])
    return {
        "join_p50": statistics.median(joins) if joins else float("nan"),
        "join_p95": p95(joins) or float("nan"),
        "open_p95": p95(opens) or float("nan"),
        "cpu_s": server.cpu_seconds() - cpu,
        "errors": float(sum(rec.errors.values())),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", type=Path, help="another checkout (e.g. a worktree of main)")
    parser.add_argument("--participants", type=int, default=30)
    parser.add_argument("--bursts", type=int, default=6, help="bursts per checkout")
    args = parser.parse_args(argv)
    roots = {"this": PROJECT_ROOT}
    if args.base is not None:
        roots["base"] = args.base.resolve()
    q = default_questionnaire()
    results: dict[str, list[dict[str, float]]] = {name: [] for name in roots}
    with tempfile.TemporaryDirectory(prefix="ipm-bench-join-") as tmp:
        servers = {}
        for name, root in roots.items():
            folder = Path(tmp) / name
            folder.mkdir()
            db = demo_database(folder)
            servers[name] = StreamlitServer(root / "app.py", env=app_env(db), cwd=root)
        try:
            for server in servers.values():
                server.start()
            for server in servers.values():
                asyncio.run(warm_up_app(server, q))
            for server in servers.values():
                wait_idle(server.cpu_seconds)
            load_before = os.getloadavg()
            for n in range(args.bursts):
                order = list(servers) if n % 2 == 0 else list(reversed(servers))
                for name in order:
                    first = 1000 * (n + 1)
                    run = asyncio.run(burst(servers[name], args.participants, first))
                    results[name].append(run)
                    wait_idle(servers[name].cpu_seconds)
            load_after = os.getloadavg()
        finally:
            for server in servers.values():
                server.stop()
    print(f"{args.participants} tablets per burst, {args.bursts} bursts per checkout, alternating")
    print(
        "| checkout | join p95 ms per burst | median join p50 / p95 ms | median open p95 ms "
        "| server CPU ms per tablet (open + join) | errors |"
    )
    print("|---|---|---:|---:|---:|---:|")
    for name, runs in results.items():
        per_burst = ", ".join(f"{r['join_p95']:.0f}" for r in runs)
        med = statistics.median
        cpu = 1000 * sum(r["cpu_s"] for r in runs) / (args.participants * len(runs))
        print(
            f"| {name} ({roots[name]}) | {per_burst} | {med(r['join_p50'] for r in runs):.0f} / "
            f"{med(r['join_p95'] for r in runs):.0f} | {med(r['open_p95'] for r in runs):.0f} "
            f"| {cpu:.1f} | {sum(r['errors'] for r in runs):.0f} |"
        )
    print(
        f"load average before/after: {' '.join(f'{x:.2f}' for x in load_before)} / "
        f"{' '.join(f'{x:.2f}' for x in load_after)}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

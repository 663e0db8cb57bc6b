"""Scale-out benchmark: one workshop of N tablets on SQLite, on PostgreSQL, on replicas.

    python bench/bench_replicas.py --participants 120 [--think-min 2 --think-max 5]
        [--phases 7] [--setups sqlite,pg1,pg3] [--out bench/BENCHMARKS.md]

One run measures every setup in turn, on this machine, with the same simulated tablets
(bench/workshop_sim.py: join, answer every statement of ``--phases`` phases, finish and read
the result; seeded think times) — the baseline is measured in the same run:

- ``sqlite``: one app process on a SQLite file (the embedded default), tablets direct;
- ``pg1``: one app replica on PostgreSQL behind nginx (deploy/cluster.py);
- ``pg3``: three app replicas on one PostgreSQL behind nginx, sticky per tablet;
- ``pg1-direct``: one replica on PostgreSQL without nginx (isolates nginx's share).

Each setup starts on a fresh database holding the demo history and the open workshop
DEMO (PostgreSQL: a throwaway server from deploy/pgserver.py). Reported per setup: tap-to-
rerun p50/p95/max of the answer taps (ms), all errors, answers acknowledged vs stored, how
the tablets spread over the replicas, and the wall time of the run. Everything (tablets,
servers, PostgreSQL, nginx) shares this machine's cores, so replicas can only help as far
as there are cores to spread over: read the CPU count printed with the results.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shlex
import sys
import tempfile
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))

from bench.workshop_sim import (  # noqa: E402
    SimConfig,
    TargetReport,
    fmt,
    simulate_cluster_async,
    spread,
    write_section,
)

SETUPS = {
    "sqlite": ("1 process, SQLite (baseline)", 1, False, "sqlite"),
    "pg1": ("1 replica, PostgreSQL, nginx", 1, False, "postgresql"),
    "pg1-direct": ("1 replica, PostgreSQL, direct", 1, True, "postgresql"),
    "pg3": ("3 replicas, PostgreSQL, nginx", 3, False, "postgresql"),
}


async def run_setup(name: str, cfg: SimConfig) -> TargetReport:
    _, replicas, direct, kind = SETUPS[name]
    if kind == "sqlite":
        with tempfile.TemporaryDirectory(prefix="ipm-bench-") as tmp:
            return await simulate_cluster_async(cfg, replicas, str(Path(tmp) / "ipm.db"), direct)
    return await simulate_cluster_async(cfg, replicas, None, direct)


def row(name: str, report: TargetReport) -> str:
    rec = report.app.rec
    p50, p95, worst = spread(rec.latencies.get("tap", []))
    joins = spread(rec.latencies.get("join", []))[1]
    finishes = spread(rec.latencies.get("finish", []))[1]
    db = report.db
    stored = (
        "–" if db is None else f"{db.acknowledged} / {db.stored}" + ("" if db.ok else " MISMATCH")
    )
    spread_text = ", ".join(f"{n}" for _, n in sorted(report.per_replica.items())) or "–"
    return (
        f"| {SETUPS[name][0]} | {len(rec.latencies.get('tap', []))} | {fmt(p50, 0)} | "
        f"{fmt(p95, 0)} | {fmt(worst, 0)} | {fmt(joins, 0)} | {fmt(finishes, 0)} | "
        f"{sum(rec.errors.values())} | {stored} | {spread_text} | {report.app.wall_s:.0f} s |"
    )


HEAD = (
    "| setup | taps | tap p50 ms | tap p95 ms | tap max ms | join p95 ms | finish p95 ms "
    "| errors | answers acknowledged / stored | tablets per replica | wall |\n"
    "|---|---|---|---|---|---|---|---|---|---|---|"
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--participants", type=int, default=120)
    parser.add_argument("--phases", type=int, default=7)
    parser.add_argument("--think-min", type=float, default=2.0)
    parser.add_argument("--think-max", type=float, default=5.0)
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds per rerun")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--setups", default="sqlite,pg1,pg3", help=",".join(SETUPS))
    parser.add_argument("--out", type=Path, help="write the result as a section of this file")
    args = parser.parse_args(argv)
    names = [s.strip() for s in args.setups.split(",") if s.strip()]
    unknown = [n for n in names if n not in SETUPS]
    if unknown:
        parser.error(f"unknown setup(s): {', '.join(unknown)}; choose from {', '.join(SETUPS)}")
    cfg = SimConfig(
        participants=args.participants,
        phases=args.phases,
        think_min=args.think_min,
        think_max=args.think_max,
        rerun_timeout=args.timeout,
        seed=args.seed,
    )
    rows, details = [], []
    for name in names:
        print(f"running {name}: {SETUPS[name][0]} ...", flush=True)
        report = asyncio.run(run_setup(name, cfg))
        rows.append(row(name, report))
        print(rows[-1], flush=True)
        for kind, message in report.app.rec.samples.items():
            details.append(f"- {SETUPS[name][0]}: first {kind} error: `{message}`")
    command = "python bench/bench_replicas.py " + shlex.join(argv or sys.argv[1:])
    text = "\n".join(
        [
            f"`{command}`",
            "",
            f"{args.participants} tablets, {args.phases} phases, think "
            f"{args.think_min:g}-{args.think_max:g} s, seed {args.seed}; {os.cpu_count()} CPUs "
            f"shared by tablets, app processes, PostgreSQL and nginx; load average at the end "
            f"{', '.join(f'{x:.1f}' for x in os.getloadavg())}.",
            "",
            HEAD,
            *rows,
            "",
            *(details or ["- no errors"]),
            "",
        ]
    )
    print(text)
    if args.out:
        write_section(args.out, f"bench_replicas:{args.participants}", text)
        print(f"written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

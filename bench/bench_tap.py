"""Server time per answer tap: the bare page, one participant, and concurrent participants.

    python bench/bench_tap.py [--concurrent 10] [--tcp-nodelay [launcher|hook]]
        [--set server.fileWatcherType=none] [--out BENCHMARKS.md]

"Server time per tap" two ways: the round trip a tablet sees (rerun_script sent ->
script_finished received; p50/p95/max) and the server's own CPU per rerun (utime+stime
of the server process; measured around every tap when one session runs, per answering
stage when several do, where the 7 "next" reruns are counted in). Scenarios, each after
a warm-up and with the project's config:

1. bare page (bench/bare_app.py, one radio), 1 session, as many taps as statements;
2. the app, 1 participant (an MT member: shown every statement) answering all statements of
   the default questionnaire (7 phases, "next" between);
3. the app, ``--concurrent`` participants doing the same at the same time (same server,
   fresh participants).

The steps are bench/workshop_sim.py's (one implementation); this file only picks the
scenarios and prints a table focused on the tap.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.workshop_sim import (  # noqa: E402
    APP_SCRIPT,
    BARE_SCRIPT,
    AppRun,
    BareRun,
    DbCheck,
    SimConfig,
    add_server_args,
    app_env,
    app_tap_cpu_ms,
    check_database,
    command_line,
    db_line,
    demo_database,
    fmt,
    fmt_share,
    header_lines,
    measure_bare_single,
    ratio,
    run_workshop,
    section_key,
    serve,
    spread,
    wait_for_quiet,
    warm_up_app,
    write_section,
)
from ipm_model.questionnaire import Questionnaire, default_questionnaire  # noqa: E402

TAP_TABLE_HEAD = (
    "| scenario | taps | round trip p50 ms | p95 ms | max ms | server CPU ms per tap "
    "| CPU pressure | errors |\n|---|---:|---:|---:|---:|---:|---:|---|"
)


@dataclass
class TapReport:
    cfg: SimConfig
    bare: BareRun
    single: AppRun
    concurrent: AppRun
    db: DbCheck


def tap_row(label: str, taps: list[float], cpu_ms: float | None, pressure: float | None,
            errors: int) -> str:  # fmt: skip
    p50, p95, top = spread(taps)
    return (
        f"| {label} | {len(taps)} | {fmt(p50)} | {fmt(p95)} | {fmt(top)} | {fmt(cpu_ms)} "
        f"| {fmt_share(pressure)} | {errors} |"
    )


def app_tap_row(label: str, run: AppRun) -> str:
    return tap_row(
        label,
        run.rec.latencies.get("tap", []),
        app_tap_cpu_ms(run),
        run.stages["answering"].cpu_pressure,
        sum(run.rec.errors.values()),
    )


async def measure_app_taps(cfg: SimConfig, q: Questionnaire) -> tuple[AppRun, AppRun, DbCheck]:
    """One participant, then cfg.participants at once, on one app server."""
    with tempfile.TemporaryDirectory(prefix="ipm-tap-db-") as tmp:
        db_path = demo_database(Path(tmp))
        with serve(APP_SCRIPT, cfg, app_env(db_path), "tap-app") as app:
            await warm_up_app(app, q)
            single = await run_workshop(app, SimConfig(participants=1, seed=cfg.seed), q)
            concurrent = await run_workshop(app, cfg, q, first_index=1)
        people = [*single.participants, *concurrent.participants]
        return single, concurrent, check_database(db_path, people)


async def measure(cfg: SimConfig) -> TapReport:
    q = default_questionnaire()
    with serve(BARE_SCRIPT, cfg, {}, "tap-bare") as bare_server:
        bare = await measure_bare_single(bare_server, cfg.taps_per_participant(q))
    single, concurrent, db = await measure_app_taps(cfg, q)
    return TapReport(cfg, bare, single, concurrent, db)


def report_markdown(report: TapReport, command: str) -> str:
    cfg, bare = report.cfg, report.bare
    bare_taps = bare.rec.latencies.get("tap", [])
    single_taps = report.single.rec.latencies.get("tap", [])
    conc_taps = report.concurrent.rec.latencies.get("tap", [])
    settings = "".join(f", {s}" for s in cfg.settings)
    n = cfg.participants
    taps = cfg.taps_per_participant(default_questionnaire())  # everything, as the MT sees it
    lines = [
        *header_lines(f"bench_tap · TCP_NODELAY {cfg.tcp}{settings}", command),
        TAP_TABLE_HEAD,
        tap_row("bare page, 1 session", bare_taps, bare.tap_cpu_ms,
                bare.stage.cpu_pressure, sum(bare.rec.errors.values())),
        app_tap_row(f"app, 1 participant, {taps} statements", report.single),
        app_tap_row(
            f"app, {n} participants at once, up to {taps} statements each (by role)",
            report.concurrent,
        ),
        "",
        f"- app 1 participant / bare: p50 {ratio(spread(single_taps)[0], spread(bare_taps)[0])}"
        f", p95 {ratio(spread(single_taps)[1], spread(bare_taps)[1])}, server CPU per tap "
        f"{ratio(app_tap_cpu_ms(report.single), bare.tap_cpu_ms)}",
        f"- app {n} participants / bare: p95 {ratio(spread(conc_taps)[1], spread(bare_taps)[1])}",
        db_line(report.db),
    ]  # fmt: skip
    return "\n".join(lines) + "\n"


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--concurrent", type=int, default=10, help="participants at once")
    add_server_args(parser)
    args = parser.parse_args(argv)
    if not 1 <= args.concurrent <= 200:
        parser.error("keep --concurrent in 1..200")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    cfg = SimConfig(participants=args.concurrent, tcp=args.tcp_nodelay, settings=tuple(args.set))
    wait_for_quiet(args.wait_quiet)
    report = asyncio.run(measure(cfg))
    text = report_markdown(report, command_line())
    print(text)
    if args.out:
        write_section(args.out, section_key("bench_tap", cfg), text)
        print(f"written to {args.out}")
    errors = sum(report.single.rec.errors.values()) + sum(report.concurrent.rec.errors.values())
    return 0 if report.db.ok and not errors else 1


if __name__ == "__main__":
    sys.exit(main())

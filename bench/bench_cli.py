"""How fast the command line starts: `--help`, `list` and `check` against `python -c pass`.

    python bench/bench_cli.py [--runs 15] [--db FILE]

Runs each command `--runs` times, interleaved with `python -c pass` in the same loop (so a
busy machine slows both alike), and prints the median wall time and the child's CPU time of
each, with its ratio to `python -c pass`. The goal: --help, list and check within 0.3 s on
an idle machine.
`list` runs on a demo database made here (or --db).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def timed(command: list[str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the child): CPU time holds up better on a busy machine."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(command, cwd=ROOT, stdout=subprocess.DEVNULL, check=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--db", help="database for `list` (default: a new demo database)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        db = args.db or str(Path(folder) / "bench.db")
        if not args.db:
            subprocess.run(
                [sys.executable, "-m", "ipm_model", "--db", db, "demo"],
                cwd=ROOT, stdout=subprocess.DEVNULL, check=True,
            )  # fmt: skip
        py = [sys.executable]
        commands = {
            "python -c pass": [*py, "-c", "pass"],
            "--help": [*py, "-m", "ipm_model", "--help"],
            "list workshops": [*py, "-m", "ipm_model", "--db", db, "list", "workshops"],
            "check FILE": [*py, "-m", "ipm_model", "check", "questionnaires/ipm-ketenscan.toml"],
        }
        times: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
        for _ in range(args.runs):
            for name, command in commands.items():
                times[name].append(timed(command))
    wall = {n: statistics.median(w for w, _ in v) for n, v in times.items()}
    cpu = {n: statistics.median(c for _, c in v) for n, v in times.items()}
    base_wall, base_cpu = wall["python -c pass"], cpu["python -c pass"]
    print(f"load average {os.getloadavg()[0]:.1f}; {args.runs} runs each, interleaved; medians")
    print(f"{'command':<16} {'wall s':>7} {'ratio':>6} {'cpu s':>7} {'ratio':>6}")
    for name in commands:
        print(
            f"{name:<16} {wall[name]:>7.3f} {wall[name] / base_wall:>6.1f} "
            f"{cpu[name]:>7.3f} {cpu[name] / base_cpu:>6.1f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())

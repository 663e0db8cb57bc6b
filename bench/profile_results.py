"""Where a results page's own script run spends its time: cProfile of the script thread.

    python bench/profile_results.py --db <copy of a large history> [--page compare] \
        [--runs 3] [--out /tmp/prof] [--top 30]

Runs the page with Streamlit's AppTest as bench/bench_results.py does (same history, same
navigation mode): once cold (empty st.cache_data), `--runs` times warm, and once after one
finished participant per chain of the newest round got a new change stamp (it writes to the
database given: use a copy). Each run is profiled in the thread that runs the script (a
profile around `at.run()` would only see the test's waiting loop) and saved as
<out>/<page>-<run>.prof; the page's own functions are printed by cumulative time. Times
under cProfile are 1.5-3x the plain ones for Python-heavy code: compare shares, and take
the figures themselves from bench_results.py.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import bench_results  # noqa: E402
from streamlit.testing.v1 import AppTest, local_script_runner  # noqa: E402

_ACTIVE: dict[str, cProfile.Profile | None] = {"profile": None}


def _profile_script_thread() -> None:
    """Run every AppTest script under the profile in _ACTIVE (when one is set)."""
    original = local_script_runner.LocalScriptRunner._run_script

    def run_script(self, *args, **kwargs):
        profile = _ACTIVE["profile"]
        if profile is None:
            return original(self, *args, **kwargs)
        profile.enable()
        try:
            return original(self, *args, **kwargs)
        finally:
            profile.disable()

    local_script_runner.LocalScriptRunner._run_script = run_script


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--page", default="compare", choices=["results", "compare", "progress"])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--out", default="/tmp/ipm-profile")
    parser.add_argument("--top", type=int, default=30)
    args = parser.parse_args(argv)
    db, out = Path(args.db), Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    os.environ["IPM_DB"] = str(db)
    bench_results._navigation_mode()
    _profile_script_thread()
    token, _, _ = bench_results._ensure_history(db)

    import streamlit as st

    st.cache_data.clear()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.query_params["r"] = token
    at.run()
    at.switch_page(f"pages/{args.page}.py")

    def profiled(label: str) -> None:
        profile = cProfile.Profile()
        _ACTIVE["profile"] = profile
        start = time.perf_counter()
        at.run()
        ms = (time.perf_counter() - start) * 1000
        _ACTIVE["profile"] = None
        if at.exception:
            raise RuntimeError(at.exception[0].message)
        path = out / f"{args.page}-{label}.prof"
        profile.dump_stats(path)
        print(
            f"\n## {args.page} page, {label}: {ms:,.0f} ms under cProfile, load "
            f"{os.getloadavg()[0]:.2f} ({path})"
        )
        stats = pstats.Stats(str(path))
        stats.sort_stats("cumulative").print_stats(str(ROOT), args.top)

    profiled("cold")
    for i in range(args.runs):
        profiled(f"warm{i + 1}")
    bench_results._touch_newest_round(db)
    profiled("after-change")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Server time of a rerun of each results page on a large history (about 260,000 answers).

    python bench/bench_results.py [--db /tmp/ipm-big.db] [--runs 5]

Builds the history with bench/build_history.py when the file has none (40 chains x 8 rounds
x 20 participants x the statements their role is shown), then runs each page with Streamlit's
AppTest in this process — the page script's own time, as the server spends it, without
the websocket — once cold (empty caches) and `--runs` times warm (a rerun, e.g. after a
filter change back and forth). The baseline, measured in the same run: a bare page with one
widget. Prints a Markdown table; the median warm rerun is the figure that matters.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from streamlit.runtime.pages_manager import PagesManager  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402

PAGES = ("results", "compare", "progress", "projector", "scan")


def _navigation_mode() -> None:
    """Run as a long-lived server does (see tests/app/conftest.py)."""
    original = PagesManager.__init__

    def init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    PagesManager.__init__ = init


def _ensure_history(db: Path) -> tuple[str, str, str]:
    """Build the history when missing; return (results token, facilitator token, code)."""
    from ipm_model.storage.store import Store

    store = Store(db)
    org_id = store.organisation_id("Benchmark Rivierstad")
    if org_id is None:
        import subprocess

        subprocess.run(
            [sys.executable, str(ROOT / "bench" / "build_history.py"), "--db", str(db)],
            check=True,
        )
        org_id = store.organisation_id("Benchmark Rivierstad")
    org = store.organisation(org_id)
    last = store.workshops(org_id)[-1]
    answers = store.counts()["answer"]
    print(f"history: {answers:,} answers in {db}")
    return org["results_token"], last.facilitator_token, last.code


def _time_runs(make, runs: int) -> tuple[float, list[float]]:
    """(cold ms, warm ms per rerun) for one page."""
    import streamlit as st

    st.cache_data.clear()
    at = make()
    start = time.perf_counter()
    at.run()
    cold = (time.perf_counter() - start) * 1000
    if at.exception:
        raise RuntimeError(at.exception[0].message)
    warm = []
    for _ in range(runs):
        start = time.perf_counter()
        at.run()
        warm.append((time.perf_counter() - start) * 1000)
    return cold, warm


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default=str(Path(tempfile.gettempdir()) / "ipm-big.db"))
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    db = Path(args.db)
    os.environ["IPM_DB"] = str(db)
    _navigation_mode()
    results_token, facilitator_token, code = _ensure_history(db)

    bare = ROOT / "bench" / "bare_app.py"
    rows = [("bare page (baseline)", *_time_runs(lambda: AppTest.from_file(str(bare)), args.runs))]
    for page in PAGES:
        query = {"r": results_token}
        if page == "projector":
            query = {"f": facilitator_token}
        if page == "scan":
            query = {}

        def make(page=page, query=query):
            at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
            for key, value in query.items():
                at.query_params[key] = value
            at.run()
            if page != "scan":
                at.switch_page(f"pages/{page}.py")
            return at

        rows.append((f"{page} page", *_time_runs(make, args.runs)))
    base = statistics.median(rows[0][2])
    print("\n| page | cold run ms | warm rerun median ms | warm max ms | ratio to bare |")
    print("|---|---:|---:|---:|---:|")
    for name, cold, warm in rows:
        median = statistics.median(warm)
        print(f"| {name} | {cold:,.0f} | {median:,.0f} | {max(warm):,.0f} | {median / base:.1f}x |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

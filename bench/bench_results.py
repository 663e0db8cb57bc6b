"""Server time of a rerun of each results page on a large history (about 260,000 answers).

    python bench/bench_results.py [--db /tmp/ipm-big.db] [--runs 5]

Builds the history with bench/build_history.py when the file has none (40 chains x 8 rounds
x 20 participants x the statements their role is shown), then runs each page with Streamlit's
AppTest in this process — the page script's own time, as the server spends it, without
the websocket — once cold (empty caches) and `--runs` times warm (a rerun, e.g. after a
filter change back and forth). The baseline, measured in the same run: a bare page with one
widget. Prints a Markdown table; the median warm rerun is the figure that matters.
`--after-change` also times the first run after one finished participant per chain of the
newest round got a new change stamp (caches warm): what the first reader after a change
waits for; `--change-chains 1` changes one chain only (one person finishing or editing).
`--warmed` also times the results and compare pages as a fresh server's first reader gets
them: caches empty, then the server's start-up warming (ui.shared_results.start_warming, run
to its end), then the page's first run.
It writes to the database given (a benchmark copy).
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


def _touch_newest_round(db: Path, chains: int | None = None) -> None:
    """A change in the newest round only, as when people edit or finish there: one finished
    participant per chain gets a new change stamp (every older round stays as it was).
    `chains`: only that many chains (from the middle of the list; default every chain)."""
    from ipm_model.model import now_iso
    from ipm_model.storage.store import Store

    store = Store(db)
    newest = store.workshops(store.organisation_id("Benchmark Rivierstad"))[-1]
    touched = newest.chains
    if chains is not None:
        middle = len(touched) // 2
        touched = touched[middle : middle + chains]
    with store._write() as conn:
        for chain in touched:
            conn.execute(
                """UPDATE participant SET changed_at = ? WHERE id = (SELECT min(id) FROM
                   participant WHERE workshop_id = ? AND chain_id = ?
                   AND finished_at IS NOT NULL)""",
                [now_iso(), newest.id, chain.id],
            )
    store.close()


def _time_runs(
    make, runs: int, touch=None, warm_up=None
) -> tuple[float, list[float], float | None]:
    """(cold ms, warm ms per rerun, ms of the first run after `touch` changed the newest
    round) for one page; `warm_up` runs after the caches are emptied, before the cold run."""
    import streamlit as st

    st.cache_data.clear()
    if warm_up is not None:
        warm_up()
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
    changed = None
    if touch is not None:
        touch()
        start = time.perf_counter()
        at.run()
        changed = (time.perf_counter() - start) * 1000
    return cold, warm, changed


def _start_up_warming() -> None:
    """What a fresh server does before its first reader: app.py's lifespan warming, waited
    for (in a server it runs in a thread while the server already listens)."""
    from ui.shared_results import start_warming

    start_warming().join()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default=str(Path(tempfile.gettempdir()) / "ipm-big.db"))
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--after-change",
        action="store_true",
        help="also time the first run after a change in the newest round (warm caches): "
        "what the first reader after people finished or edited there waits for",
    )
    parser.add_argument(
        "--change-chains",
        type=int,
        default=None,
        help="with --after-change: change that many chains of the newest round (one finisher "
        "of a chain, the usual case during a workshop) instead of one finisher in every chain",
    )
    parser.add_argument(
        "--warmed",
        action="store_true",
        help="also time the results and compare pages' first run after the start-up warming "
        "of a fresh server (caches empty, then ui.shared_results.start_warming to its end)",
    )
    args = parser.parse_args(argv)
    db = Path(args.db)
    os.environ["IPM_DB"] = str(db)
    _navigation_mode()
    results_token, facilitator_token, code = _ensure_history(db)

    bare = ROOT / "bench" / "bare_app.py"
    touch = (lambda: _touch_newest_round(db, args.change_chains)) if args.after_change else None
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

        rows.append((f"{page} page", *_time_runs(make, args.runs, touch)))
        if args.warmed and page in ("results", "compare"):
            rows.append(
                (
                    f"{page} page, fresh server after its start-up warming",
                    *_time_runs(make, args.runs, warm_up=_start_up_warming),
                )
            )
    base = statistics.median(rows[0][2])
    print(
        "\n| page | cold run ms | warm rerun median ms | warm max ms | ratio to bare "
        "| first run after a change in the newest round ms |"
    )
    print("|---|---:|---:|---:|---:|---:|")
    for name, cold, warm, changed in rows:
        median = statistics.median(warm)
        after = "–" if changed is None else f"{changed:,.0f}"
        print(
            f"| {name} | {cold:,.0f} | {median:,.0f} | {max(warm):,.0f} | {median / base:.1f}x "
            f"| {after} |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

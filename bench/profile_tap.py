"""Where the server time of one answer tap goes: cProfile over AppTest reruns of the scan.

    python bench/profile_tap.py [--taps 60]

Joins the demo workshop, then taps answers on the phase screen (each tap = one rerun with
the save callback) under cProfile, and prints the top functions by cumulative time. AppTest
reruns the whole script (a browser reruns only the fragment), so the page's own share is an
upper bound.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--taps", type=int, default=60)
    args = parser.parse_args(argv)
    folder = tempfile.mkdtemp()
    os.environ["IPM_DB"] = str(Path(folder) / "profile.db")
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.testing.v1 import AppTest

    from ipm_model.demo import create_demo
    from ipm_model.questionnaire import default_questionnaire
    from ipm_model.storage.store import Store

    original = PagesManager.__init__

    def init(self, *a, **k):
        original(self, *a, **k)
        PagesManager.uses_pages_directory = False

    PagesManager.__init__ = init
    store = Store(os.environ["IPM_DB"])
    demo = create_demo(store, default_questionnaire(), history=False).workshop
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params["code"] = "DEMO"
    at.run()
    at.radio(key="join-chain").set_value(demo.chains[0].id)
    at.radio(key="join-role").set_value("ketenteam")
    at.button(key="FormSubmitter:join-form-Start de scan").click().run()
    statements = [s.id for s in default_questionnaire().phases[0].statements]
    values = ["1", "2", "3", "4", "5", "dk", "na"]
    # The page script runs in Streamlit's script thread: profile inside that thread.
    from streamlit.runtime.scriptrunner import script_runner

    profiler = cProfile.Profile()
    real_run = script_runner.ScriptRunner._run_script

    def profiled(self, *a, **k):
        profiler.enable()
        try:
            return real_run(self, *a, **k)
        finally:
            profiler.disable()

    script_runner.ScriptRunner._run_script = profiled
    for i in range(args.taps):
        at.radio(key=f"scan-a-{statements[i % 7]}").set_value(values[i % 7]).run()
    script_runner.ScriptRunner._run_script = real_run
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(40)
    print(out.getvalue())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""AppTest: the group figure every participant's result shows is computed once per change of
that group and shared (ui/shared_results.py), yet a reader never sees a stale one: new
finishers show in the ladder's batches, an edit by a counted person shows at once, also
when another process stored it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from ipm_model import charts, formats
from ipm_model.questionnaire import default_questionnaire
from tests.app.conftest import new_app, texts
from ui import shared_results
from ui.shared_results import warm_result_radars

Q = default_questionnaire()
CHAIN = "Van schuld tot rust"
ROOT = Path(__file__).resolve().parents[2]
FIRST_PHASE = Q.phases[0]


def _finished(store, value: str):
    """A participant of CHAIN who answered every statement with `value` and finished."""
    w = store.workshop_by_code("DEMO")
    chain_id = next(c.id for c in w.chains if c.name == CHAIN)
    p = store.create_participant(w, chain_id=chain_id, role="ketenteam")
    for s in Q.statements:
        store.save_answer(p.id, s.id, value)
    store.finish(p.id)
    return p


def _result(participant):
    """A new session opening this finished participant's result: (group column of the
    first phase, the page's texts)."""
    at = new_app(p=participant.token)
    at.switch_page("pages/scan.py").run()
    assert not at.exception
    table = at.dataframe[0].value
    group = table["Groep"].iloc[0] if "Groep" in table.columns else None
    if isinstance(group, str):  # the table as the Dutch page writes it: "4,0"
        group = formats.parse_number(group, "nl")
    # The radar shows the same figure: its data sets reach the browser as Arrow bytes built
    # once per data change (ui/charts.py), never a previous reader's.
    assert _chart_group_score(at) == group
    return group, texts(at).replace("\\", "")


def _chart_group_score(at) -> float | None:
    """The group's first-phase score in the result radar's data (None: no group series)."""
    import pyarrow as pa

    found = None
    for chart in at.get("vega_lite_chart") + at.get("arrow_vega_lite_chart"):
        for dataset in chart.proto.datasets:
            for row in pa.ipc.open_stream(dataset.data.data).read_all().to_pylist():
                ours = row.get("series") == "Groep" and row.get("phase_id") == FIRST_PHASE.id
                if ours and "score" in row:
                    found = row["score"]
    return found


def _edit_in_another_process(target: str, participant_id: int, value: str) -> None:
    """Change one counted person's first-phase answers through a second Python process
    (another app process or replica writing to the same database)."""
    ids = [s.id for s in FIRST_PHASE.statements]
    script = (
        "import sys; from ipm_model.storage.store import Store\n"
        "s = Store(sys.argv[1])\n"
        f"for sid in {ids!r}: s.save_answer({participant_id}, sid, {value!r})\n"
        "s.close()\n"
    )
    subprocess.run([sys.executable, "-c", script, target], cwd=ROOT, check=True, timeout=120)


@pytest.fixture
def counted_computations(monkeypatch):
    """How often the group figure was computed (not taken from the shared cache)."""
    calls = []
    real = shared_results.group_snapshot

    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(shared_results, "group_snapshot", counting)
    return calls


def test_group_result_is_shared_batched_and_never_stale(app_store, counted_computations):
    target = os.environ["IPM_DB"]  # the app's database (the fixture sets it)
    first = [_finished(app_store, "4") for _ in range(3)]

    group, page = _result(first[0])
    assert group == 4.0 and "De groep is 3 deelnemers" in page
    assert len(counted_computations) == 1
    # A second participant's result: the same figure, from the shared cache.
    group, _ = _result(first[1])
    assert group == 4.0 and len(counted_computations) == 1

    # Two more finish (answering 2): not counted until the ladder's next rung (3 + 3).
    late = [_finished(app_store, "2") for _ in range(2)]
    group, page = _result(late[1])
    assert group == 4.0 and "De groep is 3 deelnemers" in page
    assert len(counted_computations) == 1  # nothing recomputed for an uncounted finisher

    # The sixth finisher: the next reader sees six people (3 x 4 and 3 x 2 = 3.0).
    late.append(_finished(app_store, "2"))
    group, page = _result(first[2])
    assert group == 3.0 and "De groep is 6 deelnemers" in page
    assert len(counted_computations) == 2

    # A counted person changes the first phase to 1 in another process: the next reader in
    # this process sees it at once (4 + 1 + 4 + 2 + 2 + 2 = 15 / 6 = 2.5), not the cached 3.0.
    _edit_in_another_process(target, first[1].id, "1")
    group, page = _result(late[0])
    assert group == 2.5 and "De groep is 6 deelnemers" in page
    assert len(counted_computations) == 3


def test_warm_up_builds_the_radar_templates_the_result_screens_use(app_store):
    """app.py's lifespan warms the templates; a finisher then builds none (Dutch with the
    group, English without)."""
    charts._build_radar_template.cache_clear()
    warm_result_radars()
    built = charts._build_radar_template.cache_info().misses
    # two languages x (me; me and group; me and my ambition; all three)
    assert built == 8
    alone = _finished(app_store, "3")
    at = new_app(p=alone.token, lang="en")
    at.switch_page("pages/scan.py").run()
    assert not at.exception
    assert at.get("vega_lite_chart") or at.get("arrow_vega_lite_chart")
    assert "Groep" not in at.dataframe[0].value.columns
    others = [_finished(app_store, "4") for _ in range(2)]
    group, _ = _result(others[0])
    assert group == pytest.approx((3 + 4 + 4) / 3, abs=0.05)
    assert charts._build_radar_template.cache_info().misses == built


def test_start_up_warms_then_freezes_the_start_up_heap(monkeypatch):
    """app.py's lifespan thread: the radar templates first, then the objects alive at start
    frozen out of full garbage collections (ui/heap.py), every ui module imported first."""
    import gc
    import sys

    from ui import heap

    order = []
    monkeypatch.setattr(shared_results, "warm_result_radars", lambda: order.append("warm"))

    def freeze():
        order.append("freeze")
        return heap.freeze_startup_heap()

    monkeypatch.setattr(shared_results, "freeze_startup_heap", freeze)
    monkeypatch.setattr(shared_results, "warm_results", lambda: order.append("results"))
    try:
        shared_results.start_warming().join(timeout=120)
        assert order == ["warm", "freeze", "results"]
        assert gc.get_freeze_count() > 0
        assert "ui.projector" in sys.modules and "ui.admin" in sys.modules
        # Objects made after the freeze are collected as before.
        cycle: list = []
        cycle.append(cycle)
        del cycle
        assert gc.collect() >= 1
    finally:
        gc.unfreeze()


def test_a_failed_warm_up_still_freezes(monkeypatch):
    import gc

    def broken():
        raise RuntimeError("no questionnaire")

    monkeypatch.setattr(shared_results, "warm_result_radars", broken)
    monkeypatch.setattr(shared_results, "warm_results", lambda: None)
    try:
        shared_results.start_warming().join(timeout=120)
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


def test_readers_of_one_version_at_once_compute_it_once_and_a_new_version_anew(
    app_store, monkeypatch
):
    """Single flight: sessions that ask for the same version of a group figure while it is
    being computed wait for that one computation and all get its figure (Streamlit's
    per-key compute lock of st.cache_data); the next version is computed anew."""
    import threading
    import time

    from pandas.testing import assert_frame_equal

    calls = []
    real = shared_results.group_snapshot
    started = threading.Event()

    def slow(*args, **kwargs):
        calls.append(1)
        started.set()
        time.sleep(0.5)  # long enough for every reader to arrive while it computes
        return real(*args, **kwargs)

    monkeypatch.setattr(shared_results, "group_snapshot", slow)
    shared_results._group_stats.clear()
    shared_results._group_radar_rows.clear()
    first = [_finished(app_store, "4") for _ in range(3)]
    w = app_store.workshop_by_code("DEMO")
    chain_id = first[0].chain_id
    group = shared_results.chain_group(app_store, w, chain_id)
    assert group.size == 3
    got: list = [None] * 6

    def read(i: int) -> None:
        if i % 2:
            got[i] = shared_results.group_radar_rows(app_store, Q, w, group, "Groep")
        else:
            got[i] = shared_results.group_stats(app_store, Q, w, group)

    readers = [threading.Thread(target=read, args=(i,)) for i in range(6)]
    for reader in readers:
        reader.start()
    for reader in readers:
        reader.join(30)
    assert started.is_set() and len(calls) == 1  # one computation for six readers
    for i in (2, 4):
        assert_frame_equal(got[i], got[0])
    for i in (3, 5):
        assert got[i] == got[1]
    assert got[0]["mean"].iloc[0] == 4.0
    assert got[1][0][2] == 4.0  # the first phase's score

    # Three more finish: the next rung, a new version, computed anew (once).
    [_finished(app_store, "2") for _ in range(3)]
    newer = shared_results.chain_group(app_store, w, chain_id)
    assert newer.size == 6 and newer.key != group.key
    assert shared_results.key_digest(newer.key) != shared_results.key_digest(group.key)
    assert shared_results.group_stats(app_store, Q, w, newer)["mean"].iloc[0] == 3.0
    assert shared_results.group_radar_rows(app_store, Q, w, newer, "Groep")[0][2] == 3.0
    assert len(calls) == 2
    # The older version is still its own figure.
    assert shared_results.group_stats(app_store, Q, w, group)["mean"].iloc[0] == 4.0
    assert len(calls) == 2


def test_group_radar_rows_are_the_radar_frame_of_the_group_figure(app_store):
    """The cached group rows hold exactly radar_frame's values (text as plain str), in the
    form the result screen's radar and table read (ui.charts.radar_rows)."""
    from ipm_model.results import radar_frame
    from ui.charts import radar_rows

    people = [_finished(app_store, v) for v in ("4", "2", "5")]
    w = app_store.workshop_by_code("DEMO")
    group = shared_results.chain_group(app_store, w, people[0].chain_id)
    stats = shared_results.group_stats(app_store, Q, w, group)
    shown = shared_results.group_radar_rows(app_store, Q, w, group, "Groep")
    reference = radar_rows(
        radar_frame(stats, "Groep").astype({"series": object, "phase_id": object})
    )
    assert shown == reference
    assert all(type(row[0]) is str and type(row[1]) is str for row in shown)
    assert all(type(row[3]) is int for row in shown)

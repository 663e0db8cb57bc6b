"""The compare page's charts. Small radars (ui.charts.small_radar_specs): one template for
every chain's name, the name put in afterwards, cached by the data. Each spec must be the
one a build for that chain alone gives (show_radar's arrow_radar_spec), and new data must
give new specs: never a stale chart, never one chain's name or scores in another's. The
heatmap's spec, keyed by its frame, must be a fresh build of that frame's rows."""

from __future__ import annotations

import json
import math
import re

import pandas as pd
import pyarrow as pa
import pytest

from ipm_model.charts import heatmap_chart
from ipm_model.phases import PHASE_IDS
from ipm_model.questionnaire import default_questionnaire
from ui import charts as charts_module
from ui.charts import (
    _heatmap_spec,
    _tooltip_titles,
    arrow_radar_spec,
    named_radar_spec,
    radar_key,
    small_radar_specs,
    warm_small_radars,
    with_arrow_datasets,
)

LABELS = {p: f"Fase {p}" for p in PHASE_IDS}
COLUMNS = ["series", "phase_id", "score", "n", "sd", "ci_low", "ci_high"]
NAMES = ["Zorg Oost", 'Keten "A.b" \\ x', "<b>Jeugd</b> & 'co'", "Ééntje", "Zorg Oost"]


def _chain(name: str, base: float, intervals: bool = True, gap: bool = False) -> pd.DataFrame:
    rows = []
    for i, p in enumerate(PHASE_IDS):
        score = round(min(5.0, base + 0.3 * i), 1)
        if gap and i == 2:
            score = math.nan  # a phase with too few answers
        low, high = (round(score - 0.4, 1), round(score + 0.4, 1)) if intervals else (None, None)
        rows.append((name, p, score, 5 + i, 0.6, low, high))
    return pd.DataFrame(rows, columns=COLUMNS).astype({"ci_low": float, "ci_high": float})


def _charts(*frames: pd.DataFrame) -> pd.DataFrame:
    return pd.concat([f.assign(chart=i) for i, f in enumerate(frames)], ignore_index=True)


def _canonical(spec: dict) -> dict:
    """The spec with its data sets decoded to rows and named by where they are used: Altair
    names a data set by a hash of the stand-in rows its template was built from, which
    differ between a template for one name and a template for another; nothing shown does."""
    body = json.dumps({k: v for k, v in spec.items() if k != "datasets"}, sort_keys=True)
    names = list(dict.fromkeys(re.findall(r"data-[0-9a-f]{32}", body)))
    rename = {n: f"data-{i}" for i, n in enumerate(names)}
    for old, new in rename.items():
        body = body.replace(old, new)

    def rows(data):
        if not isinstance(data, bytes):
            return data
        out = pa.ipc.open_stream(data).read_all().to_pylist()
        return [
            {k: None if isinstance(v, float) and math.isnan(v) else v for k, v in r.items()}
            for r in out
        ]

    return {
        "spec": json.loads(body),
        "datasets": {rename.get(n, n): rows(v) for n, v in spec["datasets"].items()},
    }


def _fresh(frame: pd.DataFrame, lang: str) -> dict:
    """What show_radar(frame, LABELS, lang, title=name, table=False) sends for one chain."""
    name = frame["series"].iloc[0]
    rows, labels, title, tips = radar_key(frame, LABELS, lang, name)
    return arrow_radar_spec(rows, labels, title, tips, lang=lang)


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_each_small_radar_is_the_spec_of_its_chain_alone(lang):
    frames = [
        _chain(NAMES[0], 2.0),
        _chain(NAMES[1], 3.1, gap=True),
        _chain(NAMES[2], 1.4, intervals=False),
        _chain(NAMES[3], 4.0),
        _chain(NAMES[4], 2.5),  # a second chain of the same name: a radar of its own
    ]
    specs = small_radar_specs(
        _charts(*frames), tuple(LABELS.items()), tuple(_tooltip_titles(lang).items()), lang
    )
    assert len(specs) == len(frames)
    for spec, frame in zip(specs, frames, strict=True):
        assert _canonical(spec) == _canonical(_fresh(frame, lang))
        assert spec["title"] == frame["series"].iloc[0]
        assert "\x00" not in json.dumps(_canonical(spec), ensure_ascii=False)


def test_a_chain_without_scores_is_built_as_show_radar_builds_it():
    empty = _chain("Leeg", 3.0).assign(score=math.nan, ci_low=math.nan, ci_high=math.nan)
    rows, labels, title, tips = radar_key(empty, LABELS, "nl", "Leeg")
    assert _canonical(named_radar_spec(rows, labels, tips, "nl")) == _canonical(_fresh(empty, "nl"))


def test_new_data_gives_new_specs_and_only_the_changed_chain_changes(monkeypatch):
    """The cache key is the data itself: a new finisher or an edit (another score, n or
    interval) is a new key, so the next reader gets specs built from the new data; only
    the chain whose rows changed is filled again (the others' specs are kept per process
    by their own rows)."""
    tips = tuple(_tooltip_titles("nl").items())
    before_frames = [_chain("Noord", 2.07), _chain("Zuid", 3.07)]
    before = small_radar_specs(_charts(*before_frames), tuple(LABELS.items()), tips, "nl")
    after_frames = [before_frames[0], _chain("Zuid", 3.07)]
    after_frames[1].loc[4, ["score", "n", "ci_low", "ci_high"]] = [3.9, 10, 3.5, 4.3]
    filled = []
    original = charts_module.named_radar_spec
    monkeypatch.setattr(
        charts_module,
        "named_radar_spec",
        lambda rows, *a, **k: filled.append(rows[0][0]) or original(rows, *a, **k),
    )
    after = small_radar_specs(_charts(*after_frames), tuple(LABELS.items()), tips, "nl")
    assert filled == ["Zuid"]
    assert _canonical(after[0]) == _canonical(before[0])
    assert _canonical(after[1]) != _canonical(before[1])
    for spec, frame in zip(after, after_frames, strict=True):
        assert _canonical(spec) == _canonical(_fresh(frame, "nl"))
    # and the first data again gives the first specs (no chain's rows kept from another)
    again = small_radar_specs(_charts(*before_frames), tuple(LABELS.items()), tips, "nl")
    assert [_canonical(s) for s in again] == [_canonical(s) for s in before]


def test_a_new_name_or_language_gives_new_specs():
    tips_nl = tuple(_tooltip_titles("nl").items())
    one = small_radar_specs(_charts(_chain("Noord", 2.0)), tuple(LABELS.items()), tips_nl, "nl")
    renamed = small_radar_specs(
        _charts(_chain("Noordoost", 2.0)), tuple(LABELS.items()), tips_nl, "nl"
    )
    assert renamed[0]["title"] == "Noordoost" and one[0]["title"] == "Noord"
    english = small_radar_specs(
        _charts(_chain("Noord", 2.0)),
        tuple(LABELS.items()),
        tuple(_tooltip_titles("en").items()),
        "en",
    )
    assert _canonical(english[0]) == _canonical(_fresh(_chain("Noord", 2.0), "en"))
    assert _canonical(english[0]) != _canonical(one[0])


def _small_radar_scores(at) -> dict[str, list]:
    """Per small radar (by title): the scores its points data set sends to the browser."""
    found = {}
    for chart in at.get("vega_lite_chart") + at.get("arrow_vega_lite_chart"):
        spec = json.loads(chart.proto.spec)
        if spec.get("title") is None or "layer" not in spec:
            continue
        for dataset in chart.proto.datasets:
            rows = pa.ipc.open_stream(dataset.data.data).read_all().to_pylist()
            if rows and "aria" in rows[0]:
                found[spec["title"]] = [(r["phase_id"], r["score"], r["n"]) for r in rows]
    return found


def test_an_edit_and_a_new_finisher_change_what_the_next_reader_sees(app_store, monkeypatch):
    """On the page: the small radars come from the cache, keyed by the data; the next
    reader after an edit or a new finisher sees the new figures, other chains unchanged."""
    from tests.app.conftest import new_app

    monkeypatch.setattr("ui.results.MAX_OVERLAY", 0)  # small multiples from one chain on
    demo = app_store.workshop_by_code("DEMO")
    org = app_store.organisation(demo.organisation_id)
    statements = [s.id for s in default_questionnaire().statements]
    first, second = demo.chains[0], demo.chains[1]

    def finished(chain, value: str):
        p = app_store.create_participant(demo, chain_id=chain.id, role="ketenteam")
        for sid in statements:
            app_store.save_answer(p.id, sid, value)
        app_store.finish(p.id)
        return p

    people = {
        c.id: [finished(c, "234"[i % 3]) for i in range(demo.min_group_size)]
        for c in (first, second)
    }

    def reader() -> dict[str, list]:
        at = new_app(r=org["results_token"]).run()
        at.switch_page("pages/compare.py").run()
        at.selectbox(key="filter-round").set_value(demo.id).run()
        assert not at.exception
        return _small_radar_scores(at)

    before = reader()
    assert set(before) == {first.name, second.name}
    for sid in statements:  # an edit after finishing
        app_store.save_answer(people[first.id][0].id, sid, "5")
    edited = reader()
    assert edited[first.name] != before[first.name]
    assert edited[second.name] == before[second.name]
    # New finishers in the other chain: a whole batch, since the figures count finishers
    # in batches of the minimum group size (ipm_model.disclosure).
    for _ in range(demo.min_group_size):
        finished(second, "5")
    later = reader()
    assert later[second.name] != edited[second.name]
    assert later[first.name] == edited[first.name]


def _heat(scores: dict[str, float]) -> pd.DataFrame:
    return pd.DataFrame(
        [(chain, p, score, 6) for chain, score in scores.items() for p in PHASE_IDS],
        columns=["chain", "phase_id", "score", "n"],
    )


def test_heatmap_spec_is_a_fresh_build_and_follows_the_data():
    labels, tips = tuple(LABELS.items()), (("chain", "Keten"), ("score", "Score"))
    first = _heat({"Noord": 2.3, "Zuid": math.nan, "Oost": 4.1})
    fresh = with_arrow_datasets(
        heatmap_chart(first, LABELS, tooltip_titles=dict(tips), lang="nl").to_dict()
    )
    assert _canonical(_heatmap_spec(first, labels, tips, "nl")) == _canonical(fresh)
    changed = first.copy()
    changed.loc[0, "score"] = 2.4  # one cell of one chain
    spec = _heatmap_spec(changed, labels, tips, "nl")
    assert _canonical(spec) != _canonical(fresh)
    assert _canonical(spec) == _canonical(
        with_arrow_datasets(
            heatmap_chart(changed, LABELS, tooltip_titles=dict(tips), lang="nl").to_dict()
        )
    )


def test_start_up_warms_the_small_radars_template():
    """After ui.shared_results.start_warming's warm_small_radars, a compare page on the
    default questionnaire builds no radar template."""
    from ipm_model import charts

    q = default_questionnaire()
    charts._build_radar_template.cache_clear()
    warm_small_radars()
    built = charts._build_radar_template.cache_info().misses
    assert built == 2  # Dutch and English
    for lang in ("nl", "en"):
        frames = [_chain(f"Keten {lang} {i}", 1.5 + i / 10) for i in range(5)]
        small_radar_specs(
            _charts(*frames),
            tuple(q.phase_names(lang).items()),
            tuple(_tooltip_titles(lang).items()),
            lang,
        )
    assert charts._build_radar_template.cache_info().misses == built

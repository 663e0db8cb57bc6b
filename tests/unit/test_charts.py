"""Chart builders, checked through their Vega-Lite specs (to_dict), not pixels."""

from __future__ import annotations

import json
import math

import altair as alt
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as hyp

from ipm_model import charts
from ipm_model.phases import PHASE_IDS

NL = {
    "inzicht": "Inzicht",
    "toekomst": "Toekomst",
    "versnellen": "Versnellen",
    "structuur": "Structuur",
    "doen": "Doen",
    "groeien": "Groeien",
    "borgen": "Borgen",
}
EN = {
    "inzicht": "Insight",
    "toekomst": "Future",
    "versnellen": "Accelerate",
    "structuur": "Structure",
    "doen": "Do",
    "groeien": "Grow",
    "borgen": "Secure",
}
SERIES = ("Own organisation", "Chain", "Partner A", "Partner B", "Partner C")


def radar_data(n_series: int = 1, *, shuffle: bool = False) -> pd.DataFrame:
    """Long-format radar input: every series scores every phase."""
    rows = [
        {"series": s, "phase_id": p, "score": 1 + (i + k) % 5 * 0.9, "n": 10 + k, "sd": 0.5}
        for k, s in enumerate(SERIES[:n_series])
        for i, p in enumerate(PHASE_IDS)
    ]
    frame = pd.DataFrame(rows)
    return frame.sample(frac=1, random_state=7, ignore_index=True) if shuffle else frame


def layer(spec: dict, name: str) -> tuple[dict, list[dict]]:
    """The named layer of a radar spec and its data rows."""
    (found,) = [lay for lay in spec["layer"] if lay.get("name") == name]
    return found, spec["datasets"][found["data"]["name"]]


def rows_of(spec: dict, view: dict | None = None) -> list[dict]:
    """The data rows of a view (default: the whole spec), looked up in the spec's datasets."""
    view = spec if view is None else view
    return spec["datasets"][view.get("data", spec.get("data"))["name"]]


def test_seven_labels_in_model_order_even_when_rows_are_shuffled() -> None:
    spec = charts.radar_spec(radar_data(2, shuffle=True), NL)
    _, rows = layer(spec, "phase_labels")
    assert [r["phase_id"] for r in rows] == list(PHASE_IDS)
    assert [r["label"] for r in rows] == [NL[p] for p in PHASE_IDS]


def test_first_label_at_twelve_oclock_and_second_clockwise() -> None:
    _, rows = layer(charts.radar_spec(radar_data(), NL), "phase_labels")
    assert rows[0]["x"] == pytest.approx(0, abs=1e-9)
    assert rows[0]["y"] > 0
    assert rows[1]["x"] > 0


def test_spokes_grid_and_scale() -> None:
    spec = charts.radar_spec(radar_data(), NL)
    _, spokes = layer(spec, "spokes")
    _, grid = layer(spec, "grid")
    _, scale = layer(spec, "scale_labels")
    assert len(spokes) == 7
    assert sorted({r["ring"] for r in grid}) == [1, 2, 3, 4, 5]
    assert [r["text"] for r in scale] == ["1", "2", "3", "4", "5"]
    assert spec["width"] == spec["height"] == 420
    assert spec["view"]["stroke"] is None
    x_enc = layer(spec, "grid")[0]["encoding"]["x"]
    assert x_enc["axis"] is None
    assert x_enc["scale"]["domain"] == [-5.9, 5.9]


@pytest.mark.parametrize("n_series", [1, 2, 3, 4])
def test_each_series_is_a_closed_polygon_with_legend(n_series: int) -> None:
    spec = charts.radar_spec(radar_data(n_series, shuffle=True), NL)
    area, vertices = layer(spec, "series_area")
    assert area["mark"]["type"] == "line"
    assert area["encoding"]["order"]["field"] == "vertex"
    names = list(SERIES[:n_series])
    assert sorted(area["encoding"]["color"]["scale"]["domain"]) == sorted(names)
    assert area["encoding"]["color"]["scale"]["range"] == list(charts.SERIES_COLOURS[:n_series])
    for name in names:
        points = sorted((r for r in vertices if r["series"] == name), key=lambda r: r["vertex"])
        assert len(points) == 8
        assert (points[0]["x"], points[0]["y"]) == (points[-1]["x"], points[-1]["y"])
    _, dots = layer(spec, "series_points")
    assert {r["series"] for r in dots} == set(names)


def test_radius_is_proportional_to_score() -> None:
    data = radar_data()
    _, dots = layer(charts.radar_spec(data, NL), "series_points")
    for row in dots:
        assert math.hypot(row["x"], row["y"]) == pytest.approx(row["score"])


def test_more_than_four_series_raises() -> None:
    with pytest.raises(ValueError, match="at most 4"):
        charts.radar_chart(radar_data(5), NL)


@pytest.mark.parametrize(
    "change",
    [
        {"phase_id": "onbekend"},  # unknown phase id
        {"score": 6.0},  # off the 1-5 scale
    ],
)
def test_bad_rows_raise(change: dict) -> None:
    data = radar_data()
    for column, value in change.items():
        data.loc[0, column] = value
    with pytest.raises(ValueError):
        charts.radar_chart(data, NL)


def test_series_order_sets_colours_and_must_cover_the_data() -> None:
    spec = charts.radar_spec(radar_data(2), NL, series_order=["Chain", "Own organisation"])
    color = layer(spec, "series_points")[0]["encoding"]["color"]
    assert color["scale"]["domain"] == ["Chain", "Own organisation"]
    with pytest.raises(ValueError):
        charts.radar_chart(radar_data(2), NL, series_order=["Chain"])


def test_tooltips_hold_score_n_and_sd_with_given_titles() -> None:
    titles = {
        "series": "Reeks",
        "phase": "Fase",
        "score": "Score",
        "n": "Aantal",
        "sd": "Spreiding",
    }
    spec = charts.radar_spec(radar_data(), NL, tooltip_titles=titles)
    tooltip = layer(spec, "series_points")[0]["encoding"]["tooltip"]
    by_field = {t["field"]: t for t in tooltip}
    assert set(by_field) == {"series", "phase", "score", "n", "sd"}
    assert by_field["score"]["format"] == ".1f"
    assert [t["title"] for t in tooltip] == list(titles.values())


def test_unknown_tooltip_title_key_raises() -> None:
    with pytest.raises(ValueError):
        charts.radar_chart(radar_data(), NL, tooltip_titles={"colour": "Kleur"})


@pytest.mark.parametrize("labels", [NL, EN], ids=["nl", "en"])
def test_labels_come_out_as_given(labels: dict[str, str]) -> None:
    spec = charts.radar_spec(radar_data(), labels, title="Ketenscan")
    _, rows = layer(spec, "phase_labels")
    assert [r["label"] for r in rows] == list(labels.values())
    _, dots = layer(spec, "series_points")
    assert {r["phase"] for r in dots} == set(labels.values())
    assert spec["description"].startswith("Ketenscan")
    assert all(label in spec["description"] for label in labels.values())


def test_nan_score_is_left_out_without_crashing() -> None:
    data = radar_data(2)
    data.loc[(data["series"] == "Chain") & (data["phase_id"] == "doen"), ["score", "sd"]] = math.nan
    spec = charts.radar_spec(data, NL)
    _, dots = layer(spec, "series_points")
    _, vertices = layer(spec, "series_area")
    assert ("Chain", "Doen") not in {(r["series"], r["phase"]) for r in dots}
    assert len(dots) == 13
    assert sum(r["series"] == "Chain" for r in vertices) == 7  # 6 scored phases + closing point
    assert "Doen –" in spec["description"]


def test_none_means_no_score_as_nan_does() -> None:
    data = radar_data(2).astype(object)
    data.loc[data["series"] == "Chain", ["score", "sd"]] = None
    spec = charts.radar_spec(data, NL)
    _, dots = layer(spec, "series_points")
    assert {r["series"] for r in dots} == {"Own organisation"}
    assert charts.radar_table(data, NL)["Chain"].isna().all()


def test_fewer_than_three_scored_phases_draws_only_points() -> None:
    data = radar_data(2)
    data.loc[(data["series"] == "Chain") & (data["phase_id"] != "inzicht"), "score"] = math.nan
    spec = charts.radar_spec(data, NL)
    _, vertices = layer(spec, "series_area")
    _, dots = layer(spec, "series_points")
    assert {r["series"] for r in vertices} == {"Own organisation"}
    assert [r["phase"] for r in dots if r["series"] == "Chain"] == ["Inzicht"]


def test_spec_is_json_serialisable() -> None:
    data = radar_data(2)
    data.loc[0, "sd"] = math.nan
    json.dumps(charts.radar_spec(data, NL), allow_nan=False)


def test_radar_table_has_seven_rows_in_model_order() -> None:
    data = radar_data(2, shuffle=True)
    data.loc[data["phase_id"] == "borgen", "score"] = math.nan
    table = charts.radar_table(data, EN, series_order=["Own organisation", "Chain"])
    assert list(table.index) == [EN[p] for p in PHASE_IDS]
    assert list(table.columns) == ["Own organisation", "Chain"]
    assert table.loc["Secure"].isna().all()
    assert table.loc["Insight", "Own organisation"] == 1.0


def test_heatmap_chart_prints_values_in_cells() -> None:
    data = pd.DataFrame(
        [
            {"chain": c, "phase_id": p, "score": 2.26, "n": 4}
            for c in ("Zorg", "Veiligheid")
            for p in PHASE_IDS
        ]
    )
    data.loc[0, "score"] = math.nan
    spec = charts.heatmap_chart(data, NL).to_dict()
    cells, text = spec["layer"]
    assert cells["mark"]["type"] == "rect"
    assert cells["encoding"]["color"]["field"] == "score"
    assert text["mark"]["type"] == "text"
    assert text["encoding"]["text"]["field"] == "text"
    assert cells["encoding"]["x"]["sort"] == [NL[p] for p in PHASE_IDS]
    assert cells["encoding"]["y"]["sort"] == ["Zorg", "Veiligheid"]
    assert {r["text"] for r in rows_of(spec)} == {"2.3", charts.MISSING}


def test_trend_chart_draws_a_line_per_phase_with_n_in_tooltip() -> None:
    data = pd.DataFrame(
        [
            {"round": r, "phase_id": p, "score": 3.0, "n": 8}
            for r in ("Ronde 1", "Ronde 2")
            for p in PHASE_IDS
        ]
    )
    data.loc[0, "score"] = math.nan
    spec = charts.trend_chart(data, EN).to_dict()
    json.dumps(spec, allow_nan=False)
    assert spec["mark"]["type"] == "line"
    assert spec["mark"]["point"] is True
    assert spec["encoding"]["color"]["field"] == "phase"
    assert spec["encoding"]["color"]["scale"]["domain"] == [EN[p] for p in PHASE_IDS]
    assert spec["encoding"]["x"]["sort"] == ["Ronde 1", "Ronde 2"]
    assert "n" in {t["field"] for t in spec["encoding"]["tooltip"]}


def test_theme_is_registered_but_only_enabled_by_use_theme() -> None:
    assert charts.THEME_NAME in alt.theme.names()
    assert alt.theme.active != charts.THEME_NAME
    try:
        charts.use_theme()
        assert alt.theme.active == charts.THEME_NAME
        config = charts.radar_spec(radar_data(), NL)["config"]
        assert config["font"] == charts.FONT
    finally:
        alt.theme.enable("default")


def _layer_data(spec: dict) -> dict[str, list]:
    """Each named layer's data values, resolved through the top-level datasets."""
    return {
        layer["name"]: spec["datasets"][layer["data"]["name"]]
        for layer in spec["layer"]
        if "name" in layer and "data" in layer
    }


@pytest.mark.parametrize(
    "scores",
    [
        [3.4, 2.0, 4.5, 1.0, 5.0, 3.3, 2.7],
        [3.4, float("nan"), 4.5, float("nan"), 5.0, 3.3, 2.7],
        [float("nan")] * 5 + [2.0, 4.0],  # too few scored phases for a polygon
        [float("nan")] * 7,  # nothing scored: the full build
    ],
)
def test_fast_radar_spec_equals_the_full_build(scores) -> None:
    """radar_spec fills a cached template; it must show exactly what radar_chart builds."""
    rows = [("Ik", p, s, 1, float("nan")) for p, s in zip(PHASE_IDS, scores, strict=True)]
    rows += [("Groep", p, 3.0, 4, 0.5) for p in PHASE_IDS]
    data = pd.DataFrame(rows, columns=["series", "phase_id", "score", "n", "sd"])
    fast = charts.radar_spec(data, NL, title="T")
    full = charts.radar_chart(data, NL, title="T").to_dict()
    assert _layer_data(fast) == _layer_data(full)
    assert fast["description"] == full["description"]
    strip = lambda spec: {k: v for k, v in spec.items() if k not in ("datasets", "layer")}  # noqa: E731
    assert strip(fast) == strip(full)
    no_data = lambda spec: [{k: v for k, v in la.items() if k != "data"} for la in spec["layer"]]  # noqa: E731
    assert no_data(fast) == no_data(full)
    json.dumps(fast)


def test_stage_radar_has_big_labels_no_legend_and_keeps_its_plot_square() -> None:
    spec = charts.radar_spec(radar_data(), NL, size=360, label_size=28, legend=False, pad=True)
    labels, _ = layer(spec, "phase_labels")
    assert labels["mark"]["fontSize"] == 28
    assert layer(spec, "scale_labels")[0]["mark"]["fontSize"] == 21
    assert spec["autosize"] == {"type": "pad"}
    assert (spec["width"], spec["height"]) == (360, 360)
    assert '"legend": {' not in json.dumps(spec)  # every legend is null
    # The same data as the plain radar: only the look differs.
    plain = charts.radar_spec(radar_data(), NL)
    assert layer(plain, "series_points")[1] == layer(spec, "series_points")[1]
    assert labels["mark"]["fontSize"] != layer(plain, "phase_labels")[0]["mark"]["fontSize"]
    assert "autosize" not in plain


def test_stage_look_matches_the_uncached_chart() -> None:
    kwargs = {"size": 300, "label_size": 24, "legend": False, "pad": True}
    fast = charts.radar_spec(radar_data(), NL, **kwargs)
    full = charts.radar_chart(radar_data(), NL, **kwargs).to_dict()
    assert _layer_data(fast) == _layer_data(full)
    strip = lambda spec: {k: v for k, v in spec.items() if k not in ("datasets", "layer")}  # noqa: E731
    assert strip(fast) == strip(full)
    no_data = lambda spec: [{k: v for k, v in la.items() if k != "data"} for la in spec["layer"]]  # noqa: E731
    assert no_data(fast) == no_data(full)


def _x_labels(svg: str) -> list[tuple[float, float, float, str]]:
    """(x, angle in degrees, font size, text) of the x-axis labels of a rendered chart."""
    import re

    axis = svg[svg.index('aria-label="X-axis') :]
    axis = axis[axis.index("role-axis-label") :]
    axis = axis[: axis.index("</g>")]
    found = []
    for attributes, text in re.findall(r"<text([^>]*)>([^<]*)</text>", axis):
        x = float(re.search(r"translate\(([-\d.]+),", attributes).group(1))
        rotate = re.search(r"rotate\(([-\d.]+)\)", attributes)
        size = float(re.search(r'font-size="([\d.]+)px"', attributes).group(1))
        found.append((x, float(rotate.group(1)) if rotate else 0.0, size, text))
    return found


@pytest.mark.parametrize("count", [2, 4, 8])
def test_trend_round_labels_never_overlap(count):
    """Long round titles: rendered by Vega (vl-convert), neighbouring labels keep apart."""
    import vl_convert

    rounds = [f"Ronde {i}: november 202{i} met een lange titel" for i in range(count)]
    data = pd.DataFrame(
        [(r, p, 3.0, 5) for r in rounds for p in PHASE_IDS],
        columns=["round", "phase_id", "score", "n"],
    )
    chart = charts.trend_chart(data, {p: p for p in PHASE_IDS}, round_order=rounds)
    labels = _x_labels(vl_convert.vegalite_to_svg(json.dumps(chart.to_dict())))
    assert len(labels) == count
    for (x1, angle, size, text), (x2, _, _, _) in zip(labels, labels[1:], strict=False):
        if angle % 180:
            # Parallel slanted lines of text: their distance across the lines.
            assert (x2 - x1) * abs(math.sin(math.radians(angle))) >= size
        else:
            assert x2 - x1 >= len(text) * size * 0.6  # upright: the text must fit its slot


# --- intervals and the peer benchmark on the radar -------------------------------------------

BANDS = pd.DataFrame(
    [(p, 2.5, 3.0, 3.6) for p in PHASE_IDS[:-1]] + [(PHASE_IDS[-1], None, None, None)],
    columns=list(charts.BENCHMARK_COLUMNS),
)


def _with_intervals(n_series: int) -> pd.DataFrame:
    data = radar_data(n_series)
    return data.assign(ci_low=data["score"] - 0.3, ci_high=data["score"] + 0.4)


@pytest.mark.parametrize("peers", [None, BANDS])
@pytest.mark.parametrize("n_series", [1, 2])
def test_fast_radar_spec_with_intervals_and_benchmark_equals_the_full_build(n_series, peers):
    data = _with_intervals(n_series)
    data.loc[2, ["ci_low", "ci_high"]] = float("nan")  # a score without an interval
    fast = charts.radar_spec(data, NL, title="T", benchmark=peers)
    full = charts.radar_chart(data, NL, title="T", benchmark=peers).to_dict()
    assert _layer_data(fast) == _layer_data(full)
    no_data = lambda spec: [{k: v for k, v in la.items() if k != "data"} for la in spec["layer"]]  # noqa: E731
    assert no_data(fast) == no_data(full)
    json.dumps(fast, allow_nan=False)


def test_interval_bars_lie_on_their_spoke_side_by_side():
    spec = charts.radar_spec(_with_intervals(2), NL)
    encoding, bars = layer(spec, "series_ci")
    assert encoding["encoding"]["color"]["field"] == "series"
    assert len(bars) == 2 * len(PHASE_IDS)
    first = [b for b in bars if b["series"] == SERIES[0]][0]  # inzicht: the 12 o'clock spoke
    second = [b for b in bars if b["series"] == SERIES[1]][0]
    assert first["x"] == pytest.approx(-charts.BAND_OFFSET / 2)
    assert second["x"] == pytest.approx(charts.BAND_OFFSET / 2)
    score = radar_data(1)["score"].iloc[0]
    assert (first["y"], first["y2"]) == pytest.approx((score - 0.3, score + 0.4))
    tips = [t["title"] for t in layer(spec, "series_points")[0]["encoding"]["tooltip"]]
    assert "90% interval" in tips


def test_more_than_two_series_get_no_interval_bars():
    names = [la.get("name") for la in charts.radar_spec(_with_intervals(3), NL)["layer"]]
    assert "series_ci" not in names
    names = [la.get("name") for la in charts.radar_spec(radar_data(1), NL)["layer"]]
    assert "series_ci" not in names  # no intervals given: no bars either


def test_benchmark_band_and_median_per_phase_with_all_three_values():
    spec = charts.radar_spec(radar_data(1), NL, benchmark=BANDS)
    names = [la.get("name") for la in spec["layer"]]
    assert names.index("benchmark_band") < names.index("series_area")  # beneath the series
    _, bands = layer(spec, "benchmark_band")
    _, ticks = layer(spec, "benchmark_median")
    assert len(bands) == len(ticks) == len(PHASE_IDS) - 1
    assert bands[0]["y"] == pytest.approx(2.5) and bands[0]["y2"] == pytest.approx(3.6)
    assert bands[0]["band"] == "2.5–3.6 (3.0)"


# --- numbers in the language of the page ------------------------------------------------------


@pytest.mark.parametrize(("lang", "decimal", "thousands"), [("nl", ",", "."), ("en", ".", ",")])
def test_every_chart_carries_the_number_locale_of_its_language(lang, decimal, thousands):
    """Axes and tooltips are formatted by Vega (d3-format): the locale decides "3,4"."""
    heat = pd.DataFrame([{"chain": "Zorg", "phase_id": p, "score": 3.4, "n": 4} for p in PHASE_IDS])
    trend = heat.rename(columns={"chain": "round"})
    specs = [
        charts.radar_spec(radar_data(), NL, lang=lang),
        charts.radar_chart(radar_data(), NL, lang=lang).to_dict(),
        charts.heatmap_chart(heat, NL, lang=lang).to_dict(),
        charts.trend_chart(trend, NL, lang=lang).to_dict(),
    ]
    for spec in specs:
        number = spec["config"]["locale"]["number"]
        assert (number["decimal"], number["thousands"]) == (decimal, thousands)


@pytest.mark.parametrize(("lang", "text"), [("nl", "2,3"), ("en", "2.3")])
def test_numbers_written_by_the_charts_follow_the_language(lang, text):
    """Heatmap cells, radar intervals, benchmark bands and the screen-reader text."""
    heat = pd.DataFrame(
        [{"chain": "Zorg", "phase_id": p, "score": 2.26, "n": 4} for p in PHASE_IDS]
    )
    assert {r["text"] for r in rows_of(charts.heatmap_chart(heat, NL, lang=lang).to_dict())} == {
        text
    }
    data = radar_data(1).assign(score=2.3, ci_low=2.3, ci_high=2.3)
    spec = charts.radar_spec(data, NL, lang=lang, benchmark=BANDS.assign(p25=2.3))
    _, points = layer(spec, "series_points")
    assert {p["ci"] for p in points} == {f"{text}–{text}"}
    assert all(p["aria"].endswith(f": {text}") for p in points)
    assert f"Inzicht {text}" in spec["description"]
    _, bands = layer(spec, "benchmark_band")
    assert all(b["band"].startswith(f"{text}–") for b in bands)
    # The fast template and the full build agree in both languages.
    full = charts.radar_chart(data, NL, lang=lang, benchmark=BANDS.assign(p25=2.3)).to_dict()
    assert _layer_data(spec) == _layer_data(full) and spec["config"] == full["config"]


def test_a_dutch_chart_renders_decimal_commas():
    """Rendered by Vega itself (vl-convert): the trend's value axis and a heatmap cell."""
    import vl_convert as vlc

    trend = pd.DataFrame(
        [
            {"round": r, "phase_id": p, "score": s, "n": 5}
            for r, s in (("R1", 2.4), ("R2", 3.1))
            for p in PHASE_IDS
        ]
    )
    spec = charts.trend_chart(trend, NL, lang="nl").to_dict()
    spec["encoding"]["y"]["scale"] = {"domain": [2, 3.5], "zero": False}
    svg = vlc.vegalite_to_svg(spec, allowed_base_urls=[])
    assert ">2,4<" in svg and ">2.4<" not in svg
    english = vlc.vegalite_to_svg(
        charts.trend_chart(trend, NL, lang="en").to_dict() | {"encoding": spec["encoding"]},
        allowed_base_urls=[],
    )
    assert ">2.4<" in english and ">2,4<" not in english


def test_the_series_has_a_tooltip_title_while_the_legend_has_none() -> None:
    """A tooltip without a title shows the raw field name ("series"): the legend's title is
    set apart, so a page can leave it out and still name the series in the tooltip."""
    titles = {"series": "Wie", "legend": ""}
    spec = charts.radar_spec(radar_data(2), NL, tooltip_titles=titles)
    encoding = layer(spec, "series_points")[0]["encoding"]
    (series_tip,) = [t for t in encoding["tooltip"] if t["field"] == "series"]
    assert series_tip["title"] == "Wie"
    assert encoding["color"]["legend"]["title"] is None
    assert encoding["shape"]["legend"]["title"] is None
    # Without `legend`, the legend repeats the series title (the report's "Ronde").
    spec = charts.radar_spec(radar_data(2), NL, tooltip_titles={"series": "Ronde"})
    encoding = layer(spec, "series_points")[0]["encoding"]
    assert encoding["color"]["legend"]["title"] == "Ronde"


def test_only_the_filled_layers_change_between_charts_of_one_template() -> None:
    """ui/charts.py converts the data sets of the layers outside RADAR_FILLED_LAYERS once per
    template (they are the template's own): two charts of one template with other scores,
    intervals and benchmark must differ in those filled layers only, and share the others'
    very objects."""

    def spec(score: float, low: float, p50: float) -> dict:
        rows = [("Ik", p, score, 1, float("nan"), low, low + 1) for p in PHASE_IDS]
        data = pd.DataFrame(rows, columns=[*charts.RADAR_COLUMNS, *charts.INTERVAL_COLUMNS])
        bench = pd.DataFrame(
            [(p, p50 - 0.5, p50, p50 + 0.5) for p in PHASE_IDS],
            columns=list(charts.BENCHMARK_COLUMNS),
        )
        return charts.radar_spec(data, NL, title="T", benchmark=bench)

    one, two = spec(2.0, 1.5, 2.5), spec(4.0, 3.0, 3.5)
    layers = {la["name"]: la["data"]["name"] for la in one["layer"] if "name" in la}
    assert set(layers) >= charts.RADAR_FILLED_LAYERS - {"series_ci"} | {"grid", "phase_labels"}
    for name, data in layers.items():
        if name in charts.RADAR_FILLED_LAYERS:
            assert one["datasets"][data] != two["datasets"][data], name
        else:
            assert one["datasets"][data] is two["datasets"][data], name


@pytest.mark.parametrize("lang", ["nl", "en"])
@pytest.mark.parametrize("theme", ["default", charts.THEME_NAME])
def test_spec_of_is_the_validated_spec_of_every_builder(lang, theme) -> None:
    """spec_of skips Altair's schema check: each builder's chart must give the same dict
    (and pass that check, which to_dict() makes)."""
    heat = pd.DataFrame(
        [
            {"chain": c, "phase_id": p, "score": 2.26, "n": 4}
            for c in ("Zorg", "X")
            for p in PHASE_IDS
        ]
    )
    heat.loc[0, "score"] = math.nan
    trend = pd.DataFrame(
        [{"round": r, "phase_id": p, "score": 3.1, "n": 8} for r in ("R1", "R2") for p in PHASE_IDS]
    )
    trend.loc[0, "score"] = math.nan
    radar = radar_data(2).assign(ci_low=2.0, ci_high=4.0)
    bands = pd.DataFrame([(p, 2.5, 3.0, 3.5) for p in PHASE_IDS], columns=charts.BENCHMARK_COLUMNS)
    with alt.theme.enable(theme):
        built = [
            charts.heatmap_chart(heat, NL, lang=lang, title="H"),
            charts.trend_chart(trend, NL, lang=lang),
            charts.radar_chart(radar, NL, lang=lang, benchmark=bands, title="R"),
            charts.radar_chart(radar.assign(score=math.nan), NL, lang=lang),
        ]
        for chart in built:
            assert charts.spec_of(chart) == chart.to_dict(validate=True)


_heat_scores = hyp.lists(
    hyp.one_of(hyp.floats(1, 5, allow_nan=False), hyp.just(float("nan"))),
    min_size=len(PHASE_IDS) * 2,
    max_size=len(PHASE_IDS) * 2,
)


@settings(max_examples=60, deadline=None)
@given(
    first=_heat_scores,
    second=_heat_scores,
    n=hyp.lists(hyp.integers(0, 400), min_size=2, max_size=2),
    names=hyp.sampled_from([("Zorg", "Veiligheid"), ('Één "x" <b>', "Zorg\n2")]),
    lang=hyp.sampled_from(["nl", "en"]),
    n_float=hyp.booleans(),
)
def test_heatmap_spec_from_its_template_equals_the_build(first, second, n, names, lang, n_float):
    """The second grid of a layout is filled into the first one's template: the same dict
    as a full build (rows, data set name, everything)."""

    def frame(scores):
        data = pd.DataFrame(
            [
                {"chain": c, "phase_id": p, "score": scores[k * len(PHASE_IDS) + i], "n": n[k]}
                for k, c in enumerate(names)
                for i, p in enumerate(PHASE_IDS)
            ]
        )
        return data.astype({"n": float}) if n_float else data

    tips = {"chain": "Keten", "score": "Score"}
    for scores in (first, second):
        data = frame(scores)
        spec = charts.heatmap_spec(data, NL, tooltip_titles=tips, lang=lang)
        built = charts.heatmap_chart(data, NL, tooltip_titles=tips, lang=lang)
        assert spec == built.to_dict()
        json.dumps(spec, allow_nan=False)


def _seeded_radar_rows(rng, n_series: int) -> list[tuple]:
    """Radar rows as a result screen holds them: scores (some missing, as None or NaN),
    whole n, sd and intervals only on some series."""
    names = ["Ik", "Mijn ambitie", "Groep", "Peers"][:n_series]
    rows = []
    for index, name in enumerate(names):
        phases = list(PHASE_IDS)
        if rng.random() < 0.3:
            rng.shuffle(phases)
        for phase_id in phases:
            pick = rng.random()
            score = None if pick < 0.1 else math.nan if pick < 0.2 else rng.choice(
                [1.0, 2.5, 3.3333, 4.0, 5.0, 3]
            )  # fmt: skip
            interval = index >= 2 and score is not None and rng.random() < 0.8
            low = max(1.0, score - 0.4) if interval and not math.isnan(score) else None
            high = min(5.0, score + 0.4) if low is not None else None
            sd = rng.choice([None, math.nan, 0.5, 1.25]) if index >= 2 else None
            rows.append((name, phase_id, score, rng.randint(1, 30), sd, low, high))
    return rows


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_radar_spec_from_rows_equals_the_spec_of_their_frame(lang) -> None:
    """The result screen's frameless fill gives exactly radar_spec's spec of the same rows
    as a frame (the reference): texts, data sets and description, with and without
    intervals, missing scores, a shuffled series, and the fallback routes (an n that is not
    whole, no score at all)."""
    import random

    rng = random.Random(16)
    labels = NL if lang == "nl" else EN
    tips = {"series": "Wie", "phase": "Fase", "score": "Score", "n": "n", "sd": "sd"}
    columns = [*charts.RADAR_COLUMNS, *charts.INTERVAL_COLUMNS]
    cases = [_seeded_radar_rows(rng, 1 + case % 4) for case in range(40)]
    cases.append([("Ik", p, None, 1, None, None, None) for p in PHASE_IDS])  # nothing scored
    cases.append([("Ik", p, 3.0, None if i == 2 else 1, None, None, None)
                  for i, p in enumerate(PHASE_IDS)])  # fmt: skip
    cases.append([("Ik", p, 3.0, 1.0, None, None, None) for p in PHASE_IDS])  # float n
    for rows in cases:
        reference = charts.radar_spec(
            pd.DataFrame(rows, columns=columns), labels, title="Titel", tooltip_titles=tips,
            lang=lang,
        )  # fmt: skip
        got = charts.radar_spec_from_rows(
            tuple(rows), labels, title="Titel", tooltip_titles=tips, lang=lang
        )
        assert json.dumps(got, sort_keys=True) == json.dumps(reference, sort_keys=True)
        assert got == reference

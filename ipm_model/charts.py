"""Altair chart builders: long-format DataFrames in, charts (or spec dicts) out.

Every builder is pure and takes its display texts (phase labels, tooltip titles) and its
language from the caller, so the same builder serves the Dutch and the English UI: numbers
written here go through `ipm_model.formats`, and each chart carries the Vega format locale
of its language, so axes and tooltips write "3,4" in Dutch and "3.4" in English. Pages
cache the result (`st.cache_data`) keyed by the data; nothing here imports Streamlit.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields, replace
from functools import cache, lru_cache
from typing import Any

import altair as alt
import pandas as pd

from ipm_model import formats, spec_cache
from ipm_model.phases import PHASE_IDS

SCALE_MIN = 1
SCALE_MAX = 5
MAX_SERIES = 4

# Okabe-Ito: distinguishable with the common colour-vision deficiencies. The first four go to
# radar series by position, so "own score" keeps its colour on every chart that lists it first.
OKABE_ITO: tuple[str, ...] = (
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#CC79A7",
    "#56B4E9",
    "#D55E00",
    "#F0E442",
    "#000000",
)
SERIES_COLOURS: tuple[str, ...] = OKABE_ITO[:MAX_SERIES]
# A second cue besides colour, for print in grey and for overlapping points.
SERIES_SHAPES: tuple[str, ...] = ("circle", "square", "triangle-up", "diamond")
# Seven phases need seven colours; yellow is skipped because it vanishes on white.
PHASE_COLOURS: tuple[str, ...] = (*OKABE_ITO[:6], OKABE_ITO[7])
# Diverging red-blue (ColorBrewer RdBu), readable with red-green colour blindness.
LIKERT_COLOURS: tuple[str, ...] = ("#CA0020", "#F4A582", "#D9D9D9", "#92C5DE", "#0571B0")
LIKERT_VALUES: tuple[str, ...] = ("1", "2", "3", "4", "5")
OTHER_VALUES: tuple[str, ...] = ("dk", "na")  # "don't know" and "not applicable"
OTHER_COLOURS: tuple[str, ...] = ("#7F7F7F", "#BDBDBD")
GRID_COLOUR = "#C8C8C8"
TEXT_COLOUR = "#31333F"
FONT = "'Source Sans 3', 'Source Sans Pro', sans-serif"
THEME_NAME = "ipm"

# Encodings are always channel objects (alt.X(...), alt.Detail(...)): a bare shorthand string
# in .encode() costs about 8 ms of schema work per channel, which adds up on every rerun.

# Radar geometry in data units: the outer ring is at 5; the extra room holds the labels.
RADAR_DOMAIN: tuple[float, float] = (-5.9, 5.9)
LABEL_RADIUS = 5.35
MISSING = "–"  # shown for a phase without enough answers; no words, so no language

RADAR_COLUMNS: tuple[str, ...] = ("series", "phase_id", "score", "n", "sd")
# Optional per row: the 90 % interval of the score, drawn as a short bar along the spoke.
INTERVAL_COLUMNS: tuple[str, ...] = ("ci_low", "ci_high")
# A peer benchmark: per phase the 25th, 50th and 75th percentile of other organisations'
# chains, drawn as a wide grey bar along each spoke with a tick at the median.
BENCHMARK_COLUMNS: tuple[str, ...] = ("phase_id", "p25", "p50", "p75")
MAX_BAR_SERIES = 2  # interval bars only up to this many series: more would not stay readable
# The radar layers whose data radar_spec fills per chart; every other layer's data set is the
# template's own, the same for every chart of that template.
RADAR_FILLED_LAYERS = frozenset(
    {"series_area", "series_points", "series_ci", "benchmark_band", "benchmark_median"}
)
BAND_OFFSET = 0.17  # data units between the interval bars of two series on one spoke
BENCHMARK_COLOUR = "#8C8C8C"


@dataclass(frozen=True)
class TooltipTitles:
    """Field titles for tooltips and legends; English defaults, pages pass the UI language."""

    series: str = "Series"
    # The legend's title over the series: None repeats `series`, "" leaves it out (a legend
    # of "Me" and "Group" needs no heading; a tooltip without a title shows the raw field).
    legend: str | None = None
    phase: str = "Phase"
    score: str = "Score"
    n: str = "Respondents"
    sd: str = "Spread (sd)"
    ci: str = "90% interval"
    benchmark: str = "Other organisations (25-75%)"
    chain: str = "Chain"
    round: str = "Round"
    statement: str = "Statement"
    value: str = "Answer"
    count: str = "Count"


def _titles(overrides: Mapping[str, str] | None) -> TooltipTitles:
    """TooltipTitles with the given keys replaced; unknown keys are an error."""
    overrides = dict(overrides or {})
    unknown = set(overrides) - {f.name for f in fields(TooltipTitles)}
    if unknown:
        raise ValueError(f"unknown tooltip title keys: {sorted(unknown)}")
    return replace(TooltipTitles(), **overrides)


def _require_columns(data: pd.DataFrame, columns: Sequence[str]) -> None:
    """Raise ValueError naming the columns that `data` lacks."""
    missing = [c for c in columns if c not in data.columns]
    if missing:
        raise ValueError(f"data lacks columns {missing}; expected {list(columns)}")


def _phase_labels(data: pd.DataFrame | Sequence[str], labels: Mapping[str, str]) -> list[str]:
    """Labels in model order, after checking data (a frame, or its phase ids) and labels
    against PHASE_IDS."""
    phases = data["phase_id"] if isinstance(data, pd.DataFrame) else data
    unknown = sorted(set(phases) - set(PHASE_IDS))
    if unknown:
        raise ValueError(f"unknown phase ids {unknown}; expected ids from {PHASE_IDS}")
    unlabelled = [p for p in PHASE_IDS if p not in labels]
    if unlabelled:
        raise ValueError(f"labels lack phase ids {unlabelled}")
    return [labels[p] for p in PHASE_IDS]


def _ordered(
    values: pd.Series | Sequence[str], order: Sequence[str] | None, what: str
) -> list[str]:
    """The given order (checked to cover `values`), else order of first appearance."""
    seen = list(dict.fromkeys(values))
    if order is None:
        return seen
    order = list(order)
    if len(set(order)) != len(order):
        raise ValueError(f"{what} order has duplicates: {order}")
    extra = [v for v in seen if v not in order]
    if extra:
        raise ValueError(f"{what} {extra} in data but not in the given order {order}")
    return order


def _title(title: str | None) -> dict[str, str]:
    """Chart properties for an optional title (Altair rejects an explicit None)."""
    return {"title": title} if title else {}


def _fmt(value: float, lang: str) -> str:
    """A score as shown to people: one decimal in the language's notation, or a dash."""
    return MISSING if pd.isna(value) else formats.number(value, lang)


def spec_of(chart: alt.TopLevelMixin) -> dict[str, Any]:
    """A builder's chart as its Vega-Lite dict, without Altair's check against the schema:
    the same dict as chart.to_dict() (tests build every builder's charts validated and
    compare), at about half the cost, and a fresh process does not load the schema (~0.1 s)
    for the first chart it draws."""
    return chart.to_dict(validate=False)


def _localised(chart: alt.TopLevelMixin, lang: str) -> alt.TopLevelMixin:
    """The chart with the number locale of `lang` (d3-format: axes, tooltips)."""
    return chart.configure(locale=formats.vega_locale(lang))


# --- radar --------------------------------------------------------------------------------


def _xy(radius: float, index: int) -> tuple[float, float]:
    """Point at `radius` on spoke `index`: spoke 0 at 12 o'clock, then clockwise."""
    angle = 2 * math.pi * index / len(PHASE_IDS)
    return radius * math.sin(angle), radius * math.cos(angle)


@cache
def _radar_grid() -> pd.DataFrame:
    """Closed heptagons at 1..5, one row per vertex (first vertex repeated)."""
    rows = [
        {"ring": ring, "vertex": k, **dict(zip("xy", _xy(ring, k % len(PHASE_IDS)), strict=True))}
        for ring in range(SCALE_MIN, SCALE_MAX + 1)
        for k in range(len(PHASE_IDS) + 1)
    ]
    return pd.DataFrame(rows)


@cache
def _radar_spokes() -> pd.DataFrame:
    """One row per spoke, from the centre to the outer ring."""
    ends = [_xy(SCALE_MAX, i) for i in range(len(PHASE_IDS))]
    return pd.DataFrame(
        {"x": 0.0, "y": 0.0, "x2": [e[0] for e in ends], "y2": [e[1] for e in ends]}
    )


@cache
def _radar_scale_labels() -> pd.DataFrame:
    """Ring values 1..5, written just right of the 12 o'clock spoke."""
    rings = range(SCALE_MIN, SCALE_MAX + 1)
    return pd.DataFrame(
        {"x": 0.08, "y": [float(r) for r in rings], "text": [str(r) for r in rings]}
    )


def _radar_label_rows(phase_labels: Sequence[str]) -> pd.DataFrame:
    """Phase labels just outside the outer ring, aligned away from the centre."""
    rows = []
    for i, (phase_id, label) in enumerate(zip(PHASE_IDS, phase_labels, strict=True)):
        x, y = _xy(LABEL_RADIUS, i)
        align = "left" if x > 0.5 else "right" if x < -0.5 else "center"
        baseline = "bottom" if y > 4 else "top" if y < -4 else "middle"
        rows.append(
            {
                "phase_id": phase_id,
                "label": label,
                "x": x,
                "y": y,
                "align": align,
                "baseline": baseline,
            }
        )
    return pd.DataFrame(rows)


def _radar_frame(
    data: pd.DataFrame, labels: Mapping[str, str], series_order: Sequence[str] | None
) -> tuple[pd.DataFrame, list[str], list[str]]:
    """Validated rows in (series, model) order with a phase label, plus series and labels."""
    _require_columns(data, RADAR_COLUMNS)
    phase_labels = _phase_labels(data, labels)
    series = _ordered(data["series"], series_order, "series")
    if len(series) > MAX_SERIES:
        raise ValueError(f"at most {MAX_SERIES} series fit one radar, got {len(series)}: {series}")
    if data.duplicated(["series", "phase_id"]).any():
        raise ValueError("data has more than one row for a (series, phase_id) pair")

    frame = data.loc[:, list(RADAR_COLUMNS)].copy()
    for column in INTERVAL_COLUMNS:
        frame[column] = data[column].to_numpy() if column in data.columns else float("nan")
    # None (e.g. from a cached tuple of rows) and NaN both mean "no score".
    for column in ("score", "sd", *INTERVAL_COLUMNS):
        frame[column] = pd.to_numeric(frame[column]).astype(float)
    scores = frame["score"].dropna()
    if ((scores < SCALE_MIN) | (scores > SCALE_MAX)).any():
        raise ValueError(f"scores must lie in {SCALE_MIN}..{SCALE_MAX} (or be NaN)")
    frame["phase_index"] = frame["phase_id"].map(PHASE_IDS.index)
    frame["series_index"] = frame["series"].map(series.index)
    frame = frame.sort_values(["series_index", "phase_index"], ignore_index=True)
    frame["phase"] = frame["phase_index"].map(phase_labels.__getitem__)
    return frame, series, phase_labels


POINT_COLUMNS = ("series", "phase_id", "phase", "score", "n", "sd", "ci", "x", "y", "aria")


def _radar_points(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The scored rows of a radar frame with their x, y and screen-reader text."""
    scored = frame.dropna(subset=["score"]).copy()
    xy = [_xy(s, i) for s, i in zip(scored["score"], scored["phase_index"], strict=True)]
    scored["x"] = [p[0] for p in xy]
    scored["y"] = [p[1] for p in xy]
    scored["ci"] = [
        f"{_fmt(low, lang)}–{_fmt(high, lang)}" if pd.notna(low) and pd.notna(high) else MISSING
        for low, high in zip(scored["ci_low"], scored["ci_high"], strict=True)
    ]
    # What a screen reader says for each point; the chart description gives the overview.
    scored["aria"] = [
        f"{name}, {phase}: {_fmt(score, lang)}"
        for name, phase, score in zip(
            scored["series"], scored["phase"], scored["score"], strict=True
        )
    ]
    return scored


def _along_spoke(index: int, low: float, high: float, offset: float) -> dict[str, float]:
    """A bar from `low` to `high` on spoke `index`, moved `offset` sideways (clockwise)."""
    angle = 2 * math.pi * index / len(PHASE_IDS)
    side = (math.cos(angle) * offset, -math.sin(angle) * offset)
    (x, y), (x2, y2) = _xy(low, index), _xy(high, index)
    return {"x": x + side[0], "y": y + side[1], "x2": x2 + side[0], "y2": y2 + side[1]}


def _radar_intervals(scored: pd.DataFrame, n_series: int) -> pd.DataFrame:
    """One bar per scored point with an interval; series side by side on the spoke."""
    rows = []
    for r in scored.dropna(subset=list(INTERVAL_COLUMNS)).itertuples():
        offset = (r.series_index - (n_series - 1) / 2) * BAND_OFFSET
        bar = _along_spoke(r.phase_index, r.ci_low, r.ci_high, offset)
        rows.append({"series": r.series, **bar})
    return pd.DataFrame(rows, columns=["series", "x", "y", "x2", "y2"])


@cache
def _benchmark_key() -> pd.DataFrame:
    """Where the benchmark's key is drawn: a short grey bar in the bottom-left corner."""
    return pd.DataFrame({"x": [-5.8], "y": [-5.75], "x2": [-5.3], "y2": [-5.75]})


def _benchmark_rows(benchmark: pd.DataFrame | None, lang: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The benchmark's bars (p25..p75) and median ticks, per phase with all three values."""
    bands, ticks = [], []
    if benchmark is not None:
        _require_columns(benchmark, BENCHMARK_COLUMNS)
        for r in benchmark.dropna(subset=["p25", "p50", "p75"]).itertuples():
            i = PHASE_IDS.index(r.phase_id)
            low, mid, high = (_fmt(float(v), lang) for v in (r.p25, r.p50, r.p75))
            band = f"{low}–{high} ({mid})"
            bands.append({**_along_spoke(i, float(r.p25), float(r.p75), 0.0), "band": band})
            angle = 2 * math.pi * i / len(PHASE_IDS)
            cx, cy = _xy(float(r.p50), i)
            dx, dy = math.cos(angle) * 0.22, -math.sin(angle) * 0.22
            ticks.append({"x": cx - dx, "y": cy - dy, "x2": cx + dx, "y2": cy + dy})
    columns = ["x", "y", "x2", "y2"]
    return pd.DataFrame(bands, columns=[*columns, "band"]), pd.DataFrame(ticks, columns=columns)


def _with_bars(frame: pd.DataFrame, series: Sequence[str]) -> bool:
    """Draw interval bars: some row has an interval, and few enough series to read them."""
    return len(series) <= MAX_BAR_SERIES and bool(
        frame[list(INTERVAL_COLUMNS)].notna().all(axis=1).any()
    )


def _radar_polygons(scored: pd.DataFrame) -> pd.DataFrame:
    """Closed polygon vertices for each series with 3 or more scored phases."""
    parts = []
    for _, group in scored.groupby("series_index", sort=True):
        if len(group) >= 3:
            closed = pd.concat([group, group.iloc[:1]], ignore_index=True)
            closed["vertex"] = range(len(closed))
            parts.append(closed)
    if not parts:
        return pd.DataFrame(columns=["series", "x", "y", "vertex"])
    return pd.concat(parts, ignore_index=True)[["series", "x", "y", "vertex"]]


def _radar_description(frame: pd.DataFrame, title: str | None, lang: str) -> str:
    """Screen-reader text listing each series' score per phase (no added words)."""
    parts = [title] if title else []
    for _, group in frame.groupby("series_index", sort=True):
        pairs = zip(group["phase"], group["score"], strict=True)
        scores = ", ".join(f"{phase} {_fmt(score, lang)}" for phase, score in pairs)
        parts.append(f"{group['series'].iloc[0]}: {scores}")
    parts.append(f"({SCALE_MIN}–{SCALE_MAX})")
    return ". ".join(parts)


def radar_chart(
    data: pd.DataFrame,
    labels: Mapping[str, str],
    *,
    series_order: Sequence[str] | None = None,
    size: int = 420,
    title: str | None = None,
    tooltip_titles: Mapping[str, str] | None = None,
    label_size: int = 12,
    legend: bool = True,
    pad: bool = False,
    benchmark: pd.DataFrame | None = None,
    lang: str = "en",
) -> alt.LayerChart:
    """Seven-spoke radar of phase scores (1–5) for one to four series.

    `data` is long format: series (display name), phase_id, score (NaN = not enough
    answers), n (respondents), sd (NaN allowed), optionally ci_low and ci_high (the 90 %
    interval, drawn as a short bar along the spoke). `labels` maps phase_id to display
    label. `benchmark` (BENCHMARK_COLUMNS) adds other organisations' middle half as a grey
    bar with a tick at the median on each spoke.
    `label_size` is the phase labels' font size in px (the ring numbers follow it);
    `legend=False` leaves the legend out (one series under a heading of its own);
    `pad=True` keeps the plot square at `size` and grows the chart around its labels
    instead of squeezing the plot into `size` (for a view that scales the whole chart).
    `lang` ("nl" or "en") decides how numbers are written (see `ipm_model.formats`).
    """
    frame, series, phase_labels = _radar_frame(data, labels, series_order)
    titles = _titles(tooltip_titles)
    scored = _radar_points(frame, lang)
    with_bars = _with_bars(frame, series)

    scale = alt.Scale(domain=list(RADAR_DOMAIN), nice=False, zero=False)
    x = alt.X("x:Q", axis=None, scale=scale)
    y = alt.Y("y:Q", axis=None, scale=scale)

    grid = (
        alt.Chart(_radar_grid(), name="grid")
        .mark_line(color=GRID_COLOUR, strokeWidth=0.8, aria=False)
        .encode(x, y, detail=alt.Detail("ring:N"), order=alt.Order("vertex:Q"))
    )
    spokes = (
        alt.Chart(_radar_spokes(), name="spokes")
        .mark_rule(color=GRID_COLOUR, strokeWidth=0.8, aria=False)
        .encode(x, y, x2=alt.X2("x2"), y2=alt.Y2("y2"))
    )
    scale_labels = (
        alt.Chart(_radar_scale_labels(), name="scale_labels")
        .mark_text(
            align="left",
            baseline="middle",
            dx=2,
            fontSize=max(11, round(label_size * 0.75)),
            color="#595959",
            aria=False,
        )
        .encode(x, y, text=alt.Text("text:N"))
    )
    phase_text = (
        alt.Chart(_radar_label_rows(phase_labels), name="phase_labels")
        .mark_text(
            align=alt.ExprRef("datum.align"),
            baseline=alt.ExprRef("datum.baseline"),
            fontSize=label_size,
            color=TEXT_COLOUR,
            aria=False,
        )
        .encode(x, y, text=alt.Text("label:N"))
    )
    layers: list[alt.Chart] = [grid, spokes, scale_labels, phase_text]
    if benchmark is not None:
        bands, ticks = _benchmark_rows(benchmark, lang)
        layers += [
            alt.Chart(bands, name="benchmark_band")
            .mark_rule(color=BENCHMARK_COLOUR, strokeWidth=14, opacity=0.3, aria=False)
            .encode(
                x,
                y,
                x2=alt.X2("x2"),
                y2=alt.Y2("y2"),
                tooltip=[alt.Tooltip("band:N", title=titles.benchmark)],
            ),
            alt.Chart(ticks, name="benchmark_median")
            .mark_rule(color="#595959", strokeWidth=2, aria=False)
            .encode(x, y, x2=alt.X2("x2"), y2=alt.Y2("y2")),
            # Its key, in the empty bottom-left corner (the legend holds only the series).
            alt.Chart(_benchmark_key(), name="benchmark_key")
            .mark_rule(color=BENCHMARK_COLOUR, strokeWidth=14, opacity=0.3, aria=False)
            .encode(x, y, x2=alt.X2("x2"), y2=alt.Y2("y2")),
            alt.Chart(_benchmark_key(), name="benchmark_key_text")
            # No aria: the page explains the grey bar in words; Vega would read out "x2: −5,3".
            .mark_text(
                align="left", baseline="middle", dx=6, fontSize=11, color=TEXT_COLOUR, aria=False
            )
            .encode(x=alt.X("x2:Q", axis=None, scale=scale), y=y, text=alt.value(titles.benchmark)),
        ]

    # No scored phase at all (allowed: a participant may finish with only "don't know"): the
    # grid alone, without empty mark groups that screen readers would announce.
    if series and not scored.empty:
        domain = list(series)
        legend_title = (titles.series if titles.legend is None else titles.legend) or None
        colours = alt.Scale(domain=domain, range=list(SERIES_COLOURS[: len(series)]))
        color = alt.Color(
            "series:N",
            scale=colours,
            # Two per row: a single row of four long names runs off a narrow column.
            legend=alt.Legend(title=legend_title, orient="bottom", columns=min(len(series), 2))
            if legend
            else None,
        )
        polygons = (
            alt.Chart(_radar_polygons(scored), name="series_area")
            .mark_line(fillOpacity=0.12, strokeWidth=2, aria=False)
            .encode(
                x,
                y,
                color=color,
                fill=alt.Fill("series:N", scale=colours, legend=None),
                order=alt.Order("vertex:Q"),
            )
        )
        points = (
            alt.Chart(
                scored[list(POINT_COLUMNS)],
                name="series_points",
            )
            .mark_point(filled=True, size=60 * (label_size / 12) ** 2 if pad else 60, opacity=1)
            .encode(
                x,
                y,
                color=color,
                description=alt.Description("aria:N"),
                shape=alt.Shape(
                    "series:N",
                    scale=alt.Scale(domain=domain, range=list(SERIES_SHAPES[: len(series)])),
                    legend=alt.Legend(title=legend_title) if legend else None,
                ),
                tooltip=[
                    alt.Tooltip("series:N", title=titles.series),
                    alt.Tooltip("phase:N", title=titles.phase),
                    alt.Tooltip("score:Q", title=titles.score, format=".1f"),
                    alt.Tooltip("n:Q", title=titles.n, format="d"),
                    alt.Tooltip("sd:Q", title=titles.sd, format=".1f"),
                    *([alt.Tooltip("ci:N", title=titles.ci)] if with_bars else []),
                ],
            )
        )
        layers.append(polygons)
        if with_bars:
            layers.append(
                alt.Chart(_radar_intervals(scored, len(series)), name="series_ci")
                .mark_rule(strokeWidth=5, opacity=0.75, strokeCap="round", aria=False)
                .encode(x, y, x2=alt.X2("x2"), y2=alt.Y2("y2"), color=color)
            )
        layers.append(points)

    chart = alt.layer(*layers).properties(
        width=size,
        height=size,
        **_title(title),
        description=_radar_description(frame, title, lang),
        view=alt.ViewBackground(stroke=None),
    )
    if pad:
        chart = chart.properties(autosize=alt.AutoSizeParams(type="pad"))
    return _localised(chart, lang)


def radar_table(
    data: pd.DataFrame,
    labels: Mapping[str, str],
    series_order: Sequence[str] | None = None,
) -> pd.DataFrame:
    """The radar's numbers: a row per phase (model order, index = label), a column per series."""
    rows, series = _radar_rows(data, labels, series_order)
    scores = {name: [math.nan] * len(PHASE_IDS) for name in series}
    for r in rows:
        if r["score"] is not None:
            scores[r["series"]][r["phase_index"]] = r["score"]
    index = [labels[p] for p in PHASE_IDS]
    return pd.DataFrame(scores, index=index, columns=series, dtype=float).round(1)


def radar_spec(
    data: pd.DataFrame,
    labels: Mapping[str, str],
    *,
    series_order: Sequence[str] | None = None,
    size: int = 420,
    title: str | None = None,
    tooltip_titles: Mapping[str, str] | None = None,
    label_size: int = 12,
    legend: bool = True,
    pad: bool = False,
    benchmark: pd.DataFrame | None = None,
    lang: str = "en",
) -> dict[str, Any]:
    """The radar as a JSON-safe Vega-Lite dict: the same chart as radar_chart(...).to_dict().

    Building an Altair chart costs ~50-100 ms; everything but the scores is
    the same for every chart with the same series, labels and texts. So the spec is built
    once per such "template" and only its data sets (polygons, points, interval bars,
    benchmark) and its description are filled in per call (well under a millisecond).
    """
    rows, series = _radar_rows(data, labels, series_order, lang)
    scored = [r for r in rows if r["score"] is not None]
    if not scored:
        return radar_chart(
            data, labels, series_order=series_order, size=size, title=title,
            tooltip_titles=tooltip_titles, label_size=label_size, legend=legend, pad=pad,
            benchmark=benchmark, lang=lang,
        ).to_dict()  # fmt: skip
    return _filled_radar_spec(
        rows, series, scored, labels, size=size, title=title, tooltip_titles=tooltip_titles,
        label_size=label_size, legend=legend, pad=pad, benchmark=benchmark, lang=lang,
    )  # fmt: skip


def radar_spec_from_rows(
    rows: Sequence[tuple],
    labels: Mapping[str, str],
    *,
    title: str | None = None,
    tooltip_titles: Mapping[str, str] | None = None,
    lang: str = "en",
) -> dict[str, Any]:
    """radar_spec(pd.DataFrame(rows, columns=[*RADAR_COLUMNS, *INTERVAL_COLUMNS]), labels,
    title=..., tooltip_titles=..., lang=...) without the frame: the same spec (a test
    compares the two on seeded rows). Rows are (series, phase_id, score, n, sd, ci_low,
    ci_high) with None or NaN for a missing number; a participant's result screen fills
    one radar of a dozen numbers, where the frame and its reading cost more than the fill.

    Rows whose n is not a whole number everywhere (a frame would make that column floats)
    and rows without any score (an Altair build) take radar_spec's own route."""
    width = len(RADAR_COLUMNS) + len(INTERVAL_COLUMNS)
    if not rows or any(len(r) != width or type(r[3]) is not int for r in rows):
        frame = pd.DataFrame(list(rows), columns=[*RADAR_COLUMNS, *INTERVAL_COLUMNS])
        return radar_spec(frame, labels, title=title, tooltip_titles=tooltip_titles, lang=lang)
    columns = dict(zip(("series", "phase_id", "score", "n", "sd", *INTERVAL_COLUMNS),
                       (list(c) for c in zip(*rows, strict=True)), strict=True))  # fmt: skip
    made, series = _column_rows(columns, labels, None, lang)
    scored = [r for r in made if r["score"] is not None]
    if not scored:
        frame = pd.DataFrame(list(rows), columns=[*RADAR_COLUMNS, *INTERVAL_COLUMNS])
        return radar_spec(frame, labels, title=title, tooltip_titles=tooltip_titles, lang=lang)
    return _filled_radar_spec(
        made, series, scored, labels, size=420, title=title, tooltip_titles=tooltip_titles,
        label_size=12, legend=True, pad=False, benchmark=None, lang=lang,
    )  # fmt: skip


def _filled_radar_spec(
    rows: list[dict[str, Any]],
    series: list[str],
    scored: list[dict[str, Any]],
    labels: Mapping[str, str],
    *,
    size: int,
    title: str | None,
    tooltip_titles: Mapping[str, str] | None,
    label_size: int,
    legend: bool,
    pad: bool,
    benchmark: pd.DataFrame | None,
    lang: str,
) -> dict[str, Any]:
    """radar_spec's template with this chart's rows filled in (at least one scored)."""
    with_bars = len(series) <= MAX_BAR_SERIES and any(
        r["ci_low"] is not None and r["ci_high"] is not None for r in rows
    )
    template = _radar_template(
        tuple(series),
        tuple((p, labels[p]) for p in PHASE_IDS),
        size,
        title,
        tuple(sorted((tooltip_titles or {}).items())),
        alt.theme.active,  # the theme's config is part of the spec
        (label_size, legend, pad),
        with_bars,
        benchmark is not None,
        lang,
    )
    spec = dict(template)
    spec["datasets"] = dict(template["datasets"])
    fills = {
        "series_area": _polygon_records(scored),
        "series_points": [{c: r[c] for c in POINT_COLUMNS} for r in scored],
        "series_ci": _interval_records(scored, len(series)) if with_bars else [],
    }
    if benchmark is not None:
        bands, ticks = _benchmark_rows(benchmark, lang)
        fills |= {"benchmark_band": _records(bands), "benchmark_median": _records(ticks)}
    for layer in spec["layer"]:
        if layer.get("name") in fills:
            spec["datasets"][layer["data"]["name"]] = fills[layer["name"]]
    spec["description"] = _rows_description(rows, title, lang)
    return spec


# radar_spec's fill in plain Python: the same rows, values and texts as radar_chart's
# pandas path (tests compare the two), at a fraction of the cost, since a participant's
# result screen fills one radar of its own.


def _number(value: Any) -> Any:
    """A JSON-safe cell: numpy scalars as Python numbers, NaN and None as None."""
    if value is None:
        return None
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def _score(value: Any) -> float | None:
    value = _number(value)
    return None if value is None else float(value)


def _radar_rows(
    data: pd.DataFrame,
    labels: Mapping[str, str],
    series_order: Sequence[str] | None,
    lang: str = "en",
) -> tuple[list[dict[str, Any]], list[str]]:
    """_radar_frame and _radar_points as plain rows (scores None when missing): validated,
    in (series, model) order, with phase label, x, y, interval text and screen-reader text."""
    _require_columns(data, RADAR_COLUMNS)
    none = [None] * len(data)
    columns = {
        c: (data[c].tolist() if c in data.columns else none)
        for c in ("series", "phase_id", "score", "n", "sd", *INTERVAL_COLUMNS)
    }
    return _column_rows(columns, labels, series_order, lang)


def _column_rows(
    columns: Mapping[str, list[Any]],
    labels: Mapping[str, str],
    series_order: Sequence[str] | None,
    lang: str = "en",
) -> tuple[list[dict[str, Any]], list[str]]:
    """_radar_rows over the radar's columns as lists (series, phase_id, score, n, sd,
    ci_low, ci_high), as a frame's tolist() gives them."""
    names, phases = columns["series"], columns["phase_id"]
    phase_labels = _phase_labels(phases, labels)
    series = _ordered(names, series_order, "series")
    if len(series) > MAX_SERIES:
        raise ValueError(f"at most {MAX_SERIES} series fit one radar, got {len(series)}: {series}")
    if len(set(zip(names, phases, strict=True))) != len(names):
        raise ValueError("data has more than one row for a (series, phase_id) pair")
    rows = []
    for i, (name, phase_id) in enumerate(zip(names, phases, strict=True)):
        score = _score(columns["score"][i])
        if score is not None and not SCALE_MIN <= score <= SCALE_MAX:
            raise ValueError(f"scores must lie in {SCALE_MIN}..{SCALE_MAX} (or be NaN)")
        index = PHASE_IDS.index(phase_id)
        low, high = _score(columns["ci_low"][i]), _score(columns["ci_high"][i])
        row = {
            "series": name,
            "phase_id": phase_id,
            "phase": phase_labels[index],
            "score": score,
            "n": _number(columns["n"][i]),
            "sd": _score(columns["sd"][i]),
            "ci": f"{_fmt(low, lang)}–{_fmt(high, lang)}"
            if low is not None and high is not None
            else MISSING,
            "ci_low": low,
            "ci_high": high,
            "phase_index": index,
            "series_index": series.index(name),
        }
        if score is not None:
            row["x"], row["y"] = _xy(score, index)
            row["aria"] = f"{name}, {row['phase']}: {_fmt(score, lang)}"
        rows.append(row)
    rows.sort(key=lambda r: (r["series_index"], r["phase_index"]))
    return rows, series


def _polygon_records(scored: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """_radar_polygons as records: each series with 3 or more scored phases, closed."""
    out: list[dict[str, Any]] = []
    for index in sorted({r["series_index"] for r in scored}):
        group = [r for r in scored if r["series_index"] == index]
        if len(group) >= 3:
            for vertex, r in enumerate([*group, group[0]]):
                out.append({"series": r["series"], "x": r["x"], "y": r["y"], "vertex": vertex})
    return out


def _interval_records(scored: list[dict[str, Any]], n_series: int) -> list[dict[str, Any]]:
    """_radar_intervals as records."""
    out = []
    for r in scored:
        if r["ci_low"] is None or r["ci_high"] is None:
            continue
        offset = (r["series_index"] - (n_series - 1) / 2) * BAND_OFFSET
        bar = _along_spoke(r["phase_index"], r["ci_low"], r["ci_high"], offset)
        out.append({"series": r["series"], **bar})
    return out


def _rows_description(rows: list[dict[str, Any]], title: str | None, lang: str) -> str:
    """_radar_description over plain rows."""
    parts = [title] if title else []
    for index in sorted({r["series_index"] for r in rows}):
        group = [r for r in rows if r["series_index"] == index]
        scores = ", ".join(f"{r['phase']} {_fmt(r['score'], lang)}" for r in group)
        parts.append(f"{group[0]['series']}: {scores}")
    parts.append(f"({SCALE_MIN}–{SCALE_MAX})")
    return ". ".join(parts)


# One template build at a time: when a room finishes together, 30 sessions asked for the
# same missing template at once and each built it (~70 ms of CPU apiece, under one GIL);
# now one builds it and the others wait for it and take it from the cache.
_TEMPLATE_LOCK = threading.Lock()


def _radar_template(*key: Any) -> dict[str, Any]:
    """The cached template for `key` (see _build_radar_template): from this process's
    memory, else from the disk cache of an earlier process (ipm_model.spec_cache), else
    built (and kept in both)."""
    with _TEMPLATE_LOCK:
        return _build_radar_template(*key)


# What a radar template is built from besides its key: this module's code, the number
# formats and locales, the phase ids (spec_cache hashes their source into the file name).
TEMPLATE_MODULES = ("ipm_model.charts", "ipm_model.formats", "ipm_model.phases")


@lru_cache(maxsize=256)
def _build_radar_template(*key: Any) -> dict[str, Any]:
    """_radar_template_build(*key), from the template of the same layout with stand-in
    names (series and title) with the names put in: one template serves every chain, and
    a fresh process reads it from the disk cache (ipm_model.spec_cache) of an earlier one
    instead of an Altair build. The disk holds no chain's name, only stand-ins and texts
    of the app and its questionnaires. Tests compare the result with the direct build."""
    series, labels, title, tips = key[0], key[1], key[3], key[4]
    texts = [text for pair in (*labels, *tips) for text in pair]
    if any(_STAND_IN_MARK in text for text in texts):
        return _radar_template_build(*key)  # a stand-in there could not be told apart
    stand_in = {f"{_STAND_IN_MARK}s{i}{_STAND_IN_MARK}": name for i, name in enumerate(series)}
    stand_key = (tuple(stand_in), *key[1:])
    if title:
        stand_key = (*stand_key[:3], f"{_STAND_IN_MARK}t{_STAND_IN_MARK}", *stand_key[4:])
        stand_in[stand_key[3]] = title
    return _with_names(_stand_in_radar_template(*stand_key), stand_in)


# Names are put in by one pass over the template's strings, so a name may hold anything
# (the compare page's own stand-in too); only the template's other texts must not.
_STAND_IN_MARK = "\x00"
_STAND_INS = re.compile("\x00(?:s[0-9]+|t)\x00")


@lru_cache(maxsize=64)
def _stand_in_radar_template(*key: Any) -> dict[str, Any]:
    """_radar_template_build through the disk cache (key with stand-in names)."""
    return spec_cache.cached_spec(
        "radar", key, TEMPLATE_FINGERPRINT, lambda: _radar_template_build(*key)
    )


def _with_names(template: dict[str, Any], names: Mapping[str, str]) -> dict[str, Any]:
    """The template with each stand-in replaced by its name in every string, and each data
    set whose values changed renamed as Altair names it (a hash of its values), so the
    result is the dict a build with the names gives."""

    def put(value: Any) -> Any:
        if isinstance(value, str):
            return _STAND_INS.sub(lambda m: names[m.group(0)], value) if "\x00" in value else value
        if isinstance(value, dict):
            return {k: put(v) for k, v in value.items()}
        if isinstance(value, list):
            return [put(v) for v in value]
        return value

    spec = put({k: v for k, v in template.items() if k != "datasets"})
    datasets, renamed = {}, {}
    for name, values in template.get("datasets", {}).items():
        named = put(values)
        if named != values:
            renamed[name] = _dataset_name(named)
        datasets[renamed.get(name, name)] = named
    spec["datasets"] = datasets

    def refer(value: Any, key: str | None = None) -> Any:
        if isinstance(value, dict):
            if key == "data" and value.get("name") in renamed:
                return {k: renamed[v] if k == "name" else v for k, v in value.items()}
            return {k: refer(v, k) for k, v in value.items()}
        if isinstance(value, list):
            return [refer(v) for v in value]
        return value

    return refer(spec) if renamed else spec


def _radar_template_build(
    series: tuple[str, ...],
    labels: tuple[tuple[str, str], ...],
    size: int,
    title: str | None,
    tooltip_titles: tuple[tuple[str, str], ...],
    theme: str,
    look: tuple[int, bool, bool],
    with_bars: bool = False,
    with_benchmark: bool = False,
    lang: str = "en",
) -> dict[str, Any]:
    """A radar spec for these series and texts, built from stand-in scores (see radar_spec).

    `look` is (label_size, legend, pad) of radar_chart. Not validated against the Vega-Lite
    schema (spec_of): a test checks it equals the validated build.
    """
    label_size, legend, pad = look
    bar = 2.5 if with_bars else float("nan")
    stand_in = pd.DataFrame(
        [(s, p, 3.0, 1, float("nan"), bar, 3.5) for s in series for p, _ in labels],
        columns=[*RADAR_COLUMNS, *INTERVAL_COLUMNS],
    )
    benchmark = (
        pd.DataFrame([(p, 2.5, 3.0, 3.5) for p, _ in labels], columns=list(BENCHMARK_COLUMNS))
        if with_benchmark
        else None
    )
    chart = radar_chart(
        stand_in, dict(labels), series_order=list(series), size=size, title=title,
        tooltip_titles=dict(tooltip_titles), label_size=label_size, legend=legend, pad=pad,
        benchmark=benchmark, lang=lang,
    )  # fmt: skip
    return spec_of(chart)


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as Vega-Lite values: NaN becomes null, numpy numbers become Python numbers."""
    clean = frame.astype(object).where(frame.notna(), None)
    return [
        {k: (v.item() if hasattr(v, "item") else v) for k, v in row.items()}
        for row in clean.to_dict("records")
    ]


# --- other charts -------------------------------------------------------------------------


def heatmap_chart(
    data: pd.DataFrame,
    labels: Mapping[str, str],
    *,
    chain_order: Sequence[str] | None = None,
    cell: int = 64,
    row: int = 32,
    title: str | None = None,
    tooltip_titles: Mapping[str, str] | None = None,
    lang: str = "en",
) -> alt.LayerChart:
    """Chains × phases grid coloured by score (1–5), with the score printed in each cell.

    `data` is long format: chain (display name), phase_id, score (NaN = not enough
    answers), n (int). `labels` maps phase_id to display label.
    """
    _require_columns(data, ("chain", "phase_id", "score", "n"))
    phase_labels = _phase_labels(data, labels)
    chains = _ordered(data["chain"], chain_order, "chain")
    frame = data.loc[:, ["chain", "phase_id", "score", "n"]].copy()
    frame["phase"] = frame["phase_id"].map(dict(labels))
    frame["text"] = [_fmt(score, lang) for score in frame["score"]]
    titles = _titles(tooltip_titles)

    base = alt.Chart(frame).encode(
        x=alt.X(
            "phase:N", sort=phase_labels, title=None, axis=alt.Axis(orient="top", labelAngle=0)
        ),
        y=alt.Y("chain:N", sort=chains, title=None),
        tooltip=[
            alt.Tooltip("chain:N", title=titles.chain),
            alt.Tooltip("phase:N", title=titles.phase),
            alt.Tooltip("score:Q", title=titles.score, format=".1f"),
            alt.Tooltip("n:Q", title=titles.n, format="d"),
        ],
    )
    cells = base.mark_rect(stroke="white").encode(
        color=alt.Color(
            "score:Q",
            scale=alt.Scale(domain=[SCALE_MIN, SCALE_MAX], scheme="blues"),
            legend=alt.Legend(title=titles.score),
        )
    )
    text = base.mark_text(fontSize=12).encode(
        text=alt.Text("text:N"),
        # White text on the darker cells, so the printed value stays readable.
        color=alt.ColorValue(
            TEXT_COLOUR, condition={"test": "datum.score >= 3.5", "value": "white"}
        ),
    )
    chart = alt.layer(cells, text).properties(
        width=alt.Step(cell), height=alt.Step(row), **_title(title)
    )
    return _localised(chart, lang)


def heatmap_spec(
    data: pd.DataFrame,
    labels: Mapping[str, str],
    *,
    chain_order: Sequence[str] | None = None,
    cell: int = 64,
    row: int = 32,
    title: str | None = None,
    tooltip_titles: Mapping[str, str] | None = None,
    lang: str = "en",
) -> dict[str, Any]:
    """spec_of(heatmap_chart(...)): the same dict, from a template per layout.

    Everything but the grid's one data set depends only on the chains (in order), labels,
    texts and look, so the Altair build (~50-100 ms for 40 chains) is made once per such
    layout; a call puts its rows in place of the template's, named as Altair names a data
    set (a hash of its values), in about a millisecond. Tests compare it with the build.
    """
    _require_columns(data, ("chain", "phase_id", "score", "n"))
    _phase_labels(data, labels)
    chains = _ordered(data["chain"], chain_order, "chain")
    key = (
        tuple(chains),
        tuple((p, labels[p]) for p in PHASE_IDS),
        cell,
        row,
        title,
        tuple(sorted((tooltip_titles or {}).items())),
        alt.theme.active,  # the theme's config is part of the spec
        lang,
    )
    with _TEMPLATE_LOCK:
        template = _HEATMAP_TEMPLATES.get(key)
    if template is None:
        template = spec_of(
            heatmap_chart(
                data, labels, chain_order=chain_order, cell=cell, row=row, title=title,
                tooltip_titles=tooltip_titles, lang=lang,
            )
        )  # fmt: skip
        with _TEMPLATE_LOCK:
            if len(_HEATMAP_TEMPLATES) >= _HEATMAP_TEMPLATES_MAX:
                _HEATMAP_TEMPLATES.clear()
            _HEATMAP_TEMPLATES[key] = template
    frame = data.loc[:, ["chain", "phase_id", "score", "n"]].copy()
    frame["phase"] = frame["phase_id"].map(dict(labels))
    frame["text"] = [_fmt(score, lang) for score in frame["score"]]
    values = _records(frame)
    name = _dataset_name(values)
    spec = dict(template)
    spec["data"] = {"name": name}
    spec["datasets"] = {name: values}
    return spec


# Heatmap templates per layout (chains, labels, texts, look): a few per organisation.
_HEATMAP_TEMPLATES: dict[tuple, dict[str, Any]] = {}
_HEATMAP_TEMPLATES_MAX = 256


def _dataset_name(values: list[dict[str, Any]]) -> str:
    """The name Altair gives an inline data set: a hash of its values (tests compare)."""
    if values == [{}]:
        return "empty"
    text = json.dumps(values, sort_keys=True, default=str)
    return "data-" + hashlib.sha256(text.encode()).hexdigest()[:32]


TREND_LABEL_LIMIT = 150  # px: a round title longer than this ends in an ellipsis


def trend_chart(
    data: pd.DataFrame,
    labels: Mapping[str, str],
    *,
    round_order: Sequence[str] | None = None,
    width: int = 480,
    height: int = 300,
    title: str | None = None,
    tooltip_titles: Mapping[str, str] | None = None,
    lang: str = "en",
) -> alt.Chart:
    """One line per phase showing its score (1–5) over rounds, with n in the tooltip.

    `data` is long format: round (display label), phase_id, score (NaN = not enough
    answers, a gap in the line), n (int). `labels` maps phase_id to display label.
    """
    _require_columns(data, ("round", "phase_id", "score", "n"))
    phase_labels = _phase_labels(data, labels)
    rounds = _ordered(data["round"], round_order, "round")
    frame = data.loc[:, ["round", "phase_id", "score", "n"]].copy()
    frame["phase"] = frame["phase_id"].map(dict(labels))
    titles = _titles(tooltip_titles)

    chart = (
        alt.Chart(frame)
        .mark_line(point=True, strokeWidth=2, invalid="break-paths-filter-domains")
        .encode(
            # Round titles are long: slanted and capped, so neighbours never overlap.
            x=alt.X(
                "round:O",
                sort=rounds,
                title=titles.round,
                axis=alt.Axis(labelAngle=-30, labelAlign="right", labelLimit=TREND_LABEL_LIMIT),
            ),
            y=alt.Y("score:Q", scale=alt.Scale(domain=[SCALE_MIN, SCALE_MAX]), title=titles.score),
            color=alt.Color(
                "phase:N",
                scale=alt.Scale(domain=phase_labels, range=list(PHASE_COLOURS)),
                legend=alt.Legend(title=titles.phase),
            ),
            tooltip=[
                alt.Tooltip("phase:N", title=titles.phase),
                alt.Tooltip("round:O", title=titles.round),
                alt.Tooltip("score:Q", title=titles.score, format=".1f"),
                alt.Tooltip("n:Q", title=titles.n, format="d"),
            ],
        )
        .properties(width=width, height=height, **_title(title))
    )
    return _localised(chart, lang)


# --- theme --------------------------------------------------------------------------------


@alt.theme.register(THEME_NAME, enable=False)
def ipm_theme() -> alt.theme.ThemeConfig:
    """Fonts and colours shared by every chart of the app."""
    return {
        "config": {
            "font": FONT,
            "background": "transparent",
            "view": {"stroke": None},
            "title": {"fontSize": 16, "color": TEXT_COLOUR, "anchor": "start"},
            "axis": {"labelColor": TEXT_COLOUR, "titleColor": TEXT_COLOUR, "gridColor": "#EBEBEB"},
            "legend": {"labelColor": TEXT_COLOUR, "titleColor": TEXT_COLOUR},
            "text": {"color": TEXT_COLOUR},
            "range": {"category": list(OKABE_ITO)},
        }
    }


def use_theme() -> None:
    """Enable the app's Altair theme (fonts and colours) for charts built from now on."""
    alt.theme.enable(THEME_NAME)


def _template_fingerprint() -> str | None:
    """spec_cache.code_fingerprint of TEMPLATE_MODULES, taken now, at this module's import:
    the source this process runs (None: no disk cache for this process)."""
    try:
        return spec_cache.code_fingerprint(TEMPLATE_MODULES)
    except (OSError, KeyError, AttributeError, TypeError):
        return None


TEMPLATE_FINGERPRINT = _template_fingerprint()

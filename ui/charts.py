"""Show charts from ipm_model.charts, with specs cached by the data they show."""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import streamlit as st
from streamlit import dataframe_util

from ipm_model import charts
from ipm_model.i18n import t
from ipm_model.phases import LANGUAGES, PHASE_IDS
from ipm_model.questionnaire import default_questionnaire
from ui import tables


def _rows(data: pd.DataFrame, columns: Sequence[str]) -> tuple[tuple, ...]:
    """The chart's data as hashable rows (the cache key); missing values become None."""
    return tuple(
        tuple(None if pd.isna(v) else v for v in row)
        for row in data[list(columns)].itertuples(index=False, name=None)
    )


# The projector's look: big labels (>= 24 px on a 1080p screen once scaled to its cell), no
# legend (each chain has its own heading), a square plot the page scales as a whole.
STAGE_LOOK = {"size": 360, "label_size": 30, "legend": False, "pad": True}
_RADAR_ROW = (*charts.RADAR_COLUMNS, *charts.INTERVAL_COLUMNS)


def build_radar_spec(
    rows: tuple[tuple, ...],
    labels: tuple[tuple[str, str], ...],
    title: str,
    tips: tuple,
    stage: bool = False,
    benchmark: tuple[tuple, ...] | None = None,
    lang: str = "nl",
) -> dict:
    """show_radar's spec, uncached (ipm_model.charts keeps the template per process)."""
    data = pd.DataFrame(list(rows), columns=list(_RADAR_ROW))
    bench = None
    if benchmark is not None:
        bench = pd.DataFrame(list(benchmark), columns=list(charts.BENCHMARK_COLUMNS))
    look = STAGE_LOOK if stage else {}
    return charts.radar_spec(
        data,
        dict(labels),
        title=title,
        tooltip_titles=dict(tips),
        benchmark=bench,
        lang=lang,
        **look,
    )


# --- data sets as Arrow ---------------------------------------------------------------------
# st.vega_lite_chart sends every data set of a spec as Arrow IPC bytes; given a list of rows
# it builds a pandas DataFrame and converts that on every call (~0.6-1 ms per data set, six or
# more per radar), also when the spec came from a cache. A data set that is already bytes is
# sent as it is (streamlit/elements/vega_charts.py, _marshall_chart_data). So the cached specs
# below hold their data sets as bytes: converted once per data change, not once per rerun.


def arrow_values(values: Any) -> Any:
    """One Vega-Lite data set (a list of row dicts) as the Arrow IPC bytes Streamlit sends.

    Straight through pyarrow (a tenth of the pandas route's cost; Streamlit takes a pyarrow
    table as it is), with the pandas route's columns (every key of every row) and nulls
    (None and NaN); rows pyarrow cannot type (mixed kinds in a column) take Streamlit's own
    pandas route. Anything that is not a list of dicts (e.g. GeoJSON) stays as it is."""
    if isinstance(values, bytes) or not isinstance(values, list):
        return values
    if not all(isinstance(row, dict) for row in values):
        return values
    names = list(dict.fromkeys(name for row in values for name in row))  # as pandas: all keys
    try:
        # from_pandas: NaN becomes null, as on the pandas route.
        columns = [pa.array([row.get(n) for row in values], from_pandas=True) for n in names]
        table = pa.Table.from_arrays(columns, names=[str(n) for n in names])
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
        return dataframe_util.convert_anything_to_arrow_bytes(values)
    return dataframe_util.convert_anything_to_arrow_bytes(table)


# The data sets that stay the same for every chart of one template (grid, spokes, labels of
# ipm_model.charts' radar templates), converted once per process: keyed by the identity of
# the template's own list, which the entry keeps alive (so the id cannot be reused while it
# is here). Templates are shared by every session and never changed in place.
_STATIC_ARROW: dict[int, tuple[Any, Any]] = {}
_STATIC_ARROW_LOCK = threading.Lock()
_STATIC_ARROW_MAX = 1024


def _static_arrow(values: Any) -> Any:
    hit = _STATIC_ARROW.get(id(values))
    if hit is not None and hit[0] is values:
        return hit[1]
    data = arrow_values(values)
    with _STATIC_ARROW_LOCK:
        if len(_STATIC_ARROW) >= _STATIC_ARROW_MAX:
            _STATIC_ARROW.clear()
        _STATIC_ARROW[id(values)] = (values, data)
    return data


def with_arrow_datasets(spec: dict, static: frozenset[str] = frozenset()) -> dict:
    """A copy of `spec` whose data sets are Arrow bytes (st.vega_lite_chart sends them as
    they are). `static`: names of data sets that are a template's own shared lists."""
    datasets = spec.get("datasets")
    if not isinstance(datasets, dict):
        return spec
    out = dict(spec)
    out["datasets"] = {
        name: _static_arrow(values) if name in static else arrow_values(values)
        for name, values in datasets.items()
    }
    return out


def _template_datasets(spec: dict) -> frozenset[str]:
    """The data sets of a radar spec that radar_spec did not fill (the template's own)."""
    filled = {
        layer["data"]["name"]
        for layer in spec.get("layer", [])
        if layer.get("name") in charts.RADAR_FILLED_LAYERS and "name" in layer.get("data", {})
    }
    return frozenset(set(spec.get("datasets", {})) - filled)


def arrow_radar_spec(*args: Any, **kwargs: Any) -> dict:
    """build_radar_spec with its data sets as Arrow bytes (the template's own converted once)."""
    spec = build_radar_spec(*args, **kwargs)
    return with_arrow_datasets(spec, _template_datasets(spec))


# show_radar's spec, cached per process by the data it shows, data sets as Arrow bytes.
_radar_spec = st.cache_data(show_spinner=False, max_entries=2000)(arrow_radar_spec)


def radar_rows(data: pd.DataFrame) -> tuple[tuple, ...]:
    """A radar frame's rows as radar_key holds them: (series, phase_id, score, n, sd,
    ci_low, ci_high), None for a missing number (NaN intervals when it has none)."""
    data = data.assign(**{c: data.get(c, float("nan")) for c in charts.INTERVAL_COLUMNS})
    return _rows(data, _RADAR_ROW)


def filled_radar_spec(
    rows: tuple[tuple, ...], labels: tuple[tuple[str, str], ...], title: str, tips: tuple, lang: str
) -> dict:
    """arrow_radar_spec(rows, labels, title, tips, lang=lang), uncached and without a frame
    (ipm_model.charts.radar_spec_from_rows; a test compares the two). For a radar that is
    drawn once, such as a participant's own result: a cache entry would never be read
    again, and its key (hashing every row) and pickling cost more than the fill."""
    spec = charts.radar_spec_from_rows(
        rows, dict(labels), title=title, tooltip_titles=dict(tips), lang=lang
    )
    return with_arrow_datasets(spec, _template_datasets(spec))


def tooltip_titles(lang: str, series: str | None = None) -> tuple[tuple[str, str], ...]:
    """The radar's tooltip titles as radar_key passes them on."""
    return tuple(_tooltip_titles(lang, series).items())


def radar_key(
    data: pd.DataFrame,
    labels: Mapping[str, str],
    lang: str,
    title: str,
    series_title: str | None = None,
) -> tuple[tuple[tuple, ...], tuple[tuple[str, str], ...], str, tuple]:
    """The first arguments of _radar_spec / build_radar_spec for this data (rows, labels,
    title, tooltip titles); `data` has the interval columns."""
    return (
        _rows(data, _RADAR_ROW),
        tuple(labels.items()),
        title,
        tuple(_tooltip_titles(lang, series_title).items()),
    )


def _tooltip_titles(lang: str, series: str | None = None) -> dict[str, str]:
    """Titles in the interface language; the series' title in the tooltip only, the legend
    has none (its entries say enough: "Ik", "Groep", a chain)."""
    return {
        "series": series or t("radar.who", lang),
        "legend": "",
        "phase": t("result.phase", lang),
        "score": t("result.score", lang),
        "n": t("result.n", lang),
        "sd": t("result.sd", lang),
        "ci": t("trust.interval", lang),
        "benchmark": t("trust.benchmark_band", lang),
    }


def radar_chart_spec(
    data: pd.DataFrame,
    labels: Mapping[str, str],
    lang: str,
    *,
    title: str = "",
    stage: bool = False,
    benchmark: pd.DataFrame | None = None,
    series_title: str | None = None,
) -> dict:
    """The spec show_radar draws (cached per process by the data it shows); no st.* call
    but the cache, so start-up warming can build a page's radar before anyone asks."""
    data = data.assign(**{c: data.get(c, float("nan")) for c in charts.INTERVAL_COLUMNS})
    bench = None if benchmark is None else _rows(benchmark, charts.BENCHMARK_COLUMNS)
    return _radar_spec(*radar_key(data, labels, lang, title, series_title), stage, bench, lang)


def show_radar(
    data: pd.DataFrame,
    labels: Mapping[str, str],
    lang: str,
    *,
    title: str = "",
    table: bool = True,
    key: str | None = None,
    stage: bool = False,
    benchmark: pd.DataFrame | None = None,
    series_title: str | None = None,
) -> None:
    """A radar of the seven phases plus (unless table=False) the same numbers as a table.

    `series_title` names the series in the tooltip (default "Wie"/"Who"; e.g. "Ronde" when
    the series are rounds).

    Rows with ci_low/ci_high get their 90 % interval as a bar; `benchmark` (p25, p50, p75
    per phase) adds other organisations' middle half in grey. `stage=True`: the projector's
    look (STAGE_LOOK); the page's CSS scales it to its cell.
    """
    spec = radar_chart_spec(
        data, labels, lang, title=title, stage=stage, benchmark=benchmark, series_title=series_title
    )
    shown = None
    if table:
        data = data.assign(**{c: data.get(c, float("nan")) for c in charts.INTERVAL_COLUMNS})
        numbers = charts.radar_table(data, labels)
        shown = numbers.apply(lambda column: tables.numbers(column, lang))
        shown.index.name = t("result.phase", lang)
    draw_radar(spec, shown, lang, key=key)


def radar_table_arrow(rows: tuple[tuple, ...], labels: Mapping[str, str], lang: str) -> pa.Table:
    """The table show_radar writes under a radar of these rows (radar_rows' form: a row per
    phase, index its label named "Fase", a column per series in order of first appearance,
    each score as shown, "3,4" or a dash) as the Arrow table st.dataframe makes of that
    frame (Streamlit sends a pyarrow table as it is): the same columns, index column and
    pandas metadata, hence the same bytes (a test compares them with show_radar's table),
    without a frame and pyarrow's pandas conversion. The schema comes from that conversion
    itself, once per set of columns and labels."""
    columns = _table_columns(rows, lang)
    phase = t("result.phase", lang)
    index = [labels[p] for p in PHASE_IDS]
    key = (tuple(columns), phase, tuple(index))
    schema = _TABLE_SCHEMAS.get(key)
    if schema is None:
        frame = pd.DataFrame(columns, index=pd.Index(index, name=phase), columns=list(columns))
        schema = dataframe_util.convert_pandas_df_to_arrow_table(frame).schema
        if len(_TABLE_SCHEMAS) >= _TABLE_SCHEMAS_MAX:
            _TABLE_SCHEMAS.clear()
        _TABLE_SCHEMAS[key] = schema
    arrays = [
        pa.array(v, type=f.type) for v, f in zip([*columns.values(), index], schema, strict=True)
    ]
    return pa.Table.from_arrays(arrays, schema=schema)


# radar_table_arrow's schemas: a handful (series names and phase labels per language).
_TABLE_SCHEMAS: dict[tuple, pa.Schema] = {}
_TABLE_SCHEMAS_MAX = 256


def _table_columns(rows: tuple[tuple, ...], lang: str) -> dict[str, list[str]]:
    """The table's columns: per series (first appearance) its scores as shown, model order
    (charts.radar_table's rounding, then tables.numbers)."""
    series = list(dict.fromkeys(row[0] for row in rows))
    scores = {name: [float("nan")] * len(PHASE_IDS) for name in series}
    for name, phase_id, score, *_ in rows:
        if score is not None:
            scores[name][PHASE_IDS.index(phase_id)] = float(score)
    return {
        name: tables.numbers(np.round(np.array(v, dtype=float), 1).tolist(), lang)
        for name, v in scores.items()
    }


def draw_radar(
    spec: dict, shown: pd.DataFrame | pa.Table | None, lang: str, *, key: str | None
) -> None:
    """A radar spec and (unless None) its table (a frame, or radar_table_arrow's table:
    the same element) as show_radar draws them."""
    with st.container(key=key):  # a key only where one radar stands alone (tests find it)
        st.vega_lite_chart(spec, theme=None, width="content")
    if shown is not None:
        series = shown.column_names[:-1] if isinstance(shown, pa.Table) else shown.columns
        st.dataframe(shown, width="stretch", column_config=tables.right_aligned(*series))
        st.caption(t("result.table_caption", lang))


# --- small multiples: one radar per chain from one template ------------------------------
# The compare page draws a small radar per chain (40 in a big organisation), each titled and
# coloured by its chain's name. ipm_model.charts keeps one template per (series, title, ...),
# so 40 names meant 40 Altair builds (~0.1-0.15 s each) whenever the page ran on a fresh
# process. Here every small radar is built from one template whose series and title are a
# stand-in name, put in place of the real name afterwards: the same spec as a build for that
# name (tests compare the two), at the cost of a fill.

_NAME = "\x00series\x00"  # the stand-in name: no chain's name holds a NUL


def _put_name(value: Any, name: str) -> Any:
    """`value` with the stand-in name replaced by `name` in every string; a part without it
    comes back as the same object (a template's own lists stay shared)."""
    if isinstance(value, str):
        return value.replace(_NAME, name) if _NAME in value else value
    if isinstance(value, dict):
        out = {k: _put_name(v, name) for k, v in value.items()}
        return value if all(out[k] is v for k, v in value.items()) else out
    if isinstance(value, list):
        items = [_put_name(v, name) for v in value]
        return value if all(a is b for a, b in zip(items, value, strict=True)) else items
    return value


def named_radar_spec(
    rows: tuple[tuple, ...], labels: tuple[tuple[str, str], ...], tips: tuple, lang: str
) -> dict:
    """arrow_radar_spec(rows, labels, name, tips, lang=lang) for rows of one series `name`,
    titled with that name, built from the template every name shares."""
    names = {row[0] for row in rows}
    name = next(iter(names), "")
    if len(names) != 1 or not name or _NAME in name:
        return arrow_radar_spec(rows, labels, name, tips, lang=lang)
    spec = build_radar_spec(
        tuple((_NAME, *row[1:]) for row in rows), labels, _NAME, tips, lang=lang
    )
    static = _template_datasets(spec)
    out = {k: _put_name(v, name) for k, v in spec.items() if k != "datasets"}
    out["datasets"] = {
        k: v if k in static else _put_name(v, name) for k, v in spec["datasets"].items()
    }
    return with_arrow_datasets(out, static)


# One chain's small radar, kept per process by everything it shows (its rows with their
# column types, labels, tooltip titles, language): when one chain's figures change, the other
# chains' specs come from here instead of being filled again (~1.5 ms each). The key is the
# data itself (Python's own tuple hashing, microseconds), so an entry can never be stale.
_SMALL_RADARS: dict[tuple, dict] = {}
_SMALL_RADARS_MAX = 4000


@st.cache_data(show_spinner=False, max_entries=200)
def small_radar_specs(
    data: pd.DataFrame, labels: tuple[tuple[str, str], ...], tips: tuple, lang: str
) -> tuple[dict, ...]:
    """One radar spec per value of data's "chart" column (in order of first appearance),
    each titled with its series' name; cached by the data itself (a DataFrame key is hashed
    in one vectorised pass, a few ms for 40 chains, where 40 keys of row tuples took ~80)."""
    charts_rows: dict[Any, list[tuple]] = {}
    for row in _rows(data, ("chart", *_RADAR_ROW)):
        charts_rows.setdefault(row[0], []).append(row[1:])
    kinds = tuple(str(data[c].dtype) for c in _RADAR_ROW)
    specs = []
    for rows in charts_rows.values():
        key = (tuple(rows), labels, tips, lang, kinds)
        spec = _SMALL_RADARS.get(key)
        if spec is None:
            spec = named_radar_spec(key[0], labels, tips, lang)
            if len(_SMALL_RADARS) >= _SMALL_RADARS_MAX:
                _SMALL_RADARS.clear()
            _SMALL_RADARS[key] = spec
        specs.append(spec)
    return tuple(specs)


def warm_small_radars() -> None:
    """Build the small radars' template (one per language, with interval bars: a chain's
    figures have intervals) before anyone opens the compare page, so its first reader in a
    process fills 40 radars without an Altair build (~0.1 s on a quiet machine, more on a
    busy one). Runs from ui.shared_results.start_warming; no st.* calls."""
    q = default_questionnaire()
    rows = tuple(("-", p, 3.0, 5, 0.5, 2.5, 3.5) for p in PHASE_IDS)
    for lang in LANGUAGES:
        labels = tuple(q.phase_names(lang).items())
        named_radar_spec(rows, labels, tuple(_tooltip_titles(lang).items()), lang)


def show_small_radars(
    data: pd.DataFrame, labels: Mapping[str, str], lang: str, *, per_row: int
) -> None:
    """A small radar per chart of `data` (radar rows with the interval columns and a "chart"
    column), titled with its series' name, `per_row` side by side; no tables. The same
    charts as show_radar(chart's rows, labels, lang, title=its name, table=False) each."""
    data = data.assign(**{c: data.get(c, float("nan")) for c in charts.INTERVAL_COLUMNS})
    tips = tuple(_tooltip_titles(lang).items())
    specs = small_radar_specs(data, tuple(labels.items()), tips, lang)
    for start in range(0, len(specs), per_row):
        columns = st.columns(per_row)
        for column, spec in zip(columns, specs[start : start + per_row], strict=False):
            with column, st.container():  # as show_radar draws it
                st.vega_lite_chart(spec, theme=None, width="content")


HEATMAP_COLUMNS = ("chain", "phase_id", "score", "n")


@st.cache_data(show_spinner=False, max_entries=500)
def _heatmap_spec(
    data: pd.DataFrame, labels: tuple[tuple[str, str], ...], tips: tuple, lang: str
) -> dict:
    """Keyed by the frame (one vectorised hash: ~1 ms for 40 chains, where the same rows as
    a tuple key took ~10 ms per rerun); built from its rows as before."""
    rows = _rows(data, HEATMAP_COLUMNS)
    frame = pd.DataFrame(list(rows), columns=list(HEATMAP_COLUMNS))
    spec = charts.heatmap_spec(frame, dict(labels), tooltip_titles=dict(tips), lang=lang)
    return with_arrow_datasets(spec)


def show_heatmap(data: pd.DataFrame, labels: Mapping[str, str], lang: str) -> None:
    """Chains x phases with the scores printed in the cells."""
    tips = {
        "chain": t("console.chain", lang),
        "phase": t("result.phase", lang),
        "score": t("result.score", lang),
        "n": t("result.n", lang),
    }
    key = data[list(HEATMAP_COLUMNS)].reset_index(drop=True)
    spec = _heatmap_spec(key, tuple(labels.items()), tuple(tips.items()), lang)
    st.vega_lite_chart(spec, theme=None, width="content")


@st.cache_data(show_spinner=False, max_entries=500)
def _trend_spec(
    rows: tuple[tuple, ...],
    labels: tuple[tuple[str, str], ...],
    order: tuple,
    tips: tuple,
    lang: str,
) -> dict:
    data = pd.DataFrame(list(rows), columns=["round", "phase_id", "score", "n"])
    chart = charts.trend_chart(
        data, dict(labels), round_order=list(order), tooltip_titles=dict(tips), lang=lang
    )
    return with_arrow_datasets(charts.spec_of(chart))


def show_trend(
    data: pd.DataFrame, labels: Mapping[str, str], round_order: list[str], lang: str
) -> None:
    """A line per phase over the rounds, with n in the tooltip."""
    rows = _rows(data, ("round", "phase_id", "score", "n"))
    tips = {
        "round": t("results.round", lang),
        "phase": t("result.phase", lang),
        "score": t("result.score", lang),
        "n": t("result.n", lang),
    }
    spec = _trend_spec(rows, tuple(labels.items()), tuple(round_order), tuple(tips.items()), lang)
    st.vega_lite_chart(spec, theme=None, width="content")

"""Show charts from ipm_model.charts, with specs cached by the data they show."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd
import streamlit as st

from ipm_model import charts
from ipm_model.i18n import t
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


# show_radar's spec, cached per process by the data it shows.
_radar_spec = st.cache_data(show_spinner=False, max_entries=2000)(build_radar_spec)


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
    data = data.assign(**{c: data.get(c, float("nan")) for c in charts.INTERVAL_COLUMNS})
    bench = None if benchmark is None else _rows(benchmark, charts.BENCHMARK_COLUMNS)
    spec = _radar_spec(*radar_key(data, labels, lang, title, series_title), stage, bench, lang)
    with st.container(key=key):  # a key only where one radar stands alone (tests find it)
        st.vega_lite_chart(spec, theme=None, width="content")
    if table:
        numbers = charts.radar_table(data, labels)
        shown = numbers.apply(lambda column: tables.numbers(column, lang))
        shown.index.name = t("result.phase", lang)
        st.dataframe(shown, width="stretch", column_config=tables.right_aligned(*shown.columns))
        st.caption(t("result.table_caption", lang))


@st.cache_data(show_spinner=False, max_entries=500)
def _heatmap_spec(
    rows: tuple[tuple, ...], labels: tuple[tuple[str, str], ...], tips: tuple, lang: str
) -> dict:
    data = pd.DataFrame(list(rows), columns=["chain", "phase_id", "score", "n"])
    chart = charts.heatmap_chart(data, dict(labels), tooltip_titles=dict(tips), lang=lang)
    return chart.to_dict()


def show_heatmap(data: pd.DataFrame, labels: Mapping[str, str], lang: str) -> None:
    """Chains x phases with the scores printed in the cells."""
    rows = _rows(data, ("chain", "phase_id", "score", "n"))
    tips = {
        "chain": t("console.chain", lang),
        "phase": t("result.phase", lang),
        "score": t("result.score", lang),
        "n": t("result.n", lang),
    }
    spec = _heatmap_spec(rows, tuple(labels.items()), tuple(tips.items()), lang)
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
    return charts.trend_chart(
        data, dict(labels), round_order=list(order), tooltip_titles=dict(tips), lang=lang
    ).to_dict()


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

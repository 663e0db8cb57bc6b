"""ui/charts.py hands st.vega_lite_chart its data sets as Arrow bytes, converted once per data
change: the bytes must hold exactly the rows the JSON spec had, and a template's own data sets
(converted once per process) must never carry one chart's scores into another."""

from __future__ import annotations

import math

import pandas as pd
import pyarrow as pa
import pytest

from ipm_model.phases import PHASE_IDS
from ui.charts import arrow_radar_spec, arrow_values, build_radar_spec, radar_key

LABELS = {p: p.title() for p in PHASE_IDS}


def _rows(data: bytes) -> list[dict]:
    """Arrow IPC bytes back to rows, nulls as None."""
    return pa.ipc.open_stream(data).read_all().to_pylist()


def _same(a: list[dict], b: list[dict]) -> bool:
    def clean(v):
        return None if isinstance(v, float) and math.isnan(v) else v

    return [{k: clean(v) for k, v in r.items()} for r in a] == [
        {k: clean(v) for k, v in r.items()} for r in b
    ]


def test_rows_survive_the_conversion():
    rows = [
        {"series": "Ik", "score": 3.4, "n": 1, "sd": None, "aria": "Ik, Inzicht: 3,4"},
        {"series": "Groep", "score": None, "n": 7, "sd": 0.5, "aria": "–"},
    ]
    assert _rows(arrow_values(rows)) == rows


def test_rows_pyarrow_cannot_type_take_streamlits_route():
    rows = [{"a": 1, "b": "x"}, {"a": "één", "b": 2.5}]
    data = arrow_values(rows)
    assert isinstance(data, bytes)
    assert _rows(data) == [{"a": "1", "b": "x"}, {"a": "één", "b": "2.5"}]


def test_columns_and_nulls_as_on_the_pandas_route():
    """Every key of every row is a column; NaN and a missing key are null."""
    rows = [{"a": 1.5, "b": float("nan")}, {"a": None, "c": "x"}]
    assert _rows(arrow_values(rows)) == [
        {"a": 1.5, "b": None, "c": None},
        {"a": None, "b": None, "c": "x"},
    ]


def test_non_tabular_values_stay_as_they_are():
    geo = {"type": "FeatureCollection", "features": []}
    assert arrow_values(geo) is geo
    assert arrow_values(b"already") == b"already"
    assert _rows(arrow_values([])) == []


def _data(scores: list[float], group: float) -> pd.DataFrame:
    rows = [
        ("Ik", p, s, 1, math.nan, math.nan, math.nan)
        for p, s in zip(PHASE_IDS, scores, strict=True)
    ]
    rows += [("Groep", p, group, 6, 0.4, group - 0.3, group + 0.3) for p in PHASE_IDS]
    return pd.DataFrame(
        rows, columns=["series", "phase_id", "score", "n", "sd", "ci_low", "ci_high"]
    )


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_arrow_spec_holds_exactly_the_json_specs_rows(lang):
    """Two charts of one template one after the other (the second takes the template's own
    data sets from the process-wide conversion): each one's bytes are its own JSON rows."""
    for scores, group in (([3.4, 2.0, 4.5, 1.0, 5.0, 3.3, 2.7], 3.1), ([1.0] * 7, 4.2)):
        key = radar_key(_data(scores, group), LABELS, lang, "Titel")
        plain = build_radar_spec(*key, lang=lang)
        arrow = arrow_radar_spec(*key, lang=lang)
        assert set(arrow["datasets"]) == set(plain["datasets"])
        for name, values in plain["datasets"].items():
            assert isinstance(arrow["datasets"][name], bytes)
            assert _same(_rows(arrow["datasets"][name]), values), name
        assert {k: v for k, v in arrow.items() if k != "datasets"} == {
            k: v for k, v in plain.items() if k != "datasets"
        }

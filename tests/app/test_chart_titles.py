"""The UI's radar names its series in the tooltip, in the interface language, not in the legend."""

from __future__ import annotations

import pandas as pd
import pytest

from ipm_model.phases import PHASE_IDS
from ui.charts import build_radar_spec, radar_key

LABELS = {p: p.title() for p in PHASE_IDS}


def _points(spec: dict) -> dict:
    return next(layer for layer in spec["layer"] if layer.get("name") == "series_points")


def _spec(lang: str, series_title: str | None = None) -> dict:
    data = pd.DataFrame(
        {
            "series": [s for s in ("Ik", "Groep") for _ in PHASE_IDS],
            "phase_id": list(PHASE_IDS) * 2,
            "score": [3.0] * 14,
            "n": [5] * 14,
            "sd": [0.5] * 14,
            "ci_low": [float("nan")] * 14,
            "ci_high": [float("nan")] * 14,
        }
    )
    return build_radar_spec(*radar_key(data, LABELS, lang, "Titel", series_title), lang=lang)


@pytest.mark.parametrize(("lang", "who"), [("nl", "Wie"), ("en", "Who")])
def test_the_series_tooltip_says_who_and_the_legend_has_no_title(lang, who):
    encoding = _points(_spec(lang))["encoding"]
    titles = {t["field"]: t["title"] for t in encoding["tooltip"]}
    assert titles["series"] == who
    assert all(titles.values())  # no tooltip line falls back to a raw field name
    assert encoding["color"]["legend"]["title"] is None


def test_a_page_names_its_series_itself():
    encoding = _points(_spec("nl", "Ronde"))["encoding"]
    assert {t["field"]: t["title"] for t in encoding["tooltip"]}["series"] == "Ronde"
    assert encoding["color"]["legend"]["title"] is None

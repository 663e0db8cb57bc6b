"""The report's charts: Vega-Lite specs from ReportData, rendered offline to SVG or PNG.

vl-convert bundles Vega and its own renderer, and external data URLs are refused, so a
report never fetches anything. The specs come from `ipm_model.charts` (one theme).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
import vl_convert as vlc
from markupsafe import Markup, escape

from ipm_model import formats
from ipm_model.charts import heatmap_chart, ipm_theme, radar_spec, trend_chart
from ipm_model.i18n import phrase
from ipm_model.reports.build import ChainReport, ReportData

PNG_SCALE = 2
# Seven colours that stay apart on paper, on a projector and for most colour-blind readers
# (the deck's line chart uses the same, in the same order).
TREND_COLOURS = ("#4E79A7", "#F28E2B", "#59A14F", "#E15759", "#B07AA1", "#9C755F", "#EDC948")
_THEME_CONFIG: dict[str, Any] = ipm_theme()["config"]


def chart_svg(spec: Mapping[str, Any], lang: str = "en") -> str:
    """A Vega-Lite spec as SVG text, rendered offline (external data URLs are refused); its
    numbers formatted for `lang`."""
    return vlc.vegalite_to_svg(
        dict(spec),
        config=_THEME_CONFIG,
        allowed_base_urls=[],
        format_locale=formats.vega_locale(lang)["number"],  # "3,5" in Dutch
    )


def chart_png(spec: Mapping[str, Any], scale: float = PNG_SCALE) -> bytes:
    """A Vega-Lite spec as PNG bytes (`scale` times its CSS size), rendered offline."""
    config = {**_THEME_CONFIG, "background": "white"}  # no see-through picture on a slide
    return vlc.vegalite_to_png(dict(spec), scale=scale, config=config, allowed_base_urls=[])


def _tooltip_titles(lang: str) -> dict[str, str]:
    keys = ("series", "phase", "score", "n", "sd", "chain", "round")
    return {k: phrase(f"chart.{k}", lang) for k in keys}


def radar_for(data: ReportData, chain: ChainReport, lang: str, size: int = 360) -> dict | None:
    """This round's radar of a chain, with the previous round beside it; None when hidden.

    With a previous round both series come from the statements the two rounds share.
    """
    if chain.suppressed:
        return None
    names = data.round_names(lang)
    rounds = [data.workshop.id] + ([chain.previous.id] if chain.previous else [])
    if chain.previous:
        rows = chain.trend[chain.trend["workshop_id"].isin(rounds)]
        series = rows["workshop_id"].map(names)
    else:
        rows, series = chain.stats, names[data.workshop.id]
    frame = pd.DataFrame(
        {
            "series": series,
            "phase_id": rows["phase_id"],
            "score": rows["mean"].astype(float),
            "n": rows["n"].astype(int),
            "sd": rows["sd"].astype(float),
            # The 90 % interval of each round, drawn as bars (results.py computed them).
            "ci_low": rows.get("ci_low", np.nan),
            "ci_high": rows.get("ci_high", np.nan),
        }
    )
    return radar_spec(
        frame,
        data.questionnaire.phase_names(lang),
        series_order=[names[r] for r in rounds],
        size=size,
        tooltip_titles=_tooltip_titles(lang),
        lang=lang,
    )


def heatmap_for(data: ReportData, lang: str) -> dict | None:
    """All chains of the round side by side (hidden chains left out); None when none shown."""
    names = {c.id: c.name for c in data.workshop.chains}
    rows = data.comparison[~data.comparison["suppressed"]]
    if rows.empty:
        return None
    frame = pd.DataFrame(
        {
            "chain": rows["chain_id"].map(names),
            "phase_id": rows["phase_id"],
            "score": rows["mean"].astype(float),
            "n": rows["n"].astype(int),
        }
    )
    order = [names[c.id] for c in data.workshop.chains if names[c.id] in set(frame["chain"])]
    return heatmap_chart(
        frame,
        data.questionnaire.phase_names(lang),
        chain_order=order,
        cell=60,
        tooltip_titles=_tooltip_titles(lang),
        lang=lang,
    ).to_dict()


def trend_for(data: ReportData, chain: ChainReport, lang: str) -> dict | None:
    """A line per phase over the rounds with shown results; None with fewer than two."""
    if chain.trend["workshop_id"].nunique() < 2:
        return None
    names = data.round_names(lang)
    order = [names[w.id] for w in data.rounds if w.id in set(chain.trend["workshop_id"])]
    frame = pd.DataFrame(
        {
            "round": chain.trend["workshop_id"].map(names),
            "phase_id": chain.trend["phase_id"],
            "score": chain.trend["mean"].astype(float),
            "n": chain.trend["n"].astype(int),
        }
    )
    spec = trend_chart(
        frame,
        data.questionnaire.phase_names(lang),
        round_order=order,
        width=560,
        height=260,
        tooltip_titles=_tooltip_titles(lang),
        lang=lang,
    ).to_dict()
    # The value axis fitted to the data (half points around them), not the whole 1-5 scale;
    # colours that stay apart.
    scores = frame["score"].dropna()
    low = max(1.0, float(scores.min()) // 0.5 * 0.5 - 0.5)
    high = min(5.0, -(-float(scores.max()) // 0.5) * 0.5 + 0.5)
    spec["encoding"]["y"]["scale"] = {"domain": [low, high], "zero": False}
    spec["encoding"]["color"]["scale"]["range"] = list(TREND_COLOURS)
    return spec


# Where an SVG names or points at an id: id="x", url(#x), href="#x" (and xlink:href).
_SVG_ID_REF = re.compile(r'(\bid="|url\(#|href="#)([^")]+)')


def inline_svg(spec: Mapping[str, Any] | None, prefix: str, lang: str = "en") -> Markup | None:
    """A chart as SVG ready to sit inline in a page: ids made unique with `prefix`, a text
    label for screen readers. None when there is no chart."""
    if spec is None:
        return None
    label = str(spec.get("description") or spec.get("title") or "")
    svg = _SVG_ID_REF.sub(lambda m: f"{m.group(1)}{prefix}-{m.group(2)}", chart_svg(spec, lang))
    # vl-convert escapes the texts it draws; the label is escaped here.
    return Markup(svg.replace("<svg ", f'<svg role="img" aria-label="{escape(label)}" ', 1))

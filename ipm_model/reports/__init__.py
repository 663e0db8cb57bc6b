"""Reports of a round: a self-contained HTML page and a PowerPoint deck.

build      gather a round's report data from ipm_model.results (ReportData)
figures    chart specs, rendered offline to SVG (HTML) or PNG
html       the HTML report: templates/report.html.j2 with templates/report.css inlined
pptx       the PowerPoint deck
texts      the reports' words (NL/EN)
templating the Jinja2 environment (autoescape) shared with the workshop handout

Names are loaded on first use, so `import ipm_model.reports.templating` (the handout) does
not load pandas or the chart renderer.
"""

from __future__ import annotations

from datetime import date
from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ipm_model.storage.store import Store

REPORT_FORMATS: tuple[str, ...] = ("html", "pptx")

_LAZY = {
    "ChainReport": "build",
    "ReportData": "build",
    "gather_report": "build",
    "chart_png": "figures",
    "chart_svg": "figures",
    "HTML_PARTS": "html",
    "render_html": "html",
    "render_pptx": "pptx",
}
__all__ = ["REPORT_FORMATS", "build_report", *_LAZY]


def __getattr__(name: str):
    if name in _LAZY:
        return getattr(import_module(f"ipm_model.reports.{_LAZY[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def build_report(
    store: Store,
    workshop_code: str,
    chain_id: int | None = None,
    fmt: str = "html",
    lang: str = "nl",
    *,
    today: date | None = None,
) -> bytes:
    """The report of a round as file bytes: "html" (UTF-8) or "pptx".

    Raises ValueError for an unknown format, workshop code or chain.
    """
    from ipm_model.reports.build import gather_report

    if fmt not in REPORT_FORMATS:
        raise ValueError(f"unknown report format {fmt!r}; choose from {', '.join(REPORT_FORMATS)}")
    data = gather_report(store, workshop_code, chain_id, today=today)
    if fmt == "pptx":
        from ipm_model.reports.pptx import render_pptx

        return render_pptx(data, lang)
    from ipm_model.reports.html import render_html

    return render_html(data, lang).encode("utf-8")

"""The report as a 16:9 PowerPoint deck for the management team (python-pptx).

Slides: title; summary (where the organisation stands, the largest gaps and changes, a
proposed agenda); the chain comparison (several chains); per shown chain its scores (radar),
its trend (lines) and its agenda; one actions slide for all chains (none without actions).
Charts are native PowerPoint charts (editable, their data in the file), every chart label
and body text at least 18 pt; each slide but the title has a footer (organisation, round,
date) and its slide number. A chain below the minimum group size gets no slides of its own:
the summary names it.

python-pptx is imported where it is used: it takes about 150 ms to import, which pages that
only show or export HTML should not pay.
"""

from __future__ import annotations

import copy
import io
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ipm_model import formats
from ipm_model.agenda import AgendaItem, empty_text, item_texts
from ipm_model.handvatten import focus_reason
from ipm_model.i18n import normalize_language
from ipm_model.reports.build import ChainReport, ReportData, summarise
from ipm_model.reports.figures import TREND_COLOURS
from ipm_model.reports.html import ACTION_COLUMNS, action_rows, signal_text, stand_text
from ipm_model.reports.texts import change_text, interval_cell, interval_is_wide, score_text, t
from ipm_model.results import for_display
from ipm_model.uncertainty import INTERVAL_COLUMNS as INTERVALS

EMU_PER_INCH = 914400
SLIDE_W, SLIDE_H = 13.333, 7.5  # inches, 16:9
MARGIN = 0.5
BODY_TOP = 1.3
FOOTER_TOP = SLIDE_H - 0.45
BODY_PT = 20
MIN_PT = 18  # the smallest text on a slide body or chart (readable on a projector)
TITLE_PT = 28
FOOTER_PT = 12
MAX_ACTION_ROWS = 4  # per slide (18 pt rows wrap to three lines); more continue on the next slide
AGENDA_ITEMS = 2  # per agenda section on a slide (the HTML report has them all)
PHASE_COLOURS = tuple(c.lstrip("#") for c in TREND_COLOURS)
ROUND_COLOURS = ("0072B2", "A0A0A0")  # this round, the previous round
SCORE_FILLS = ((2.5, "F4C7B8"), (3.0, "FBE3C2"), (3.5, "F2F2F2"), (5.1, "CFE3F1"))


@dataclass(frozen=True)
class _Box:
    """A place on a slide, in inches."""

    left: float
    top: float
    width: float
    height: float

    def emu(self) -> tuple[int, int, int, int]:
        return tuple(int(v * EMU_PER_INCH) for v in (self.left, self.top, self.width, self.height))


_TITLE = _Box(MARGIN, 0.3, SLIDE_W - 2 * MARGIN, 0.9)
_BODY = _Box(MARGIN, BODY_TOP, SLIDE_W - 2 * MARGIN, FOOTER_TOP - BODY_TOP - 0.1)


def _columns(share: float, gap: float = 0.3) -> tuple[_Box, _Box]:
    """The body split in two columns; the left one takes `share` of the width."""
    left_width = (_BODY.width - gap) * share
    left = _Box(_BODY.left, _BODY.top, left_width, _BODY.height)
    right_width = _BODY.width - left_width - gap
    right = _Box(_BODY.left + left_width + gap, _BODY.top, right_width, _BODY.height)
    return left, right


# A paragraph of a text box: (text, level, bold). Level 1 is a bullet.
Paragraph = tuple[str, int, bool]


def render_pptx(data: ReportData, lang: str = "nl") -> bytes:
    """A 16:9 deck for the management team: native charts, editable texts (see module doc)."""
    return _Deck(data, normalize_language(lang)).build()


class _Deck:
    """Builds the deck slide by slide on python-pptx's default template."""

    def __init__(self, data: ReportData, lang: str):
        from pptx import Presentation

        self.data, self.lang, self.q = data, lang, data.questionnaire
        self.names = self.q.phase_names(lang)
        self.prs = Presentation()
        self.prs.slide_width = int(SLIDE_W * EMU_PER_INCH)
        self.prs.slide_height = int(SLIDE_H * EMU_PER_INCH)
        w = data.workshop
        self.footer = t(
            "report.footer",
            lang,
            organisation=data.organisation,
            round=data.round_names[w.id],
            date=formats.day(w.date, lang),
        )

    # -- building blocks

    def _slide(self, title: str):
        """A slide with its title in the title placeholder, a footer and its number."""
        from pptx.enum.text import PP_ALIGN
        from pptx.util import Pt

        slide = self.prs.slides.add_slide(self.prs.slide_layouts[5])
        shape = slide.shapes.title
        shape.left, shape.top, shape.width, shape.height = _TITLE.emu()
        shape.text = title
        paragraph = shape.text_frame.paragraphs[0]
        paragraph.alignment = PP_ALIGN.LEFT
        paragraph.runs[0].font.size = Pt(TITLE_PT)
        paragraph.runs[0].font.bold = True
        self._footer(slide)
        return slide

    def _footer(self, slide) -> None:
        """Organisation, round and date on the left; the slide number (a field) on the right."""
        from pptx.enum.text import PP_ALIGN
        from pptx.oxml.ns import qn
        from pptx.util import Pt

        left = slide.shapes.add_textbox(*_Box(MARGIN, FOOTER_TOP, 10.0, 0.35).emu())
        left.name = "Footer"
        run = left.text_frame.paragraphs[0].add_run()
        run.text, run.font.size = self.footer, Pt(FOOTER_PT)
        box = _Box(SLIDE_W - MARGIN - 1.5, FOOTER_TOP, 1.5, 0.35)
        number = slide.shapes.add_textbox(*box.emu())
        number.name = "Slide Number"
        paragraph = number.text_frame.paragraphs[0]
        paragraph.alignment = PP_ALIGN.RIGHT
        run = paragraph.add_run()
        run.text, run.font.size = str(len(self.prs.slides)), Pt(FOOTER_PT)
        # Turn the run into a slide number field, so PowerPoint renumbers moved slides.
        field = run._r.makeelement(qn("a:fld"), {"id": "{B6F15528-21DE-4FAA-801E-634DDDAF4B2B}"})
        field.set("type", "slidenum")
        field.append(copy.deepcopy(run._r.find(qn("a:rPr"))))
        text = field.makeelement(qn("a:t"), {})
        text.text = run.text
        field.append(text)
        run._r.addprevious(field)
        run._r.getparent().remove(run._r)

    def _text(self, slide, box: _Box, paragraphs: Sequence[Paragraph], size: int = BODY_PT):
        from pptx.util import Pt

        frame = slide.shapes.add_textbox(*box.emu()).text_frame
        frame.word_wrap = True
        for i, (text, level, bold) in enumerate(paragraphs):
            p = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
            run = p.add_run()
            run.text = ("• " if level == 1 else "") + text
            run.font.size = Pt(max(MIN_PT, size - 2 * level))
            run.font.bold = bold
            p.space_before = Pt(12 if level == 0 and i else 4)
        return frame

    def _chart_fonts(self, chart, legend: bool) -> None:
        from pptx.enum.chart import XL_LEGEND_POSITION
        from pptx.util import Pt

        chart.font.size = Pt(MIN_PT)
        chart.has_legend = legend
        if legend:
            chart.legend.position = XL_LEGEND_POSITION.BOTTOM
            chart.legend.include_in_layout = False
            chart.legend.font.size = Pt(MIN_PT)

    def _colour_series(self, chart, colours: Sequence[str], width: float = 3.0) -> None:
        from pptx.dml.color import RGBColor
        from pptx.util import Pt

        for series, colour in zip(chart.plots[0].series, colours, strict=False):
            series.format.line.color.rgb = RGBColor.from_string(colour)
            series.format.line.width = Pt(width)
            series.smooth = False
            marker = series.marker
            marker.format.fill.solid()
            marker.format.fill.fore_color.rgb = RGBColor.from_string(colour)
            marker.format.line.color.rgb = RGBColor.from_string(colour)

    def _item_paragraphs(self, item: AgendaItem) -> list[Paragraph]:
        """An agenda item without the numbers behind it (the HTML report has those)."""
        what, _ = item_texts(item, self.q, self.lang)
        if item.statement_id is None and item.mean is not None:
            what = score_text(what, item.mean, self.lang)
        return [(what, 1, False)]

    # -- slides

    def _title_slide(self) -> None:
        d, lang, w = self.data, self.lang, self.data.workshop
        slide = self.prs.slides.add_slide(self.prs.slide_layouts[0])
        title, subtitle = slide.shapes.title, slide.placeholders[1]
        title.left, title.top, title.width, title.height = _Box(MARGIN, 1.8, _BODY.width, 1.5).emu()
        box = _Box(MARGIN, 3.5, _BODY.width, 2.5)
        subtitle.left, subtitle.top, subtitle.width, subtitle.height = box.emu()
        title.text = t("report.title", lang)
        subtitle.text_frame.text = d.organisation
        for line in (
            d.round_names[w.id],
            t("report.held_on", lang, date=formats.day(w.date, lang)),
            t("report.deck_subtitle", lang),
        ):
            subtitle.text_frame.add_paragraph().text = line
        slide.notes_slide.notes_text_frame.text = t("report.intro", lang, min=w.min_group_size)

    def _summary_slide(self) -> None:
        d, lang = self.data, self.lang
        summary = summarise(d)
        slide = self._slide(t("summary.title", lang))
        minimum = d.workshop.min_group_size
        if summary.chains_shown == 0:
            lines: list[Paragraph] = [(t("summary.none", lang), 0, False)]
            if len(d.chains) == 1:
                too_few = t("report.too_few", lang, count=d.chains[0].participants, min=minimum)
                lines = [(too_few, 0, False)]
            self._text(slide, _BODY, lines, size=24)
            return
        several = len(d.chains) > 1
        stand = stand_text(summary, several, lang)
        left, right = _columns(0.5)
        lines = [(stand, 0, False)]
        if summary.strongest and summary.weakest:
            lines.append(
                (
                    t(
                        "summary.strong_weak",
                        lang,
                        strong=self.names[summary.strongest.phase_id],
                        strong_score=formats.number(summary.strongest.score, lang),
                        weak=self.names[summary.weakest.phase_id],
                        weak_score=formats.number(summary.weakest.score, lang),
                    ),
                    0,
                    False,
                )
            )
        if summary.hidden:
            hidden = ", ".join(summary.hidden)
            lines.append((t("report.hidden_chains", lang, min=minimum, chains=hidden), 0, False))
        lines.append((t("summary.gaps", lang), 0, True))
        chain = (lambda p: p.chain) if several else (lambda p: "")
        lines += [
            (score_text(self.names[p.phase_id], p.score, lang, chain(p)), 1, False)
            for p in summary.gaps
        ]
        self._text(slide, left, lines)
        lines = [(t("summary.changes", lang), 0, True)]
        lines += [
            (
                change_text(self.names[p.phase_id], p.before, p.score, p.change, lang, chain(p)),
                1,
                False,
            )
            for p in summary.changes
        ] or [(t("summary.no_changes", lang), 1, False)]
        if summary.agenda:
            lines.append((t("summary.agenda", lang), 0, True))
            for name, focus in summary.agenda:
                phase = self.names[focus.phase_id]
                reason = focus_reason(focus, self.q, lang)
                lines.append(
                    (f"{name}: {phase} ({reason})" if several else f"{phase} ({reason})", 1, False)
                )
        self._text(slide, right, lines)

    def _comparison_slide(self) -> None:
        """All chains side by side: a table of shown scores, coloured by level (editable)."""
        from pptx.dml.color import RGBColor
        from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
        from pptx.util import Inches, Pt

        d, lang = self.data, self.lang
        shown = [c for c in d.chains if not c.suppressed]
        if not shown:
            return
        slide = self._slide(t("report.overview", lang))
        phases = list(self.names)
        rows, cols = len(shown) + 1, len(phases) + 1
        height = min(_BODY.height - 1.4, 0.9 * rows)  # room for the notes under it
        box = _Box(MARGIN, BODY_TOP + 0.2, _BODY.width, height)
        table = slide.shapes.add_table(rows, cols, *box.emu()).table
        table.columns[0].width = Inches(2.8)
        for j in range(1, cols):
            table.columns[j].width = Inches((_BODY.width - 2.8) / len(phases))

        def put(i: int, j: int, text: str, fill: str | None = None, bold: bool = False):
            cell = table.cell(i, j)
            cell.text = text
            cell.vertical_anchor = MSO_ANCHOR.MIDDLE
            cell.margin_left = cell.margin_right = Inches(0.04)  # phase names fit one line
            for paragraph in cell.text_frame.paragraphs:  # a score, then its interval
                paragraph.alignment = PP_ALIGN.LEFT if j == 0 else PP_ALIGN.CENTER
                for run in paragraph.runs:  # the phase names of the header row fit one line
                    run.font.size, run.font.bold = Pt(MIN_PT), bold
                    if fill:
                        run.font.color.rgb = RGBColor(0x22, 0x22, 0x22)
            if fill:
                cell.fill.solid()
                cell.fill.fore_color.rgb = RGBColor.from_string(fill)

        put(0, 0, t("chart.chain", lang), bold=True)
        for j, p in enumerate(phases, start=1):
            put(0, j, self.names[p], bold=True)
        wide = False
        for i, chain in enumerate(shown, start=1):
            put(i, 0, chain.chain.name)
            stats = for_display(chain.stats).set_index("phase_id")
            for j, p in enumerate(phases, start=1):
                value = stats["mean"].get(p)
                low, high = (stats[c].get(p, np.nan) if c in stats else np.nan for c in INTERVALS)
                span, _ = interval_cell(value, low, high, lang)
                mark = "*" if span and interval_is_wide(low, high) else ""
                wide = wide or bool(mark)
                text = formats.number(value, lang) + (f"\n{span}{mark}" if span else "")
                fill = next(c for limit, c in SCORE_FILLS if pd.isna(value) or value < limit)
                put(i, j, text, None if pd.isna(value) else fill)
        notes = [t("report.interval_help", lang)] + ([t("report.wide_mark", lang)] if wide else [])
        hidden = [c.chain.name for c in d.chains if c.suppressed]
        if hidden:
            text = t(
                "report.hidden_chains",
                lang,
                min=d.workshop.min_group_size,
                chains=", ".join(hidden),
            )
            notes.append(text)
        self._text(
            slide,
            _Box(
                MARGIN,
                box.top + height + 0.1,
                _BODY.width,
                _BODY.top + _BODY.height - box.top - height - 0.1,
            ),
            [(n, 0, False) for n in notes],
            size=MIN_PT,
        )

    def _radar_slide(self, chain: ChainReport) -> None:
        """This round's scores (and the previous round's) as a native radar chart."""
        from pptx.chart.data import CategoryChartData
        from pptx.enum.chart import XL_CHART_TYPE, XL_TICK_LABEL_POSITION

        d, lang = self.data, self.lang
        slide = self._slide(t("report.deck_radar", lang, chain=chain.chain.name))
        left, right = _columns(0.55)
        now = for_display(chain.stats).set_index("phase_id")["mean"]
        # Each spoke carries its score, so the chart needs no value scale under the data.
        data = CategoryChartData(number_format="0.0")
        data.categories = [
            f"{self.names[p]} {formats.number(now.get(p), lang)}" for p in self.names
        ]
        data.add_series(d.round_names[d.workshop.id], [_value(now.get(p)) for p in self.names])
        if chain.previous is not None:
            trend = chain.trend[chain.trend["workshop_id"] == chain.previous.id]
            before = for_display(trend).set_index("phase_id")["mean"]
            data.add_series(
                d.round_names[chain.previous.id], [_value(before.get(p)) for p in self.names]
            )
        frame = slide.shapes.add_chart(XL_CHART_TYPE.RADAR_MARKERS, *left.emu(), data)
        chart = frame.chart
        self._chart_fonts(chart, legend=chain.previous is not None)
        axis = chart.value_axis
        axis.minimum_scale, axis.maximum_scale, axis.major_unit = 1, 5, 1
        axis.tick_label_position = XL_TICK_LABEL_POSITION.NONE
        axis.has_major_gridlines = True
        self._colour_series(chart, ROUND_COLOURS)
        lines: list[Paragraph] = [(chain.based_on(lang), 0, False)]
        lines.append((t("report.deck_weakest", lang), 0, True))
        lines += [
            (score_text(self.names[i.phase_id], i.mean, lang), 1, False)
            for i in chain.agenda.weakest_phases
        ]
        changes = chain.changes.dropna(subset=["change"])
        changes = changes[changes["change"] != 0]
        if chain.previous is not None and not changes.empty:
            previous = d.round_names[chain.previous.id]
            lines.append((t("report.deck_since", lang, previous=previous), 0, True))
            largest = changes.loc[changes["change"].abs().sort_values(ascending=False).index]
            lines += [
                (
                    change_text(
                        self.names[r.phase_id], r.mean_before, r.mean_after, r.change, lang
                    ),
                    1,
                    False,
                )
                for r in largest.head(3).itertuples()
            ]
        lines += [(signal_text(s, self.q, lang), 0, False) for s in chain.signals[:1]]
        self._text(slide, right, lines)

    def _trend_slide(self, chain: ChainReport) -> None:
        """A line per phase over the rounds, the value axis fitted to the data."""
        from pptx.chart.data import CategoryChartData
        from pptx.enum.chart import XL_CHART_TYPE

        d, lang = self.data, self.lang
        rounds = [w for w in d.rounds if w.id in set(chain.trend["workshop_id"])]
        if len(rounds) < 2:
            return
        slide = self._slide(t("report.deck_progress", lang, chain=chain.chain.name))
        trend = for_display(chain.trend)
        data = CategoryChartData(number_format="0.0")
        data.categories = [d.round_names[w.id] for w in rounds]
        for p in self.names:
            rows = trend[trend["phase_id"] == p].set_index("workshop_id")["mean"]
            data.add_series(self.names[p], [_value(rows.get(w.id)) for w in rounds])
        frame = slide.shapes.add_chart(XL_CHART_TYPE.LINE_MARKERS, *_BODY.emu(), data)
        chart = frame.chart
        self._chart_fonts(chart, legend=True)
        values = trend["mean"].dropna()
        axis = chart.value_axis
        axis.minimum_scale = max(1.0, float(values.min()) // 0.5 * 0.5 - 0.5)
        axis.maximum_scale = min(5.0, -(-float(values.max()) // 0.5) * 0.5 + 0.5)
        axis.major_unit = 0.5
        axis.tick_labels.number_format, axis.tick_labels.number_format_is_linked = "0.0", False
        self._colour_series(chart, PHASE_COLOURS, width=3.5)

    def _agenda_slide(self, chain: ChainReport) -> None:
        lang, agenda = self.lang, chain.agenda
        slide = self._slide(t("report.deck_agenda", lang, chain=chain.chain.name))
        columns = dict(zip(("left", "right"), _columns(0.4), strict=True))
        placed: dict[str, list[Paragraph]] = {"left": [], "right": []}
        for number, (section, items) in enumerate(agenda.sections(), start=1):
            side = "left" if section in ("weakest_phases", "drops") else "right"
            placed[side].append((f"{number}. {t(f'section.{section}', lang)}", 0, True))
            if not items:
                placed[side].append((empty_text(agenda, section, lang), 1, False))
            for item in items[:AGENDA_ITEMS]:
                placed[side] += self._item_paragraphs(item)
        for side, lines in placed.items():
            self._text(slide, columns[side], lines, size=MIN_PT)
        self._handvatten_notes(slide, chain)

    def _handvatten_notes(self, slide, chain: ChainReport) -> None:
        """The handvatten of the chain's focus phases, as speaker notes."""
        lang, lines = self.lang, []
        for f in chain.focus:
            phase = self.q.phase(f.phase_id)
            lines.append(f"{phase.name.get(lang)} ({focus_reason(f, self.q, lang)})")
            lines.append(
                f"{t('handvatten.opening_question', lang)}: {phase.key_question.get(lang)}"
            )
            lines += [f"- {s.text.get(lang)}" for s in self.data.steps.get(f.phase_id, ())]
            lines.append("")
        if lines:
            text = "\n".join([t("handvatten.title", lang), "", *lines]).rstrip()
            slide.notes_slide.notes_text_frame.text = text

    def _actions_slides(self) -> None:
        """One table of every chain's actions (continued when long); no slide without any."""
        from pptx.util import Inches, Pt

        lang = self.lang
        rows = [
            [c.chain.name, *row]
            for c in self.data.chains
            for row in action_rows(self.data, c, lang)
        ]
        if not rows:
            return
        title = t("report.deck_actions_all", lang)
        header = [t("report.action_chain", lang), *(t(k, lang) for k in ACTION_COLUMNS)]
        widths = (2.3, 1.45, 3.6, 1.3, 1.4, 1.0, 1.283)  # inches, adding up to the body width
        for start in range(0, len(rows), MAX_ACTION_ROWS):
            chunk = rows[start : start + MAX_ACTION_ROWS]
            slide = self._slide(title + (f" {t('report.deck_more', lang)}" if start else ""))
            box = _Box(MARGIN, BODY_TOP, _BODY.width, 0.55 * (len(chunk) + 1))
            table = slide.shapes.add_table(len(chunk) + 1, len(header), *box.emu()).table
            for j, width in enumerate(widths):
                table.columns[j].width = Inches(width)
            for i, values in enumerate([header, *chunk]):
                for j, value in enumerate(values):
                    cell = table.cell(i, j)
                    cell.text = value
                    for run in cell.text_frame.paragraphs[0].runs:
                        run.font.size = Pt(MIN_PT)

    def build(self) -> bytes:
        d, lang = self.data, self.lang
        props = self.prs.core_properties
        props.title = f"{t('report.title', lang)}: {d.organisation}, {d.round_names[d.workshop.id]}"
        props.subject = t("report.deck_subtitle", lang)
        props.author = "iPM Ketenscan"
        props.language = formats.LOCALES[lang].replace("_", "-")
        props.keywords = "iPM; ketenscan"
        from datetime import datetime

        props.created = props.modified = datetime.combine(d.created, datetime.min.time())
        self._title_slide()
        self._summary_slide()
        shown = [c for c in d.chains if not c.suppressed]
        if len(d.chains) > 1:
            self._comparison_slide()
        for chain in shown:
            self._radar_slide(chain)
            self._trend_slide(chain)
            self._agenda_slide(chain)
        self._actions_slides()
        out = io.BytesIO()
        self.prs.save(out)
        return out.getvalue()


def _value(value) -> float | None:
    return None if value is None or pd.isna(value) else float(value)

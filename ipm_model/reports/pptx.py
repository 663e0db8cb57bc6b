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
import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

import numpy as np
import pandas as pd

from ipm_model import formats
from ipm_model.agenda import AgendaItem, empty_text, item_texts
from ipm_model.handvatten import focus_reason
from ipm_model.i18n import normalize_language, phrase
from ipm_model.reports.build import ChainReport, ReportData, summarise
from ipm_model.reports.figures import TREND_COLOURS
from ipm_model.reports.html import (
    ACTION_COLUMNS,
    action_rows,
    ambition_rows,
    peer_band,
    signal_text,
    stand_text,
)
from ipm_model.reports.texts import change_text, interval_cell, interval_is_wide, score_text
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
AGENDA_ITEMS = 3  # at most, per agenda section on a slide (the HTML report has them all)
AGENDA_PT = 22  # the agenda's section headings; its items 20 pt
MAX_TABLE_CHAINS = 6  # chains side by side in the comparison table; more continue
CELL_MARGIN = 0.1  # inches left and right inside a table cell (PowerPoint's default)
BOX_INSET = 0.1  # inches left and right inside a text box (PowerPoint's default)
CARD_FILL = "F2F2F2"  # the agenda's four sections as cards
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

# Widths of characters in em (regular, bold), rounded up from DejaVu Sans: the widest of the
# fonts a viewer falls back to when Calibri is missing (LibreOffice without Carlito), so a
# layout that fits these fits Calibri too.
_WIDTHS: tuple[tuple[str, tuple[float, float]], ...] = (
    ("ijlI.,:;'!| ", (0.32, 0.37)),
    ("ftr()", (0.42, 0.50)),
    ("mwMW%+−→=&", (1.0, 1.11)),
)
_UPPER, _OTHER = (0.79, 0.86), (0.64, 0.72)


def text_width(text: str, pt: float, bold: bool = False) -> float:
    """The width of `text` on one line, in inches (an upper estimate, see _WIDTHS)."""
    em = 0.0
    for c in text:
        pair = next((w for chars, w in _WIDTHS if c in chars), _UPPER if c.isupper() else _OTHER)
        em += pair[bold]
    return em * pt / 72


def wrapped_lines(text: str, pt: float, width: float, bold: bool = False) -> int:
    """How many lines `text` takes in a column `width` inches wide, broken between words.

    A word wider than the column counts as one more line (it would be broken inside).
    """
    lines, line = 1, ""
    for word in text.split():
        candidate = f"{line} {word}" if line else word
        if text_width(candidate, pt, bold) <= width:
            line = candidate
            continue
        lines += 1 if line else 0
        line = word
        if text_width(word, pt, bold) > width:
            lines += 1
    return lines


def widest_word(texts: Sequence[str], pt: float, bold: bool = False) -> float:
    """The width of the widest single word in `texts`, in inches."""
    return max((text_width(w, pt, bold) for x in texts for w in x.split()), default=0.0)


def text_height(paragraphs: Sequence[Paragraph], width: float, size: int = BODY_PT) -> float:
    """The height the paragraphs of a text box take at `size` (see _Deck._text), in inches."""
    height = 0.1  # the box's top and bottom insets
    for i, (text, level, bold) in enumerate(paragraphs):
        pt = max(MIN_PT, size - 2 * level)
        shown = ("• " if level == 1 else "") + text
        height += (12 if level == 0 and i else 4) / 72  # space before
        height += wrapped_lines(shown, pt, width - 2 * BOX_INSET, bold) * pt * 1.2 / 72
    return height


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
        self.footer = phrase(
            "report.footer",
            lang,
            organisation=data.organisation,
            round=data.round_names(lang)[w.id],
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
        frame = slide.shapes.add_textbox(*box.emu()).text_frame
        _fill(frame, paragraphs, size)
        return frame

    def _card(self, slide, box: _Box, paragraphs: Sequence[Paragraph], size: int) -> None:
        """Paragraphs on a light grey card (a rectangle whose text starts at the top)."""
        from pptx.dml.color import RGBColor
        from pptx.enum.shapes import MSO_SHAPE
        from pptx.enum.text import MSO_ANCHOR
        from pptx.util import Inches

        shape = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, *box.emu())
        shape.name = "Card"
        shape.fill.solid()
        shape.fill.fore_color.rgb = RGBColor.from_string(CARD_FILL)
        shape.line.fill.background()
        shape.shadow.inherit = False
        frame = shape.text_frame
        frame.vertical_anchor = MSO_ANCHOR.TOP
        frame.margin_left = frame.margin_right = Inches(BOX_INSET + 0.1)
        frame.margin_top = Inches(0.12)
        _fill(frame, paragraphs, size, colour="222222")

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
        title.text = phrase("report.title", lang)
        subtitle.text_frame.text = d.organisation
        for line in (
            d.round_names(lang)[w.id],
            phrase("report.held_on", lang, date=formats.day(w.date, lang)),
            phrase("report.deck_subtitle", lang),
        ):
            subtitle.text_frame.add_paragraph().text = line
        slide.notes_slide.notes_text_frame.text = phrase("report.intro", lang, min=w.min_group_size)

    def _summary_slide(self) -> None:
        d, lang = self.data, self.lang
        summary = summarise(d)
        slide = self._slide(phrase("summary.title", lang))
        minimum = d.workshop.min_group_size
        if summary.chains_shown == 0:
            lines: list[Paragraph] = [(phrase("summary.none", lang), 0, False)]
            if len(d.chains) == 1:
                too_few = phrase(
                    "report.too_few", lang, count=d.chains[0].participants, min=minimum
                )
                lines = [(too_few, 0, False)]
            self._text(slide, _BODY, lines, size=24)
            return
        several = len(d.chains) > 1
        stand = stand_text(summary, several, lang)
        lines = [(stand, 0, False)]
        if summary.strongest and summary.weakest:
            lines.append(
                (
                    phrase(
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
            lines.append(
                (phrase("report.hidden_chains", lang, min=minimum, chains=hidden), 0, False)
            )
        blocks = [lines]
        chain = (lambda p: p.chain) if several else (lambda p: "")
        lines = [(phrase("summary.gaps", lang), 0, True)]
        lines += [
            (score_text(self.names[p.phase_id], p.score, lang, chain(p)), 1, False)
            for p in summary.gaps
        ]
        blocks.append(lines)
        lines = [(phrase("summary.changes", lang), 0, True)]
        lines += [
            (
                change_text(self.names[p.phase_id], p.before, p.score, p.change, lang, chain(p)),
                1,
                False,
            )
            for p in summary.changes
        ] or [(phrase("summary.no_changes", lang), 1, False)]
        blocks.append(lines)
        if summary.agenda:
            lines = [(phrase("summary.agenda", lang), 0, True)]
            for name, focus in summary.agenda:
                phase = self.names[focus.phase_id]
                reason = focus_reason(focus, self.q, lang)
                lines.append(
                    (f"{name}: {phase} ({reason})" if several else f"{phase} ({reason})", 1, False)
                )
            blocks.append(lines)
        self._two_columns(slide, blocks)

    def _two_columns(self, slide, blocks: Sequence[list[Paragraph]]) -> None:
        """Blocks of paragraphs, in order, over two equal columns: cut where the taller
        column is least tall."""
        left, right = _columns(0.5)

        def joined(part: Sequence[list[Paragraph]]) -> list[Paragraph]:
            return [line for block in part for line in block]

        def taller(cut: int) -> float:
            return max(
                text_height(joined(blocks[:cut]), left.width),
                text_height(joined(blocks[cut:]), right.width),
            )

        cut = min(range(1, len(blocks) + 1), key=taller)
        self._text(slide, left, joined(blocks[:cut]))
        if blocks[cut:]:
            self._text(slide, right, joined(blocks[cut:]))

    def _comparison_slides(self) -> None:
        """All chains side by side: a row per phase, a column per chain, scores coloured by
        level (an editable table). Columns are wide enough for every word of a chain's name;
        more chains than fit continue on the next slide."""
        d, lang = self.data, self.lang
        shown = [c for c in d.chains if not c.suppressed]
        if not shown:
            return
        first = 2.4  # inches: the phase names, one line each at 18 pt bold
        cells = [text for c in shown for text, _, _ in self._score_cells(c).values()]
        # A cell ("3,6 (3,2–4,0)*") stays on one line: measured as one word.
        word = (
            max(
                widest_word([c.chain.name for c in shown], MIN_PT, bold=True),
                widest_word([text.replace(" ", "x") for text in cells], MIN_PT),
            )
            + 2 * CELL_MARGIN
        )
        fits = max(1, min(MAX_TABLE_CHAINS, int((_BODY.width - first) // word)))
        per_slide = -(-len(shown) // -(-len(shown) // fits))  # the same number on each slide
        for start in range(0, len(shown), per_slide):
            title = phrase("report.overview", lang)
            self._comparison_table(
                self._slide(title + (f" {phrase('report.deck_more', lang)}" if start else "")),
                shown[start : start + per_slide],
                first,
            )

    def _score_cells(self, chain: ChainReport) -> dict[str, tuple[str, float, bool]]:
        """Per phase (model order) the cell text of a score with its 90% interval
        ("3,6 (3,2–4,0)", * when the interval is wide), the shown score, and the mark."""
        stats = for_display(chain.stats).set_index("phase_id")
        out = {}
        for p in self.names:
            value = stats["mean"].get(p)
            low, high = (stats[c].get(p, np.nan) if c in stats else np.nan for c in INTERVALS)
            span, _ = interval_cell(value, low, high, self.lang)
            wide = bool(span) and interval_is_wide(low, high)
            text = formats.number(value, self.lang) + (f" ({span})" if span else "")
            out[p] = (text + ("*" if wide else ""), value, wide)
        return out

    def _comparison_table(self, slide, chains: Sequence[ChainReport], first: float) -> None:
        from pptx.dml.color import RGBColor
        from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
        from pptx.util import Inches, Pt

        d, lang = self.data, self.lang
        phases = list(self.names)
        cells = {
            (i, j): (text, value)
            for j, chain in enumerate(chains, start=1)
            for i, (text, value, _) in enumerate(self._score_cells(chain).values(), start=1)
        }
        wide = any(mark for c in chains for _, _, mark in self._score_cells(c).values())
        # Under the table: what the numbers beside the scores are (the full explanation is in
        # the speaker notes), and the chains too small to show.
        notes: list[Paragraph] = [
            (
                phrase("report.deck_interval_note", lang)
                + (" " + phrase("report.wide_mark", lang) if wide else ""),
                0,
                False,
            )
        ]
        hidden = [c.chain.name for c in d.chains if c.suppressed]
        if hidden:
            text = phrase(
                "report.hidden_chains",
                lang,
                min=d.workshop.min_group_size,
                chains=", ".join(hidden),
            )
            notes.append((text, 0, False))
        note = text_height(notes, _BODY.width, MIN_PT)
        width = (_BODY.width - first) / len(chains)
        header_lines = max(
            wrapped_lines(c.chain.name, MIN_PT, width - 2 * CELL_MARGIN, bold=True) for c in chains
        )
        header = 0.15 + header_lines * MIN_PT * 1.2 / 72
        row = min(0.75, (_BODY.height - 0.1 - note - header) / len(phases))
        box = _Box(MARGIN, BODY_TOP, _BODY.width, header + row * len(phases))
        table = slide.shapes.add_table(len(phases) + 1, len(chains) + 1, *box.emu()).table
        table.columns[0].width = Inches(first)
        for j in range(1, len(chains) + 1):
            table.columns[j].width = Inches(width)
        table.rows[0].height = Inches(header)
        for i in range(1, len(phases) + 1):
            table.rows[i].height = Inches(row)

        def put(i: int, j: int, text: str, fill: str | None = None, bold: bool = False):
            cell = table.cell(i, j)
            cell.text = text
            cell.vertical_anchor = MSO_ANCHOR.MIDDLE
            cell.margin_left = cell.margin_right = Inches(CELL_MARGIN)
            for paragraph in cell.text_frame.paragraphs:
                paragraph.alignment = PP_ALIGN.LEFT if j == 0 else PP_ALIGN.CENTER
                for run in paragraph.runs:
                    run.font.size, run.font.bold = Pt(MIN_PT), bold
                    if fill:
                        run.font.color.rgb = RGBColor(0x22, 0x22, 0x22)
            if fill:
                cell.fill.solid()
                cell.fill.fore_color.rgb = RGBColor.from_string(fill)

        put(0, 0, phrase("col.phase", lang), bold=True)
        for j, chain in enumerate(chains, start=1):
            put(0, j, chain.chain.name, bold=True)
        for (i, j), (text, value) in cells.items():
            fill = next(c for limit, c in SCORE_FILLS if pd.isna(value) or value < limit)
            put(i, j, text, None if pd.isna(value) else fill)
        for i, p in enumerate(phases, start=1):
            put(i, 0, self.names[p])
        top = box.top + box.height + 0.1
        self._text(
            slide,
            _Box(MARGIN, top, _BODY.width, _BODY.top + _BODY.height - top),
            notes,
            size=MIN_PT,
        )
        slide.notes_slide.notes_text_frame.text = phrase("report.interval_help", lang)

    def _radar_slide(self, chain: ChainReport) -> None:
        """This round's scores (and the previous round's) as a native radar chart."""
        from pptx.chart.data import CategoryChartData
        from pptx.enum.chart import XL_CHART_TYPE, XL_TICK_LABEL_POSITION

        d, lang = self.data, self.lang
        slide = self._slide(phrase("report.deck_radar", lang, chain=chain.chain.name))
        lines: list[Paragraph] = [(chain.based_on(lang), 0, False)]
        lines.append((phrase("report.deck_weakest", lang), 0, True))
        lines += [
            (score_text(self.names[i.phase_id], i.mean, lang), 1, False)
            for i in chain.agenda.weakest_phases
        ]
        changes = chain.changes.dropna(subset=["change"])
        changes = changes[changes["change"] != 0]
        if chain.previous is not None and not changes.empty:
            previous = d.round_names(lang)[chain.previous.id]
            lines.append((phrase("report.deck_since", lang, previous=previous), 0, True))
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
        # The radar as wide as the text beside it allows.
        left, right = next(
            (left, right)
            for left, right in map(_columns, (0.64, 0.6, 0.56, 0.52, 0.48))
            if text_height(lines, right.width) <= right.height or left.width < 6
        )
        now = for_display(chain.stats).set_index("phase_id")["mean"]
        # Each spoke carries its score, so the chart needs no value scale under the data.
        data = CategoryChartData(number_format="0.0")
        data.categories = [
            f"{self.names[p]} {formats.number(now.get(p), lang)}" for p in self.names
        ]
        data.add_series(
            d.round_names(lang)[d.workshop.id], [_value(now.get(p)) for p in self.names]
        )
        if chain.previous is not None:
            trend = chain.trend[chain.trend["workshop_id"] == chain.previous.id]
            before = for_display(trend).set_index("phase_id")["mean"]
            data.add_series(
                d.round_names(lang)[chain.previous.id],
                [_value(before.get(p)) for p in self.names],
            )
        frame = slide.shapes.add_chart(XL_CHART_TYPE.RADAR_MARKERS, *left.emu(), data)
        chart = frame.chart
        self._chart_fonts(chart, legend=chain.previous is not None)
        _radar_layout(chart, left, data.categories, legend=chain.previous is not None)
        axis = chart.value_axis
        axis.minimum_scale, axis.maximum_scale, axis.major_unit = 1, 5, 1
        axis.tick_label_position = XL_TICK_LABEL_POSITION.NONE
        axis.has_major_gridlines = True
        self._colour_series(chart, ROUND_COLOURS)
        self._text(slide, right, lines)

    def _trend_slide(self, chain: ChainReport) -> None:
        """A line per phase over the rounds, the value axis fitted to the data."""
        from pptx.chart.data import CategoryChartData
        from pptx.enum.chart import XL_CHART_TYPE

        d, lang = self.data, self.lang
        rounds = [w for w in d.rounds if w.id in set(chain.trend["workshop_id"])]
        if len(rounds) < 2:
            return
        slide = self._slide(phrase("report.deck_progress", lang, chain=chain.chain.name))
        trend = for_display(chain.trend)
        data = CategoryChartData(number_format="0.0")
        data.categories = [d.round_names(lang)[w.id] for w in rounds]
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

    def _ambition_slide(self, chain: ChainReport) -> None:
        """Now next to the ambition per phase (a native bar chart) and the gaps in words;
        no slide when nobody (or too few people) gave an ambition."""
        from pptx.chart.data import CategoryChartData
        from pptx.dml.color import RGBColor
        from pptx.enum.chart import XL_CHART_TYPE

        if chain.ambition.empty:
            return
        lang = self.lang
        slide = self._slide(phrase("report.ambition_slide", lang, name=chain.chain.name))
        left, right = _columns(0.6)
        rows = chain.ambition
        data = CategoryChartData(number_format="0.0")
        data.categories = [self.names[p] for p in rows["phase_id"]]
        for column, key in (("now", "report.now"), ("ambition", "report.ambition")):
            data.add_series(phrase(key, lang), [_value(v) for v in rows[column]])
        chart = slide.shapes.add_chart(XL_CHART_TYPE.BAR_CLUSTERED, *left.emu(), data).chart
        self._chart_fonts(chart, legend=True)
        chart.value_axis.minimum_scale, chart.value_axis.maximum_scale = 1.0, 5.0
        chart.value_axis.major_unit = 1.0
        chart.category_axis.reverse_order = True  # the model's order from the top
        for series, colour in zip(chart.plots[0].series, ROUND_COLOURS[::-1], strict=False):
            series.format.fill.solid()
            series.format.fill.fore_color.rgb = RGBColor.from_string(colour)
        head = " · ".join(phrase(k, lang) for k in ("report.now", "report.ambition", "report.gap"))
        lines: list[Paragraph] = [(head, 0, True)]
        lines += [
            (f"{phase}: {now} · {aim} · {gap}", 1, False)
            for phase, now, aim, gap, _n in ambition_rows(self.data, chain, lang)
        ]
        self._text(slide, right, lines, size=MIN_PT)

    def _peers_slide(self, chain: ChainReport) -> None:
        """The chain's scores next to other organisations' chains, as in the HTML report's
        "Others" column: a native bar chart with the median, and per phase the middle half
        in words. No slide without a benchmark (opted out, fewer than 5 others)."""
        from pptx.chart.data import CategoryChartData
        from pptx.dml.color import RGBColor
        from pptx.enum.chart import XL_CHART_TYPE

        if self.data.benchmark is None:
            return
        lang = self.lang
        peers = self.data.benchmark.set_index("phase_id")
        now = for_display(chain.stats).set_index("phase_id")["mean"]
        slide = self._slide(phrase("report.peers_slide", lang, name=chain.chain.name))
        head = " · ".join((phrase("col.score", lang), phrase("col.peers", lang)))
        lines: list[Paragraph] = [(head, 0, True)]
        lines += [
            (f"{name}: {formats.number(now.get(p), lang)} · {peer_band(peers, p, lang)}", 1, False)
            for p, name in self.names.items()
        ]
        lines.append((phrase("report.peers_note", lang), 0, False))
        left, right = next(
            (left, right)
            for left, right in map(_columns, (0.55, 0.5, 0.45, 0.4))
            if text_height(lines, right.width, MIN_PT) <= right.height or left.width < 5
        )
        median = peers["p50"] if "p50" in peers.columns else pd.Series(dtype=float)
        data = CategoryChartData(number_format="0.0")
        data.categories = list(self.names.values())
        data.add_series(chain.chain.name, [_value(now.get(p)) for p in self.names])
        data.add_series(
            phrase("report.peers_median", lang), [_value(median.get(p)) for p in self.names]
        )
        chart = slide.shapes.add_chart(XL_CHART_TYPE.BAR_CLUSTERED, *left.emu(), data).chart
        self._chart_fonts(chart, legend=True)
        chart.value_axis.minimum_scale, chart.value_axis.maximum_scale = 1.0, 5.0
        chart.value_axis.major_unit = 1.0
        chart.category_axis.reverse_order = True  # the model's order from the top
        for series, colour in zip(chart.plots[0].series, ROUND_COLOURS, strict=False):
            series.format.fill.solid()
            series.format.fill.fore_color.rgb = RGBColor.from_string(colour)
        self._text(slide, right, lines, size=MIN_PT)

    def _agenda_slide(self, chain: ChainReport) -> None:
        """The agenda's sections as cards filling the slide (two columns for up to four
        sections, three for more), each with as many of its items as fit (the HTML report
        has them all)."""
        lang, agenda = self.lang, chain.agenda
        slide = self._slide(phrase("report.deck_agenda", lang, chain=chain.chain.name))
        sections = list(agenda.sections())
        columns = 2 if len(sections) <= 4 else 3
        rows = -(-len(sections) // columns)
        gap = 0.25
        width = (_BODY.width - gap * (columns - 1)) / columns
        height = (_BODY.height - gap * (rows - 1)) / rows
        for number, (section, items) in enumerate(sections, start=1):
            row, column = divmod(number - 1, columns)
            box = _Box(_BODY.left + column * (width + gap), BODY_TOP + row * (height + gap),
                       width, height)  # fmt: skip
            lines: list[Paragraph] = [(f"{number}. {phrase(f'section.{section}', lang)}", 0, True)]
            if not items:
                lines.append((empty_text(agenda, section, lang), 1, False))
            for item in items[:AGENDA_ITEMS]:
                more = self._item_paragraphs(item)
                if text_height(lines + more, width - 0.2, AGENDA_PT) > height:
                    break
                lines += more
            self._card(slide, box, lines, AGENDA_PT)
        self._handvatten_notes(slide, chain)

    def _handvatten_notes(self, slide, chain: ChainReport) -> None:
        """The handvatten of the chain's focus phases, as speaker notes."""
        lang, lines = self.lang, []
        for f in chain.focus:
            phase = self.q.phase(f.phase_id)
            lines.append(f"{phase.name.get(lang)} ({focus_reason(f, self.q, lang)})")
            lines.append(
                f"{phrase('handvatten.opening_question', lang)}: {phase.key_question.get(lang)}"
            )
            for item in chain.steps.get(f.phase_id, ()):
                lines.append(self.q.statement(item.statement_id).text.get(lang))
                lines += [
                    f"- {phrase(f'handvatten.role.{step.role}', lang)}: {step.text.get(lang)}"
                    for step in item.steps
                ]
            lines.append("")
        if lines:
            text = "\n".join([phrase("handvatten.title", lang), "", *lines]).rstrip()
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
        title = phrase("report.deck_actions_all", lang)
        header = [phrase("report.action_chain", lang), *(phrase(k, lang) for k in ACTION_COLUMNS)]
        widths = _column_widths(header, rows, wide=2)
        heights = [_row_height(row, widths) for row in [header, *rows]]
        for number, indices in enumerate(_pages(heights[1:], _BODY.height - heights[0])):
            slide = self._slide(title + (f" {phrase('report.deck_more', lang)}" if number else ""))
            chunk = [rows[i] for i in indices]
            chunk_heights = [heights[0], *(heights[1 + i] for i in indices)]
            box = _Box(MARGIN, BODY_TOP, sum(widths), sum(chunk_heights))
            table = slide.shapes.add_table(len(chunk) + 1, len(header), *box.emu()).table
            for j, width in enumerate(widths):
                table.columns[j].width = Inches(width)
            for i, height in enumerate(chunk_heights):
                table.rows[i].height = Inches(height)
            for i, values in enumerate([header, *chunk]):
                for j, value in enumerate(values):
                    cell = table.cell(i, j)
                    cell.text = value
                    cell.margin_left = cell.margin_right = Inches(CELL_MARGIN)
                    for run in cell.text_frame.paragraphs[0].runs:
                        run.font.size = Pt(MIN_PT)

    def build(self) -> bytes:
        d, lang = self.data, self.lang
        props = self.prs.core_properties
        name = d.round_names(lang)[d.workshop.id]
        props.title = f"{phrase('report.title', lang)}: {d.organisation}, {name}"
        props.subject = phrase("report.deck_subtitle", lang)
        props.author = "iPM Ketenscan"
        props.language = formats.LOCALES[lang].replace("_", "-")
        props.keywords = "iPM; ketenscan"
        from datetime import datetime

        props.created = props.modified = datetime.combine(d.created, datetime.min.time())
        self._title_slide()
        self._summary_slide()
        shown = [c for c in d.chains if not c.suppressed]
        if len(d.chains) > 1:
            self._comparison_slides()
        for chain in shown:
            self._radar_slide(chain)
            self._trend_slide(chain)
            self._ambition_slide(chain)
            self._peers_slide(chain)
            self._agenda_slide(chain)
        self._actions_slides()
        out = io.BytesIO()
        self.prs.save(out)
        return out.getvalue()


def _value(value) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def _fill(frame, paragraphs: Sequence[Paragraph], size: int, colour: str | None = None) -> None:
    """Write paragraphs into a text frame: level 0 at `size`, bullets 2 pt smaller (>= 18)."""
    from pptx.dml.color import RGBColor
    from pptx.enum.text import PP_ALIGN
    from pptx.util import Pt

    frame.word_wrap = True
    for i, (text, level, bold) in enumerate(paragraphs):
        p = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        run = p.add_run()
        run.text = ("• " if level == 1 else "") + text
        run.font.size = Pt(max(MIN_PT, size - 2 * level))
        run.font.bold = bold
        p.alignment = PP_ALIGN.LEFT
        if colour:
            run.font.color.rgb = RGBColor.from_string(colour)
        p.space_before = Pt(12 if level == 0 and i else 4)


def _column_widths(header: Sequence[str], rows: Sequence[Sequence[str]], wide: int) -> list[float]:
    """Table column widths (inches) adding up to the body width. Each column fits its widest
    word (no word is broken inside); the room left goes to the columns in proportion to what
    they need to show their longest cell on one line, and what is still left to column `wide`.
    """
    columns = list(zip(header, *rows, strict=True))
    pad = 2 * CELL_MARGIN + 0.05
    least = [
        max(widest_word([head], MIN_PT, bold=True), widest_word(values, MIN_PT)) + pad
        for head, *values in columns
    ]
    full = [
        max(text_width(head, MIN_PT, bold=True), *(text_width(v, MIN_PT) for v in values)) + pad
        for head, *values in columns
    ]
    room = _BODY.width - sum(least)
    if room < 0:  # too wide: shrink every column alike
        return [w * _BODY.width / sum(least) for w in least]
    need = [f - w for f, w in zip(full, least, strict=True)]
    share = min(1.0, room / sum(need)) if sum(need) else 0.0
    widths = [w + n * share for w, n in zip(least, need, strict=True)]
    widths[wide] += _BODY.width - sum(widths)
    return widths


def _row_height(values: Sequence[str], widths: Sequence[float]) -> float:
    """The height of a table row at 18 pt: its tallest cell, its words wrapped (inches)."""
    lines = max(
        wrapped_lines(v, MIN_PT, w - 2 * CELL_MARGIN) for v, w in zip(values, widths, strict=True)
    )
    return lines * MIN_PT * 1.2 / 72 + 0.12  # the cell's top and bottom margins


def _pages(heights: Sequence[float], room: float) -> list[list[int]]:
    """Rows of these heights cut into as few slides as fit `room` inches each, in order, and
    evened out (the least full slide as full as it can be: 4-3-3 rows, not 4-4-2). Row
    numbers per slide; a row taller than `room` gets a slide of its own."""
    n = len(heights)
    if not n:
        return [[]]
    ends = [0.0]
    for height in heights:
        ends.append(ends[-1] + height)

    @cache
    def best(first: int, slides: int) -> tuple[float, tuple[int, ...]]:
        """(the least full slide's height, where slides end) for rows first.. on `slides`."""
        if slides == 1:
            used = ends[n] - ends[first]
            return (used, (n,)) if used <= room or n - first == 1 else (-1.0, ())
        found: tuple[float, tuple[int, ...]] = (-1.0, ())
        for end in range(first + 1, n - slides + 2):
            used = ends[end] - ends[first]
            if used > room and end > first + 1:
                break
            rest, cuts = best(end, slides - 1)
            if cuts and min(used, rest) > found[0]:
                found = (min(used, rest), (end, *cuts))
        return found

    slides = next(k for k in range(1, n + 1) if best(0, k)[1])
    cuts = (0, *best(0, slides)[1])
    return [list(range(start, end)) for start, end in itertools.pairwise(cuts)]


def _radar_layout(chart, box: _Box, categories, legend: bool) -> None:
    """Fix the radar's plot area (a square, centred) so that its labels fit around it: left to
    itself, LibreOffice draws a radar a third of its frame wide."""
    from pptx.oxml.ns import qn

    labels = [str(c.label) for c in categories]
    side = max(text_width(label, MIN_PT) for label in labels) + 0.15  # a label beside a spoke
    line = MIN_PT * 1.2 / 72 + 0.1  # a label above the top spoke, below the bottom ones
    bottom = line + (2 * line if legend else 0.0)
    size = min(box.width - 2 * side, box.height - line - bottom)
    x = (box.width - size) / 2
    y = line + (box.height - line - bottom - size) / 2  # centred between title and legend
    plot_area = chart._chartSpace.chart.plotArea
    layout = plot_area.find(qn("c:layout"))
    if layout is None:
        layout = plot_area.makeelement(qn("c:layout"), {})
        plot_area.insert(0, layout)
    for child in list(layout):
        layout.remove(child)
    manual = layout.makeelement(qn("c:manualLayout"), {})
    layout.append(manual)
    values = {
        "layoutTarget": "inner",
        "xMode": "edge",
        "yMode": "edge",
        "x": x / box.width,
        "y": y / box.height,
        "w": size / box.width,
        "h": size / box.height,
    }
    for tag, value in values.items():
        manual.append(manual.makeelement(qn(f"c:{tag}"), {"val": str(value)}))

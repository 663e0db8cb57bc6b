"""The report as a 16:9 PowerPoint deck for the management team (python-pptx)."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

from ipm_model import formats
from ipm_model.agenda import AgendaItem, empty_text, item_texts
from ipm_model.handvatten import focus_reason
from ipm_model.i18n import normalize_language
from ipm_model.reports.build import ChainReport, ReportData, hidden_chains
from ipm_model.reports.figures import chart_png, heatmap_for, radar_for, trend_for
from ipm_model.reports.html import ACTION_COLUMNS, action_rows, signal_text
from ipm_model.reports.texts import t

MAX_ACTION_ROWS = 10  # per slide; more continue on the next slide
EMU_PER_INCH = 914400
SLIDE_W, SLIDE_H = 13.333, 7.5  # inches, 16:9
MARGIN = 0.5
BODY_TOP = 1.4


@dataclass(frozen=True)
class _Box:
    """A place on a slide, in inches."""

    left: float
    top: float
    width: float
    height: float

    def emu(self) -> tuple[int, int, int, int]:
        return tuple(int(v * EMU_PER_INCH) for v in (self.left, self.top, self.width, self.height))


_TITLE = _Box(MARGIN, 0.3, SLIDE_W - 2 * MARGIN, 1.0)
_BODY = _Box(MARGIN, BODY_TOP, SLIDE_W - 2 * MARGIN, SLIDE_H - BODY_TOP - 0.3)


def _columns(share: float, gap: float = 0.3) -> tuple[_Box, _Box]:
    """The body split in two columns; the left one takes `share` of the width."""
    left_width = (_BODY.width - gap) * share
    left = _Box(_BODY.left, _BODY.top, left_width, _BODY.height)
    right_width = _BODY.width - left_width - gap
    right = _Box(_BODY.left + left_width + gap, _BODY.top, right_width, _BODY.height)
    return left, right


# A paragraph of a text box: (text, level, bold). Level 1 is a bullet, level 2 a detail line.
Paragraph = tuple[str, int, bool]


def render_pptx(data: ReportData, lang: str = "nl") -> bytes:
    """A 16:9 deck for the management team; texts are editable, charts are PNG pictures.

    Slides: title; a radar per chain; the chain comparison (when the report has more than one
    chain); progress, agenda and actions per chain. The agenda slide's notes hold the
    handvatten with the opening questions.
    """
    return _Deck(data, normalize_language(lang)).build()


class _Deck:
    """Builds the deck slide by slide on python-pptx's default template.

    python-pptx is imported where it is used: it takes about 150 ms to import, which pages
    that only show or export HTML should not pay.
    """

    def __init__(self, data: ReportData, lang: str):
        from pptx import Presentation

        self.data, self.lang, self.q = data, lang, data.questionnaire
        self.prs = Presentation()
        self.prs.slide_width = int(SLIDE_W * EMU_PER_INCH)
        self.prs.slide_height = int(SLIDE_H * EMU_PER_INCH)

    # -- building blocks

    def _slide(self, title: str, layout: int = 5):
        """A slide with its title in the title placeholder (so outlines and readers see it)."""
        from pptx.enum.text import PP_ALIGN
        from pptx.util import Pt

        slide = self.prs.slides.add_slide(self.prs.slide_layouts[layout])
        shape = slide.shapes.title
        shape.left, shape.top, shape.width, shape.height = _TITLE.emu()
        shape.text = title
        paragraph = shape.text_frame.paragraphs[0]
        paragraph.alignment = PP_ALIGN.LEFT
        paragraph.runs[0].font.size = Pt(28)
        return slide

    def _picture(self, slide, png: bytes, box: _Box) -> None:
        """The picture as large as fits in `box`, keeping its proportions, centred."""
        from pptx.parts.image import Image

        px_w, px_h = Image.from_blob(png).size
        scale = min(box.width / px_w, box.height / px_h)
        width, height = px_w * scale, px_h * scale
        left = box.left + (box.width - width) / 2
        placed = _Box(left, box.top, width, height).emu()
        slide.shapes.add_picture(io.BytesIO(png), *placed)

    def _text(self, slide, box: _Box, paragraphs: Sequence[Paragraph], size: int = 16) -> None:
        from pptx.enum.text import MSO_AUTO_SIZE
        from pptx.util import Pt

        frame = slide.shapes.add_textbox(*box.emu()).text_frame
        frame.word_wrap = True
        frame.auto_size = MSO_AUTO_SIZE.TEXT_TO_FIT_SHAPE  # PowerPoint shrinks long agendas
        for i, (text, level, bold) in enumerate(paragraphs):
            p = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
            run = p.add_run()
            run.text = ("• " if level == 1 else "") + text
            run.font.size = Pt(size - 2 * level)
            run.font.bold = bold
            p.level = level
            p.space_before = Pt(8 if level == 0 and i else 2)

    def _message(self, slide, text: str) -> None:
        self._text(slide, _Box(_BODY.left, _BODY.top, _BODY.width, 1.5), [(text, 0, False)])

    def _item_paragraphs(self, item: AgendaItem) -> list[Paragraph]:
        what, numbers = item_texts(item, self.q, self.lang)
        if item.statement_id is None:
            return [(f"{what}: {numbers}", 1, False)]
        return [(what, 1, False), (numbers, 2, False)]

    # -- slides

    def _title_slide(self) -> None:
        d, lang, w = self.data, self.lang, self.data.workshop
        slide = self.prs.slides.add_slide(self.prs.slide_layouts[0])
        title, subtitle = slide.shapes.title, slide.placeholders[1]
        title.left, title.top, title.width, title.height = _Box(MARGIN, 2.0, _BODY.width, 1.5).emu()
        subtitle.left, subtitle.top, subtitle.width, subtitle.height = _Box(
            MARGIN, 3.7, _BODY.width, 2.0
        ).emu()
        title.text = t("report.title", lang)
        subtitle.text_frame.text = d.organisation
        for line in (
            t("report.round", lang, title=d.round_names[w.id], date=w.date),
            t("report.deck_subtitle", lang),
        ):
            subtitle.text_frame.add_paragraph().text = line
        slide.notes_slide.notes_text_frame.text = t("report.intro", lang, min=w.min_group_size)

    def _radar_slide(self, chain: ChainReport) -> None:
        d, lang = self.data, self.lang
        slide = self._slide(t("report.deck_radar", lang, chain=chain.chain.name))
        if chain.suppressed:
            minimum = d.workshop.min_group_size
            self._message(slide, t("report.too_few", lang, count=chain.participants, min=minimum))
            return
        left, right = _columns(0.5)
        self._picture(slide, chart_png(radar_for(d, chain, lang, size=420)), left)
        lines: list[Paragraph] = [(t("report.based_on", lang, count=chain.participants), 0, False)]
        if chain.previous is not None:
            previous = d.round_names[chain.previous.id]
            lines.append((t("report.compared_with", lang, previous=previous), 0, False))
        lines.append((t("report.deck_weakest", lang), 0, True))
        for item in chain.agenda.weakest_phases:
            lines += self._item_paragraphs(item)
        lines += [(signal_text(s, self.q, lang), 0, False) for s in chain.signals]
        self._text(slide, right, lines)

    def _comparison_slide(self) -> None:
        d, lang = self.data, self.lang
        slide = self._slide(t("report.overview", lang))
        spec = heatmap_for(d, lang)
        if spec is not None:
            box = _Box(MARGIN, BODY_TOP, _BODY.width, _BODY.height - 1.0)
            self._picture(slide, chart_png(spec), box)
        hidden = hidden_chains(d)
        if hidden:
            minimum, names = d.workshop.min_group_size, ", ".join(hidden)
            text = t("report.hidden_chains", lang, min=minimum, chains=names)
            box = _Box(MARGIN, SLIDE_H - 1.0, _BODY.width, 0.7)
            self._text(slide, box, [(text, 0, False)], size=14)

    def _progress_slide(self, chain: ChainReport) -> None:
        d, lang = self.data, self.lang
        slide = self._slide(t("report.deck_progress", lang, chain=chain.chain.name))
        spec = None if chain.suppressed else trend_for(d, chain, lang)
        if spec is None:
            self._message(slide, t("report.progress_one_round", lang))
            return
        left, right = _columns(0.64)
        self._picture(slide, chart_png(spec), left)
        if chain.previous is None:
            return
        previous = d.round_names[chain.previous.id]
        lines: list[Paragraph] = [
            (t("report.compared_with", lang, previous=previous), 0, False),
            (t("report.largest_changes", lang), 0, True),
        ]
        names = self.q.phase_names(lang)
        changes = chain.changes.dropna(subset=["change"])
        largest = changes.loc[changes["change"].abs().sort_values(ascending=False).index].head(4)
        for r in largest.itertuples():
            before, after = (
                formats.number(r.mean_before, self.lang),
                formats.number(r.mean_after, self.lang),
            )
            text = (
                f"{names[r.phase_id]}: {before} → {after} ({formats.change(r.change, self.lang)})"
            )
            lines.append((text, 1, False))
        self._text(slide, right, lines)

    def _agenda_slide(self, chain: ChainReport) -> None:
        lang, agenda = self.lang, chain.agenda
        slide = self._slide(t("report.deck_agenda", lang, chain=chain.chain.name))
        if agenda.suppressed:
            self._message(slide, t("agenda.suppressed_short", lang))
            return
        # Phase items are short, statement items long: phases left, statements right.
        columns = dict(zip(("left", "right"), _columns(0.42), strict=True))
        placed: dict[str, list[Paragraph]] = {"left": [], "right": []}
        for number, (section, items) in enumerate(agenda.sections(), start=1):
            side = "left" if section in ("weakest_phases", "drops") else "right"
            placed[side].append((f"{number}. {t(f'section.{section}', lang)}", 0, True))
            if not items:
                placed[side].append((empty_text(agenda, section, lang), 1, False))
            for item in items:
                placed[side] += self._item_paragraphs(item)
        for side, lines in placed.items():
            self._text(slide, columns[side], lines, size=16)
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

    def _actions_slides(self, chain: ChainReport) -> None:
        from pptx.util import Inches, Pt

        lang = self.lang
        rows = action_rows(self.data, chain, lang)
        title = t("report.deck_actions", lang, chain=chain.chain.name)
        if not rows:
            self._message(self._slide(title), t("report.no_actions", lang))
            return
        widths = (1.6, 4.93, 1.7, 1.3, 1.3, 1.5)  # inches, adding up to the body width
        for start in range(0, len(rows), MAX_ACTION_ROWS):
            chunk = rows[start : start + MAX_ACTION_ROWS]
            slide = self._slide(title + (f" {t('report.deck_more', lang)}" if start else ""))
            box = _Box(MARGIN, BODY_TOP, _BODY.width, 0.4 * (len(chunk) + 1))
            table = slide.shapes.add_table(len(chunk) + 1, len(ACTION_COLUMNS), *box.emu()).table
            for j, width in enumerate(widths):
                table.columns[j].width = Inches(width)
            header = [t(key, lang) for key in ACTION_COLUMNS]
            for i, values in enumerate([header, *chunk]):
                for j, value in enumerate(values):
                    cell = table.cell(i, j)
                    cell.text = value
                    for run in cell.text_frame.paragraphs[0].runs:
                        run.font.size = Pt(12)

    def build(self) -> bytes:
        d = self.data
        self.prs.core_properties.title = f"{t('report.title', self.lang)}: {d.workshop.title}"
        self.prs.core_properties.author = "iPM Ketenscan"
        self._title_slide()
        for chain in d.chains:
            self._radar_slide(chain)
        if len(d.chains) > 1:
            self._comparison_slide()
        for make in (self._progress_slide, self._agenda_slide, self._actions_slides):
            for chain in d.chains:
                make(chain)
        out = io.BytesIO()
        self.prs.save(out)
        return out.getvalue()

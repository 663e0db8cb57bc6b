"""The deck's layout, measured: shapes fill the slide, text fits its box, no word is broken
inside a table cell, the radar is large. Measured with the deck's own upper estimate of text
widths (DejaVu Sans, the widest fallback for Calibri); the last test renders the deck in
LibreOffice Impress and reads the PDF back."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
from datetime import date

import pytest
from pptx import Presentation
from pptx.enum.chart import XL_CHART_TYPE
from pptx.enum.shapes import MSO_SHAPE_TYPE
from pptx.oxml.ns import qn
from pptx.util import Emu

from ipm_model.demo import create_demo
from ipm_model.questionnaire import default_questionnaire
from ipm_model.reports import build_report
from ipm_model.reports import pptx as deck_module
from ipm_model.reports.pptx import (
    BODY_TOP,
    CELL_MARGIN,
    FOOTER_TOP,
    MARGIN,
    MIN_PT,
    SLIDE_W,
    _pages,
    text_height,
    text_width,
    widest_word,
    wrapped_lines,
)
from ipm_model.storage.store import Store

TODAY = date(2025, 6, 2)
BODY_W = SLIDE_W - 2 * MARGIN
BODY_H = FOOTER_TOP - BODY_TOP
FRAME = ("Footer", "Slide Number")


@pytest.fixture(scope="module")
def decks(tmp_path_factory):
    """The demo's last round as a deck in Dutch and in English (all chains)."""
    store = Store(tmp_path_factory.mktemp("deck") / "x.db")
    result = create_demo(store, default_questionnaire(), today=TODAY)
    code = result.history[-1].code
    files = {
        lang: build_report(store, code, None, "pptx", lang, today=TODAY) for lang in ("nl", "en")
    }
    store.close()
    return files


def _inches(value: int) -> float:
    return Emu(value).inches


def _content(slide):
    return [s for s in slide.shapes if s.name not in FRAME and s != slide.shapes.title]


def _paragraphs(frame):
    """(text, level, bold) of a text frame as the deck wrote it (level 1: a bullet)."""
    found = []
    for p in frame.paragraphs:
        text = "".join(r.text for r in p.runs)
        if not text:
            continue
        level = 1 if text.startswith("• ") else 0
        found.append((text.removeprefix("• "), level, bool(p.runs[0].font.bold)))
    return found


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_every_slide_fills_its_body(decks, lang):
    """The content spans the body's width and reaches at least halfway down, on every slide."""
    deck = Presentation(io.BytesIO(decks[lang]))
    for number, slide in enumerate(list(deck.slides)[1:], start=2):
        shapes = _content(slide)
        assert shapes, number
        left = min(_inches(s.left) for s in shapes)
        right = max(_inches(s.left + s.width) for s in shapes)
        bottom = max(_inches(s.top + s.height) for s in shapes)
        for s in shapes:  # nothing runs into the footer or off the slide
            assert _inches(s.top) >= BODY_TOP - 0.05 and _inches(s.top + s.height) <= FOOTER_TOP
        title = slide.shapes.title.text
        assert right - left >= 0.9 * BODY_W, (number, title)
        assert bottom - BODY_TOP >= 0.5 * BODY_H, (number, title)


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_text_fits_its_box_and_no_word_is_broken(decks, lang):
    deck = Presentation(io.BytesIO(decks[lang]))
    checked = 0
    for number, slide in enumerate(list(deck.slides)[1:], start=2):
        for shape in _content(slide):
            if shape.has_text_frame and shape.text_frame.text.strip():
                paragraphs = _paragraphs(shape.text_frame)
                size = int(shape.text_frame.paragraphs[0].runs[0].font.size.pt)
                needed = text_height(paragraphs, _inches(shape.width), size)
                assert needed <= _inches(shape.height) + 0.05, (number, paragraphs[0][0])
                checked += 1
            if shape.shape_type == MSO_SHAPE_TYPE.TABLE:
                table = shape.table
                for j, column in enumerate(table.columns):
                    room = _inches(column.width) - 2 * CELL_MARGIN
                    for row in table.rows:
                        text = row.cells[j].text
                        bold = any(r.font.bold for r in row.cells[j].text_frame.paragraphs[0].runs)
                        assert widest_word([text], MIN_PT, bold) <= room, (number, text)
                        assert wrapped_lines(text, MIN_PT, room, bold) * MIN_PT * 1.2 / 72 <= (
                            _inches(row.height)
                        ), (number, text)
                        checked += 1
    assert checked > 100


def test_comparison_table_has_a_row_per_phase_and_phase_names_on_one_line(decks):
    deck = Presentation(io.BytesIO(decks["nl"]))
    (slide,) = [s for s in deck.slides if s.shapes.title.text == "Alle ketens in deze ronde"]
    (table,) = [s.table for s in slide.shapes if s.shape_type == MSO_SHAPE_TYPE.TABLE]
    names = [row.cells[0].text for row in list(table.rows)[1:]]
    assert names == ["Inzicht", "Toekomst", "Versnellen", "Structuur", "Doen", "Groeien", "Borgen"]
    first = _inches(table.columns[0].width) - 2 * CELL_MARGIN
    assert all(wrapped_lines(n, MIN_PT, first) == 1 for n in names)
    assert [c.text for c in table.rows[0].cells][1:] == [
        "Van aanvraag tot uitkering",
        "Van melding tot jeugdhulp",
        "Van schuld tot rust",
        "Van vergunning tot bouw",
    ]


def test_radar_is_large_and_its_labels_fit_beside_it(decks):
    deck = Presentation(io.BytesIO(decks["nl"]))
    radars = [s for slide in deck.slides for s in slide.shapes if s.has_chart]
    radars = [s for s in radars if s.chart.chart_type == XL_CHART_TYPE.RADAR_MARKERS]
    assert len(radars) == 4
    for frame in radars:
        manual = frame.chart._chartSpace.chart.plotArea.find(
            f"{qn('c:layout')}/{qn('c:manualLayout')}"
        )
        assert manual is not None
        value = {el.tag.split("}")[1]: el.get("val") for el in manual}
        width, height = _inches(frame.width), _inches(frame.height)
        size = float(value["w"]) * width
        assert float(value["h"]) * height == pytest.approx(size)  # a square plot
        assert size >= 3.0  # inches, 40 % of the slide's height (LibreOffice drew 1.6)
        labels = [c.label for c in frame.chart.plots[0].categories]
        side = max(text_width(str(label), MIN_PT) for label in labels)
        assert float(value["x"]) * width >= side  # the left labels fit inside the frame
        assert (1 - float(value["x"]) - float(value["w"])) * width >= side


@pytest.mark.parametrize(
    ("heights", "room", "expected"),
    [
        ([1.1] * 10, 5.2, [3, 3, 4]),  # three slides, evened out (not 4-4-2)
        ([1.0, 2.0, 1.0], 10.0, [3]),
        ([1.0, 6.0, 1.0], 5.0, [1, 1, 1]),  # a row taller than the slide gets its own
        ([], 5.0, [0]),
    ],
)
def test_long_tables_are_cut_into_even_slides(heights, room, expected):
    pages = _pages(heights, room)
    assert [len(p) for p in pages] == expected
    assert [i for p in pages for i in p] == list(range(len(heights)))


def test_the_width_estimate_is_an_upper_bound_of_dejavu_sans(decks):
    """The estimate is not narrower than the widest usual fallback font, for every word of
    the deck (checked where DejaVu Sans is installed)."""
    font = (
        shutil.which("fc-match")
        and subprocess.run(
            ["fc-match", "-f", "%{file}", "DejaVu Sans"], capture_output=True, text=True
        ).stdout
    )
    if not font or "DejaVuSans" not in font:
        pytest.skip("DejaVu Sans is not installed")
    from PIL import ImageFont

    regular = ImageFont.truetype(font, 1000)
    bold = ImageFont.truetype(font.replace("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"), 1000)
    deck = Presentation(io.BytesIO(decks["nl"]))
    words = set()
    for slide in deck.slides:
        for shape in _content(slide):
            if shape.has_text_frame:
                words.update(shape.text_frame.text.split())
            if shape.shape_type == MSO_SHAPE_TYPE.TABLE:
                words.update(
                    w for row in shape.table.rows for c in row.cells for w in c.text.split()
                )
    assert len(words) > 100
    for word in sorted(words):
        for face, is_bold in ((regular, False), (bold, True)):
            actual = face.getlength(word) / 1000 * 18 / 72
            assert text_width(word, 18, is_bold) >= actual * 0.98, word


def test_the_deck_in_libreoffice_breaks_no_word(decks, tmp_path):
    """LibreOffice Impress renders the deck to PDF: every word of every table and text box
    is found whole in its page's text (a word broken inside a narrow cell is not)."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        if os.environ.get("CI"):
            pytest.fail("LibreOffice is not installed; .ci/run installs it (libreoffice-impress)")
        pytest.skip("LibreOffice is not installed (apt-get install -y libreoffice-impress)")
    from pypdf import PdfReader

    path = tmp_path / "deck.pptx"
    path.write_bytes(decks["nl"])
    subprocess.run(
        [soffice, f"-env:UserInstallation=file://{tmp_path}/profile", "--headless",
         "--convert-to", "pdf", "--outdir", str(tmp_path), str(path)],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    pages = PdfReader(tmp_path / "deck.pdf").pages
    deck = Presentation(io.BytesIO(decks["nl"]))
    assert len(pages) == len(deck.slides)
    for number, (slide, page) in enumerate(zip(deck.slides, pages, strict=True), start=1):
        words = set(page.extract_text().split())
        texts = []
        for shape in _content(slide):
            if shape.has_text_frame:
                texts.append(shape.text_frame.text)
            if shape.shape_type == MSO_SHAPE_TYPE.TABLE:
                texts += [c.text for row in shape.table.rows for c in row.cells]
        for word in " ".join(texts).split():
            assert word in words, (number, word)


def test_layout_constants_keep_slides_readable():
    assert deck_module.MIN_PT >= 18 and deck_module.AGENDA_PT >= deck_module.BODY_PT


def test_the_peer_benchmark_has_a_slide_per_chain_with_large_labels(decks):
    """Issue 14: the deck shows the peer benchmark where the HTML report does: per shown
    chain a bar chart (the chain and the others' median) and the middle half per phase in
    words, every label at least MIN_PT."""
    deck = Presentation(io.BytesIO(decks["nl"]))
    slides = [s for s in deck.slides if s.shapes.title is not None]
    peers = [s for s in slides if s.shapes.title.text.endswith("naast andere organisaties")]
    agendas = [s for s in slides if s.shapes.title.text.endswith("agenda ketengesprek")]
    assert peers and len(peers) == len(agendas)
    for slide in peers:
        [chart] = [s.chart for s in slide.shapes if s.has_chart]
        assert chart.font.size.pt >= MIN_PT and chart.legend.font.size.pt >= MIN_PT
        series = [s.name for s in chart.plots[0].series]
        assert series[1] == "Anderen (midden)"
        assert len(list(chart.plots[0].categories)) == 7
        texts = [s for s in _content(slide) if s.has_text_frame and s.text_frame.text]
        lines = [text for s in texts for text, _, _ in _paragraphs(s.text_frame)]
        assert any("–" in line for line in lines[1:8])  # "Inzicht: 3,6 · 3,1–3,6"
        assert any("middelste helft" in line for line in lines)
        for s in texts:
            for p in s.text_frame.paragraphs:
                assert all(r.font.size.pt >= MIN_PT for r in p.runs)

"""Reports: data gathering, the self-contained HTML page and the PowerPoint deck."""

from __future__ import annotations

import dataclasses
import io
import re
from datetime import date

import pytest
from pptx import Presentation
from pptx.enum.chart import XL_CHART_TYPE
from pptx.enum.shapes import MSO_SHAPE_TYPE

from ipm_model import formats
from ipm_model.demo import DEMO_CODE, create_demo
from ipm_model.phases import PHASE_IDS
from ipm_model.questionnaire import default_questionnaire
from ipm_model.reports import (
    build_report,
    chart_png,
    chart_svg,
    gather_report,
    render_html,
    render_pptx,
)
from ipm_model.storage.store import Store
from tests.unit.test_number_rule import assert_adds_up

TODAY = date(2025, 6, 2)
Q = default_questionnaire()
NAMES_NL = [Q.phase(p).name.nl for p in PHASE_IDS]


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The demo history plus a few actions, and a small organisation for comments."""
    store = Store(tmp_path_factory.mktemp("report") / "x.db")
    result = create_demo(store, Q, today=TODAY)
    rounds = result.history
    chain = next(c for c in rounds[-1].chains if c.name == "Van melding tot jeugdhulp")
    add = store.create_action
    add(
        chain_id=chain.id,
        workshop_id=rounds[-1].id,
        phase_id="structuur",
        description="Keteneigenaar <b>benoemen</b>",
        owner="Anna",
        due_date="2025-07-01",
    )
    add(
        chain_id=chain.id,
        workshop_id=rounds[-2].id,
        phase_id="doen",
        description="Verbeterbord ophangen",
        owner="Piet",
        status="done",
    )
    add(
        chain_id=chain.id,
        workshop_id=rounds[0].id,
        phase_id="inzicht",
        description="Oude actie die klaar is",
        status="done",
    )
    add(
        chain_id=chain.id,
        workshop_id=rounds[0].id,
        phase_id="borgen",
        description="Oude actie die nog loopt",
        status="busy",
    )
    small = _small_organisation(store)
    yield store, result, chain, small
    store.close()


def _small_organisation(store: Store):
    """Two chains: one of four people, one of two (below the minimum of three)."""
    org = store.create_organisation("Klein & Fijn")
    big = store.add_chain(org, "Groot & <Sterk>")
    tiny = store.add_chain(org, "Klein")
    workshop = store.create_workshop(
        org,
        title="Ronde 1",
        workshop_date="2025-03-03",
        chain_ids=[big, tiny],
        questionnaire=Q,
        min_group_size=3,
        code="KLEIN1",
    )
    answers = {s.id: "4" for s in Q.statements}
    people = [(big, f"Opmerking groot {i}") for i in range(4)] + [
        (tiny, f"Opmerking klein {i}") for i in range(2)
    ]
    store.load_finished_participants(
        workshop,
        [
            {
                "chain_id": cid,
                "role": "mt",
                "answers": answers,
                "comments": {"doen": text},
                "finished_at": "2025-03-03T10:00:00+00:00",
            }
            for cid, text in people
        ],
    )
    return workshop, big, tiny


@pytest.fixture(scope="module")
def chain_html(demo) -> str:
    store, result, chain, _ = demo
    return build_report(store, result.history[-1].code, chain.id, "html", today=TODAY).decode()


@pytest.fixture(scope="module")
def all_pptx(demo):
    store, result, _, _ = demo
    data = build_report(store, result.history[-1].code, None, "pptx", "en", today=TODAY)
    return Presentation(io.BytesIO(data))


def _slide_texts(slide) -> str:
    parts = []
    for shape in slide.shapes:
        if shape.has_text_frame:
            parts.append(shape.text_frame.text)
        if shape.shape_type == MSO_SHAPE_TYPE.TABLE:
            parts += [c.text for row in shape.table.rows for c in row.cells]
    return "\n".join(parts)


# -- input checks ------------------------------------------------------------------------------


def test_unknown_workshop_is_a_clear_error(demo):
    store = demo[0]
    with pytest.raises(ValueError, match="no workshop with code 'NOPE'"):
        build_report(store, "NOPE")


def test_unknown_chain_is_a_clear_error(demo):
    store, result, _, (small, _, _) = demo
    with pytest.raises(ValueError, match=f"chain 9999 is not part of workshop {DEMO_CODE}"):
        build_report(store, DEMO_CODE, 9999)
    # A chain of another organisation is not part of this workshop either.
    with pytest.raises(ValueError, match="is not part of workshop"):
        build_report(store, DEMO_CODE, small.chains[0].id)


def test_unknown_format_is_a_clear_error(demo):
    with pytest.raises(ValueError, match="unknown report format 'pdf'"):
        build_report(demo[0], DEMO_CODE, fmt="pdf")


# -- data --------------------------------------------------------------------------------------


def test_report_data_compares_with_the_previous_round(demo):
    store, result, chain, _ = demo
    data = gather_report(store, result.history[-1].code, chain.id, today=TODAY)
    (report,) = data.chains
    assert data.rounds == result.history  # the open round after it is left out
    assert report.previous == result.history[-2]
    assert not report.suppressed and report.participants >= 3
    assert list(report.stats["phase_id"]) == list(PHASE_IDS)
    assert set(report.trend["workshop_id"]) == {w.id for w in result.history}
    assert report.agenda.compared and report.agenda.weakest_phases
    # The planted phase order problem of this chain: doen high on a weak structuur.
    assert ("doen", "structuur") in {(s.later_phase, s.earlier_phase) for s in report.signals}
    assert "structuur" in {f.phase_id for f in report.focus}


def test_a_report_of_an_older_round_ignores_later_rounds(demo):
    store, result, chain, _ = demo
    data = gather_report(store, result.history[1].code, chain.id)
    assert data.rounds == result.history[:2]
    assert set(data.chains[0].trend["workshop_id"]) == {w.id for w in result.history[:2]}


def test_round_names_add_the_date_in_words_when_two_titles_are_equal(demo):
    store, result, chain, _ = demo
    data = gather_report(store, result.history[1].code, chain.id)
    a, b = data.rounds
    assert data.round_names("nl") == {a.id: a.title, b.id: b.title}
    same = dataclasses.replace(data, rounds=(a, dataclasses.replace(b, title=a.title)))
    for lang in ("nl", "en"):
        names = same.round_names(lang)
        assert names == {w.id: f"{a.title} ({formats.day(w.date, lang)})" for w in (a, b)}
        assert a.date not in names[a.id]  # words, not the ISO date
    assert same.round_names("nl")[a.id] != same.round_names("en")[a.id]


def test_the_first_round_has_nothing_to_compare_with(demo):
    store, result, chain, _ = demo
    (report,) = gather_report(store, result.history[0].code, chain.id).chains
    assert report.previous is None and report.changes.empty
    assert not report.agenda.compared and report.agenda.drops == ()


def test_actions_of_this_and_the_previous_round_and_those_still_running(demo):
    store, result, chain, _ = demo
    (report,) = gather_report(store, result.history[-1].code, chain.id).chains
    planted = ["Oude actie die nog loopt", "Verbeterbord ophangen", "Keteneigenaar <b>benoemen</b>"]
    shown = [a.description for a in report.actions]
    assert [d for d in shown if d in planted] == planted
    assert "Oude actie die klaar is" not in shown  # done, two rounds ago
    # The demo's own actions: agreed in the previous round and reviewed now, or agreed now.
    keep = {result.history[-1].id, result.history[-2].id}
    assert all(a.workshop_id in keep or a.status in ("open", "busy") for a in report.actions)
    reviewed = [a for a in report.actions if a.workshop_id == result.history[-2].id]
    assert reviewed and all(a.status != "open" for a in reviewed)


def test_chains_below_the_minimum_show_only_their_count(demo):
    store, _, _, (small, big, tiny) = demo
    data = gather_report(store, small.code)
    by_id = {c.chain.id: c for c in data.chains}
    # Four finished; the figures (and comments) cover the first three (disclosure ladder).
    assert not by_id[big].suppressed and len(by_id[big].comments) == 3
    assert by_id[big].participants == 3
    hidden = by_id[tiny]
    assert hidden.suppressed and hidden.participants == 2
    assert hidden.stats["mean"].isna().all() and hidden.comments.empty
    assert hidden.agenda.suppressed and hidden.agenda.is_empty
    assert hidden.signals == () and hidden.focus == ()


# -- HTML --------------------------------------------------------------------------------------


def test_html_shows_every_part_for_a_chain(chain_html):
    html = chain_html
    assert html.startswith("<!DOCTYPE html>") and '<html lang="nl">' in html
    for name in NAMES_NL:
        assert name in html
    assert html.count("<svg") == 2  # radar and trend; the overview is only for several chains
    for text in (
        "Van melding tot jeugdhulp",
        "Vergeleken met Ronde 3: december 2024.",
        "Agenda voor het ketengesprek",
        "Zwakste fases",
        "Grootste dalingen",
        "Meeste verschil van mening",
        "Vaak &#39;weet ik niet&#39;",  # markupsafe escapes ' as &#39;
        "Handvatten: wat kun je nu doen?",
        "Openingsvraag",
        Q.phase("structuur").key_question.nl,
        "Acties",
        "integraal prestatiemanagement",
    ):
        assert text in html, text


def test_html_escapes_user_text(chain_html):
    assert "Keteneigenaar &lt;b&gt;benoemen&lt;/b&gt;" in chain_html
    assert "<b>" not in chain_html


def test_html_is_self_contained_and_prints_on_a4(chain_html):
    html = chain_html
    assert "<script" not in html and "<link" not in html and "@import" not in html
    assert not re.search(r"\b(src|href)\s*=", html)
    assert re.findall(r"url\((?!#)", html) == []
    # The only URLs are XML namespace names inside the SVG, which are never fetched.
    urls = set(re.findall(r"https?://[^\s\"'<>)]+", html))
    assert urls <= {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}
    assert "@page { size: A4" in html and "break-before: page" in html


def test_html_for_all_chains_has_the_overview_and_a_section_per_chain(demo):
    store, result, _, _ = demo
    data = gather_report(store, result.history[-1].code, today=TODAY)
    html = render_html(data, "en")
    assert '<html lang="en">' in html and "All chains in this round" in html
    assert html.count('<section class="chain"') == len(result.history[-1].chains)
    assert html.count("<svg") == 1 + 2 * len(result.history[-1].chains)  # overview, radar, trend
    ids = re.findall(r'\bid="([^"]+)"', html)
    assert len(ids) == len(set(ids))  # inline SVGs do not share ids


def test_html_comments_only_for_a_large_enough_chain(demo):
    store, _, _, (small, _, _) = demo
    html = build_report(store, small.code).decode()
    assert "Groot &amp; &lt;Sterk&gt;" in html and "<Sterk>" not in html
    assert all(f"Opmerking groot {i}" in html for i in range(3))
    assert "Opmerking groot 3" not in html  # the fourth finisher is not counted yet
    assert "Opmerking klein" not in html
    assert "Nog te weinig deelnemers in deze keten: 2 van minimaal 3." in html


def test_html_of_a_round_without_answers(demo):
    html = build_report(demo[0], DEMO_CODE).decode()
    assert "<svg" not in html
    assert html.count("Nog te weinig deelnemers in deze keten: 0 van minimaal 3.") == 4


def test_html_parts_make_a_printable_agenda(demo):
    store, result, chain, _ = demo
    data = gather_report(store, result.history[-1].code, chain.id)
    agenda = render_html(data, "nl", parts=("agenda",))
    assert "Zwakste fases" in agenda and "<svg" not in agenda and "Acties" not in agenda
    with pytest.raises(ValueError, match="unknown report parts"):
        render_html(data, "nl", parts=("radar",))


# -- PowerPoint --------------------------------------------------------------------------------


def _fonts(slide):
    """Every font size (pt) set on a slide's texts, tables and charts, but the footer."""
    sizes = []
    for shape in slide.shapes:
        if shape.name in ("Footer", "Slide Number"):
            continue
        if shape.has_chart:
            sizes.append(shape.chart.font.size.pt)
            if shape.chart.has_legend:
                sizes.append(shape.chart.legend.font.size.pt)
        frames = []
        if shape.has_text_frame:
            frames.append(shape.text_frame)
        if shape.shape_type == MSO_SHAPE_TYPE.TABLE:
            frames += [c.text_frame for row in shape.table.rows for c in row.cells]
        sizes += [
            r.font.size.pt for f in frames for p in f.paragraphs for r in p.runs if r.font.size
        ]
    return sizes


def test_pptx_for_one_chain(demo):
    store, result, chain, _ = demo
    data = build_report(store, result.history[-1].code, chain.id, "pptx", "nl", today=TODAY)
    deck = Presentation(io.BytesIO(data))
    titles = [s.shapes.title.text for s in deck.slides]
    name = chain.name
    assert titles[8:] == ["Acties en hun voortgang (vervolg)"] * (len(titles) - 8)
    assert titles[:8] == [
        "iPM Ketenscan: resultaten",
        "Samenvatting",
        f"{name}: scores per fase",
        f"{name}: voortgang",
        f"{name}: nu en ambitie",
        f"{name}: naast andere organisaties",
        f"{name}: agenda ketengesprek",
        "Acties en hun voortgang",
    ]
    title, summary, radar, progress, ambition, peers, agenda = list(deck.slides)[:7]
    actions = "\n".join(_slide_texts(s) for s in list(deck.slides)[7:])
    assert "Anderen: de middelste helft" in _slide_texts(peers)
    assert "Nu · Ambitie · Afstand" in _slide_texts(ambition)
    assert "Gemeente Lindewaard (demo)" in _slide_texts(title)
    assert "Ronde 4: mei 2025" in _slide_texts(title) and "2025-" not in _slide_texts(title)
    assert "Laagste scores" in _slide_texts(summary)
    # Native, editable charts: a radar of this and the previous round, a line per phase.
    (radar_chart,) = [s.chart for s in radar.shapes if s.has_chart]
    assert radar_chart.chart_type == XL_CHART_TYPE.RADAR_MARKERS
    assert [s.name for s in radar_chart.plots[0].series] == [
        "Ronde 4: mei 2025",
        "Ronde 3: december 2024",
    ]
    assert not any(s.shape_type == MSO_SHAPE_TYPE.PICTURE for sl in deck.slides for s in sl.shapes)
    (line_chart,) = [s.chart for s in progress.shapes if s.has_chart]
    assert line_chart.chart_type == XL_CHART_TYPE.LINE_MARKERS
    assert len(line_chart.plots[0].series) == len(PHASE_IDS)
    axis = line_chart.value_axis
    assert axis.minimum_scale > 1 or axis.maximum_scale < 5  # fitted to the data
    assert "Structuur" in _slide_texts(radar) and "Zwakste fases" in _slide_texts(radar)
    text = _slide_texts(agenda)
    for heading in (
        "1. Zwakste fases",
        "2. Grootste afstand tot de ambitie",
        "3. Grootste dalingen",
        "4. Meeste verschil van mening",
    ):
        assert heading in text
    notes = agenda.notes_slide.notes_text_frame.text
    assert "Openingsvraag: " + Q.phase("structuur").key_question.nl in notes
    table = actions
    assert "Keteneigenaar <b>benoemen</b>" in table and "Anna" in table and "Bezig" in table
    assert "1 juli 2025" in table  # a due date in words


def test_pptx_is_readable_numbered_and_has_no_empty_slide(all_pptx):
    for number, slide in enumerate(all_pptx.slides, start=1):
        if number > 1:  # the title slide's placeholders keep the template's large sizes
            assert min(_fonts(slide)) >= 18, slide.shapes.title.text
        content = [s for s in slide.shapes if s.name not in ("Footer", "Slide Number")]
        assert len(content) >= 2 and _slide_texts(slide).strip()  # a title and a body
        if number > 1:  # a footer and a slide number field on every slide but the title
            names = {s.name: s for s in slide.shapes}
            assert "Gemeente Lindewaard (demo) · Ronde 4: mei 2025 · 2 May 2025" in (
                names["Footer"].text_frame.text
            )
            assert 'type="slidenum"' in names["Slide Number"].text_frame._txBody.xml
    props = all_pptx.core_properties
    assert props.language == "en-GB" and "Gemeente Lindewaard" in props.title
    assert props.created.date() == TODAY


def test_pptx_for_all_chains_in_english(all_pptx, demo):
    chains = demo[1].history[-1].chains
    titles = [s.shapes.title.text for s in all_pptx.slides]
    assert titles[:3] == ["iPM Chain Scan: results", "Summary", "All chains in this round"]
    for kind in ("scores per phase", "progress", "chain meeting agenda"):
        assert [t for t in titles if t.endswith(f": {kind}")] == [
            f"{c.name}: {kind}" for c in chains
        ]
    # One actions slide for all chains (continued when long), none per chain.
    assert titles[-1].startswith("Actions and their progress")
    assert all(t.startswith("Actions and their progress") for t in titles if "ction" in t)
    every_text = "\n".join(_slide_texts(s) for s in all_pptx.slides)
    for name in ("Insight", "Structure", "Sustain"):
        assert name in every_text
    assert "No actions recorded yet." not in every_text


def test_report_and_deck_changes_add_up(demo, all_pptx):
    """The one number rule on the documents: "3,0 → 3,4 (+0,4)" and "van 3,0 naar 3,4 (+0,4;"."""
    store, result, _, _ = demo
    html = build_report(store, result.history[-1].code, today=TODAY).decode()
    deck = "\n".join(_slide_texts(s) for s in all_pptx.slides)
    found = 0
    for text, lang in ((html, "nl"), (deck, "en")):
        pattern = r"(\d+[.,]\d) (?:→|naar|to) (\d+[.,]\d) \(([+−]?\d+[.,]\d)"
        for before, after, change in re.findall(pattern, text):
            assert_adds_up(before, after, change, lang)
            found += 1
    assert found >= 10


def test_pptx_of_a_round_without_answers(demo):
    deck = Presentation(io.BytesIO(build_report(demo[0], DEMO_CODE, fmt="pptx")))
    texts = "\n".join(_slide_texts(s) for s in deck.slides)
    assert "Nog geen resultaten" in texts
    # Title, summary and the earlier actions still to review; no empty chain slides.
    titles = [s.shapes.title.text for s in deck.slides]
    assert titles[:2] == ["iPM Ketenscan: resultaten", "Samenvatting"]
    assert all(t.startswith("Acties en hun voortgang") for t in titles[2:])
    assert not any(shape.has_chart for s in deck.slides for shape in s.shapes)


def test_render_pptx_is_a_valid_file(demo):
    store, result, chain, _ = demo
    data = render_pptx(gather_report(store, result.history[0].code, chain.id), "nl")
    assert data[:2] == b"PK"
    deck = Presentation(io.BytesIO(data))
    titles = [s.shapes.title.text for s in deck.slides]
    assert not any(t.endswith(": voortgang") for t in titles)  # one round: no trend slide
    assert "Nog geen eerdere ronde" in _slide_texts(deck.slides[1])


# -- charts ------------------------------------------------------------------------------------

SPEC = {
    "data": {"values": [{"a": 1, "b": 2}, {"a": 2, "b": 3}]},
    "mark": "point",
    "encoding": {"x": {"field": "a", "type": "quantitative"}},
}


def test_charts_render_to_svg_and_png():
    assert chart_svg(SPEC).startswith("<svg")
    png = chart_png(SPEC)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"


def test_charts_never_fetch_external_data():
    remote = {**SPEC, "data": {"url": "https://example.org/data.csv"}}
    with pytest.raises(Exception, match="not allowed"):
        chart_svg(remote)


def test_html_table_has_the_interval_and_the_peer_band_per_phase(chain_html):
    assert "90%-interval" in chain_html and "Anderen" in chain_html
    spans = re.findall(r"<td class=\"num\">(\d,\d–\d,\d)\*?</td>", chain_html)
    assert len(spans) >= 7  # the phases' intervals, then the peers' bands


def test_overview_slide_has_intervals_beside_the_scores(all_pptx):
    texts = "\n".join(_slide_texts(s) for s in all_pptx.slides)
    assert "90% interval" in texts
    assert re.search(r"\d\.\d \(\d\.\d–\d\.\d\)", texts)  # "3.6 (3.2–4.0)": one line


def test_a_report_says_how_many_were_left_out(tmp_path):
    from ipm_model.storage import exclusions
    from tests.app.test_leave_out_app import straighten

    store = Store(tmp_path / "left.db")
    result = create_demo(store, Q, today=TODAY)
    last = result.history[-1]
    straighten(store, last)
    exclusions.set_left_out(store, last.id, True, "cli:test", last.code)
    html = build_report(store, last.code, last.chains[0].id, "html", today=TODAY).decode()
    assert "2 weggelaten met opvallende antwoorden" in html
    store.close()

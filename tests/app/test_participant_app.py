"""AppTest: joining, answering, finishing, resuming and switching language on the real app."""

from __future__ import annotations

import re

import pytest

from ipm_model.model import COMMENT_MAX_CHARS
from ipm_model.questionnaire import default_questionnaire
from tests.app.conftest import new_app, progress_html, progress_line, texts
from tests.app.conftest import scan_markers as markers
from ui.scan import RESULT_STEP

Q = default_questionnaire()
CHAIN = "Van schuld tot rust"
TEAM = len(Q.statements_for("ketenteam"))  # what a chain team member is shown


def participant_from(app_store, at):
    token = at.query_params["p"]
    token = token[0] if isinstance(token, list) else token
    return app_store.participant_by_token(token)


def start_scan(app_store):
    at = new_app(code="DEMO").run()
    ws = app_store.workshop_by_code("DEMO")
    chain_id = next(c.id for c in ws.chains if c.name == CHAIN)
    at.radio(key="join-chain").set_value(chain_id)
    at.radio(key="join-role").set_value("ketenteam")
    at.button(key="FormSubmitter:join-form-Start de scan").click().run()
    return at


def answer_phase(at, phase_index, values):
    phase = Q.phases[phase_index]
    for statement, value in zip(phase.statements, values * 2, strict=False):
        at.radio(key=f"scan-a-{statement.id}").set_value(value).run()
    return at


@pytest.mark.parametrize("page", ["pages/start.py", "pages/scan.py", "pages/about.py"])
def test_every_page_runs_on_an_empty_database(empty_store, page):
    at = new_app().run()
    at.switch_page(page).run()
    assert not at.exception


@pytest.mark.parametrize("page", ["pages/start.py", "pages/scan.py", "pages/about.py"])
def test_every_page_runs_on_the_demo(app_store, page):
    at = new_app(code="DEMO").run()
    at.switch_page(page).run()
    assert not at.exception


def test_join_by_code_creates_participant_and_opens_phase_one(app_store):
    at = start_scan(app_store)
    assert not at.exception
    p = participant_from(app_store, at)
    assert p is not None and p.role == "ketenteam"
    assert f"Fase 1 van 7 · 0 van {TEAM} beantwoord" in progress_line(at)
    assert "Fase 1: Inzicht" in texts(at)
    assert len(at.radio) == len(Q.phases[0].statements)
    # Nothing answered yet, so nothing looks chosen (a radio would show its first option).
    assert [r.value for r in at.radio] == [None] * len(Q.phases[0].statements)
    assert p.resume_code[:4] in texts(at)


def test_start_opens_the_scan_page_in_the_run_it_starts(app_store, monkeypatch):
    """Start's callback joins and the same run shows the scan page: no st.switch_page (a
    second full run), one participant, the personal link in the URL, the code gone."""
    import streamlit as st

    def no_switch(*args, **kwargs):
        raise AssertionError("st.switch_page: a second run for the join")

    monkeypatch.setattr(st, "switch_page", no_switch)
    before = app_store.counts()["participant"]
    at = start_scan(app_store)
    assert not at.exception
    p = participant_from(app_store, at)
    assert p is not None and p.role == "ketenteam"
    assert "code" not in at.query_params
    assert app_store.counts()["participant"] == before + 1
    assert f"Fase 1 van 7 · 0 van {TEAM} beantwoord" in progress_line(at)


def test_start_joins_on_the_page_when_its_callback_did_not(app_store, monkeypatch):
    """The start page's own join (a workshop that changed between the callback and the
    page): without the callback the page joins and switches to the scan page as before."""
    import streamlit as st

    import ui.participant

    switched = []
    switch_page = st.switch_page

    def recording_switch(*args, **kwargs):
        switched.append(args)
        return switch_page(*args, **kwargs)

    monkeypatch.setattr(st, "switch_page", recording_switch)
    monkeypatch.setattr(ui.participant, "join_on_start", lambda: None)
    before = app_store.counts()["participant"]
    at = start_scan(app_store)
    assert not at.exception
    assert switched == [("pages/scan.py",)]
    p = participant_from(app_store, at)
    assert p is not None and p.role == "ketenteam"
    assert app_store.counts()["participant"] == before + 1
    assert f"Fase 1 van 7 · 0 van {TEAM} beantwoord" in progress_line(at)


def test_start_refused_by_the_store_says_so_on_the_start_page(app_store, monkeypatch):
    """A chain the workshop does not have (a tampered form): the store refuses in Start's
    callback; the start page shows the refusal, nobody joins, the code stays."""
    from ipm_model.storage.store import Store

    before = app_store.counts()
    real = Store.create_participant

    def refuse_chain(self, workshop, *, chain_id, role, partner=""):
        return real(self, workshop, chain_id=10**6, role=role, partner=partner)

    monkeypatch.setattr(Store, "create_participant", refuse_chain)
    at = new_app(code="DEMO").run()
    ws = app_store.workshop_by_code("DEMO")
    at.radio(key="join-chain").set_value(ws.chains[0].id)
    at.radio(key="join-role").set_value("ketenteam")
    at.button(key="FormSubmitter:join-form-Start de scan").click().run()
    assert not at.exception
    assert "is gesloten" in texts(at)
    assert at.query_params["code"] in ("DEMO", ["DEMO"])
    assert app_store.counts() == before
    at.run()  # shown once
    assert "is gesloten" not in texts(at)


def test_start_during_a_database_failure_shows_the_database_message(app_store, monkeypatch):
    from ipm_model.db import StoreError
    from ipm_model.storage.store import Store

    before = app_store.counts()
    at = new_app(code="DEMO").run()
    ws = app_store.workshop_by_code("DEMO")
    at.radio(key="join-chain").set_value(ws.chains[0].id)
    at.radio(key="join-role").set_value("ketenteam")

    def fail(self, *args, **kwargs):
        raise StoreError("database is locked")

    monkeypatch.setattr(Store, "create_participant", fail)
    at.button(key="FormSubmitter:join-form-Start de scan").click().run()
    assert not at.exception
    assert "database is locked" in texts(at)
    assert app_store.counts() == before


def test_join_without_choices_is_refused(app_store):
    before = app_store.counts()
    at = new_app(code="demo").run()
    at.button(key="FormSubmitter:join-form-Start de scan").click().run()
    assert "Kies je keten en je rol" in texts(at)
    assert app_store.counts() == before


@pytest.mark.parametrize(
    "code", ["XXXXXX", "<script>alert(1)</script>", "a" * 500, "'; DROP TABLE workshop;--"]
)
def test_wrong_code_shows_message_and_creates_nobody(app_store, code):
    before = app_store.counts()
    at = new_app(code=code).run()
    assert not at.exception
    assert "kennen de code" in texts(at)
    assert "<script>" not in texts(at)
    assert app_store.counts() == before


def test_typed_code_in_lower_case_is_accepted(app_store):
    at = new_app().run()
    at.text_input[0].input("demo")
    at.button(key="FormSubmitter:code-form-Verder").click().run()
    assert not at.exception
    assert at.radio(key="join-chain") is not None


def test_closed_workshop_code_says_closed(app_store):
    ws = app_store.workshop_by_code("DEMO")
    app_store.set_workshop_status(ws.id, "closed")
    at = new_app(code="DEMO").run()
    assert "is gesloten" in texts(at)
    assert len(at.radio) == 0


def test_repeated_wrong_codes_are_slowed_down(app_store):
    at = new_app().run()
    for attempt in range(6):
        at.text_input[0].input(f"WRONG{attempt}")
        at.button(key="FormSubmitter:code-form-Verder").click().run()
    assert "Te veel verkeerde codes" in texts(at)


def test_every_answer_is_stored_when_given_and_can_be_changed(app_store):
    at = start_scan(app_store)
    p = participant_from(app_store, at)
    first = Q.phases[0].statements[0].id
    at.radio(key=f"scan-a-{first}").set_value("2").run()
    assert app_store.answers(p.id) == {first: "2"}
    at.radio(key=f"scan-a-{first}").set_value("dk").run()
    assert app_store.answers(p.id) == {first: "dk"}
    assert f"1 van {TEAM} beantwoord" in progress_line(at)


def test_answer_all_phases_finish_and_see_result(app_store):
    at = start_scan(app_store)
    p = participant_from(app_store, at)
    for index in range(7):
        answer_phase(at, index, ["4", "3", "5", "dk", "na", "2", "4"])
        at.button(key="scan-next").click().run()
    assert "Jullie ambitie" in texts(at)
    at.button(key="scan-next").click().run()  # skip the ambition
    assert "Je hebt alle uitspraken beantwoord" in texts(at)
    at.button(key="scan-finish").click().run()
    assert not at.exception
    assert "Jouw uitslag" in texts(at)
    assert len(app_store.answers(p.id)) == TEAM
    stored = app_store.participant_by_token(p.token)
    assert stored.finished
    assert stored.current_step == RESULT_STEP  # remembered in the finish's own write
    assert "groepsuitslag komt zodra 3 deelnemers" in texts(at)
    assert at.get("vega_lite_chart") or at.get("arrow_vega_lite_chart")


def test_finish_screen_names_open_statements_and_links_to_their_phase(app_store):
    at = start_scan(app_store)
    answer_phase(at, 0, ["4"] * 7)
    for _ in range(8):
        at.button(key="scan-next").click().run()
    shown = texts(at)
    assert f"Nog {TEAM - 7} uitspraken zonder antwoord" in shown
    assert "Fase 2 Toekomst: 7 open" in shown.replace("\\", "")
    at.button(key="scan-goto-doen").click().run()
    assert "Fase 5: Doen" in texts(at)


def test_back_and_next_move_between_phases_and_position_is_stored(app_store):
    at = start_scan(app_store)
    p = participant_from(app_store, at)
    at.button(key="scan-next").click().run()
    at.button(key="scan-next").click().run()
    assert "Fase 3: Versnellen" in texts(at)
    assert app_store.participant_by_token(p.token).current_step == 2
    at.button(key="scan-back").click().run()
    assert "Fase 2: Toekomst" in texts(at)


def test_resume_by_token_restores_screen_and_answers(app_store):
    at = start_scan(app_store)
    p = participant_from(app_store, at)
    at.button(key="scan-next").click().run()
    at.button(key="scan-next").click().run()
    sid = Q.phases[2].statements[1].id
    at.radio(key=f"scan-a-{sid}").set_value("5").run()

    again = new_app(p=p.token)
    again.switch_page("pages/scan.py").run()
    assert not again.exception
    assert "Fase 3: Versnellen" in texts(again)
    assert again.radio(key=f"scan-a-{sid}").value == "5"


def test_resume_by_code_on_the_start_page(app_store):
    at = start_scan(app_store)
    p = participant_from(app_store, at)
    fresh = new_app().run()
    resume_input = [w for w in fresh.text_input if "hervatcode" in w.label.lower()][0]
    resume_input.input(f"{p.resume_code[:4].lower()}-{p.resume_code[4:]}")
    fresh.button(key="FormSubmitter:resume-form-Ga verder waar ik was").click().run()
    assert not fresh.exception
    assert "Fase 1: Inzicht" in texts(fresh)


def test_wrong_resume_code_and_wrong_token_give_clear_messages(app_store):
    fresh = new_app().run()
    resume_input = [w for w in fresh.text_input if "hervatcode" in w.label.lower()][0]
    resume_input.input("ABCD-EFGH")
    fresh.button(key="FormSubmitter:resume-form-Ga verder waar ik was").click().run()
    assert "hervatcode kennen we niet" in texts(fresh)

    bad = new_app(p="not-a-real-token")
    bad.switch_page("pages/scan.py").run()
    assert not bad.exception
    assert "persoonlijke link werkt niet" in texts(bad)


def test_scan_without_participant_points_to_start(app_store):
    at = new_app().run()
    at.switch_page("pages/scan.py").run()
    assert "Je bent nog niet begonnen" in texts(at)


def test_overlong_comment_is_cut_with_a_notice(app_store):
    at = start_scan(app_store)
    p = participant_from(app_store, at)
    at.text_area(key="scan-c-inzicht").input("<b>x</b>" * 400).run()
    assert "We hebben de eerste" in texts(at)
    assert len(app_store.comments(p.id)["inzicht"]) == COMMENT_MAX_CHARS


def test_group_result_shows_from_the_minimum_group_size(app_store):
    tokens = []
    for _ in range(3):
        at = start_scan(app_store)
        tokens.append(participant_from(app_store, at))
        answer_phase(at, 0, ["4", "4", "4", "4", "4", "4", "4"])
        for _ in range(8):
            at.button(key="scan-next").click().run()
        at.button(key="scan-finish").click().run()
    assert "De groep is 3 deelnemers" in texts(at).replace("\\", "")
    table = at.dataframe[0].value
    assert list(table.columns) == ["Ik", "Groep"]
    assert table.iloc[0]["Groep"] == "4,0"  # as the Dutch page writes it


def test_closed_workshop_keeps_answers_read_only(app_store):
    at = start_scan(app_store)
    p = participant_from(app_store, at)
    app_store.set_workshop_status(p.workshop_id, "closed")
    again = new_app(p=p.token)
    again.switch_page("pages/scan.py").run()
    assert "Deze workshop is gesloten" in texts(again)
    assert all(r.disabled for r in again.radio)


def test_language_switch_via_url_and_widget(app_store):
    at = new_app(code="DEMO", lang="en").run()
    assert "Which chain do you work in?" in [r.label for r in at.radio]
    at = new_app(code="DEMO").run()
    assert "In welke keten werk je mee?" in [r.label for r in at.radio]
    at.segmented_control(key="lang").set_value("en").run()
    assert "Which chain do you work in?" in [r.label for r in at.radio]
    # Keeping ?lang= in the URL is the browser's part of the binding: see tests/browser.


def test_a_language_switch_keeps_the_chain_role_and_partner_chosen_before_start(app_store):
    """The choices on the join screen are not lost when a participant switches language
    before tapping Start (they used to wait for the form's submit)."""
    ws = app_store.workshop_by_code("DEMO")
    chain_id = next(c.id for c in ws.chains if c.name == CHAIN)
    at = new_app(code="DEMO").run()
    at.radio(key="join-chain").set_value(chain_id).run()
    at.radio(key="join-role").set_value("ketenteam").run()
    partners = at.selectbox(key="join-partner") if ws.partners else None
    if partners is not None:
        partners.set_value(ws.partners[0]).run()
    at.segmented_control(key="lang").set_value("en").run()
    assert not at.exception
    assert "Which chain do you work in?" in [r.label for r in at.radio]
    assert at.radio(key="join-chain").value == chain_id
    assert at.radio(key="join-role").value == "ketenteam"
    if partners is not None:
        assert at.selectbox(key="join-partner").value == ws.partners[0]
    at.segmented_control(key="lang").set_value("nl").run()
    assert at.radio(key="join-role").value == "ketenteam"
    at.button(key="FormSubmitter:join-form-Start de scan").click().run()
    assert not at.exception
    p = participant_from(app_store, at)
    assert (p.chain_id, p.role) == (chain_id, "ketenteam")
    if partners is not None:
        assert p.partner == ws.partners[0]


@pytest.mark.parametrize(
    "params",
    [
        {"lang": "<script>"},
        {"lang": "x" * 10_000},
        {"code": ""},
        {"p": "%00%ff"},
        {"p": "a" * 10_000, "code": "DEMO"},
        {"code": "DEMO\n<img src=x onerror=alert(1)>"},
    ],
)
def test_garbage_query_parameters_never_crash(app_store, params):
    at = new_app(**params).run()
    assert not at.exception
    at.switch_page("pages/scan.py").run()
    assert not at.exception


# -- roles, help and the ambition screen --------------------------------------------------------


def start_as(app_store, role: str, partner: str | None = None):
    at = new_app(code="DEMO").run()
    ws = app_store.workshop_by_code("DEMO")
    chain_id = next(c.id for c in ws.chains if c.name == CHAIN)
    at.radio(key="join-chain").set_value(chain_id)
    at.radio(key="join-role").set_value(role)
    if partner is not None:
        at.selectbox(key="join-partner").set_value(partner)
    at.button(key="FormSubmitter:join-form-Start de scan").click().run()
    return at


def test_a_partner_sees_only_partner_statements_and_the_rule(app_store):
    at = start_as(app_store, "partner")
    assert not at.exception
    shown = Q.phase_statements("inzicht", "partner")
    assert len(at.radio) == len(shown) < len(Q.phases[0].statements)
    total = len(Q.statements_for("partner"))
    assert f"0 van {total} beantwoord" in progress_line(at)
    assert "kies dan **oneens**" in texts(at).lower() or "Kies dan **oneens**" in texts(at)


def test_the_ambition_screen_stores_per_phase_and_can_be_skipped(app_store):
    at = start_scan(app_store)
    p = participant_from(app_store, at)
    for _ in range(7):
        at.button(key="scan-next").click().run()
    assert "Jullie ambitie" in texts(at)
    assert at.button(key="scan-next").label == "Overslaan →"
    assert len(at.radio) == 7
    at.radio(key="scan-a-ambition-structuur").set_value("4").run()
    at.radio(key="scan-a-ambition-doen").set_value("5").run()
    assert not at.exception
    assert app_store.answers(p.id) == {"ambition-structuur": "4", "ambition-doen": "5"}
    assert at.button(key="scan-next").label == "Naar afronden →"
    at.button(key="scan-next").click().run()
    assert "Afronden" in texts(at)
    # The ambition is no statement: the open count is unchanged.
    assert f"Nog {TEAM} uitspraken zonder antwoord" in texts(at)
    at.button(key="scan-back").click().run()
    assert at.radio(key="scan-a-ambition-doen").value == "5"


def test_the_app_refuses_to_run_on_an_invalid_questionnaire_file(app_store, tmp_path, monkeypatch):
    import shutil

    import ipm_model.questionnaire as questionnaire_module
    from ui.context import _validated_questionnaires

    for path in questionnaire_module.QUESTIONNAIRE_DIR.glob("*.toml"):
        shutil.copy(path, tmp_path / path.name)
    broken = (tmp_path / "ipm-ketenscan-v2.toml").read_text(encoding="utf-8")
    # A role kind the app does not know: `check` refuses it, so the app must too.
    broken = broken.replace('roles = ["mt", "keteneigenaar", "ketenteam"]', 'roles = ["cfo"]', 1)
    (tmp_path / "klant.toml").write_text(broken.replace("version = 2", "version = 9"), "utf-8")
    monkeypatch.setattr(questionnaire_module, "QUESTIONNAIRE_DIR", tmp_path)
    _validated_questionnaires.clear()
    try:
        at = new_app(code="DEMO").run()
        assert not at.exception
        shown = texts(at).replace("\\", "")  # Markdown escapes off: the text as people read it
        assert "De vragenlijst kan niet worden geladen" in shown
        assert re.search(r"klant\.toml: line \d+: phase 'inzicht', statement '[a-z-]+'", shown)
        assert "unknown role 'cfo'" in shown
        assert "Start de scan" not in shown  # nothing else is served
    finally:
        _validated_questionnaires.clear()


def test_the_join_page_dates_the_workshop_in_words(app_store):
    from ipm_model import formats

    at = new_app(code="DEMO").run()
    workshop = app_store.workshop_by_code("DEMO")
    shown = texts(at)
    assert f"({formats.day(workshop.date, 'nl')})" in shown
    assert workshop.date not in shown  # no ISO date


def test_a_tap_shows_saved_under_its_statement_and_counts_in_the_progress_line(app_store):
    at = start_scan(app_store)
    shown = [s.id for s in Q.phase_statements(Q.phases[0].id, "ketenteam")]
    assert markers(at) == dict.fromkeys(shown, ("open", ""))  # a quiet empty line each
    first, second = shown[:2]
    at.radio(key=f"scan-a-{first}").set_value("4").run()
    assert markers(at)[first] == ("saved", "✓ Bewaard: Mee eens")
    assert markers(at)[second] == ("open", "")
    assert f"Fase 1 van 7 · 1 van {TEAM} beantwoord" in progress_line(at)
    # Another answer to the same statement: the marker follows, the count does not.
    at.radio(key=f"scan-a-{first}").set_value("na").run()
    assert markers(at)[first] == ("saved", "✓ Bewaard: Niet van toepassing")
    at.radio(key=f"scan-a-{second}").set_value("dk").run()
    assert markers(at)[second] == ("saved", "✓ Bewaard: Weet ik niet")
    assert f"Fase 1 van 7 · 2 van {TEAM} beantwoord" in progress_line(at)
    # Stored answers are marked when the screen is drawn again (here: in English).
    again = new_app(p=participant_from(app_store, at).token, lang="en")
    again.switch_page("pages/scan.py").run()
    assert markers(again)[first] == ("saved", "✓ Saved: Not applicable")
    assert f"Phase 1 of 7 · 2 of {TEAM} answered" in progress_line(again)


def test_the_progress_line_drawn_before_a_tap_counts_it_from_the_statements_marker(app_store):
    """In a browser a tap reruns only its statement (no run for the progress line): the
    progress line drawn before the taps counts each first answer once its statement shows
    the saved marker, and a changed answer not again."""
    at = start_scan(app_store)
    drawn = progress_html(at)
    shown = [s.id for s in Q.phase_statements(Q.phases[0].id, "ketenteam")]
    for sid in shown:  # every statement's saved and waiting marker is wired to a segment
        assert f".ipm-mark-saved-{sid}, .ipm-mark-pending-{sid})" in drawn
    assert progress_line(at, drawn) == f"Fase 1 van 7 · 0 van {TEAM} beantwoord"
    at.radio(key=f"scan-a-{shown[3]}").set_value("2").run()
    assert progress_line(at, drawn) == f"Fase 1 van 7 · 1 van {TEAM} beantwoord"
    at.radio(key=f"scan-a-{shown[0]}").set_value("dk").run()
    at.radio(key=f"scan-a-{shown[3]}").set_value("5").run()
    assert progress_line(at, drawn) == f"Fase 1 van 7 · 2 van {TEAM} beantwoord"
    assert progress_line(at) == f"Fase 1 van 7 · 2 van {TEAM} beantwoord"  # as drawn now
    # The next phase starts its counter at the answers of the phases before it.
    at.button(key="scan-next").click().run()
    assert "counter-reset:ipm-answered 2" in progress_html(at)
    assert progress_line(at) == f"Fase 2 van 7 · 2 van {TEAM} beantwoord"


def test_a_tap_refused_because_the_workshop_closed_says_so_at_the_statement(app_store):
    at = start_scan(app_store)
    p = participant_from(app_store, at)
    first = Q.phases[0].statements[0].id
    at.radio(key=f"scan-a-{first}").set_value("4").run()
    app_store.set_workshop_status(p.workshop_id, "closed")
    at.radio(key=f"scan-a-{first}").set_value("2").run()
    assert not at.exception
    assert markers(at)[first] == ("refused", "✗ Niet bewaard: de workshop is gesloten.")
    assert at.radio(key=f"scan-a-{first}").value == "4"  # the stored answer is shown
    assert app_store.answers(p.id) == {first: "4"}
    assert "Dit antwoord is niet meer bewaard" in texts(at)

"""AppTest: who sees which page, the console actions and the projector."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.app.conftest import menu_titles, new_app, texts

ROOT = Path(__file__).resolve().parents[2]

PROTECTED = [
    "pages/results.py",
    "pages/compare.py",
    "pages/progress.py",
    "pages/console.py",
    "pages/projector.py",
    "pages/admin.py",
]


def nav_titles(at) -> set[str]:
    """The page titles in the menu of the last run."""
    return menu_titles()


@pytest.mark.parametrize("page", PROTECTED)
def test_protected_pages_send_a_participant_to_the_login_page(app_store, page):
    """Hidden from the menu; its URL (a reload, a bookmark) gives the login page with a
    Dutch explanation, not the page and not Streamlit's "Page not found"."""
    at = new_app().run()
    assert "Resultaten" not in nav_titles(at)
    at.switch_page(page).run()
    assert not at.exception
    assert [e.value for e in at.title] == ["Inloggen voor begeleiders"]
    assert "moet je ingelogd zijn" in texts(at)
    assert not at.get("vega_lite_chart") and not at.get("arrow_vega_lite_chart")


def test_participant_menu_has_no_results_or_console(app_store):
    at = new_app().run()
    titles = nav_titles(at)
    assert "Start" in titles and "Over het model" in titles
    assert not {"Resultaten", "Workshops beheren", "Projectiescherm"} & titles


def test_results_link_opens_results_read_only(app_store):
    org = app_store.organisation(app_store.workshop_by_code("DEMO").organisation_id)
    at = new_app(r=org["results_token"]).run()
    titles = nav_titles(at)
    assert {"Resultaten", "Ketens vergelijken", "Voortgang"} <= titles
    assert "Workshops beheren" not in titles
    at.switch_page("pages/results.py").run()
    assert not at.exception
    assert "Uitslag van" in texts(at)
    at.switch_page("pages/console.py").run()  # not this link's right: the login page
    assert [e.value for e in at.title] == ["Inloggen voor begeleiders"]
    assert "moet je ingelogd zijn" in texts(at)


@pytest.mark.parametrize("token", ["wrong", "", "<script>", "x" * 500])
def test_wrong_results_link_gives_no_rights(app_store, token):
    at = new_app(r=token).run()
    assert not at.exception
    assert "Resultaten" not in nav_titles(at)


def test_facilitator_link_runs_one_workshop(app_store):
    demo = app_store.workshop_by_code("DEMO")
    at = new_app(f=demo.facilitator_token).run()
    assert "Workshops beheren" in nav_titles(at)
    at.switch_page("pages/console.py").run()
    assert not at.exception
    shown = texts(at)
    assert "DEMO" in shown
    others = [w for w in app_store.workshops(demo.organisation_id) if w.id != demo.id]
    assert all(w.code not in shown for w in others)
    # Running the session: close, but not reopen (only an administrator can).
    at.button(key=f"close-{demo.id}").click().run()
    assert not app_store.workshop(demo.id).is_open
    with pytest.raises(KeyError):
        at.button(key=f"open-{demo.id}")
    assert "Alleen een beheerder" in texts(at)
    # No organisation settings for a single-workshop facilitator.
    assert len(at.tabs) == 1


def test_wrong_facilitator_link_says_so(app_store):
    at = new_app(f="not-a-token").run()
    assert "link werkt niet" in texts(at)
    assert "Workshops beheren" not in nav_titles(at)


def test_admin_password_login_and_wrong_password(app_store, monkeypatch):
    monkeypatch.setenv("IPM_ADMIN_PASSWORD", "s3cret-Pass")
    at = new_app().run()
    at.switch_page("pages/login.py").run()
    at.text_input[0].input("wrong")
    at.button(key="FormSubmitter:login-form-Inloggen").click().run()
    assert "klopt niet" in texts(at)
    at.text_input[0].input("s3cret-Pass")
    at.button(key="FormSubmitter:login-form-Inloggen").click().run()
    assert "Workshops beheren" in nav_titles(at)
    assert "Resultaten" in nav_titles(at)


def test_admin_password_from_secrets(app_store):
    at = new_app()
    at.secrets["admin_password"] = "from-secrets"
    at.run()
    at.switch_page("pages/login.py").run()
    at.text_input[0].input("from-secrets")
    at.button(key="FormSubmitter:login-form-Inloggen").click().run()
    assert "ingelogd als beheerder" in texts(at)


def test_no_password_configured_is_explained(app_store, monkeypatch):
    monkeypatch.delenv("IPM_ADMIN_PASSWORD", raising=False)
    at = new_app().run()
    at.switch_page("pages/login.py").run()
    assert "geen beheerderswachtwoord ingesteld" in texts(at)


def test_repeated_wrong_passwords_are_slowed_down(app_store, monkeypatch):
    monkeypatch.setenv("IPM_ADMIN_PASSWORD", "right")
    at = new_app().run()
    at.switch_page("pages/login.py").run()
    for attempt in range(6):
        at.text_input[0].input(f"wrong{attempt}")
        at.button(key="FormSubmitter:login-form-Inloggen").click().run()
    assert "Te veel pogingen" in texts(at)
    at.text_input[0].input("right")
    at.button(key="FormSubmitter:login-form-Inloggen").click().run()
    assert "Workshops beheren" not in nav_titles(at)


def demo_console(monkeypatch):
    """A demo visitor in the console of their own sandbox (the door's one button)."""
    monkeypatch.setenv("IPM_DEMO", "1")
    at = new_app().run()
    at.switch_page("pages/console.py").run()
    assert not at.exception
    at.button(key="sandbox-make-console").click().run()
    assert not at.exception
    return at


def own_sandbox(store) -> int:
    from ipm_model.storage.sandbox import sandbox_ids

    (only,) = sandbox_ids(store)
    return only


def test_demo_mode_banner_and_console_without_password(app_store, monkeypatch):
    at = demo_console(monkeypatch)
    assert "Dit is een demo" in texts(at)
    assert "Workshops beheren" in texts(at)


def test_console_creates_a_workshop_and_refuses_bad_input(app_store, monkeypatch):
    at = demo_console(monkeypatch)
    before = len(app_store.workshops())
    form_inputs = [w for w in at.text_input if w.label == "Titel"]
    title = form_inputs[-1]
    title.input("")
    at.button(key="FormSubmitter:new-workshop-Workshop maken").click().run()
    assert "Geef de workshop een titel" in texts(at)
    [w for w in at.text_input if w.label == "Titel"][-1].input("<b>Ronde 5</b>")
    [w for w in at.text_input if w.label.startswith("Workshopcode")][-1].input("demo")
    at.button(key="FormSubmitter:new-workshop-Workshop maken").click().run()
    assert "already in use" in texts(at)
    assert len(app_store.workshops()) == before
    [w for w in at.text_input if w.label.startswith("Workshopcode")][-1].input("")
    at.button(key="FormSubmitter:new-workshop-Workshop maken").click().run()
    assert not at.exception
    assert len(app_store.workshops()) == before + 1
    newest = max(app_store.workshops(), key=lambda w: w.id)
    assert newest.title == "<b>Ronde 5</b>" and newest.is_open
    assert "Workshop gemaakt met code" in texts(at)


def test_console_chain_rules(app_store, monkeypatch):
    at = demo_console(monkeypatch)
    org = own_sandbox(app_store)
    new_chain = [w for w in at.text_input if w.label == "Nieuwe keten"][0]
    new_chain.input("van aanvraag tot uitkering")
    at.button(key="FormSubmitter:add-chain-Toevoegen").click().run()
    assert "already exists" in texts(at)
    [w for w in at.text_input if w.label == "Nieuwe keten"][0].input("Nieuwe keten X")
    at.button(key="FormSubmitter:add-chain-Toevoegen").click().run()
    chains = {c.name: c.id for c in app_store.chains(org)}
    assert "Nieuwe keten X" in chains
    at.button(key=f"remove-{chains['Nieuwe keten X']}").click().run()
    assert "Nieuwe keten X" not in {c.name for c in app_store.chains(org)}
    used = chains["Van aanvraag tot uitkering"]
    at.button(key=f"remove-{used}").click().run()
    assert "gearchiveerd" in texts(at)
    assert app_store.counts()["answer"] > 0  # nothing lost


def test_projector_shows_code_counts_and_hides_results_until_revealed(app_store):
    demo = app_store.workshop_by_code("DEMO")
    at = new_app(f=demo.facilitator_token).run()
    at.switch_page("pages/projector.py").run()
    assert not at.exception
    assert "Doe mee" in texts(at)
    assert "De uitslag is nog verborgen" in texts(at)


def test_console_imports_a_paper_csv_all_or_nothing(app_store, monkeypatch):
    from ipm_model import importer
    from ipm_model.questionnaire import default_questionnaire

    demo = app_store.workshop_by_code("DEMO")
    q = default_questionnaire()
    ids = q.statement_ids[:10]
    header = "chain;role;" + ";".join(ids)
    good = f"{demo.chains[0].name};mt;" + ";".join("4" for _ in ids)
    bad = f"{demo.chains[0].name};mt;" + ";".join("9" for _ in ids)
    data = "\n".join([header, good, bad]).encode("utf-8")
    report = importer.validate(data, demo, q)
    assert not report.ok and len(report.participants) == 1
    before = app_store.counts()
    with pytest.raises(importer.ImportRefused):
        importer.apply(app_store, demo, report, importer.ALL_OR_NOTHING)
    assert app_store.counts() == before
    written = importer.apply(app_store, demo, report, importer.VALID_ROWS)
    assert written == 10
    assert app_store.counts()["participant"] == before["participant"] + 1


def test_console_shows_export_and_import_for_a_workshop(app_store):
    demo = app_store.workshop_by_code("DEMO")
    at = new_app(f=demo.facilitator_token).run()
    at.switch_page("pages/console.py").run()
    assert not at.exception
    labels = [e.label for e in at.expander]
    assert "Exporteren (Excel, CSV)" in labels
    assert "Antwoorden importeren (papier)" in labels
    downloads = [b.label for b in at.get("download_button")]
    assert {"Alles in Excel", "Scores (CSV)", "Sjabloon downloaden (CSV)"} <= set(downloads)
    # Answers per person only for administrators (disclosure rule), and the text says so.
    assert "Antwoorden (CSV)" not in downloads
    assert any("Antwoorden per persoon kan alleen een beheerder" in c.value for c in at.caption)


def test_admin_gets_the_answers_export(app_store, monkeypatch):
    monkeypatch.setenv("IPM_ADMIN_PASSWORD", "s3cret-Pass")
    at = new_app().run()
    at.switch_page("pages/login.py").run()
    at.text_input[0].input("s3cret-Pass")
    at.button(key="FormSubmitter:login-form-Inloggen").click().run()
    at.switch_page("pages/console.py").run()
    assert not at.exception
    downloads = [b.label for b in at.get("download_button")]
    assert "Antwoorden (CSV)" in downloads


def test_projector_shows_a_radar_per_chain_after_reveal(app_store):
    """Several radars on one page (regression: they once shared a widget key)."""
    org = app_store.workshop_by_code("DEMO").organisation_id
    last = [w for w in app_store.workshops(org) if w.code != "DEMO"][-1]
    app_store.set_revealed(last.id, True)
    at = new_app(f=last.facilitator_token, w=str(last.id)).run()
    at.switch_page("pages/projector.py").run()
    assert not at.exception
    assert len(at.get("vega_lite_chart") or at.get("arrow_vega_lite_chart")) == len(last.chains)


def test_compare_shows_small_multiples_for_more_than_four_chains(app_store, monkeypatch):
    monkeypatch.setattr("ui.results.MAX_OVERLAY", 2)  # pages import it on every run
    demo = app_store.workshop_by_code("DEMO")
    org = app_store.organisation(demo.organisation_id)
    at = new_app(r=org["results_token"]).run()
    at.switch_page("pages/compare.py").run()
    at.multiselect(key="compare-chains").set_value([c.id for c in demo.chains]).run()
    assert not at.exception
    charts = at.get("vega_lite_chart") or at.get("arrow_vega_lite_chart")
    assert len(charts) >= len(demo.chains)  # one radar per chain, plus the heatmap


def test_two_projectors_on_different_replicas_show_the_same_batch(app_store):
    """A screen opened later, or in another app process, shows the same snapshot: the
    batches follow the count (3, 6, ...), not the moment a screen first looked."""
    import streamlit as st

    demo = app_store.workshop_by_code("DEMO")
    chain = demo.chains[0]
    people = [app_store.create_participant(demo, chain_id=chain.id, role="mt") for _ in range(3)]
    for p in people:
        app_store.save_answer(p.id, "doen-action-owner", "4")
        app_store.finish(p.id)
    app_store.set_revealed(demo.id, True)

    def projector_says() -> str:
        at = new_app(f=demo.facilitator_token).run()
        at.switch_page("pages/projector.py").run()
        assert not at.exception
        return texts(at)

    heading = f"{chain.name} · 3 deelnemers"
    assert heading in projector_says()
    late = app_store.create_participant(demo, chain_id=chain.id, role="mt")
    app_store.save_answer(late.id, "doen-action-owner", "1")
    app_store.finish(late.id)
    st.cache_resource.clear()  # a second replica: nothing of the first process's memory
    st.cache_data.clear()
    shown = projector_says()
    assert heading in shown  # not 4: that would single out one person
    assert f"{chain.name} · 4 deelnemers" not in shown

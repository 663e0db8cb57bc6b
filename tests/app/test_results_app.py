"""AppTest: the results pages on the demo history and on an empty database."""

from __future__ import annotations

import re

import pytest

from ipm_model import formats
from tests.app.conftest import new_app, texts
from tests.unit.test_number_rule import assert_adds_up

RESULT_PAGES = ["pages/results.py", "pages/compare.py", "pages/progress.py"]


def results_app(store):
    org = store.organisation(store.workshop_by_code("DEMO").organisation_id)
    return new_app(r=org["results_token"]).run()


@pytest.mark.parametrize("page", RESULT_PAGES)
def test_results_pages_run_on_the_demo_history(app_store, page):
    at = results_app(app_store)
    at.switch_page(page).run()
    assert not at.exception
    assert at.get("vega_lite_chart") or at.get("arrow_vega_lite_chart")


@pytest.mark.parametrize("page", [*RESULT_PAGES, "pages/console.py", "pages/projector.py"])
def test_every_admin_page_runs_on_an_empty_database(empty_store, page, monkeypatch):
    monkeypatch.setenv("IPM_ADMIN_PASSWORD", "pw")
    at = new_app().run()
    at.switch_page("pages/login.py").run()
    at.text_input[0].input("pw")
    at.button(key="FormSubmitter:login-form-Inloggen").click().run()
    at.switch_page(page).run()
    assert not at.exception


def test_results_page_shows_disagreement_dont_know_and_conversation(app_store):
    at = results_app(app_store)
    at.switch_page("pages/results.py").run()
    shown = texts(at)
    assert "Uitslag van" in shown
    assert "Meeste verschil van mening" in shown
    assert "Voor het volgende ketengesprek" in shown


def test_empty_round_explains_what_to_do(app_store):
    at = results_app(app_store)
    at.switch_page("pages/results.py").run()
    demo = app_store.workshop_by_code("DEMO")
    at.selectbox(key="filter-round").set_value(demo.id).run()
    assert "Nog geen antwoorden in deze ronde" in texts(at)


def test_filters_are_remembered_between_pages(app_store):
    at = results_app(app_store)
    at.switch_page("pages/results.py").run()
    second = app_store.workshop_by_code("DEMO").chains[1]
    at.selectbox(key="filter-chain").set_value(second.id).run()
    at.switch_page("pages/progress.py").run()
    at.switch_page("pages/results.py").run()
    assert at.selectbox(key="filter-chain").value == second.id


def test_progress_lists_changes_between_the_last_two_rounds(app_store):
    at = results_app(app_store)
    at.switch_page("pages/progress.py").run()
    assert "Verschil:" in texts(at)
    table = at.dataframe[-1].value
    assert len(table) == 7
    changes = [formats.parse_number(c, "nl") for c in table.iloc[:, 3] if c != formats.DASH]
    assert changes and changes == sorted(changes, reverse=True)


def test_compare_within_chain_hides_small_roles(app_store):
    at = results_app(app_store)
    at.switch_page("pages/compare.py").run()
    assert not at.exception
    assert "Binnen één keten" in texts(at)


def test_results_in_english(app_store):
    org = app_store.organisation(app_store.workshop_by_code("DEMO").organisation_id)
    at = new_app(r=org["results_token"], lang="en").run()
    at.switch_page("pages/results.py").run()
    assert "Most disagreement" in texts(at)


def test_actions_are_created_and_updated_from_the_results_page(app_store):
    demo_actions = {a.id for a in app_store.actions()}  # the demo history's own
    at = results_app(app_store)
    at.switch_page("pages/results.py").run()
    form = [k for k in (b.key for b in at.button) if k and k.startswith("FormSubmitter:new-action")]
    assert form, "the new-action form is shown"
    at.button(key=form[0]).click().run()
    assert "Beschrijf de actie" in texts(at)
    [w for w in at.text_area if w.label == "Actie"][0].input("Vaste agenda voor het ketengesprek")
    [w for w in at.text_input if w.label == "Eigenaar"][0].input("Keteneigenaar")
    at.button(key=form[0]).click().run()
    assert not at.exception
    actions = [a for a in app_store.actions() if a.id not in demo_actions]
    assert [a.description for a in actions] == ["Vaste agenda voor het ketengesprek"]
    assert actions[0].owner == "Keteneigenaar" and actions[0].status == "open"


def test_progress_shows_previous_round_actions_beside_the_change(app_store):
    org = app_store.workshop_by_code("DEMO").organisation_id
    rounds = [w for w in app_store.workshops(org) if w.code != "DEMO"]
    before = rounds[-2]
    chain = before.chains[0]
    app_store.create_action(
        chain_id=chain.id,
        workshop_id=before.id,
        phase_id="structuur",
        description="Ketenteam compleet maken",
    )
    at = results_app(app_store)
    at.switch_page("pages/progress.py").run()
    at.selectbox(key="filter-chain").set_value(chain.id).run()
    table = at.dataframe[-1].value
    column = [c for c in table.columns if c.startswith("Acties")][0]
    assert "Ketenteam compleet maken (open)" in table[column].dropna().tolist()


def _chart_scores(at) -> list[float]:
    """Every score value the results charts send to the browser (their Arrow data sets)."""
    import pyarrow as pa

    found = []
    for chart in at.get("vega_lite_chart") + at.get("arrow_vega_lite_chart"):
        for dataset in chart.proto.datasets:
            frame = pa.ipc.open_stream(dataset.data.data).read_pandas()
            if "score" in frame.columns:
                found += [float(v) for v in frame["score"].dropna()]
    return found


@pytest.mark.parametrize("page", RESULT_PAGES)
def test_figures_reach_the_browser_rounded_to_what_is_shown(app_store, page):
    """Disclosure rule: no more precision than a person reads (one decimal)."""
    at = results_app(app_store)
    at.switch_page(page).run()
    scores = _chart_scores(at)
    assert scores, "the page shows a chart with scores"
    assert all(round(s, 1) == s for s in scores)


def test_results_page_shows_now_and_ambition_and_steps_per_statement(app_store):
    at = results_app(app_store)
    at.switch_page("pages/results.py").run()
    assert not at.exception
    shown = texts(at)
    assert "Nu en ambitie" in shown
    assert "Grootste afstand tot de ambitie" in shown
    assert "Begin bij de uitspraken die het laagst scoren" in shown
    tables = [df.value for df in at.dataframe]
    gap = next(tb for tb in tables if "Afstand" in tb.columns)
    aims = [formats.parse_number(v, "nl") for v in gap["Ambitie"] if v != formats.DASH]
    assert len(gap) == 7 and aims and all(a >= 1 for a in aims)
    # "+0,4": one decimal, the Dutch page's comma
    assert all(re.fullmatch(r"[+−]?\d,\d", v) for v in gap["Afstand"] if v != formats.DASH)


def test_results_page_shows_now_next_to_the_ambition(app_store):
    at = results_app(app_store)
    at.switch_page("pages/results.py").run()
    assert not at.exception
    shown = texts(at)
    assert "Nu en ambitie" in shown and "Grootste afstand tot de ambitie" in shown
    table = next(d.value for d in at.dataframe if "Afstand" in d.value.columns)
    assert len(table) == 7 and (table["Afstand"] != formats.DASH).any()


def test_compare_shows_each_groups_gap_to_the_ambition(app_store):
    at = results_app(app_store)
    at.switch_page("pages/compare.py").run()
    latest = [w for w in app_store.workshops(app_store.workshop_by_code("DEMO").organisation_id)]
    chain = next(c for c in latest[-2].chains if c.name == "Van melding tot jeugdhulp")
    at.selectbox(key="compare-chain").set_value(chain.id).run()
    assert not at.exception
    assert "Afstand tot de ambitie" in texts(at)
    gaps = at.dataframe[-1].value
    assert len(gaps) == 7 and (gaps != formats.DASH).any().any()


# -- the one number rule and the page's language on the results pages ------------------------

NUMBER = {"nl": r"\d,\d", "en": r"\d\.\d"}


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_progress_changes_add_up_in_the_pages_language(app_store, lang):
    """Before, after and change as the page shows them: "3,0", "3,4", "+0,4" add up."""
    import re

    org = app_store.organisation(app_store.workshop_by_code("DEMO").organisation_id)
    at = new_app(r=org["results_token"], lang=lang).run()
    at.switch_page("pages/progress.py").run()
    found = 0
    for chain in at.selectbox(key="filter-chain").options:
        at.selectbox(key="filter-chain").set_value(
            next(c for c in app_store.workshop_by_code("DEMO").chains if c.name == chain).id
        ).run()
        table = at.dataframe[-1].value
        for before, after, change in table.iloc[:, 1:4].itertuples(index=False):
            if formats.DASH in (before, after, change):
                continue
            assert re.fullmatch(NUMBER[lang], before) and re.fullmatch(NUMBER[lang], after)
            assert_adds_up(before, after, change, lang)
            found += 1
    assert found >= 14


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_results_tables_write_numbers_in_the_pages_language(app_store, lang):
    import re

    org = app_store.organisation(app_store.workshop_by_code("DEMO").organisation_id)
    at = new_app(r=org["results_token"], lang=lang).run()
    other = NUMBER["en" if lang == "nl" else "nl"]
    for page in RESULT_PAGES:
        at.switch_page(page).run()
        if page == "pages/compare.py":  # two chains: the table of their difference
            chains = at.multiselect(key="compare-chains")
            chains.set_value(chains.value[:2]).run()
        assert not at.exception
        cells = [v for d in at.dataframe for column in d.value.columns for v in d.value[column]]
        # Numbers Streamlit formats itself (counts, per cents) are whole: no decimal sign.
        fractions = [v for v in cells if isinstance(v, float) and v == v and not v.is_integer()]
        assert not fractions, (page, fractions[:5])
        texts_ = [v for v in cells if isinstance(v, str)]
        numbers = [c for c in texts_ if re.fullmatch(r"[+−]?\d[.,]\d+(–\d[.,]\d+)?", c)]
        assert numbers, page
        assert not [c for c in numbers if re.search(other, c)], (page, numbers[:5])
    # The agenda's drops on the results page: "van 3,4 naar 3,0 (−0,4;" adds up too.
    at.switch_page("pages/results.py").run()
    pattern = r"(\d+[.,]\d) (?:→|naar|to) (\d+[.,]\d) \(([+−]?\d+[.,]\d)"
    for before, after, change in re.findall(pattern, texts(at)):
        assert_adds_up(before, after, change, lang)


@pytest.mark.parametrize(("lang", "month"), [("nl", "[a-z]+"), ("en", "[A-Z][a-z]+")])
def test_rounds_are_dated_in_words(app_store, lang, month):
    """The round picker says "Ronde 4: mei 2025 · 2 mei 2025", never an ISO date."""
    import re

    org = app_store.organisation(app_store.workshop_by_code("DEMO").organisation_id)
    at = new_app(r=org["results_token"], lang=lang).run()
    at.switch_page("pages/results.py").run()
    options = at.selectbox(key="filter-round").options
    assert len(options) >= 4
    assert all(re.search(rf" · \d{{1,2}} {month} \d{{4}}$", o) for o in options), options

"""AppTest: the quality panel (facilitators and admins only), and real change vs. noise."""

from __future__ import annotations

from tests.app.conftest import new_app, texts


def _last_round(store):
    demo = store.workshop_by_code("DEMO")
    return [w for w in store.workshops(demo.organisation_id) if w.code != "DEMO"][-1]


def test_facilitator_sees_reliability_and_response_counts(app_store):
    at = new_app(f=_last_round(app_store).facilitator_token).run()
    at.switch_page("pages/results.py").run()
    assert not at.exception
    shown = texts(at)
    assert "Kwaliteit van de meting" in [e.label for e in at.expander]
    assert "Cronbachs alfa" in shown
    assert "gaven overal hetzelfde antwoord" in shown
    frames = [d.value for d in at.dataframe]
    verdicts = {v for f in frames if "Oordeel" in f.columns for v in f["Oordeel"]}
    assert verdicts and verdicts <= {"goed", "voldoende", "twijfelachtig: lees de fase met zorg"}


def test_a_results_link_does_not_see_the_quality_panel(app_store):
    org = app_store.organisation(app_store.workshop_by_code("DEMO").organisation_id)
    at = new_app(r=org["results_token"]).run()
    at.switch_page("pages/results.py").run()
    assert not at.exception
    assert "Kwaliteit van de meting" not in [e.label for e in at.expander]
    assert "Cronbachs alfa" not in texts(at)


ALLOWED = {"ja, hoger", "ja, lager", "binnen de ruis", "te weinig gegevens", ""}


def test_progress_and_compare_say_whether_a_difference_is_real(app_store):
    org = app_store.organisation(app_store.workshop_by_code("DEMO").organisation_id)
    at = new_app(r=org["results_token"]).run()
    at.switch_page("pages/progress.py").run()
    assert not at.exception
    frames = [d.value for d in at.dataframe if "Echt verschil?" in d.value.columns]
    assert frames and set(frames[0]["Echt verschil?"]) <= ALLOWED
    assert "binnen de ruis" in texts(at)  # the rule is explained under the table
    at.switch_page("pages/compare.py").run()
    chains = at.multiselect(key="compare-chains")
    chains.set_value(chains.value[:2]).run()
    assert not at.exception
    assert "Verschil per fase" in texts(at)
    frames = [d.value for d in at.dataframe if "Echt verschil?" in d.value.columns]
    assert frames and set(frames[0]["Echt verschil?"]) <= ALLOWED

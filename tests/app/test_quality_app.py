"""AppTest: the quality panel of a round, only for its facilitators and administrators."""

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

"""AppTest: the console's switch that leaves careless-looking answers out of a round."""

from __future__ import annotations

from ipm_model.results import load_answers, round_results
from ipm_model.storage import audit, exclusions
from tests.app.conftest import new_app, texts
from ui.results import questionnaire_of


def _last_round(store):
    demo = store.workshop_by_code("DEMO")
    return [w for w in store.workshops(demo.organisation_id) if w.code != "DEMO"][-1]


def straighten(store, workshop, people: int = 2) -> None:
    """Make the first `people` finishers of the round's first chain answer 4 everywhere."""
    chain = workshop.chains[0].id
    with store._write() as db:
        ids = [
            r[0]
            for r in db.execute(
                """SELECT id FROM participant WHERE workshop_id = ? AND chain_id = ?
                   AND finished_at IS NOT NULL ORDER BY finished_at, id""",
                [workshop.id, chain],
            ).fetchall()[:people]
        ]
        for pid in ids:
            db.execute(
                "UPDATE answer SET value = '4' WHERE participant_id = ? AND value <> 'dk' "
                "AND value <> 'na'",
                [pid],
            )


def test_facilitator_leaves_flagged_answers_out_and_counts_them_again(app_store):
    w = _last_round(app_store)
    straighten(app_store, w)
    at = new_app(f=w.facilitator_token).run()
    at.switch_page("pages/console.py").run()
    assert not at.exception
    assert "Opvallende antwoorden" in [e.label for e in at.expander]
    shown = texts(at)
    assert "vallen op" in shown and "Namen tonen we niet" in shown
    assert "Nu telt iedereen mee." in shown
    before = round_results(load_answers(app_store, [w.id]), questionnaire_of(w), 3)

    at.button(key=f"leave-out-switch-{w.id}").click().run()
    assert not at.exception
    assert exclusions.is_left_out(app_store, w.id)
    assert "Opvallende antwoorden zijn weggelaten." in texts(at)
    assert "Nu weggelaten:" in texts(at)
    after = round_results(load_answers(app_store, [w.id]), questionnaire_of(w), 3)
    assert sum(after.left_out.values()) > 0
    assert not after.phases["mean"].equals(before.phases["mean"])
    [line] = [e for e in audit.entries(app_store) if e.action == "results.leave_out"]
    assert (line.target, line.detail) == (w.code, "on")
    assert line.actor.startswith("facilitator:")

    # The results page says how many are left out (a count, never who).
    at.switch_page("pages/results.py").run()
    assert not at.exception
    assert "met opvallende antwoorden weggelaten" in texts(at)

    at.switch_page("pages/console.py").run()
    at.button(key=f"leave-out-switch-{w.id}").click().run()
    assert not at.exception
    assert not exclusions.is_left_out(app_store, w.id)
    assert "Iedereen telt weer mee." in texts(at)


def test_a_results_link_has_no_switch(app_store):
    org = app_store.organisation(app_store.workshop_by_code("DEMO").organisation_id)
    at = new_app(r=org["results_token"]).run()
    at.switch_page("pages/results.py").run()
    assert not at.exception
    assert not [b for b in at.button if (b.key or "").startswith("leave-out-switch")]

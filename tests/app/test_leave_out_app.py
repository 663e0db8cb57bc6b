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


def _finished_tokens(store, workshop, chain: int) -> list[str]:
    with store._write() as db:
        return [
            r[0]
            for r in db.execute(
                """SELECT token FROM participant WHERE workshop_id = ? AND chain_id = ?
                   AND finished_at IS NOT NULL ORDER BY finished_at, id""",
                [workshop.id, chain],
            ).fetchall()
        ]


def _counts(store, w) -> tuple[int, int]:
    """The first chain's people counted (chain_snapshot) without and with leaving out."""
    from ipm_model.results import chain_snapshot

    chain = w.chains[0].id
    answers = load_answers(store, [w.id])
    with_it = chain_snapshot(answers, questionnaire_of(w), chain, w.min_group_size)
    without = chain_snapshot(answers.assign(left_out=False), questionnaire_of(w), chain, 3)
    return without[0], with_it[0]


def test_projector_and_participant_result_use_the_left_out_figure(app_store):
    """Issue 14: with leaving out on, the projector and a participant's own result show the
    re-laddered group (the same people as the results pages), and all of it again when off."""
    w = _last_round(app_store)
    straighten(app_store, w, people=2)
    exclusions.set_left_out(app_store, w.id, True, "test", w.code)
    everyone, left = _counts(app_store, w)
    assert left != everyone  # the test means something: the figure changes
    chain_name = w.chains[0].name
    app_store.set_revealed(w.id, True)

    projector = new_app(f=w.facilitator_token).run()
    projector.switch_page("pages/projector.py").run()
    assert not projector.exception
    assert f"{chain_name} · {left} deelnemers" in texts(projector)
    assert f"{chain_name} · {everyone} deelnemers" not in texts(projector)

    token = _finished_tokens(app_store, w, w.chains[0].id)[-1]
    result = new_app(p=token)
    result.switch_page("pages/scan.py").run()
    assert not result.exception
    assert f"De groep is {left} deelnemers" in texts(result).replace("\\", "")

    exclusions.set_left_out(app_store, w.id, False, "test", w.code)
    projector = new_app(f=w.facilitator_token).run()
    projector.switch_page("pages/projector.py").run()
    assert f"{chain_name} · {everyone} deelnemers" in texts(projector)
    result = new_app(p=token)
    result.switch_page("pages/scan.py").run()
    assert f"De groep is {everyone} deelnemers" in texts(result).replace("\\", "")

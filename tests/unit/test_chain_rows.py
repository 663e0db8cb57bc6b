"""One chain's result rows and each round's exact version of them (storage.chain_rows)."""

from __future__ import annotations

import pandas as pd

from ipm_model.results import chain_round_states, chain_trend, load_answers, round_chain_states
from ipm_model.storage import exclusions
from ipm_model.storage.chain_rows import chain_answers, round_versions


def _rounds(store, questionnaire):
    org = store.create_organisation("Test org")
    chains = [store.add_chain(org, "Keten A"), store.add_chain(org, "Keten B")]
    return [
        store.create_workshop(
            org,
            title=f"Ronde {i}",
            workshop_date=f"2026-0{i}-01",
            chain_ids=chains,
            questionnaire=questionnaire,
            code=f"TEST{i}",
            min_group_size=3,
        )
        for i in (1, 2)
    ]


def _finished(store, workshop, questionnaire, values, chain_index=0):
    p = store.create_participant(
        workshop, chain_id=workshop.chains[chain_index].id, role="ketenteam"
    )
    for s, v in zip(questionnaire.statements, values * len(questionnaire.statements), strict=False):
        store.save_answer(p.id, s.id, v)
    store.finish(p.id)
    return p


def _fill(store, questionnaire):
    rounds = _rounds(store, questionnaire)
    people = {}
    for w in rounds:
        for chain_index in (0, 1):
            for values in (["4"], ["2", "3"], ["5", "1"], ["3"]):
                p = _finished(store, w, questionnaire, values, chain_index)
                people.setdefault((w.id, chain_index), []).append(p)
    return rounds, people


def test_chain_rows_are_the_chains_part_of_every_rounds_rows(store, questionnaire):
    rounds, _ = _fill(store, questionnaire)
    ids = [w.id for w in rounds]
    everything = store.result_answers(ids)
    for chain in rounds[0].chains:
        mine = everything[everything["chain_id"] == chain.id].reset_index(drop=True)
        ours = chain_answers(store, ids, chain.id)
        key = ["workshop_id", "participant", "statement_id"]
        pd.testing.assert_frame_equal(
            ours.sort_values(key).reset_index(drop=True),
            mine.sort_values(key).reset_index(drop=True),
        )
        # the trend from one chain's rows is the trend from every row
        questionnaires = {w.id: questionnaire for w in rounds}
        pd.testing.assert_frame_equal(
            chain_trend(load_answers(store, ids, chain.id), rounds, chain.id, questionnaires)[0],
            chain_trend(load_answers(store, ids), rounds, chain.id, questionnaires)[0],
        )
    assert chain_answers(store, [], rounds[0].chains[0].id).empty


def test_a_rounds_version_moves_with_that_round_and_chain_only(store, questionnaire):
    rounds, people = _fill(store, questionnaire)
    ids = [w.id for w in rounds]
    chain = rounds[0].chains[0].id
    before = round_versions(store, ids, chain)
    other_chain = round_versions(store, ids, rounds[0].chains[1].id)

    # An edit after finishing in round 2, chain A: only that version moves.
    store.save_answer(people[(rounds[1].id, 0)][0].id, questionnaire.statements[0].id, "1")
    after = round_versions(store, ids, chain)
    assert after[rounds[0].id] == before[rounds[0].id]
    assert after[rounds[1].id] != before[rounds[1].id]
    assert round_versions(store, ids, rounds[0].chains[1].id) == other_chain

    # A stamp from a server whose clock runs behind (not the latest stamp) still moves it.
    with store._write() as db:
        db.execute(
            "UPDATE participant SET changed_at = ? WHERE id = ?",
            ["2000-01-01T00:00:00.000000+00:00", people[(rounds[0].id, 0)][1].id],
        )
    moved = round_versions(store, ids, chain)
    assert moved[rounds[0].id] != after[rounds[0].id]
    assert moved[rounds[1].id] == after[rounds[1].id]

    # Leaving flagged answers out of round 1 moves round 1's state only.
    states = chain_round_states(store, ids, chain)
    exclusions.set_left_out(store, rounds[0].id, True, "test", "test")
    switched = chain_round_states(store, ids, chain)
    assert switched[rounds[0].id] != states[rounds[0].id]
    assert switched[rounds[1].id] == states[rounds[1].id]
    # A round without finishers has a version too.
    assert round_versions(store, [*ids, 999], chain)[999] == (0, "", "")


def test_a_rounds_chain_states_are_each_chains_own(store, questionnaire):
    """results.round_chain_states (every chain of one round in one query) gives each chain
    the same version as chain_round_states, and moves with that chain only."""
    rounds, people = _fill(store, questionnaire)
    ids = [w.id for w in rounds]
    for w in rounds:
        states = round_chain_states(store, w.id)
        for c in w.chains:
            mine = chain_round_states(store, ids, c.id)[w.id]
            assert states.get(c.id, (0, "", "")) == mine
    w = rounds[1]
    before = round_chain_states(store, w.id)
    store.save_answer(people[(w.id, 0)][0].id, questionnaire.statements[0].id, "1")
    after = round_chain_states(store, w.id)
    assert after[w.chains[0].id] != before[w.chains[0].id]
    assert {k: v for k, v in after.items() if k != w.chains[0].id} == {
        k: v for k, v in before.items() if k != w.chains[0].id
    }
    exclusions.set_left_out(store, w.id, True, "test", "test")
    switched = round_chain_states(store, w.id)
    assert all(switched[k] != after[k] for k in after)
    assert switched == {c: chain_round_states(store, ids, c)[w.id] for c in switched}

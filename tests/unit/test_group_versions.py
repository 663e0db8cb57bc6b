"""A chain's group key (ipm_model.storage.groups): exact, and moved only by what counts."""

from __future__ import annotations

from ipm_model.disclosure import disclosed_size
from ipm_model.results import group_snapshot
from ipm_model.storage.groups import chain_finishers, counted_answers, group_key, key_ids


def _workshop(store, questionnaire, minimum=3):
    org = store.create_organisation("Test org")
    chains = [store.add_chain(org, "Keten A"), store.add_chain(org, "Keten B")]
    return store.create_workshop(
        org,
        title="Ronde 1",
        workshop_date="2026-03-01",
        chain_ids=chains,
        questionnaire=questionnaire,
        code="TEST",
        min_group_size=minimum,
    )


def _finished(store, workshop, questionnaire, value, chain_index=0):
    p = store.create_participant(
        workshop, chain_id=workshop.chains[chain_index].id, role="ketenteam"
    )
    for s in questionnaire.statements:
        store.save_answer(p.id, s.id, value)
    store.finish(p.id)
    return p


def _key(store, workshop, chain_index=0):
    finishers = chain_finishers(store, workshop.id, workshop.chains[chain_index].id)
    size = disclosed_size(len(finishers), workshop.min_group_size)
    return None if size is None else group_key(finishers, size)


def test_key_follows_the_ladder_and_edits_of_counted_people_only(store, questionnaire):
    w = _workshop(store, questionnaire)
    people = [_finished(store, w, questionnaire, "4") for _ in range(2)]
    assert _key(store, w) is None  # two finished: no group figure yet
    busy = store.create_participant(w, chain_id=w.chains[0].id, role="ketenteam")
    people.append(_finished(store, w, questionnaire, "4"))
    first = _key(store, w)
    assert key_ids(first) == [p.id for p in people]  # the first three, in finishing order

    # Someone still answering, a fourth and fifth finisher (not counted until the sixth):
    # the key stays, so no session recomputes the figure.
    store.save_answer(busy.id, questionnaire.statements[0].id, "1")
    late = [_finished(store, w, questionnaire, "2") for _ in range(2)]
    assert _key(store, w) == first
    store.save_answer(late[0].id, questionnaire.statements[0].id, "5")  # edit, not counted
    assert _key(store, w) == first
    # Another chain does not touch this chain's key.
    _finished(store, w, questionnaire, "1", chain_index=1)
    assert _key(store, w) == first

    # A counted person edits an answer after finishing: a new key.
    store.save_answer(people[1].id, questionnaire.statements[0].id, "1")
    edited = _key(store, w)
    assert key_ids(edited) == key_ids(first) and edited != first
    # The sixth finisher completes the next rung: six people.
    late.append(_finished(store, w, questionnaire, "2"))
    assert key_ids(_key(store, w)) == [p.id for p in people + late]


def test_key_moves_on_an_edit_even_when_the_server_clock_runs_behind(store, questionnaire):
    """Each person's own stamp is in the key, not only the latest: an edit stamped earlier
    than another counted person's finish (a replica whose clock runs behind) still counts."""
    w = _workshop(store, questionnaire)
    people = [_finished(store, w, questionnaire, "4") for _ in range(3)]
    before = _key(store, w)
    with store._write() as db:  # as a replica with its clock an hour behind would stamp it
        db.execute(
            "UPDATE participant SET changed_at = ? WHERE id = ?",
            ["2000-01-01T00:00:00.000000+00:00", people[0].id],
        )
    assert _key(store, w) != before


def test_counted_answers_are_those_of_exactly_the_keyed_people(store, questionnaire):
    w = _workshop(store, questionnaire)
    people = [_finished(store, w, questionnaire, v) for v in ("4", "4", "4", "1")]
    key = _key(store, w)
    answers = counted_answers(store, key_ids(key))
    assert set(answers["value"]) == {"4"}
    assert len(answers) == 3 * len(questionnaire.statements)
    assert list(answers.columns) == ["participant", "role", "partner", "statement_id", "value"]
    # The same figure as the store's "first k finishers" read gives.
    same = store.group_answers(w.id, w.chains[0].id, first=3)
    ours = group_snapshot(answers, questionnaire, 3)
    theirs = group_snapshot(same, questionnaire, 3)
    assert ours.equals(theirs)
    assert counted_answers(store, []).empty
    assert people[3].id not in key_ids(key)

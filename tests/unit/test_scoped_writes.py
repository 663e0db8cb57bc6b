"""Writes are scoped: an id of another organisation, chain or round changes nothing.

Runs on SQLite and PostgreSQL (the `store` fixture)."""

from __future__ import annotations

import pytest

from ipm_model.db import NotAllowed


def _organisation(store, questionnaire, name: str):
    org = store.create_organisation(name)
    chains = [store.add_chain(org, f"{name} keten 1"), store.add_chain(org, f"{name} keten 2")]
    w = store.create_workshop(
        org, title=name, workshop_date="2026-03-01", chain_ids=chains, questionnaire=questionnaire
    )
    action = store.create_action(
        chain_id=chains[0], workshop_id=w.id, phase_id="doen", description=f"Actie {name}"
    )
    return w, action


def _update(store, action_id, chain_id, workshop_id, text="Overschreven"):
    store.update_action(
        action_id,
        chain_id=chain_id,
        workshop_id=workshop_id,
        phase_id="doen",
        description=text,
        owner="x",
        due_date=None,
        status="done",
    )


def test_an_action_of_another_organisation_is_refused_and_unchanged(store, questionnaire):
    mine, _ = _organisation(store, questionnaire, "A")
    _, theirs = _organisation(store, questionnaire, "B")
    before = store.action(theirs)
    with pytest.raises(NotAllowed, match="unknown action"):
        _update(store, theirs, mine.chains[0].id, mine.id)
    assert store.action(theirs) == before


def test_an_action_of_another_chain_or_round_is_refused(store, questionnaire):
    mine, action = _organisation(store, questionnaire, "A")
    before = store.action(action)
    with pytest.raises(NotAllowed):
        _update(store, action, mine.chains[1].id, mine.id)  # right round, other chain
    with pytest.raises(NotAllowed):
        _update(store, action, mine.chains[0].id, mine.id + 1000)  # other round
    assert store.action(action) == before
    _update(store, action, mine.chains[0].id, mine.id, "Eigen wijziging")  # in scope: works
    assert store.action(action).description == "Eigen wijziging"


def test_chains_of_another_organisation_cannot_be_renamed_removed_or_used(store, questionnaire):
    mine, _ = _organisation(store, questionnaire, "A")
    theirs, _ = _organisation(store, questionnaire, "B")
    other_chain = theirs.chains[1].id
    with pytest.raises(NotAllowed, match="another organisation"):
        store.rename_chain(other_chain, "Gekaapt", organisation_id=mine.organisation_id)
    with pytest.raises(NotAllowed, match="another organisation"):
        store.remove_chain(other_chain, organisation_id=mine.organisation_id)
    with pytest.raises(NotAllowed, match="another organisation"):
        store.update_workshop(
            mine.id,
            title="x",
            workshop_date="2026-03-01",
            min_group_size=3,
            chain_ids=[mine.chains[0].id, other_chain],
        )
    with pytest.raises(NotAllowed, match="another organisation"):
        store.create_workshop(
            mine.organisation_id,
            title="x",
            workshop_date="2026-03-01",
            chain_ids=[other_chain],
            questionnaire=questionnaire,
        )
    assert [c.name for c in store.chains(theirs.organisation_id)] == ["B keten 1", "B keten 2"]
    assert store.workshop(mine.id).chains == mine.chains


def test_unknown_workshop_status_change_is_refused(store):
    with pytest.raises(NotAllowed, match="unknown workshop"):
        store.set_workshop_status(999, "closed")

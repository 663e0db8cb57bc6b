"""Links expire, can be revoked and rotated (both back-ends); the expiry rule itself."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from ipm_model.access import (
    LINK_EXPIRED,
    LINK_OK,
    LINK_REVOKED,
    LINK_UNKNOWN,
    link_expiry_days,
    link_status,
)
from ipm_model.cli import main
from ipm_model.model import LINK_FACILITATOR, LINK_RESULTS

NOW = datetime(2026, 6, 1, tzinfo=UTC)


def _iso(days_ago: float) -> str:
    return (NOW - timedelta(days=days_ago)).isoformat()


@pytest.mark.parametrize(
    ("created", "closed", "still_open", "days", "expected"),
    [
        (_iso(400), None, True, 90, LINK_OK),  # open round: never expires
        (_iso(400), _iso(89), False, 90, LINK_OK),
        (_iso(400), _iso(91), False, 90, LINK_EXPIRED),
        (_iso(10), _iso(200), False, 90, LINK_OK),  # rotated after the close: counts from then
        (_iso(400), _iso(300), False, 0, LINK_OK),  # 0: links do not expire
        (_iso(400), _iso(31), False, 30, LINK_EXPIRED),
    ],
)
def test_link_expiry_rule(created, closed, still_open, days, expected):
    status = link_status(
        created_at=created,
        closed_at=closed,
        revoked_at=None,
        still_open=still_open,
        days=days,
        now=NOW,
    )
    assert status == expected


def test_a_revoked_link_is_revoked_whatever_its_dates():
    status = link_status(
        created_at=_iso(1), closed_at=None, revoked_at=_iso(0), still_open=True, days=90, now=NOW
    )
    assert status == LINK_REVOKED


@pytest.mark.parametrize(
    ("raw", "days"), [(None, 90), ("", 90), ("30", 30), ("0", 0), ("-5", 90), ("²", 90)]
)
def test_link_days_setting(raw, days):
    assert link_expiry_days(raw) == days


@pytest.fixture
def workshop(store, questionnaire):
    org = store.create_organisation("Org")
    chain = store.add_chain(org, "Keten")
    return store.create_workshop(
        org, title="R1", workshop_date="2026-03-01", chain_ids=[chain], questionnaire=questionnaire
    )


def test_facilitator_link_works_while_open_and_expires_after_the_close(store, workshop):
    token = workshop.facilitator_token
    assert store.check_link(LINK_FACILITATOR, token, 90)[0] == LINK_OK
    store.set_workshop_status(workshop.id, "closed")
    status, link = store.check_link(LINK_FACILITATOR, token, 90)
    assert status == LINK_OK and link.workshop_id == workshop.id
    later = datetime.now(UTC) + timedelta(days=91)
    assert link.status(90, now=later) == LINK_EXPIRED
    assert link.expires_at(90).date() == (datetime.now(UTC) + timedelta(days=90)).date()


def test_results_link_expires_only_when_no_round_is_open(store, workshop):
    org = store.organisation(workshop.organisation_id)
    link = store.link_by_token(LINK_RESULTS, org["results_token"])
    assert link.still_open and link.expires_at(90) is None
    store.set_workshop_status(workshop.id, "closed")
    link = store.link_by_token(LINK_RESULTS, org["results_token"])
    assert not link.still_open and link.closed_at is not None
    assert link.expires_at(90) is not None


@pytest.mark.parametrize("kind", [LINK_FACILITATOR, LINK_RESULTS])
def test_revoke_and_rotate(store, workshop, kind):
    owner = workshop.id if kind == LINK_FACILITATOR else workshop.organisation_id
    old = store.link_by_token(kind, _token(store, workshop, kind)).token
    store.revoke_link(kind, owner)
    assert store.check_link(kind, old, 90)[0] == LINK_REVOKED
    new = store.rotate_link(kind, owner)
    assert new != old
    assert store.check_link(kind, old, 90) == (LINK_UNKNOWN, None)
    assert store.check_link(kind, new, 90)[0] == LINK_OK


def _token(store, workshop, kind):
    if kind == LINK_FACILITATOR:
        return store.workshop(workshop.id).facilitator_token
    return store.organisation(workshop.organisation_id)["results_token"]


@pytest.mark.parametrize("kind", [LINK_FACILITATOR, LINK_RESULTS])
def test_revoke_or_rotate_of_an_unknown_owner_is_refused(store, kind):
    from ipm_model.db import NotAllowed

    with pytest.raises(NotAllowed):
        store.revoke_link(kind, 999)
    with pytest.raises(NotAllowed):
        store.rotate_link(kind, 999)


def test_links_cli_list_revoke_rotate(db_target, questionnaire, capsys):
    from ipm_model.storage.store import Store

    s = Store(db_target)
    org = s.create_organisation("Org")
    chain = s.add_chain(org, "Keten")
    w = s.create_workshop(
        org, title="R1", workshop_date="2026-03-01", chain_ids=[chain], questionnaire=questionnaire
    )
    s.close()
    assert main(["--db", db_target, "links", "list"]) == 0
    listed = capsys.readouterr().out
    assert "results" in listed and w.code in listed and "ok" in listed
    assert w.facilitator_token not in listed  # tokens are shortened
    assert main(["--db", db_target, "links", "revoke", "--workshop", w.code]) == 0
    assert main(["--db", db_target, "links", "list"]) == 0
    assert "revoked" in capsys.readouterr().out
    assert main(["--db", db_target, "links", "rotate", "--organisation", "Org"]) == 0
    assert "/results?r=" in capsys.readouterr().out
    assert main(["--db", db_target, "links", "revoke", "--organisation", "Nope"]) == 1
    s = Store(db_target)
    assert s.check_link(LINK_FACILITATOR, w.facilitator_token, 90)[0] == LINK_REVOKED
    s.close()

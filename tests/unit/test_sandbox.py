"""Demo sandboxes (ipm_model/storage/sandbox.py) on both back-ends: a visitor's own copy of the
demo that never touches the shared demo, another visitor's copy or a real organisation."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from ipm_model.access import Grant
from ipm_model.demo import DEMO_CODE, create_demo
from ipm_model.model import WORKSHOP_CLOSED
from ipm_model.questionnaire import default_questionnaire
from ipm_model.session import Claim, SessionRefused, make_cookie, read_cookie
from ipm_model.storage import sandbox
from ipm_model.storage.store import Store

TODAY = date(2026, 5, 4)


@pytest.fixture
def demo(store: Store):
    return create_demo(store, default_questionnaire(), today=TODAY, simulated=4)


def org_rows(store: Store, organisation_id: int) -> dict[str, list]:
    """Every row that belongs to one organisation, per table (ids included)."""
    q = store._query
    workshops = "SELECT id FROM workshop WHERE organisation_id = ?"
    people = f"SELECT id FROM participant WHERE workshop_id IN ({workshops})"
    return {
        "organisation": q("SELECT * FROM organisation WHERE id = ?", [organisation_id]),
        "chain": q("SELECT * FROM chain WHERE organisation_id = ? ORDER BY id", [organisation_id]),
        "workshop": q(
            f"SELECT * FROM workshop WHERE id IN ({workshops}) ORDER BY id", [organisation_id]
        ),
        "participant": q(
            f"SELECT * FROM participant WHERE id IN ({people}) ORDER BY id", [organisation_id]
        ),
        "answer": q(
            f"SELECT * FROM answer WHERE participant_id IN ({people}) "
            "ORDER BY participant_id, statement_id",
            [organisation_id],
        ),
        "action": q(
            f"SELECT * FROM action WHERE workshop_id IN ({workshops}) ORDER BY id",
            [organisation_id],
        ),
    }


def answers_by_round(store: Store, organisation_id: int) -> list[tuple]:
    """Answers keyed by round title, chain name, role and finish time: what a copy keeps.
    Ordered by every column: two people of one role may finish at the same second."""
    rows = store._query(
        """SELECT w.title, c.name, p.role, p.finished_at, a.statement_id, a.value
           FROM answer a JOIN participant p ON p.id = a.participant_id
           JOIN workshop w ON w.id = p.workshop_id JOIN chain c ON c.id = p.chain_id
           WHERE w.organisation_id = ? ORDER BY 1, 2, 3, 4, 5, 6""",
        [organisation_id],
    )
    return [tuple(r.values()) for r in rows]


def test_a_sandbox_is_a_full_copy_with_new_codes_and_tokens(store, demo):
    made, key = sandbox.create_sandbox(store, demo.organisation_id)
    copy, source = made.organisation_id, demo.organisation_id
    assert copy != source
    assert answers_by_round(store, copy) == answers_by_round(store, source)
    theirs, ours = org_rows(store, source), org_rows(store, copy)
    for table in ("chain", "workshop", "participant", "answer", "action"):
        assert len(ours[table]) == len(theirs[table]) > 0, table
    assert {w["code"] for w in ours["workshop"]}.isdisjoint(w["code"] for w in theirs["workshop"])
    assert DEMO_CODE not in {w["code"] for w in ours["workshop"]}
    tokens = {w["facilitator_token"] for w in theirs["workshop"]}
    assert tokens.isdisjoint(w["facilitator_token"] for w in ours["workshop"])
    assert ours["organisation"][0]["results_token"] != theirs["organisation"][0]["results_token"]
    for column in ("pid", "token", "resume_code"):
        assert {p[column] for p in ours["participant"]}.isdisjoint(
            p[column] for p in theirs["participant"]
        )
    # The open workshop and its simulated people come along; their labels still count them.
    open_copy = next(w for w in store.workshops(copy) if w.is_open)
    assert sandbox.simulated_counts(store, open_copy.id) == {c.id: 4 for c in open_copy.chains}
    assert made.key_digest == sandbox.key_digest(key)


def test_real_visitors_answers_in_the_shared_demo_never_reach_a_sandbox(store, demo):
    w = demo.workshop
    visitor = store.create_participant(w, chain_id=w.chains[0].id, role="mt")
    store.save_answer(visitor.id, "doen-action-owner", "2")
    store.finish(visitor.id)
    made, _ = sandbox.create_sandbox(store, demo.organisation_id)
    open_copy = next(x for x in store.workshops(made.organisation_id) if x.is_open)
    people = store._query("SELECT pid FROM participant WHERE workshop_id = ?", [open_copy.id])
    assert len(people) == 4 * len(w.chains)
    assert all(p["pid"].startswith(sandbox.GENERATED_PREFIX) for p in people)
    assert not visitor.pid.startswith(sandbox.GENERATED_PREFIX)


def test_closing_and_deleting_in_a_sandbox_leaves_the_demo_and_real_organisations(store, demo):
    real = store.create_organisation("Gemeente Echt")
    chain = store.add_chain(real, "Keten")
    q = default_questionnaire()
    real_w = store.create_workshop(
        real, title="Echt", workshop_date=TODAY, chain_ids=[chain], questionnaire=q
    )
    before_demo = org_rows(store, demo.organisation_id)
    before_real = org_rows(store, real)
    made, _ = sandbox.create_sandbox(store, demo.organisation_id)
    for w in store.workshops(made.organisation_id):
        if w.is_open:
            store.set_workshop_status(w.id, WORKSHOP_CLOSED)
    action = org_rows(store, made.organisation_id)["action"][0]
    store.update_action(
        action["id"],
        chain_id=action["chain_id"],
        workshop_id=action["workshop_id"],
        phase_id=action["phase_id"],
        description="Anders",
        owner="Ik",
        due_date=None,
        status="dropped",
    )
    assert org_rows(store, demo.organisation_id) == before_demo
    gone = sandbox.remove(store, made.organisation_id)
    assert gone["organisation"] == 1 and gone["answer"] > 0
    assert org_rows(store, demo.organisation_id) == before_demo
    assert org_rows(store, real) == before_real
    assert store.workshop_by_code(DEMO_CODE).is_open and store.workshop(real_w.id).is_open
    assert store.organisation(made.organisation_id) is None
    # Only sandboxes can be removed this way.
    for other in (demo.organisation_id, real):
        with pytest.raises(sandbox.SandboxError):
            sandbox.remove(store, other)
    assert org_rows(store, real) == before_real


def test_a_sandbox_opens_only_with_its_own_key_and_only_while_it_lives(store, demo):
    a, key_a = sandbox.create_sandbox(store, demo.organisation_id)
    b, key_b = sandbox.create_sandbox(store, demo.organisation_id)
    assert sandbox.find(store, a.organisation_id, sandbox.key_digest(key_a)) == a
    # Another visitor's id with my key, my id with a made-up proof, the demo or a real id.
    assert sandbox.find(store, b.organisation_id, sandbox.key_digest(key_a)) is None
    assert sandbox.find(store, a.organisation_id, "0" * 32) is None
    assert sandbox.find(store, demo.organisation_id, sandbox.key_digest(key_a)) is None
    later = datetime.now(UTC) + timedelta(hours=sandbox.SANDBOX_HOURS, minutes=1)
    assert sandbox.find(store, a.organisation_id, sandbox.key_digest(key_a), now=later) is None
    assert sandbox.find(store, b.organisation_id, sandbox.key_digest(key_b)) == b


def test_the_maximum_holds_and_the_oldest_goes_first(store, demo):
    start = datetime(2026, 5, 4, 9, 0, tzinfo=UTC)
    made = [
        sandbox.create_sandbox(
            store, demo.organisation_id, limit=2, now=start + timedelta(minutes=20 * i)
        )[0]
        for i in range(3)
    ]
    held = sandbox.list_sandboxes(store)
    assert [s.organisation_id for s in held] == [made[1].organisation_id, made[2].organisation_id]
    assert store.organisation(made[0].organisation_id) is None


def test_a_flood_does_not_push_out_a_visitor_still_at_work(store, demo):
    start = datetime(2026, 5, 4, 9, 0, tzinfo=UTC)
    first, _ = sandbox.create_sandbox(store, demo.organisation_id, limit=1, now=start)
    with pytest.raises(sandbox.SandboxesFull):
        sandbox.create_sandbox(
            store, demo.organisation_id, limit=1, now=start + timedelta(minutes=5)
        )
    assert sandbox.sandbox_ids(store) == {first.organisation_id}  # nothing made, nothing lost
    later = start + timedelta(minutes=sandbox.PROTECTED_MINUTES + 1)
    second, _ = sandbox.create_sandbox(store, demo.organisation_id, limit=1, now=later)
    assert sandbox.sandbox_ids(store) == {second.organisation_id}


def test_cleanup_removes_expired_sandboxes_only(store, demo):
    now = datetime.now(UTC)
    old, _ = sandbox.create_sandbox(store, demo.organisation_id, now=now - timedelta(hours=25))
    new, _ = sandbox.create_sandbox(store, demo.organisation_id, now=now - timedelta(hours=23))
    assert sandbox.sandbox_ids(store) == {old.organisation_id, new.organisation_id}
    assert sandbox.cleanup(store, now=now) == 1
    assert sandbox.sandbox_ids(store) == {new.organisation_id}
    assert store.organisation(old.organisation_id) is None
    assert store.organisation(demo.organisation_id) is not None
    assert sandbox.cleanup(store, now=now) == 0
    # Making a sandbox cleans up too: the expired one goes, nothing is left behind.
    newest, _ = sandbox.create_sandbox(store, demo.organisation_id, now=now + timedelta(hours=2))
    assert sandbox.sandbox_ids(store) == {newest.organisation_id}


def test_the_daily_rebuild_keeps_sandboxes_working(store, demo):
    made, key = sandbox.create_sandbox(store, demo.organisation_id)
    kept = answers_by_round(store, made.organisation_id)
    rebuilt = create_demo(store, default_questionnaire(), today=TODAY, reset=True, simulated=4)
    assert sandbox.find(store, made.organisation_id, sandbox.key_digest(key)) == made
    assert answers_by_round(store, made.organisation_id) == kept
    second, _ = sandbox.create_sandbox(store, rebuilt.organisation_id)
    assert store.organisation(second.organisation_id) is not None
    assert store.workshop_by_code(DEMO_CODE).organisation_id == rebuilt.organisation_id


def test_sandboxes_stay_out_of_the_peer_benchmark(store, demo):
    q = default_questionnaire()
    before = store.benchmark_answers(q.id, q.version)
    made, _ = sandbox.create_sandbox(store, demo.organisation_id)
    for w in store.workshops(made.organisation_id):
        store.set_workshop_status(w.id, WORKSHOP_CLOSED)
    after = store.benchmark_answers(q.id, q.version)
    assert made.organisation_id not in set(after["organisation_id"])
    assert len(after) == len(before)


def test_grants_a_visitor_reads_the_shared_demo_and_changes_only_their_sandbox():
    view = Grant().with_demo_view(1)
    assert view.sees_results() and view.sees_console() and view.can_view_organisation(1)
    assert not view.can_edit_actions(1) and not view.can_manage_organisation(1)
    assert not view.can_run_workshop(10, 1) and not view.can_reopen_workshop(1)
    own = Grant().with_sandbox(7)
    assert own.can_manage_organisation(7) and own.can_edit_actions(7)
    assert own.can_run_workshop(70, 7) and own.can_reopen_workshop(7)
    for other in (1, 8):  # the shared demo, another visitor's sandbox or a real organisation
        assert not own.can_view_organisation(other) and not own.can_manage_organisation(other)
        assert not own.can_edit_actions(other) and not own.can_run_workshop(80, other)
    assert Grant().with_demo_view(1).as_admin().can_edit_actions(1)


def test_a_sandbox_claim_survives_the_cookie_and_a_changed_one_is_forged():
    key = b"k" * 32
    claim = Claim("sb", 7, sandbox.key_digest("secret"))
    cookie = make_cookie((claim,), key, hours=24)
    assert read_cookie(cookie, key, 24).claims == (claim,)
    version, payload, signature = cookie.split(".")
    import base64
    import json

    body = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    body["c"][0][1] = 8  # another visitor's sandbox
    forged = base64.urlsafe_b64encode(json.dumps(body).encode()).rstrip(b"=").decode()
    with pytest.raises(SessionRefused) as refused:
        read_cookie(f"{version}.{forged}.{signature}", key, 24)
    assert refused.value.reason == "forged"


def test_max_sandboxes_setting():
    assert sandbox.max_sandboxes(None) == sandbox.MAX_SANDBOXES_DEFAULT == 200
    assert sandbox.max_sandboxes("12") == 12
    for bad in ("0", "-3", "abc", "²", ""):
        assert sandbox.max_sandboxes(bad) == 200


def simulated_answers(store: Store, workshop_id: int) -> list[tuple]:
    rows = store._query(
        """SELECT p.chain_id, a.statement_id, a.value FROM answer a
           JOIN participant p ON p.id = a.participant_id WHERE p.workshop_id = ?
           ORDER BY p.finished_at, a.statement_id""",
        [workshop_id],
    )
    return [tuple(r.values()) for r in rows]


def test_simulated_people_are_new_at_every_build_and_finish_first(tmp_path):
    """Drawn with a fresh seed: the source code does not reveal their answers."""
    import io

    from ipm_model.cli import main

    db = str(tmp_path / "cli.db")
    assert main(["--db", db, "demo", "--simulated", "3"], stdout=io.StringIO()) == 0
    store = Store(db)
    w = store.workshop_by_code(DEMO_CODE)
    assert sandbox.simulated_counts(store, w.id) == {c.id: 3 for c in w.chains}
    first = simulated_answers(store, w.id)
    late = store.create_participant(w, chain_id=w.chains[0].id, role="mt")
    store.finish(late.id)
    order = store._query(
        "SELECT pid FROM participant WHERE workshop_id = ? AND chain_id = ? "
        "ORDER BY finished_at, id",
        [w.id, w.chains[0].id],
    )
    assert [r["pid"].startswith(sandbox.GENERATED_PREFIX) for r in order] == [True] * 3 + [False]
    assert main(["--db", db, "demo", "--reset", "--simulated", "3"], stdout=io.StringIO()) == 0
    again = store.workshop_by_code(DEMO_CODE)
    assert simulated_answers(store, again.id) != first
    store.close()

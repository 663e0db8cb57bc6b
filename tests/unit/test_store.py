"""The store: migrations, workshops, participants, answers (also under concurrent writes)."""

from __future__ import annotations

import sqlite3
import threading

import pytest
from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from ipm_model import db as db_module
from ipm_model.db import NotAllowed, StoreError
from ipm_model.model import COMMENT_MAX_CHARS, Role, format_resume_code, normalize_code
from ipm_model.storage import schema as store_module
from ipm_model.storage.store import Store

ALL_MIGRATIONS = [m.name for m in store_module.migrations.pending(Database(memory=True))]


@pytest.fixture
def sqlite_store(tmp_path):
    s = Store(tmp_path / "test.db")
    yield s
    s.close()


@pytest.fixture
def workshop(store, questionnaire):
    return _make_workshop(store, questionnaire)


@pytest.fixture
def sqlite_workshop(sqlite_store, questionnaire):
    return _make_workshop(sqlite_store, questionnaire)


def _make_workshop(store, questionnaire):
    org = store.create_organisation("Test org")
    chains = [store.add_chain(org, "Keten A"), store.add_chain(org, "Keten B")]
    return store.create_workshop(
        org,
        title="Ronde 1",
        workshop_date="2026-03-01",
        chain_ids=chains,
        questionnaire=questionnaire,
        partners=["Partner X"],
        code="TEST",
    )


def _join(store, workshop, chain_index=0, role="ketenteam"):
    return store.create_participant(workshop, chain_id=workshop.chains[chain_index].id, role=role)


def test_migrations_create_schema_on_empty_database(tmp_path):
    s = Store(tmp_path / "new.db")
    db = Database(sqlite3.connect(tmp_path / "new.db"))
    assert {"organisation", "chain", "workshop", "participant", "answer", "phase_comment"} <= set(
        db.table_names()
    )
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert [m.name for m in store_module.migrations.applied(db)] == ALL_MIGRATIONS
    s.close()


def test_reopening_an_existing_database_keeps_data_and_applies_nothing_twice(tmp_path):
    path = tmp_path / "existing.db"
    first = Store(path)
    org = first.create_organisation("Org")
    first.close()
    again = Store(path)
    assert again.organisation_id("Org") == org
    db = Database(sqlite3.connect(path))
    assert [m.name for m in store_module.migrations.applied(db)] == ALL_MIGRATIONS
    again.close()


def test_migrating_a_first_version_database_keeps_its_data_and_adds_tokens(tmp_path):
    path = tmp_path / "v1.db"
    db = Database(sqlite3.connect(path))
    store_module.migrations.apply(db, stop_before="m002_access_and_reveal")
    db.execute("INSERT INTO organisation (name, created_at) VALUES ('Old org', 'x')")
    db.execute(
        """INSERT INTO workshop (organisation_id, code, title, date, questionnaire_id,
           questionnaire_version, roles, created_at) VALUES (1, 'OLD', 'Old round',
           '2025-01-01', 'ipm-ketenscan', 1, '[]', 'x')"""
    )
    db.conn.commit()
    db.close()
    s = Store(path)
    w = s.workshop_by_code("OLD")
    assert w.title == "Old round" and len(w.facilitator_token) >= 20 and not w.revealed
    assert s.organisation(1)["results_token"]
    s.close()


def test_a_new_migration_applies_to_an_existing_database(tmp_path):
    path = tmp_path / "old.db"
    Store(path).close()
    db = Database(sqlite3.connect(path))
    later = Migrations(store_module.migrations.name)
    for known in store_module.migrations.pending(Database(memory=True)):
        later(name=known.name)(known.fn)  # already applied: must be skipped

    @later()
    def m999_example(db):
        db.execute("ALTER TABLE chain ADD COLUMN colour TEXT")

    assert [m.name for m in later.pending(db)] == ["m999_example"]
    later.apply(db)
    later.apply(db)  # re-running is safe
    assert "colour" in db["chain"].columns_dict
    assert [m.name for m in later.applied(db)] == [*ALL_MIGRATIONS, "m999_example"]


def test_two_stores_opening_one_new_file_at_once_both_work(tmp_path):
    path = tmp_path / "race.db"
    errors = []

    def open_store():
        try:
            Store(path).close()
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=open_store) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []


def test_missing_folder_gives_a_clear_error(tmp_path):
    with pytest.raises(StoreError, match="The folder for the database does not exist"):
        Store(tmp_path / "nope" / "x.db")


def test_read_only_database_gives_a_clear_error_and_works_again_later(
    sqlite_store, sqlite_workshop
):
    """Root ignores file modes, so the database is made read-only the way SQLite sees it."""
    store, workshop = sqlite_store, sqlite_workshop
    p = _join(store, workshop)
    store.close()  # empty the pool: the next connections are made by the patched _connect
    backend = store._backend
    real_connect = backend._connect

    def read_only_connect():
        db = real_connect()
        db.execute("PRAGMA query_only = ON")
        return db

    backend._connect = read_only_connect
    with pytest.raises(StoreError, match="is read-only"):
        store.save_answer(p.id, "doen-action-owner", "4")
    store.close()
    backend._connect = real_connect
    store.save_answer(p.id, "doen-action-owner", "4")
    assert store.answers(p.id) == {"doen-action-owner": "4"}


def test_locked_database_gives_a_clear_error(sqlite_store, sqlite_workshop, monkeypatch):
    store, workshop = sqlite_store, sqlite_workshop
    p = _join(store, workshop)
    monkeypatch.setattr(db_module, "BUSY_TIMEOUT_S", 0.2)
    store.close()
    blocker = sqlite3.connect(store.path)
    blocker.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(StoreError, match="is locked by another program"):
            store.save_answer(p.id, "doen-action-owner", "4")
    finally:
        blocker.rollback()
        blocker.close()
    store.save_answer(p.id, "doen-action-owner", "4")
    assert store.answers(p.id) == {"doen-action-owner": "4"}


def test_writers_of_one_process_queue_and_each_goes_on_when_the_one_before_commits(
    sqlite_store, sqlite_workshop
):
    """Threads of one process wait for the file's write lock in line (db._writer_gate), not
    in SQLite's busy handler: a writer that waits is let in by the commit before it."""
    store, workshop = sqlite_store, sqlite_workshop
    first, second = _join(store, workshop), _join(store, workshop)
    inside, done = threading.Event(), threading.Event()
    release = threading.Event()
    gate = _WatchedGate(store._backend._writer)
    store._backend._writer = gate

    def hold() -> None:
        with store._write() as db:
            db.execute("UPDATE participant SET current_step = 3 WHERE id = ?", [first.id])
            inside.set()
            release.wait(10)

    def write() -> None:
        store.finish(second.id, step=9)
        done.set()

    holder = threading.Thread(target=hold)
    holder.start()
    assert inside.wait(10)
    writer = threading.Thread(target=write)
    writer.start()
    assert not done.wait(0.3)  # queued behind the open transaction,
    assert gate.waiting == 1  # at the gate, not polling in SQLite's busy handler
    release.set()
    holder.join(10)
    writer.join(10)
    assert done.is_set()
    assert store.participant_by_token(first.token).current_step == 3
    assert store.participant_by_token(second.token).finished


class _WatchedGate:
    """A writer gate that counts the threads waiting at it."""

    def __init__(self, lock) -> None:
        self.lock, self.waiting = lock, 0

    def acquire(self, timeout: float = -1) -> bool:
        self.waiting += 1
        try:
            return self.lock.acquire(timeout=timeout)
        finally:
            self.waiting -= 1

    def release(self) -> None:
        self.lock.release()


def test_a_writer_queued_longer_than_the_busy_timeout_gets_the_clear_locked_error(
    sqlite_store, sqlite_workshop, monkeypatch
):
    """The in-process queue never waits longer than SQLite would: past the busy timeout the
    writer goes on to SQLite and gets its "locked" answer, as without the queue."""
    store, workshop = sqlite_store, sqlite_workshop
    p = _join(store, workshop)
    monkeypatch.setattr(db_module, "BUSY_TIMEOUT_S", 0.2)
    store.close()  # new connections take the short busy timeout
    inside, release = threading.Event(), threading.Event()

    def hold() -> None:
        with store._write() as db:
            db.execute("UPDATE participant SET current_step = 3 WHERE id = ?", [p.id])
            inside.set()
            release.wait(10)

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert inside.wait(10)
        with pytest.raises(StoreError, match="is locked"):
            store.save_answer(p.id, "doen-action-owner", "4")
    finally:
        release.set()
        holder.join(10)
    store.save_answer(p.id, "doen-action-owner", "4")
    assert store.answers(p.id) == {"doen-action-owner": "4"}


def test_many_threads_writing_at_once_store_everything(sqlite_store, sqlite_workshop):
    store, workshop = sqlite_store, sqlite_workshop
    people = [_join(store, workshop, chain_index=n % 2) for n in range(24)]
    start = threading.Barrier(len(people))
    failures: list[BaseException] = []

    def finish(person) -> None:
        start.wait(10)
        try:
            store.save_answer(person.id, "doen-action-owner", "4")
            store.finish(person.id, step=9)
        except BaseException as exc:  # noqa: BLE001 - reported below
            failures.append(exc)

    threads = [threading.Thread(target=finish, args=(person,)) for person in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert failures == []
    for person in people:
        stored = store.participant_by_token(person.token)
        assert stored.finished and stored.current_step == 9
        assert store.answers(person.id) == {"doen-action-owner": "4"}


def test_create_workshop_and_find_by_code_in_any_case(store, workshop):
    assert workshop.code == "TEST"
    for typed in ("test", " T-E-S-T ", "TEST"):
        assert store.workshop_by_code(typed).id == workshop.id
    assert [c.name for c in workshop.chains] == ["Keten A", "Keten B"]
    assert workshop.partners == ("Partner X",)
    assert workshop.is_open


def test_generated_join_codes_avoid_ambiguous_characters(store, questionnaire):
    org = store.create_organisation("Org")
    chain = store.add_chain(org, "K")
    codes = {
        store.create_workshop(
            org,
            title=f"R{i}",
            workshop_date="2026-01-01",
            chain_ids=[chain],
            questionnaire=questionnaire,
        ).code
        for i in range(30)
    }
    assert len(codes) == 30
    assert not any(ch in code for code in codes for ch in "0O1IL")


def test_join_code_collision_is_refused(store, workshop, questionnaire):
    with pytest.raises(NotAllowed, match="already in use"):
        store.create_workshop(
            workshop.organisation_id,
            title="Again",
            workshop_date="2026-01-01",
            chain_ids=[workshop.chains[0].id],
            questionnaire=questionnaire,
            code="test",
        )


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("demo", "DEMO"),
        ("dem0", "DEMO"),
        (" d-e m o ", "DEMO"),
        ("<script>", "SCRIPT"),
        ("", ""),
        (None, ""),
        ("x" * 100, "X" * 32),
        ("ÄBC", "BC"),
    ],
)
def test_normalize_code(typed, expected):
    assert normalize_code(typed) == expected


def test_participant_gets_private_token_and_resume_code(store, workshop):
    p = _join(store, workshop)
    assert len(p.token) >= 20
    assert len(p.resume_code) == 8
    assert store.participant_by_token(p.token) == p
    assert store.participant_by_resume_code(format_resume_code(p.resume_code).lower()) == p
    assert store.participant_by_token("garbage") is None
    assert store.participant_by_token("x" * 5000) is None
    assert store.participant_by_resume_code("ABCD") is None


def test_closed_workshop_refuses_new_participants_and_answers(store, workshop):
    p = _join(store, workshop)
    store.set_workshop_status(workshop.id, "closed")
    with pytest.raises(NotAllowed, match="closed"):
        _join(store, workshop)
    with pytest.raises(NotAllowed, match="closed"):
        store.save_answer(p.id, "inzicht-chains-named", "4")
    assert store.counts()["participant"] == 1
    assert store.answers(p.id) == {}


def test_participant_must_pick_offered_chain_role_and_partner(store, workshop):
    with pytest.raises(NotAllowed):
        store.create_participant(workshop, chain_id=9999, role="ketenteam")
    with pytest.raises(NotAllowed):
        store.create_participant(workshop, chain_id=workshop.chains[0].id, role="boss")
    with pytest.raises(NotAllowed):
        store.create_participant(
            workshop, chain_id=workshop.chains[0].id, role="mt", partner="Evil Corp"
        )
    assert store.counts()["participant"] == 0


def test_answer_upsert_replaces_the_earlier_answer(store, workshop):
    p = _join(store, workshop)
    store.save_answer(p.id, "inzicht-chains-named", "2")
    store.save_answer(p.id, "inzicht-chains-named", "dk")
    store.save_answer(p.id, "doen-action-owner", "5")
    assert store.answers(p.id) == {"inzicht-chains-named": "dk", "doen-action-owner": "5"}
    assert store.counts()["answer"] == 2


@pytest.mark.parametrize("value", ["0", "6", "3.5", "", "DK", "maybe", None])
def test_answer_values_outside_the_answer_set_are_refused(store, workshop, value):
    p = _join(store, workshop)
    with pytest.raises(NotAllowed):
        store.save_answer(p.id, "inzicht-chains-named", value)
    assert store.answers(p.id) == {}


def test_thirty_threads_writing_49_answers_each_lose_nothing(store, workshop, questionnaire):
    participants = [_join(store, workshop, i % 2) for i in range(30)]
    statements = questionnaire.statement_ids
    assert len(statements) == 49
    barrier = threading.Barrier(30)
    errors: list[BaseException] = []

    def answer_all(p, offset):
        try:
            barrier.wait()
            for i, sid in enumerate(statements):
                value = ("1", "2", "3", "4", "5", "dk", "na")[(i + offset) % 7]
                store.save_answer(p.id, sid, value)
        except BaseException as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=answer_all, args=(p, n)) for n, p in enumerate(participants)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert store.counts()["answer"] == 30 * 49
    for n, p in enumerate(participants):
        got = store.answers(p.id)
        assert len(got) == 49
        assert got[statements[0]] == ("1", "2", "3", "4", "5", "dk", "na")[n % 7]


def test_comment_is_cut_at_the_limit_and_cleaned(store, workshop):
    p = _join(store, workshop)
    assert store.save_comment(p.id, "doen", "x" * (COMMENT_MAX_CHARS + 50)) is True
    assert len(store.comments(p.id)["doen"]) == COMMENT_MAX_CHARS
    assert store.save_comment(p.id, "doen", "<b>ok</b>\x00\x07 fine") is False
    assert store.comments(p.id)["doen"] == "<b>ok</b> fine"
    store.save_comment(p.id, "doen", "   ")
    assert store.comments(p.id) == {}


def test_step_and_finish_are_remembered(store, workshop):
    p = _join(store, workshop)
    store.set_step(p.id, 4)
    assert store.participant_by_token(p.token).current_step == 4
    store.finish(p.id)
    first = store.participant_by_token(p.token).finished_at
    store.finish(p.id)
    assert store.participant_by_token(p.token).finished_at == first


def test_finish_with_a_step_stores_both_in_one_write(store, workshop):
    p = _join(store, workshop)
    store.set_step(p.id, 8)
    store.finish(p.id, step=9)
    first = store.participant_by_token(p.token)
    assert first.finished and first.current_step == 9
    store.set_step(p.id, 0)  # "edit my answers" after finishing
    store.finish(p.id, step=9)  # finishing again keeps the first finish
    again = store.participant_by_token(p.token)
    assert again.finished_at == first.finished_at and again.current_step == 9


def test_participation_counts_joined_and_finished_per_chain_in_workshop_order(store, workshop):
    a = _join(store, workshop, 0)
    _join(store, workshop, 0)
    b = _join(store, workshop, 1)
    store.finish(a.id)
    store.finish(b.id)
    frame = store.participation(workshop.id)
    assert frame.to_dict("records") == [
        {"chain_id": workshop.chains[0].id, "joined": 2, "finished": 1},
        {"chain_id": workshop.chains[1].id, "joined": 1, "finished": 1},
    ]


def test_group_answers_only_from_finished_participants_of_that_chain(store, workshop):
    a, b, other = _join(store, workshop), _join(store, workshop), _join(store, workshop, 1)
    for p in (a, b, other):
        store.save_answer(p.id, "doen-action-owner", "4")
    store.finish(a.id)
    store.finish(other.id)
    frame = store.group_answers(workshop.id, workshop.chains[0].id)
    assert list(frame["participant"]) == [a.pid]
    assert store.finished_count(workshop.id, workshop.chains[0].id) == 1


def test_export_answers_has_documented_columns_and_no_tokens(store, workshop, questionnaire):
    p = _join(store, workshop)
    store.save_answer(p.id, "doen-action-owner", "na")
    rows = list(store.export_answers(questionnaire.phase_of(), "test"))
    assert len(rows) == 1
    row = rows[0]
    assert tuple(row) == Store.EXPORT_ANSWER_COLUMNS
    assert row["workshop_code"] == "TEST"
    assert row["chain"] == "Keten A"
    assert row["phase_id"] == "doen"
    assert row["value"] == "na"
    assert row["participant"] == p.pid
    assert p.token not in str(row) and p.resume_code not in str(row)
    assert list(store.export_answers(questionnaire.phase_of(), "NOPE")) == []


def test_delete_organisation_removes_everything_of_it(store, workshop):
    p = _join(store, workshop)
    store.save_answer(p.id, "doen-action-owner", "3")
    store.save_comment(p.id, "doen", "hi")
    store.delete_organisation(workshop.organisation_id)
    assert set(store.counts().values()) == {0}


def test_in_memory_store_is_shared_between_pooled_connections():
    s = Store(":memory:")
    s.create_organisation("One")
    results = []
    t = threading.Thread(target=lambda: results.append(s.organisation_id("One")))
    t.start()
    t.join()
    assert results == [1]


def test_chain_names_are_unique_per_organisation_ignoring_case(store, workshop):
    org = workshop.organisation_id
    with pytest.raises(NotAllowed, match="already exists"):
        store.add_chain(org, "keten a")
    with pytest.raises(NotAllowed, match="already exists"):
        store.rename_chain(workshop.chains[1].id, "KETEN A", organisation_id=org)
    store.rename_chain(workshop.chains[1].id, "Keten B2", organisation_id=org)
    assert [c.name for c in store.chains(org)] == ["Keten A", "Keten B2"]


def test_removing_a_chain_with_answers_archives_it(store, workshop):
    org = workshop.organisation_id
    p = _join(store, workshop)
    store.save_answer(p.id, "doen-action-owner", "4")
    assert store.remove_chain(workshop.chains[0].id, organisation_id=org) == "archived"
    spare = store.add_chain(org, "Unused")
    assert store.remove_chain(spare, organisation_id=org) == "deleted"
    assert [c.name for c in store.chains(org)] == ["Keten B"]
    assert store.answers(p.id) == {"doen-action-owner": "4"}
    assert store.workshop(workshop.id).chains[0].name == "Keten A"  # history keeps it


def test_update_workshop_and_chains_in_use(store, workshop):
    _join(store, workshop, chain_index=0)
    store.update_workshop(
        workshop.id,
        title="Ronde 1b",
        workshop_date="2026-03-02",
        min_group_size=5,
        chain_ids=[workshop.chains[0].id],
    )
    w = store.workshop(workshop.id)
    assert (w.title, w.date, w.min_group_size, len(w.chains)) == ("Ronde 1b", "2026-03-02", 5, 1)
    with pytest.raises(NotAllowed, match="has participants"):
        store.update_workshop(
            workshop.id,
            title="x",
            workshop_date="2026-03-02",
            min_group_size=3,
            chain_ids=[workshop.chains[1].id] if len(workshop.chains) > 1 else [999],
        )
    with pytest.raises(NotAllowed):
        store.update_workshop(
            workshop.id,
            title=" ",
            workshop_date="2026-03-02",
            min_group_size=3,
            chain_ids=[workshop.chains[0].id],
        )
    with pytest.raises(ValueError):
        store.update_workshop(
            workshop.id,
            title="x",
            workshop_date="31-02-2026",
            min_group_size=3,
            chain_ids=[workshop.chains[0].id],
        )


def test_organisation_roles_and_partners(store, workshop):
    org = workshop.organisation_id
    assert store.organisation(org)["roles"][0].id == "mt"
    store.set_organisation_partners(org, ["Partner X", " partner x ", "", "Partner Y"])
    assert store.organisation(org)["partners"] == ("Partner X", "Partner Y")
    with pytest.raises(NotAllowed, match="same id"):
        store.set_organisation_roles(org, [Role("a", "A", "A"), Role("a", "B", "B")])
    with pytest.raises(NotAllowed, match="role code"):
        store.set_organisation_roles(org, [Role("A B", "x", "x")])
    store.set_organisation_roles(org, [Role("a", "Rol A\x07", "Role A")])
    assert store.organisation(org)["roles"] == (Role("a", "Rol A", "Role A"),)


def test_duplicate_organisation_name_is_refused(store, workshop):
    with pytest.raises(NotAllowed, match="already exists"):
        store.create_organisation("Test org")


def test_results_and_facilitator_tokens_find_their_owner(store, workshop):
    org = store.organisation(workshop.organisation_id)
    assert store.organisation_by_results_token(org["results_token"])["id"] == org["id"]
    assert store.workshop_by_facilitator_token(workshop.facilitator_token).id == workshop.id
    for bad in (None, "", "x", "y" * 1000, org["results_token"] + "x"):
        assert store.organisation_by_results_token(bad) is None
        assert store.workshop_by_facilitator_token(bad) is None
    store.set_revealed(workshop.id, True)
    assert store.workshop(workshop.id).revealed


def test_actions_are_created_updated_and_listed(store, workshop):
    chain = workshop.chains[0].id
    first = store.create_action(
        chain_id=chain,
        workshop_id=workshop.id,
        phase_id="structuur",
        description="Vast ketenoverleg plannen",
        owner="<b>Anna</b>",
        due_date="2026-04-01",
    )
    store.create_action(
        chain_id=chain, workshop_id=workshop.id, phase_id="doen", description="Verbeterbord"
    )
    store.update_action(
        first,
        chain_id=chain,
        workshop_id=workshop.id,
        phase_id="structuur",
        description="Vast ketenoverleg plannen",
        owner="Anna",
        due_date="2026-04-15",
        status="busy",
    )
    listed = store.actions(chain_id=chain)
    assert [a.description for a in listed] == ["Vast ketenoverleg plannen", "Verbeterbord"]
    assert (listed[0].status, listed[0].due_date, listed[0].owner) == ("busy", "2026-04-15", "Anna")
    assert store.actions(workshop_ids=[]) == []
    assert store.counts()["action"] == 2


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"phase_id": "dromen"}, "unknown phase"),
        ({"description": "   "}, "needs a description"),
        ({"status": "finished"}, "unknown status"),
    ],
)
def test_bad_actions_are_refused(store, workshop, change, message):
    fields = {
        "chain_id": workshop.chains[0].id,
        "workshop_id": workshop.id,
        "phase_id": "doen",
        "description": "x",
    } | change
    with pytest.raises(NotAllowed, match=message):
        store.create_action(**fields)
    assert store.counts()["action"] == 0


def test_action_for_a_chain_outside_the_workshop_is_refused(store, workshop):
    other = store.add_chain(workshop.organisation_id, "Elsewhere")
    with pytest.raises(NotAllowed, match="does not take part"):
        store.create_action(
            chain_id=other, workshop_id=workshop.id, phase_id="doen", description="x"
        )
    with pytest.raises(ValueError):
        store.create_action(
            chain_id=workshop.chains[0].id,
            workshop_id=workshop.id,
            phase_id="doen",
            description="x",
            due_date="volgende week",
        )


def test_results_version_moves_with_finishing_and_later_edits_only(store, workshop):
    chain = workshop.chains[0].id
    done, busy = _join(store, workshop), _join(store, workshop)
    empty = store.results_version([workshop.id], chain)
    assert empty == (0, "")
    store.save_answer(done.id, "doen-action-owner", "3")
    store.finish(done.id)
    after_finish = store.results_version([workshop.id])
    assert after_finish[0] == 1 and after_finish[1]
    # Someone still answering does not change the results: the version stays.
    store.save_answer(busy.id, "doen-action-owner", "2")
    store.save_comment(busy.id, "doen", "nog bezig")
    assert store.results_version([workshop.id]) == after_finish
    # A finished participant who goes back and changes an answer or comment does.
    store.save_answer(done.id, "doen-action-owner", "5")
    edited = store.results_version([workshop.id])
    assert edited[0] == 1 and edited[1] > after_finish[1]
    store.save_comment(done.id, "doen", "toch anders")
    assert store.results_version([workshop.id])[1] > edited[1]
    assert store.results_version([workshop.id], workshop.chains[1].id) == (0, "")
    assert store.results_version([]) == (0, "")


def test_actions_version_moves_with_every_change(store, workshop):
    chain = workshop.chains[0].id
    assert store.actions_version(chain) == (0, "")
    action = store.create_action(
        chain_id=chain, workshop_id=workshop.id, phase_id="doen", description="Overleg plannen"
    )
    first = store.actions_version(chain)
    assert first[0] == 1
    store.update_action(
        action,
        chain_id=chain,
        workshop_id=workshop.id,
        phase_id="doen",
        description="Overleg plannen",
        owner="Sam",
        due_date=None,
        status="busy",
    )
    assert store.actions_version(chain)[1] > first[1]


def test_group_answers_of_the_first_to_finish(store, workshop):
    people = [_join(store, workshop) for _ in range(4)]
    for value, p in zip("1234", people, strict=True):
        store.save_answer(p.id, "doen-action-owner", value)
    for p in (people[2], people[0], people[3]):  # people[1] never finishes
        store.finish(p.id)
    first_two = store.group_answers(workshop.id, workshop.chains[0].id, first=2)
    assert sorted(first_two["value"]) == ["1", "3"]
    assert len(store.group_answers(workshop.id, workshop.chains[0].id, first=10)) == 3
    assert len(store.group_answers(workshop.id, workshop.chains[0].id)) == 3


def test_throttle_counts_per_kind_and_address_and_forgets_after_a_day(store):
    now = 1_800_000_000.0
    for _ in range(2):
        store.throttle_failed("code", "10.0.0.1", free_tries=3, now=now)
    assert store.throttle_wait("code", "10.0.0.1", now=now) == 0  # still free tries
    store.throttle_failed("code", "10.0.0.1", free_tries=3, now=now)
    assert store.throttle_wait("code", "10.0.0.1", now=now) == 5
    store.throttle_failed("code", "10.0.0.1", free_tries=3, now=now)
    assert store.throttle_wait("code", "10.0.0.1", now=now) == 10  # doubling
    assert store.throttle_wait("code", "10.0.0.1", now=now + 10) == 0
    assert store.throttle_wait("login", "10.0.0.1", now=now) == 0  # another kind
    assert store.throttle_wait("code", "10.0.0.2", now=now) == 0  # another address
    store.throttle_failed("code", "10.0.0.2", free_tries=3, now=now + 2 * 86400)
    assert store.throttle_wait("code", "10.0.0.1", now=now) == 0  # forgotten


def test_throttle_right_try_without_wrong_ones_opens_no_write(store, monkeypatch):
    """A right code from an address without wrong tries writes nothing (no write lock)."""
    now = 1_700_000_000.0
    writes = []
    original = store._write

    def counting_write(*args, **kwargs):
        writes.append(args)
        return original(*args, **kwargs)

    monkeypatch.setattr(store, "_write", counting_write)
    store.throttle_succeeded("code", "10.0.0.7", free_tries=3, now=now)  # no row
    assert writes == []
    store.throttle_failed("code", "10.0.0.7", free_tries=3, now=now, pattern="a")
    store.throttle_succeeded("code", "10.0.0.7", free_tries=3, now=now)  # 1 -> 0
    assert store._query("SELECT failures FROM throttle WHERE address = ?", ["10.0.0.7"]) == [
        {"failures": 0}
    ]
    writes.clear()
    store.throttle_succeeded("code", "10.0.0.7", free_tries=3, now=now)  # row with 0
    assert writes == []
    assert store.throttle_wait("code", "10.0.0.7", now=now) == 0


def test_throttle_counts_a_repeated_wrong_code_once_and_a_right_one_halves(store):
    now = 1_700_000_000.0
    for _ in range(10):  # ten tablets misreading the screen alike: one wrong code
        store.throttle_failed("code", "10.0.0.9", free_tries=3, now=now, pattern="same")
    assert store.throttle_wait("code", "10.0.0.9", now=now) == 0
    for attempt in range(5):
        store.throttle_failed("code", "10.0.0.9", free_tries=3, now=now, pattern=f"new{attempt}")
    assert store.throttle_wait("code", "10.0.0.9", now=now) == 40  # 6 distinct: 5 * 2**3
    store.throttle_succeeded("code", "10.0.0.9", free_tries=3, now=now)  # 6 -> 3
    assert store.throttle_wait("code", "10.0.0.9", now=now) == 5
    store.throttle_succeeded("code", "10.0.0.9", free_tries=3, now=now)  # 3 -> 1
    assert store.throttle_wait("code", "10.0.0.9", now=now) == 0
    store.throttle_succeeded("login", "10.0.0.9", free_tries=3, now=now, reset=True)  # no row
    store.throttle_failed("login", "10.0.0.9", free_tries=1, now=now)
    store.throttle_succeeded("login", "10.0.0.9", free_tries=1, now=now, reset=True)
    assert store.throttle_wait("login", "10.0.0.9", now=now) == 0

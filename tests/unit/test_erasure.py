"""Erasure and retention on both back-ends: rows counted in every table before and after."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

import pytest

from ipm_model.cli import main
from ipm_model.demo import create_demo
from ipm_model.model import WORKSHOP_CLOSED
from ipm_model.questionnaire import default_questionnaire
from ipm_model.storage import audit, erasure
from ipm_model.storage.settings import retention_months, set_retention_months
from ipm_model.storage.store import Store
from tests.unit.test_backup import fill, snapshot


def counts(store: Store) -> dict[str, int]:
    return {t: len(rows) for t, rows in snapshot(store).items()}


def rows_of_workshop(store: Store, workshop_id: int) -> dict[str, int]:
    one = store._query
    return {
        "participant": one(
            "SELECT count(*) AS n FROM participant WHERE workshop_id = ?", [workshop_id]
        )[0]["n"],
        "answer": one(
            "SELECT count(*) AS n FROM answer WHERE participant_id IN "
            "(SELECT id FROM participant WHERE workshop_id = ?)",
            [workshop_id],
        )[0]["n"],
        "phase_comment": one(
            "SELECT count(*) AS n FROM phase_comment WHERE participant_id IN "
            "(SELECT id FROM participant WHERE workshop_id = ?)",
            [workshop_id],
        )[0]["n"],
        "action": one("SELECT count(*) AS n FROM action WHERE workshop_id = ?", [workshop_id])[0][
            "n"
        ],
        "workshop_chain": one(
            "SELECT count(*) AS n FROM workshop_chain WHERE workshop_id = ?", [workshop_id]
        )[0]["n"],
        "workshop": 1,
    }


def test_delete_workshop_removes_exactly_its_rows(store):
    fill(store)
    victim = next(
        w
        for w in store.workshops()
        if w.status == "closed"
        and store._query("SELECT 1 FROM action WHERE workshop_id = ?", [w.id])
    )
    expected = {t: n for t, n in rows_of_workshop(store, victim.id).items() if n}
    before = counts(store)
    done = erasure.delete_workshop(store, victim.code.lower(), "cli:test")
    assert done.counts == dict(sorted(expected.items()))
    after = counts(store)
    for table, n in before.items():
        gone = expected.get(table, 0) - (1 if table == "audit_log" else 0)
        assert after[table] == n - gone, table
    assert store.workshop_by_code(victim.code) is None
    assert store.link_by_token("facilitator", victim.facilitator_token) is None
    entry = audit.entries(store)[0]
    assert (entry.action, entry.target) == ("delete.workshop", f"workshop {victim.code}")
    assert "answer=" in entry.detail


def test_delete_organisation_removes_everything_of_it_and_nothing_else(store):
    fill(store)
    other = store.create_organisation("Andere gemeente")
    chain = store.add_chain(other, "Zorg")
    kept = store.create_workshop(
        other,
        title="R1",
        workshop_date="2026-01-01",
        chain_ids=[chain],
        questionnaire=default_questionnaire(),
    )
    demo = store.workshop_by_code("DEMO").organisation_id
    with pytest.raises(erasure.ErasureRefused, match="open workshops"):
        erasure.delete_organisation(store, demo, "t")
    open_ = next(w for w in store.workshops(demo) if w.is_open)
    store.set_workshop_status(open_.id, WORKSHOP_CLOSED)
    before = counts(store)
    others = [o["id"] for o in store.organisations() if o["id"] != demo]
    kept_workshops = sum(len(store.workshops(o)) for o in others)
    kept_chains = sum(len(store.chains(o)) for o in others)
    done = erasure.delete_organisation(store, demo, "t")
    after = counts(store)
    assert after["organisation"] == before["organisation"] - 1
    assert after["workshop"] == kept_workshops and after["chain"] == kept_chains
    assert store.organisation(demo) is None and store.workshops(demo) == []
    assert after["action"] == 0  # only the demo organisation had actions
    for table in ("answer", "participant", "workshop", "chain", "action", "phase_comment"):
        assert done.counts[table] == before[table] - after[table]
    assert store.workshop(kept.id) is not None
    assert after["setting"] == before["setting"]  # installation settings stay


def test_delete_refuses_open_and_unknown_and_changes_nothing(store):
    fill(store)
    before = snapshot(store)
    with pytest.raises(erasure.ErasureRefused, match="is open: close it first"):
        erasure.delete_workshop(store, "DEMO", "t")
    with pytest.raises(erasure.ErasureRefused, match="no workshop"):
        erasure.delete_workshop(store, "NOSUCH", "t")
    with pytest.raises(erasure.ErasureRefused, match="no organisation"):
        erasure.delete_organisation(store, 999, "t")
    assert snapshot(store) == before


def test_dry_run_counts_but_keeps(store):
    fill(store)
    before = snapshot(store)
    closed = next(w for w in store.workshops() if not w.is_open)
    plan = erasure.delete_workshop(store, closed.code, "t", dry_run=True)
    assert plan.counts["answer"] > 0
    assert snapshot(store) == before


def test_retention_deletes_rounds_closed_longer_ago(store):
    create_demo(store, default_questionnaire(), today=date(2026, 5, 4))
    stamps = {w.code: w.date for w in store.workshops() if not w.is_open}
    with store._write() as db:  # close each round on its own date
        for code, day in stamps.items():
            db.execute(
                "UPDATE workshop SET closed_at = ? WHERE code = ?", [f"{day}T18:00:00+00:00", code]
            )
    now = datetime(2026, 5, 4, tzinfo=UTC)
    assert erasure.due_for_deletion(store, 0, now) == []
    due = erasure.due_for_deletion(store, 12, now)
    assert due and all(stamps[c] < "2025-05-04" for c in due)
    set_retention_months(store, 12)
    assert retention_months(store) == 12
    done = erasure.apply_retention(store, 12, "t", now=now)
    assert [d.what for d in done] == [f"workshop {c}" for c in due]
    left = {w.code for w in store.workshops()}
    assert not left & set(due) and "DEMO" in left


def test_months_before_clips_to_the_end_of_a_month():
    assert erasure.months_before(datetime(2026, 3, 31), 1) == datetime(2026, 2, 28)
    assert erasure.months_before(datetime(2026, 1, 15), 13) == datetime(2024, 12, 15)


def test_cli_delete_asks_and_prints_counts(db_target, monkeypatch, capsys):
    fill(Store(db_target))
    closed = next(w for w in Store(db_target).workshops() if not w.is_open)
    out = io.StringIO()
    monkeypatch.setattr("sys.stdin", io.StringIO(""))  # no terminal: only --yes confirms
    assert main(["--db", db_target, "delete", "workshop", closed.code], stdout=out) == 1
    assert "add --yes" in capsys.readouterr().err
    assert Store(db_target).workshop_by_code(closed.code) is not None
    out = io.StringIO()
    assert main(["--db", db_target, "delete", "workshop", closed.code, "--yes"], stdout=out) == 0
    assert "Deleted: workshop" in out.getvalue() and "answer" in out.getvalue()
    assert main(["--db", db_target, "delete", "workshop", "DEMO", "--yes"], stdout=out) == 1
    assert "close it first" in capsys.readouterr().err


def test_cli_retention(db_target):
    fill(Store(db_target))
    out = io.StringIO()
    assert main(["--db", db_target, "retention", "set", "6"], stdout=out) == 0
    assert "6 months" in out.getvalue()
    out = io.StringIO()
    assert main(["--db", db_target, "retention", "apply", "--dry-run"], stdout=out) == 0
    assert "Would delete" in out.getvalue() or "0 workshops" in out.getvalue()


def test_refusals_carry_a_reason_a_screen_can_translate(store):
    fill(store)
    with pytest.raises(erasure.ErasureRefused) as open_:
        erasure.delete_workshop(store, "DEMO", "t")
    assert open_.value.reason == erasure.OPEN
    with pytest.raises(erasure.ErasureRefused) as unknown:
        erasure.delete_workshop(store, "NOSUCH", "t")
    assert unknown.value.reason == erasure.UNKNOWN
    closed = next(w for w in store.workshops() if not w.is_open)
    erasure.delete_workshop(store, closed.code, "t")
    with pytest.raises(erasure.ErasureRefused) as gone:  # deleted meanwhile (another tab)
        erasure.delete_workshop(store, closed.code, "t")
    assert gone.value.reason == erasure.UNKNOWN


def test_headline_counts_what_people_ask_about(store):
    fill(store)
    closed = next(w for w in store.workshops() if not w.is_open)
    plan = erasure.delete_workshop(store, closed.code, "t", dry_run=True)
    counts_ = erasure.headline(plan)
    assert list(counts_) == [
        "workshops",
        "participants",
        "answers",
        "comments",
        "actions",
        "chains",
    ]
    assert counts_["workshops"] == 1 and counts_["chains"] == 0
    assert counts_["participants"] == plan.counts["participant"]
    assert counts_["answers"] == plan.counts["answer"] > 0


def test_a_workshop_deletion_names_its_organisation_in_the_audit_detail(store):
    fill(store)
    closed = next(w for w in store.workshops() if not w.is_open)
    erasure.delete_workshop(store, closed.code, "admin")
    entry = audit.entries(store)[0]
    assert entry.detail.startswith(f"organisation={closed.organisation_id}; ")


def test_retention_schedule_splits_due_now_from_next(store):
    create_demo(store, default_questionnaire(), today=date(2026, 5, 4))
    stamps = {w.code: w.date for w in store.workshops() if not w.is_open}
    with store._write() as db:
        for code, day in stamps.items():
            db.execute(
                "UPDATE workshop SET closed_at = ? WHERE code = ?", [f"{day}T18:00:00+00:00", code]
            )
    now = datetime(2026, 5, 4, tzinfo=UTC)
    assert erasure.retention_schedule(store, 0, now) == ([], [])
    due, later = erasure.retention_schedule(store, 12, now)
    assert [d.code for d in due] == erasure.due_for_deletion(store, 12, now)
    assert later and all(item.due_at > now for item in later)
    assert all(item.due_at <= now for item in due)
    first = later[0]
    assert first.due_at == erasure.months_before(datetime.fromisoformat(first.closed_at), -12)
    assert first.organisation and first.participants >= 0

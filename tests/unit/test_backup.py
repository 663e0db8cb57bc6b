"""Backup and restore: a round trip on both back-ends (and across them) that compares every
table row by row, and the bad inputs (truncated, damaged, newer schema, non-empty or busy
target) that must change nothing."""

from __future__ import annotations

import gzip
import io
import json
import sqlite3
from datetime import date

import pytest

from ipm_model.cli import main
from ipm_model.demo import create_demo
from ipm_model.questionnaire import default_questionnaire
from ipm_model.storage import audit, catalog
from ipm_model.storage.backup import BackupError, backup, read_backup, restore
from ipm_model.storage.settings import set_retention_months
from ipm_model.storage.store import Store


def fill(store: Store) -> None:
    """The demo with history, an action, a comment, a setting and an audit line."""
    result = create_demo(store, default_questionnaire(), today=date(2026, 5, 4))
    first = result.history[0]
    store.create_action(
        chain_id=first.chains[0].id,
        workshop_id=first.id,
        phase_id="doen",
        description="Eigenaar per stap",
    )
    busy = store.create_participant(
        result.workshop, chain_id=result.workshop.chains[0].id, role="mt"
    )
    store.save_answer(busy.id, "doen-action-owner", "4")
    store.save_comment(busy.id, "doen", "Nog bezig")
    set_retention_months(store, 24)
    audit.record(store, "admin", "export", first.code, "xlsx")


def snapshot(store: Store) -> dict[str, list[tuple]]:
    """Every row of every table (sorted), to compare two databases."""
    with store._db() as db:
        return {
            t: sorted(
                (tuple(r) for r in db.execute(f"SELECT * FROM {t}").fetchall()),
                key=lambda r: tuple((x is None, str(x)) for x in r),
            )
            for t in catalog.tables(db, store.kind)
        }


@pytest.fixture(params=("sqlite", "postgresql"))
def target(request, tmp_path, pg_server):
    if request.param == "sqlite":
        s = Store(tmp_path / "target.db")
        yield s
        s.close()
    else:
        name, url = pg_server.new_schema()
        s = Store(url)
        yield s
        s.close()
        pg_server.drop_schema(name)


def test_round_trip_keeps_every_row_of_every_table(store, target, tmp_path):
    fill(store)
    before = snapshot(store)
    report = backup(store, tmp_path / "b.ipm.gz", "cli:test")
    assert report.counts == {t: len(rows) for t, rows in before.items()}
    assert report.counts["answer"] > 1000 and report.counts["audit_log"] == 1
    restored = restore(target, tmp_path / "b.ipm.gz", "cli:test")
    assert restored.counts == report.counts
    after = snapshot(target)
    assert after.pop("audit_log")[:-1] == before.pop("audit_log")  # + the restore's own line
    assert after == before
    # New rows get new ids after the restore (PostgreSQL's sequences were moved on).
    org = target.create_organisation("Nieuw")
    assert org > max(r[0] for r in before["organisation"])


def test_restore_refuses_a_database_with_data_unless_replace(store, tmp_path):
    fill(store)
    backup(store, tmp_path / "b.gz", "t")
    counts = store.counts()
    with pytest.raises(BackupError, match="not empty"):
        restore(store, tmp_path / "b.gz", "t")
    assert store.counts() == counts
    store.create_organisation("Extra")
    restore(store, tmp_path / "b.gz", "t", replace=True)
    assert store.organisation_id("Extra") is None
    assert store.counts() == counts


def _rewrite(path, lines):
    with gzip.open(path, "wb") as handle:
        handle.writelines(lines)


@pytest.mark.parametrize("damage", ["truncated", "cut_gzip", "changed_row", "newer_schema", "not"])
def test_a_bad_backup_file_is_refused_and_nothing_changes(tmp_path, damage):
    source = Store(tmp_path / "source.db")
    fill(source)
    path = tmp_path / "b.gz"
    backup(source, path, "t")
    with gzip.open(path, "rb") as handle:
        lines = handle.readlines()
    if damage == "truncated":
        _rewrite(path, lines[: len(lines) // 2])
    elif damage == "cut_gzip":
        data = path.read_bytes()
        path.write_bytes(data[: len(data) - 200])
    elif damage == "changed_row":
        lines[5] = lines[5].replace(b"1", b"2", 1)
        _rewrite(path, lines)
    elif damage == "newer_schema":
        header = json.loads(lines[0])
        header["migrations"].append("m099_from_the_future")
        lines[0] = (json.dumps(header) + "\n").encode()
        _rewrite(path, lines)
    else:
        path.write_bytes(b"not a backup at all")
    message = {
        "truncated": "truncated",
        "cut_gzip": "truncated or damaged",
        "changed_row": "damaged",
        "newer_schema": "newer database schema",
        "not": "truncated or damaged",
    }[damage]
    with pytest.raises(BackupError, match=message):
        read_backup(path)
    target = Store(tmp_path / "target.db")
    before = snapshot(target)
    out = io.StringIO()
    assert main(["--db", str(tmp_path / "target.db"), "restore", str(path)], stdout=out) == 1
    assert snapshot(target) == before


def test_restore_into_a_sqlite_file_another_program_has_open(tmp_path):
    source = Store(tmp_path / "source.db")
    fill(source)
    backup(source, tmp_path / "b.gz", "t")
    path = tmp_path / "target.db"
    Store(path).close()
    other = sqlite3.connect(path)  # the app, say
    other.execute("SELECT count(*) FROM organisation").fetchone()
    try:
        target = Store(path)
        with pytest.raises(BackupError, match="in use"):
            restore(target, tmp_path / "b.gz", "t")
        assert target.counts()["organisation"] == 0
    finally:
        other.close()
    restore(target, tmp_path / "b.gz", "t")  # closed: it works
    assert target.counts()["organisation"] == source.counts()["organisation"]


def test_restore_into_postgresql_a_running_app_uses(pg_url, tmp_path):
    import psycopg

    source = Store(tmp_path / "source.db")
    fill(source)
    backup(source, tmp_path / "b.gz", "t")
    target = Store(pg_url)
    app = psycopg.connect(pg_url, application_name="ipm-ketenscan:999999")
    try:
        with pytest.raises(BackupError, match="in use"):
            restore(target, tmp_path / "b.gz", "t")
    finally:
        app.close()
    assert target.counts()["organisation"] == 0
    target.close()


def test_cli_backup_and_restore(db_target, tmp_path):
    fill(Store(db_target))
    out = io.StringIO()
    assert main(["--db", db_target, "backup", "--out", str(tmp_path / "x.gz")], stdout=out) == 0
    assert "Backup written" in out.getvalue()
    out = io.StringIO()
    assert (
        main(["--db", str(tmp_path / "copy.db"), "restore", str(tmp_path / "x.gz")], stdout=out)
        == 0
    )
    assert "Restored and verified" in out.getvalue()
    entries = audit.entries(Store(db_target))
    assert [e.action for e in entries][:2] == ["backup", "export"]

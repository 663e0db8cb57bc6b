"""Copying a whole database to PostgreSQL: `Store.copy_to` and `python -m ipm_model migrate`.

The source is the demo (four closed rounds with answers and comments, the open workshop
DEMO) plus actions and a participant still busy in DEMO, on a SQLite file; the target is an
empty PostgreSQL schema per test.
"""

from __future__ import annotations

import io
import sqlite3
import subprocess
import sys
import threading
from datetime import date
from pathlib import Path

import pandas as pd
import psycopg
import pytest

from ipm_model.cli import main
from ipm_model.db import NotAllowed
from ipm_model.demo import DEMO_CODE, DEMO_ORGANISATION, create_demo
from ipm_model.exports import DATA_KINDS, export_frame
from ipm_model.questionnaire import default_questionnaire
from ipm_model.scoring import group_phase_stats, participant_phase_scores
from ipm_model.storage import audit, exclusions, sandbox
from ipm_model.storage.settings import set_retention_months
from ipm_model.storage.store import Store

ROOT = Path(__file__).resolve().parents[2]
TABLES = [table for table, _ in Store.COPY_TABLES]


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory) -> str:
    """The demo with its history, two actions and a busy participant in DEMO (SQLite)."""
    path = str(tmp_path_factory.mktemp("migrate") / "demo.db")
    s = Store(path)
    result = create_demo(s, default_questionnaire(), today=date(2026, 5, 4))
    first, last = result.history[0], result.history[-1]
    s.create_action(
        chain_id=first.chains[0].id,
        workshop_id=first.id,
        phase_id="doen",
        description="Elke ketenstap een eigenaar",
        owner="Anna",
        due_date="2025-03-01",
        status="done",
    )
    s.create_action(
        chain_id=last.chains[1].id, workshop_id=last.id, phase_id="inzicht", description="Kaart"
    )
    s.set_revealed(last.id, True)
    busy = s.create_participant(result.workshop, chain_id=result.workshop.chains[2].id, role="mt")
    s.save_answer(busy.id, "doen-action-owner", "4")
    s.save_comment(busy.id, "doen", "Nog bezig")
    s.set_step(busy.id, 3)
    set_retention_months(s, 24)
    audit.record(s, "admin", "export", first.code, "xlsx")
    sandbox.create_sandbox(s, result.organisation_id)  # a demo visitor's copy
    exclusions.set_left_out(s, last.id, True, "admin", last.code)
    s.close()
    return path


@pytest.fixture
def source(demo_db):
    s = Store(demo_db)
    yield s
    s.close()


@pytest.fixture
def target(pg_url):
    s = Store(pg_url)
    yield s
    s.close()


def _copy_file(path: str, to: str) -> str:
    """A consistent copy of a SQLite database file (to change it without touching the
    module's demo)."""
    with sqlite3.connect(path) as src, sqlite3.connect(to) as dst:
        src.backup(dst)
    return to


def _rows(where: str, table: str) -> list[tuple]:
    """Every row of a table, sorted, read past the store (a SQLite file or a PostgreSQL URL)."""
    if where.startswith("postgresql://"):
        with psycopg.connect(where) as conn:
            rows = conn.execute(f"SELECT * FROM {table}").fetchall()
    else:
        with sqlite3.connect(where) as conn:
            rows = conn.execute(f"SELECT * FROM {table}").fetchall()
    return sorted(tuple(r) for r in rows)


def _dump(where: str) -> dict[str, list[tuple]]:
    return {table: _rows(where, table) for table in TABLES}


def _scores(store: Store) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Group phase statistics per workshop and chain, and every participant's phase scores."""
    q = default_questionnaire()
    answers = store.result_answers([w.id for w in store.workshops()])
    answers = answers.sort_values(["participant", "statement_id"], ignore_index=True)
    groups = group_phase_stats(answers, q, by=("workshop_id", "chain_id"))
    people = participant_phase_scores(answers, q).sort_values(
        ["participant", "phase_id"], ignore_index=True
    )
    return groups, people


def run(argv: list[str], capsys) -> tuple[int, str, str]:
    out = io.StringIO()
    code = main(argv, stdout=out)
    return code, out.getvalue(), capsys.readouterr().err


def test_the_copy_covers_every_table_of_the_schema(demo_db):
    with sqlite3.connect(demo_db) as conn:
        names = {
            r[0]
            for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            if not r[0].startswith(("sqlite_", "_sqlite"))
        }
    assert names == set(TABLES) | set(Store.NOT_COPIED)
    assert all(_rows(demo_db, t) for t in TABLES)  # the fixture fills every table


def test_copy_keeps_every_row_score_export_and_link(source, target, demo_db, pg_url):
    report = source.copy_to(target)

    assert report.ok and not report.conflict and report.problems == []
    for t in report.tables:
        assert t.target_before == 0
        assert t.source == t.copied == t.target_after > 0, t
    assert report.copied == sum(len(_rows(demo_db, t)) for t in TABLES)
    assert _dump(pg_url) == _dump(demo_db)  # every row of every table, ids included
    assert target.counts() == source.counts()

    before, after = _scores(source), _scores(target)
    assert len(before[0]) > 0
    pd.testing.assert_frame_equal(after[0], before[0])
    pd.testing.assert_frame_equal(after[1], before[1])
    for kind in DATA_KINDS:
        frame = export_frame(source, kind)
        assert len(frame) > 0, kind
        pd.testing.assert_frame_equal(export_frame(target, kind), frame, check_dtype=False)

    # Links, tokens and codes keep working on the target.
    for _, _, token, resume, *_ in _rows(demo_db, "participant")[::10]:
        assert target.participant_by_token(token) == source.participant_by_token(token)
        assert target.participant_by_resume_code(resume) == source.participant_by_resume_code(
            resume
        )
    busy = [p for p in _rows(demo_db, "participant") if p[10] is None][0]
    again = target.participant_by_token(busy[2])
    assert again.current_step == 3 and not again.finished
    assert target.answers(again.id) == {"doen-action-owner": "4"}
    assert target.comments(again.id) == {"doen": "Nog bezig"}
    demo = target.workshop_by_code(DEMO_CODE.lower())
    assert demo == source.workshop_by_code(DEMO_CODE) and demo.is_open
    for w in source.workshops():
        assert target.workshop_by_facilitator_token(w.facilitator_token) == w
    org = source.organisation(source.organisation_id(DEMO_ORGANISATION))
    assert target.organisation_by_results_token(org["results_token"])["id"] == org["id"]
    assert target.organisation(org["id"]) == org
    assert target.actions() == source.actions()


def test_copying_twice_copies_nothing_the_second_time(source, target):
    first = source.copy_to(target)
    counts = target.counts()
    second = source.copy_to(target)
    assert first.ok and second.ok
    assert second.copied == 0
    assert [t.present for t in second.tables] == [t.source for t in second.tables]
    assert [t.target_after for t in second.tables] == [t.target_before for t in second.tables]
    assert target.counts() == counts


def test_new_rows_on_the_target_get_fresh_ids(source, target, demo_db, questionnaire):
    source.copy_to(target)
    highest = {t: max(r[0] for r in _rows(demo_db, t)) for t in ("organisation", "chain")}
    highest["workshop"] = max(r[0] for r in _rows(demo_db, "workshop"))
    highest["participant"] = max(r[0] for r in _rows(demo_db, "participant"))
    highest["action"] = max(r[0] for r in _rows(demo_db, "action"))

    org = target.create_organisation("Gemeente Nieuwstad")
    chain = target.add_chain(org, "Van idee tot plan")
    w = target.create_workshop(
        org, title="R1", workshop_date="2026-06-01", chain_ids=[chain], questionnaire=questionnaire
    )
    p = target.create_participant(w, chain_id=chain, role="ketenteam")
    target.save_answer(p.id, "doen-action-owner", "5")
    action = target.create_action(
        chain_id=chain, workshop_id=w.id, phase_id="doen", description="Starten"
    )
    assert org > highest["organisation"] and chain > highest["chain"]
    assert w.id > highest["workshop"] and p.id > highest["participant"]
    assert action > highest["action"]
    # The demo's own live workshop takes new participants too.
    demo = target.workshop_by_code(DEMO_CODE)
    assert target.create_participant(demo, chain_id=demo.chains[0].id, role="mt").id > p.id

    # The target now holds more than the source: copying again still verifies, writes nothing.
    again = source.copy_to(target)
    assert again.ok and again.copied == 0
    assert again.tables[0].target_after == again.tables[0].source + 1


def test_a_target_with_other_data_is_refused_and_nothing_is_written(source, target, pg_url):
    org = target.create_organisation("Gemeente Anders")  # id 1, like the demo organisation
    target.add_chain(org, "Eigen keten")
    before = _dump(pg_url)

    report = source.copy_to(target)

    assert not report.ok
    assert report.conflict.startswith("table organisation, id=1: ")
    assert "name" in report.conflict and "results_token" in report.conflict
    assert "Gemeente Anders" not in report.conflict  # names columns, never their content
    assert report.copied == 0
    assert _dump(pg_url) == before


def test_a_unique_clash_under_another_id_is_refused(source, target, pg_url):
    # Past every id of the source (the demo and its peer organisations), then the demo's
    # name under an id of its own.
    for k in range(len(source.organisations())):
        target.delete_organisation(target.create_organisation(f"Weg {k}"))
    target.create_organisation(DEMO_ORGANISATION)
    before = _dump(pg_url)

    report = source.copy_to(target)

    assert not report.ok and report.copied == 0
    assert report.conflict.startswith("table organisation: ")
    assert "unique" in report.conflict
    assert _dump(pg_url) == before
    # A dry run finds it too: it writes in a transaction that is rolled back.
    assert source.copy_to(target, dry_run=True).conflict == report.conflict
    assert _dump(pg_url) == before


def test_a_changed_row_is_a_conflict_and_new_rows_wait(demo_db, target, pg_url, tmp_path):
    changed = Store(_copy_file(demo_db, str(tmp_path / "changed.db")))
    assert changed.copy_to(target).ok
    org = changed.create_organisation("Gemeente Erbij")
    changed.add_chain(org, "Nieuwe keten")
    added = changed.copy_to(target)  # rows added to the source since: only those are copied
    assert added.ok and added.copied == 2
    assert [t.table for t in added.tables if t.copied] == ["organisation", "chain"]
    before = _dump(pg_url)
    busy = [p for p in _rows(demo_db, "participant") if p[10] is None][0]
    changed.set_step(busy[0], 5)  # the same participant, on another screen now
    changed.create_organisation("Gemeente Later")

    report = changed.copy_to(target)

    assert not report.ok
    assert report.conflict == (
        f"table participant, id={busy[0]}: the target holds this row with other content "
        "(current_step)"
    )
    assert _dump(pg_url) == before  # the new organisation was not written either
    changed.close()


def test_an_empty_database_copies_and_ids_start_at_one(target, tmp_path):
    empty = Store(tmp_path / "empty.db")
    report = empty.copy_to(target)
    assert report.ok and report.copied == 0
    assert [t.target_after for t in report.tables] == [0] * len(TABLES)
    assert target.create_organisation("Eerste") == 1
    empty.close()


def _lose_comments(monkeypatch) -> None:
    """Make the copy lose the 'doen' comments on the way (to see the check after it fail)."""
    copy_table = Store._copy_table

    def lossy(self, src, dst, table, key, columns):
        done = copy_table(self, src, dst, table, key, columns)
        if table == "phase_comment":
            dst.execute("DELETE FROM phase_comment WHERE phase_id = ?", ["doen"])
        return done

    monkeypatch.setattr(Store, "_copy_table", lossy)


def test_verification_finds_rows_the_copy_left_out(source, target, monkeypatch):
    _lose_comments(monkeypatch)
    report = source.copy_to(target)
    assert not report.ok and not report.conflict
    assert len(report.problems) == 1
    assert report.problems[0].startswith("table phase_comment: ")
    assert "source rows missing and 0 different in the target" in report.problems[0]


def test_dry_run_checks_and_writes_nothing(source, target, pg_url):
    report = source.copy_to(target, dry_run=True)
    assert report.ok and report.dry_run
    assert [t.copied for t in report.tables] == [t.source for t in report.tables]
    assert all(t.target_after is None for t in report.tables)
    assert all(not rows for rows in _dump(pg_url).values())

    assert target.create_organisation("Gemeente Anders") == 1  # no sequence was moved
    refused = source.copy_to(target, dry_run=True)
    assert refused.conflict.startswith("table organisation, id=1")


def test_two_copies_at_once_do_not_interleave(demo_db, pg_url):
    reports, errors = [], []

    def copy():
        src, dst = Store(demo_db), Store(pg_url)
        try:
            reports.append(src.copy_to(dst))
        except BaseException as exc:  # noqa: BLE001 - asserted below
            errors.append(exc)
        finally:
            src.close()
            dst.close()

    threads = [threading.Thread(target=copy) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert all(r.ok for r in reports)
    assert sorted(r.copied for r in reports)[0] == 0  # one waited, then found everything
    assert _dump(pg_url) == _dump(demo_db)


def test_copying_onto_itself_is_refused(source, demo_db, target):
    same_file = Store(demo_db)
    with pytest.raises(NotAllowed, match="source database itself"):
        source.copy_to(same_file)
    same_file.close()
    with pytest.raises(NotAllowed, match="source database itself"):
        target.copy_to(target)


def test_postgresql_copies_back_to_sqlite(source, target, demo_db, tmp_path):
    assert source.copy_to(target).ok
    back = Store(tmp_path / "back.db")
    report = target.copy_to(back)
    assert report.ok and report.copied == sum(t.source for t in report.tables)
    assert _dump(str(tmp_path / "back.db")) == _dump(demo_db)
    back.close()


# -- the command line ----------------------------------------------------------------------------


def _table(out: str) -> dict[str, list[str]]:
    """The counts table of the output: table name -> its four numbers as printed."""
    found = {}
    for line in out.splitlines():
        cells = line.split()
        if cells and cells[0] in (*TABLES, "total"):
            found[cells[0]] = cells[1:]
    return found


def test_cli_migrate_copies_verifies_and_runs_again(demo_db, pg_url, capsys):
    secret_url = pg_url.replace("postgresql://ipm@", "postgresql://ipm:s3cret@")
    counts = {t: f"{len(_rows(demo_db, t)):,}" for t in TABLES}

    code, out, err = run(["--db", demo_db, "migrate", "--to", secret_url], capsys)
    assert (code, err) == (0, "")
    assert "source  target before  copied  target after" in out
    assert {t: _table(out)[t] for t in TABLES} == {t: [n, "0", n, n] for t, n in counts.items()}
    assert "Verified: the target holds every row of the source" in out
    assert "s3cret" not in out

    code, out, err = run(["--db", demo_db, "migrate", "--to", secret_url], capsys)
    assert (code, err) == (0, "")
    assert {t: _table(out)[t] for t in TABLES} == {t: [n, n, "0", n] for t, n in counts.items()}
    assert "(0 copied," in out


def test_cli_dry_run_writes_nothing(demo_db, pg_url, capsys, monkeypatch):
    monkeypatch.setenv("IPM_DB", demo_db)  # the source, as for every command
    code, out, err = run(["migrate", "--to", pg_url, "--dry-run"], capsys)
    assert (code, err) == (0, "")
    assert "would copy" in out and "Nothing written." in out
    assert _table(out)["answer"][-1] == "-"
    assert all(not rows for rows in _dump(pg_url).values())


def test_cli_conflict_exits_1_and_tells_to_use_an_empty_database(demo_db, target, capsys):
    target.create_organisation("Gemeente Anders")
    code, out, err = run(["--db", demo_db, "migrate", "--to", target.path], capsys)
    assert code == 1
    assert "conflict: table organisation, id=1" in err
    assert "Nothing was written" in err and "empty database" in err
    assert _table(out)["total"][2] == "0"
    assert target.counts()["answer"] == 0


def test_cli_failed_verification_exits_1(demo_db, pg_url, capsys, monkeypatch):
    _lose_comments(monkeypatch)
    code, out, err = run(["--db", demo_db, "migrate", "--to", pg_url], capsys)
    assert code == 1 and "Verified" not in out
    assert err.startswith("error: not verified: table phase_comment: ")


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("postgresql://ipm:geheim@127.0.0.1:1/ipm", "cannot be reached"),
        ("postgresql://ipm:geheim@127.0.0.1:notaport/ipm", "not valid"),
        ("mysql://ipm:geheim@127.0.0.1/ipm", "--to holds an address of type 'mysql'"),
    ],
)
def test_cli_unusable_target_exits_2_with_a_message(demo_db, capsys, url, message):
    code, out, err = run(["--db", demo_db, "migrate", "--to", url], capsys)
    assert code == 2 and out == ""
    assert err.startswith("error: target: ") and message in err
    assert "geheim" not in err and "Traceback" not in err


def test_cli_refuses_a_missing_source_and_the_same_database(demo_db, tmp_path, capsys):
    missing = str(tmp_path / "nope.db")
    code, _, err = run(["--db", missing, "migrate", "--to", demo_db], capsys)
    assert code == 2 and "does not exist" in err
    assert not (tmp_path / "nope.db").exists()
    code, _, err = run(["--db", demo_db, "migrate", "--to", demo_db], capsys)
    assert code == 2 and "onto itself is refused" in err


def test_cli_down_server_is_a_message_not_a_traceback(demo_db):
    proc = subprocess.run(
        [sys.executable, "-m", "ipm_model", "--db", demo_db, "migrate", "--to",
         "postgresql://ipm:geheim@127.0.0.1:1/ipm"],
        capture_output=True, text=True, cwd=ROOT, check=False,
    )  # fmt: skip
    assert proc.returncode == 2 and proc.stdout == ""
    assert "postgresql://ipm@127.0.0.1:1/ipm cannot be reached" in proc.stderr
    assert "geheim" not in proc.stderr and "Traceback" not in proc.stderr

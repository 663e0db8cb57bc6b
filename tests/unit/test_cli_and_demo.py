"""The command line (`python -m ipm_model`) and the demo organisation."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from pathlib import Path

import pytest

from ipm_model.cli import main
from ipm_model.demo import (
    DEMO_CHAINS,
    DEMO_CODE,
    DEMO_PEER_MONTHS,
    DEMO_PEERS,
    DemoExists,
    create_demo,
)
from ipm_model.questionnaire import DEFAULT_QUESTIONNAIRE
from ipm_model.storage.store import Store

ROOT = Path(__file__).resolve().parents[2]


def run(argv, capsys=None):
    out = io.StringIO()
    code = main(argv, stdout=out)
    return code, out.getvalue()


def test_demo_creates_open_workshop_with_chains_and_roles(store, questionnaire):
    result = create_demo(store, questionnaire)
    w = store.workshop_by_code("demo")
    assert w.id == result.workshop.id and w.is_open
    assert [c.name for c in w.chains] == list(DEMO_CHAINS)
    assert 3 <= len(w.chains) <= 4
    assert {"mt", "keteneigenaar", "ketenteam", "professional"} <= {r.id for r in w.roles}
    assert w.partners


def test_demo_twice_needs_reset_and_reset_rebuilds(store, questionnaire):
    first = create_demo(store, questionnaire)
    p = store.create_participant(first.workshop, chain_id=first.workshop.chains[0].id, role="mt")
    store.save_answer(p.id, "doen-action-owner", "3")
    with pytest.raises(DemoExists):
        create_demo(store, questionnaire)
    again = create_demo(store, questionnaire, reset=True)
    assert (store.participation(again.workshop.id)["joined"] == 0).all()
    peers = len(DEMO_PEERS) * len(DEMO_PEER_MONTHS)  # the benchmark's fictional organisations
    assert store.counts()["workshop"] == 1 + len(again.history) + peers


def test_demo_refuses_when_another_workshop_has_the_code(store, questionnaire):
    org = store.create_organisation("Real org")
    chain = store.add_chain(org, "K")
    store.create_workshop(
        org,
        title="Mine",
        workshop_date="2026-01-01",
        chain_ids=[chain],
        questionnaire=questionnaire,
        code=DEMO_CODE,
    )
    before = store.counts()
    with pytest.raises(DemoExists, match="used by workshop 'Mine'"):
        create_demo(store, questionnaire)
    assert store.counts() == before  # nothing half-written


def test_cli_demo_and_export_answers(db_target):
    db = db_target
    code, out = run(["--db", db, "demo"])
    assert code == 0 and "DEMO" in out
    code, _ = run(["--db", db, "demo"])
    assert code == 1
    code, _ = run(["--db", db, "demo", "--reset"])
    assert code == 0
    s = Store(db)
    w = s.workshop_by_code("DEMO")
    p = s.create_participant(w, chain_id=w.chains[1].id, role="professional")
    s.save_answer(p.id, "inzicht-line-of-sight", "dk")
    code, out = run(["--db", db, "export", "answers", "--format", "csv", "--workshop", "demo"])
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert rows == [
        {
            "workshop_code": "DEMO",
            "workshop_date": w.date,
            "chain": DEMO_CHAINS[1],
            "role": "professional",
            "partner": "",
            "participant": p.pid,
            "phase_id": "inzicht",
            "statement_id": "inzicht-line-of-sight",
            "value": "dk",
            "answered_at": rows[0]["answered_at"],
        }
    ]
    code, _ = run(["--db", db, "export", "answers", "--workshop", "NOPE99"])
    assert code == 1


def test_cli_export_questionnaire(tmp_path, questionnaire_v2):
    questionnaire = questionnaire_v2
    out_file = tmp_path / "q.csv"
    code, _ = run(["export", "questionnaire", "--format", "csv", "--out", str(out_file)])
    assert code == 0
    rows = list(csv.DictReader(out_file.open(encoding="utf-8")))
    assert len(rows) == len(questionnaire.statements)
    assert list(rows[0]) == ["phase_id", "statement_id", "text_nl", "text_en", "roles"]
    assert rows[0]["statement_id"] == questionnaire.statements[0].id
    # Who sees each statement, as the scan routes it (empty: everyone).
    routed = {r["statement_id"]: r["roles"].split() for r in rows}
    assert routed == {s.id: list(s.roles) for s in questionnaire.statements}
    assert any(routed.values()) and not all(routed.values())
    assert rows[0]["text_nl"] == questionnaire.statements[0].text.nl


def test_cli_check_valid_and_invalid(tmp_path):
    code, out = run(["check", str(DEFAULT_QUESTIONNAIRE)])
    assert code == 0 and "valid" in out
    bad = tmp_path / "bad.toml"
    bad.write_text(
        DEFAULT_QUESTIONNAIRE.read_text(encoding="utf-8").replace('id = "doen"', 'id = "dromen"'),
        encoding="utf-8",
    )
    proc = subprocess.run(
        [sys.executable, "-m", "ipm_model", "check", str(bad)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert proc.returncode == 1
    line = next(
        i
        for i, text in enumerate(bad.read_text(encoding="utf-8").splitlines(), start=1)
        if text == 'id = "dromen"'
    )
    assert f"bad.toml: line {line}: phase 'dromen': unknown phase" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_cli_bad_database_folder_is_a_message_not_a_traceback(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "ipm_model", "--db", str(tmp_path / "no" / "x.db"), "demo"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert proc.returncode == 2
    assert "does not exist" in proc.stderr and "Traceback" not in proc.stderr


def test_cli_help_lists_every_command():
    proc = subprocess.run(
        [sys.executable, "-m", "ipm_model", "--help"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    for command in ("demo", "check", "export"):
        assert command in proc.stdout


def test_env_variable_names_the_database(tmp_path, monkeypatch):
    monkeypatch.setenv("IPM_DB", str(tmp_path / "env.db"))
    code, _ = run(["demo"])
    assert code == 0
    assert (tmp_path / "env.db").exists()

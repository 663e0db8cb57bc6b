"""`python -m ipm_model export scores`: one row per workshop, chain and phase."""

from __future__ import annotations

import csv
import io

import pytest

from ipm_model.cli import SCORE_COLUMNS, main
from ipm_model.storage.store import Store

FINISHED = "2026-03-01T10:00:00+00:00"


def run(argv):
    out = io.StringIO()
    code = main(argv, stdout=out)
    return code, list(csv.DictReader(io.StringIO(out.getvalue())))


def _phase(questionnaire, phase_id, values):
    ids = [s.id for s in questionnaire.phase(phase_id).statements]
    return dict(zip(ids, values, strict=False))


@pytest.fixture
def db(db_target, questionnaire):
    """Workshop SCORES (minimum 3): chain Groot with 3 finished people, Klein with 2; on
    each back-end."""
    path = db_target
    store = Store(path)
    org = store.create_organisation("Testgemeente")
    big, small = store.add_chain(org, "Groot"), store.add_chain(org, "Klein")
    workshop = store.create_workshop(
        org,
        title="Ronde 1",
        workshop_date="2026-03-01",
        chain_ids=[big, small],
        questionnaire=questionnaire,
        min_group_size=3,
        code="SCORES",
    )
    groot = [
        # doen: scores 2, 4 and none (4 of 7 answered); 4 dk and 1 na over 21 slots.
        # inzicht: scores 3, 4 and 5.
        _phase(questionnaire, "doen", ["2"] * 7) | _phase(questionnaire, "inzicht", ["3"] * 7),
        _phase(questionnaire, "doen", ["4"] * 5 + ["dk", "na"])
        | _phase(questionnaire, "inzicht", ["4"] * 7),
        _phase(questionnaire, "doen", ["5"] * 4 + ["dk"] * 3)
        | _phase(questionnaire, "inzicht", ["5"] * 7),
    ]
    klein = [_phase(questionnaire, "doen", [v] * 7) for v in ("1", "5")]
    items = [{"chain_id": big, "role": "mt", "answers": a} for a in groot]
    items += [{"chain_id": small, "role": "ketenteam", "answers": a} for a in klein]
    store.load_finished_participants(workshop, [item | {"finished_at": FINISHED} for item in items])
    # Someone still busy does not count.
    busy = store.create_participant(workshop, chain_id=big, role="mt")
    store.save_answer(busy.id, questionnaire.statement_ids[0], "1")
    store.close()
    return str(path)


def _row(rows, chain, phase_id):
    [row] = [r for r in rows if r["chain"] == chain and r["phase_id"] == phase_id]
    return row


def test_export_scores_one_row_per_chain_and_phase(db, questionnaire):
    code, rows = run(["--db", db, "export", "scores", "--format", "csv", "--workshop", "scores"])
    assert code == 0
    assert list(rows[0]) == list(SCORE_COLUMNS)
    phases = [p.id for p in questionnaire.phases]
    assert [(r["chain"], r["phase_id"]) for r in rows] == [
        (chain, p) for chain in ("Groot", "Klein") for p in phases
    ]
    assert {r["workshop_code"] for r in rows} == {"SCORES"}
    assert {r["workshop_date"] for r in rows} == {"2026-03-01"}
    assert _row(rows, "Groot", "inzicht") == {
        "workshop_code": "SCORES",
        "workshop_date": "2026-03-01",
        "chain": "Groot",
        "phase_id": "inzicht",
        "participants": "3",
        "left_out": "0",
        "n": "3",
        "mean": "4.000",
        "sd": "1.000",
        # 90 % interval: below 10 people from mean and sd only (ipm_model.uncertainty).
        "ci_low": "2.400",
        "ci_high": "5.000",
        "dont_know_rate": "0.000",
        "not_applicable_rate": "0.000",
        "suppressed": "false",
        "ambition": "",  # nobody here gave a 12-month ambition: empty, never a made-up 0
        "gap": "",
    }


def test_export_scores_hides_means_of_too_few_scores_but_keeps_rates(db):
    _, rows = run(["--db", db, "export", "scores", "--workshop", "SCORES"])
    doen = _row(rows, "Groot", "doen")
    assert (doen["participants"], doen["n"], doen["suppressed"]) == ("3", "2", "false")
    assert doen["mean"] == "" and doen["sd"] == ""  # 2 scores < minimum 3
    assert doen["dont_know_rate"] == f"{4 / 21:.3f}"
    assert doen["not_applicable_rate"] == f"{1 / 21:.3f}"


def test_export_scores_suppresses_small_chains_but_keeps_counts(db):
    _, rows = run(["--db", db, "export", "scores", "--workshop", "SCORES"])
    klein = _row(rows, "Klein", "doen")
    assert (klein["participants"], klein["n"], klein["suppressed"]) == ("2", "2", "true")
    assert klein["mean"] == klein["sd"] == klein["dont_know_rate"] == ""
    assert all(r["suppressed"] == "true" for r in rows if r["chain"] == "Klein")


def test_export_scores_uses_ipm_db_and_writes_a_file(db, tmp_path, monkeypatch):
    monkeypatch.setenv("IPM_DB", db)
    out_file = tmp_path / "scores.csv"
    code, _ = run(["export", "scores", "--out", str(out_file)])
    assert code == 0
    rows = list(csv.DictReader(out_file.open(encoding="utf-8")))
    assert len(rows) == 14 and rows[0]["workshop_code"] == "SCORES"


def test_export_scores_unknown_workshop(db, capsys):
    code, rows = run(["--db", db, "export", "scores", "--workshop", "NOPE99"])
    assert code == 1 and rows == []
    assert "NOPE99" in capsys.readouterr().err


def test_export_help_documents_the_scores_rules(capsys):
    with pytest.raises(SystemExit):
        main(["export", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "scores: one row per workshop, chain and phase" in text
    assert "suppressed=true: counts only, no mean, sd or rates" in text

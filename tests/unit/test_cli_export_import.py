"""`python -m ipm_model export ...|all --format xlsx` and `import answers|template`, and the
round trip: demo answers exported, imported into an empty database, the same scores."""

from __future__ import annotations

import csv
import io
from datetime import date

import pandas as pd
import pytest
from openpyxl import load_workbook

from ipm_model.cli import main
from ipm_model.demo import DEMO_PARTNERS, create_demo
from ipm_model.exports import DATA_KINDS, KINDS, SCORE_COLUMNS
from ipm_model.importer import MAX_IMPORT_BYTES
from ipm_model.model import DEFAULT_ROLES
from ipm_model.questionnaire import default_questionnaire
from ipm_model.scoring import group_phase_stats
from ipm_model.storage.store import Store

FINISHED = "2026-03-01T10:00:00+00:00"


def run(argv):
    out = io.StringIO()
    code = main(argv, stdout=out)
    return code, out.getvalue()


@pytest.fixture
def db(db_target, questionnaire):
    """Workshop CLI (minimum 3): chain Groot with 3 finished people, a comment and an action;
    on each back-end."""
    path = db_target
    store = Store(path)
    org = store.create_organisation("Gemeente")
    groot = store.add_chain(org, "Groot")
    workshop = store.create_workshop(
        org,
        title="Ronde",
        workshop_date="2026-03-01",
        chain_ids=[groot],
        questionnaire=questionnaire,
        code="CLI",
    )
    answers = dict.fromkeys(questionnaire.statement_ids, "4")
    store.load_finished_participants(
        workshop,
        [
            {"chain_id": groot, "role": "mt", "answers": answers, "finished_at": FINISHED},
            {"chain_id": groot, "role": "mt", "answers": answers, "finished_at": FINISHED},
            {
                "chain_id": groot,
                "role": "staf",
                "answers": answers,
                "comments": {"doen": "=Meer overleg"},
                "finished_at": FINISHED,
            },
        ],
    )
    store.create_action(
        chain_id=groot, workshop_id=workshop.id, phase_id="doen", description="Bord ophangen"
    )
    store.close()
    return str(path)


def _rows(text):
    return list(csv.DictReader(io.StringIO(text)))


@pytest.mark.parametrize("kind", ["answers", "scores", "comments", "actions"])
def test_export_each_kind_as_csv(db, kind):
    code, out = run(["--db", db, "export", kind, "--format", "csv", "--workshop", "cli"])
    assert code == 0
    rows = _rows(out)
    assert list(rows[0]) == list(KINDS[kind].column_names)
    assert {r["workshop_code"] for r in rows} == {"CLI"}


def test_export_comments_and_actions_content(db):
    _, out = run(["--db", db, "export", "comments"])
    assert _rows(out) == [
        {
            "workshop_code": "CLI",
            "workshop_date": "2026-03-01",
            "chain": "Groot",
            "phase_id": "doen",
            "text": "'=Meer overleg",
        }
    ]
    _, out = run(["--db", db, "export", "actions"])
    [action] = _rows(out)
    assert (action["chain"], action["description"], action["status"]) == (
        "Groot",
        "Bord ophangen",
        "open",
    )


def test_export_all_as_one_workbook(db, tmp_path, questionnaire):
    path = tmp_path / "all.xlsx"
    code, _ = run(["--db", db, "export", "all", "--format", "xlsx", "--out", str(path)])
    assert code == 0
    workbook = load_workbook(path)
    assert workbook.sheetnames == [*DATA_KINDS, "questionnaire", "columns"]
    for kind in DATA_KINDS:
        header = [c.value for c in next(workbook[kind].iter_rows(max_row=1))]
        assert header == list(KINDS[kind].column_names)
    assert workbook["answers"].max_row == 1 + 3 * len(questionnaire.statement_ids)
    assert workbook["comments"]["E2"].value == "'=Meer overleg"


def test_export_one_kind_as_xlsx(db, tmp_path):
    path = tmp_path / "scores.xlsx"
    code, _ = run(["--db", db, "export", "scores", "--format", "xlsx", "--out", str(path)])
    assert code == 0
    workbook = load_workbook(path)
    assert workbook.sheetnames == ["scores", "columns"]
    column = "ABCDEFGHIJKLMNOP"[SCORE_COLUMNS.index("dont_know_rate")]
    assert workbook["scores"][f"{column}2"].value == 0  # dont_know_rate: a number


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["export", "all", "--format", "csv"], "use --format xlsx"),
        (["export", "answers", "--format", "xlsx"], "add --out FILE"),
    ],
)
def test_export_format_mistakes(db, capsys, argv, message):
    code, out = run(["--db", db, *argv])
    assert code == 2 and out == ""
    assert message in capsys.readouterr().err


def test_export_questionnaire_of_a_workshop(db, questionnaire, tmp_path):
    code, out = run(["--db", db, "export", "questionnaire", "--workshop", "CLI"])
    assert code == 0
    assert [r["statement_id"] for r in _rows(out)] == list(questionnaire.statement_ids)
    path = tmp_path / "q.xlsx"
    code, _ = run(["export", "questionnaire", "--format", "xlsx", "--out", str(path)])
    rows = len(default_questionnaire().statements) + 1  # the newest version, and a header
    assert code == 0 and load_workbook(path)["questionnaire"].max_row == rows


def test_export_help_documents_every_column(capsys):
    with pytest.raises(SystemExit):
        main(["export", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    for kind in KINDS.values():
        assert f"{kind.name}: {kind.rows}" in text
        for column, meaning in kind.columns:
            assert f"{column} {' '.join(meaning.split())}" in text
    assert "single quote in front" in text


def test_import_help_documents_layouts_limits_and_exit_status(capsys):
    with pytest.raises(SystemExit):
        main(["import", "answers", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    for phrase in (
        "participant, chain, role, partner (optional), statement_id, value",
        f"at most {MAX_IMPORT_BYTES // 2**20} MB",
        "--mode all (default) writes nothing when there is any issue",
        "Exit status",
    ):
        assert phrase in text


# -- import ---------------------------------------------------------------------------------------


def _file(tmp_path, questionnaire, *rows, name="in.csv"):
    path = tmp_path / name
    lines = [",".join(["chain", "role", "partner", *questionnaire.statement_ids])]
    n = len(questionnaire.statement_ids)
    lines += [",".join([c, r, "", *[v] * n]) for c, r, v in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


def _answers(db):
    store = Store(db)
    try:
        return store.counts()["answer"]
    finally:
        store.close()


def test_import_dry_run_and_write(db, tmp_path, questionnaire):
    path = _file(tmp_path, questionnaire, ("Groot", "mt", "3"), ("groot", "Chain owner", "dk"))
    before = _answers(db)
    code, out = run(["--db", db, "import", "answers", path, "--workshop", "cli", "--dry-run"])
    assert code == 0
    assert "Import of in.csv into workshop CLI (Ronde)" in out
    assert "2 participants valid (98 answers)" in out and "Dry run: would write" in out
    assert _answers(db) == before
    code, out = run(["--db", db, "import", "answers", path, "--workshop", "CLI"])
    assert code == 0 and "Written: 2 participants, 98 answers." in out
    assert _answers(db) == before + 98


def test_import_with_issues_writes_nothing_in_mode_all(db, tmp_path, questionnaire):
    path = _file(tmp_path, questionnaire, ("Groot", "mt", "3"), ("Groot", "baas", "3"))
    before = _answers(db)
    code, out = run(["--db", db, "import", "answers", path, "--workshop", "CLI"])
    assert code == 1
    assert "line 3, column role: unknown role 'baas'" in out
    assert "Nothing written. Fix the issues, or use --mode valid." in out
    assert _answers(db) == before
    code, out = run(["--db", db, "import", "answers", path, "--workshop", "CLI", "--mode", "valid"])
    assert code == 0 and "Written: 1 participants, 49 answers." in out
    assert _answers(db) == before + 49


def test_import_of_an_unreadable_file_fails_in_every_mode(db, tmp_path, questionnaire):
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    for mode in ("all", "valid"):
        code, out = run(
            ["--db", db, "import", "answers", str(path), "--workshop", "CLI", "--mode", mode]
        )
        assert code == 1 and "file: the file is empty" in out


def test_import_refuses_a_file_over_the_limit(db, tmp_path, capsys):
    path = tmp_path / "huge.csv"
    with path.open("wb") as fh:  # a 50 MB sparse file, made at once
        fh.seek(50 * 2**20)
        fh.write(b"\n")
    code, out = run(["--db", db, "import", "answers", str(path), "--workshop", "CLI"])
    assert code == 1 and out == ""
    assert "too large (50.0 MB; the limit is 10 MB)" in capsys.readouterr().err


def test_import_unknown_workshop_or_missing_file(db, tmp_path, capsys, questionnaire):
    path = _file(tmp_path, questionnaire, ("Groot", "mt", "3"))
    code, _ = run(["--db", db, "import", "answers", path, "--workshop", "NOPE99"])
    assert code == 1 and "NOPE99" in capsys.readouterr().err
    code, _ = run(["--db", db, "import", "answers", str(tmp_path / "no.csv"), "--workshop", "CLI"])
    assert code == 1 and "no.csv" in capsys.readouterr().err


def test_import_template_then_fill_it_in(db, tmp_path, questionnaire):
    path = tmp_path / "template.csv"
    code, _ = run(["--db", db, "import", "template", "--workshop", "CLI", "--out", str(path)])
    assert code == 0
    with path.open("a", encoding="utf-8", newline="") as fh:
        values = ["5"] * len(questionnaire.statement_ids)
        fh.write(";".join(["Groot", "professional", "", *values]) + "\r\n")
    code, out = run(["--db", db, "import", "answers", str(path), "--workshop", "CLI"])
    assert code == 0 and "separator ';'" in out and "Written: 1 participants" in out
    code, out = run(["--db", db, "import", "template", "--workshop", "CLI", "--lang", "en"])
    assert code == 0 and out.startswith("chain,role,partner,inzicht-")


# -- the round trip -------------------------------------------------------------------------------


def _stats_by_chain_name(store, workshop, questionnaire):
    names = {c.id: c.name for c in workshop.chains}
    stats = group_phase_stats(store.result_answers([workshop.id]), questionnaire, by=("chain_id",))
    stats["chain_id"] = stats["chain_id"].map(names)
    return stats.sort_values(["chain_id", "phase_id"]).reset_index(drop=True)


def test_round_trip_demo_answers_into_an_empty_database(tmp_path, questionnaire):
    source = Store(tmp_path / "demo.db")
    demo = create_demo(source, questionnaire, today=date(2026, 3, 2))
    source.close()
    target = Store(tmp_path / "empty.db")
    org = target.create_organisation("Kopie")
    target.set_organisation_partners(org, DEMO_PARTNERS)
    chain_ids = [target.add_chain(org, c.name) for c in demo.workshop.chains]
    for i, original in enumerate(demo.history):
        target.create_workshop(
            org,
            title=original.title,
            workshop_date=original.date,
            chain_ids=chain_ids,
            questionnaire=questionnaire,
            roles=DEFAULT_ROLES,
            partners=DEMO_PARTNERS,
            min_group_size=original.min_group_size,
            code=f"COPY{i}",
        )
    for i, original in enumerate(demo.history):
        path = tmp_path / f"round{i}.csv"
        argv = ["--db", str(tmp_path / "demo.db"), "export", "answers", "--workshop"]
        code, _ = run([*argv, original.code, "--out", str(path)])
        assert code == 0
        argv = ["--db", str(tmp_path / "empty.db"), "import", "answers", str(path)]
        code, out = run([*argv, "--workshop", f"COPY{i}"])
        assert code == 0, out
    source = Store(tmp_path / "demo.db")
    for i, original in enumerate(demo.history):
        copy = target.workshop_by_code(f"COPY{i}")
        pd.testing.assert_frame_equal(
            _stats_by_chain_name(source, original, questionnaire),
            _stats_by_chain_name(target, copy, questionnaire),
        )
        before = source.result_answers([original.id])
        after = target.result_answers([copy.id])
        assert (
            len(before) == len(after)
            and before["participant"].nunique() == after["participant"].nunique()
        )
        for column in ("role", "partner"):
            assert sorted(before[column]) == sorted(after[column])
    source.close()
    target.close()

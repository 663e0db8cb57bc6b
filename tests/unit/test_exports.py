"""Exports read back (CSV and Excel) and compared with the database; formula safety; docs."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pandas as pd
import pytest
from openpyxl import load_workbook

from ipm_model import exports
from ipm_model.exports import (
    ACTION_COLUMNS,
    COMMENT_COLUMNS,
    DATA_KINDS,
    KINDS,
    SCORE_COLUMNS,
    ExportError,
    export_csv,
    export_frame,
    export_xlsx,
    neutral,
    neutralise,
    to_csv,
    to_xlsx,
)
from ipm_model.phases import PHASE_IDS
from ipm_model.scoring import group_phase_stats, suppress_small_groups
from ipm_model.storage.store import Store

FINISHED = "2026-03-01T10:00:00+00:00"
HOSTILE_PARTNER = '=HYPERLINK("http://evil")'


@pytest.fixture
def data(store, questionnaire):
    """Workshop EXPORT (minimum 3): chain "@Groot" with 3 finished people and comments, chain
    Klein with 2 (its comments must never leave), someone unfinished, two actions."""
    org = store.create_organisation("Exportgemeente")
    store.set_organisation_partners(org, [HOSTILE_PARTNER])
    big, small = store.add_chain(org, "@Groot"), store.add_chain(org, "Klein")
    workshop = store.create_workshop(
        org,
        title="Ronde",
        workshop_date="2026-03-01",
        chain_ids=[big, small],
        questionnaire=questionnaire,
        partners=[HOSTILE_PARTNER],
        min_group_size=3,
        code="EXPORT",
    )
    ids = questionnaire.statement_ids
    people = [
        (big, "mt", "", "4", {"borgen": "zz last", "inzicht": "-1 punt erbij"}),
        (big, "staf", HOSTILE_PARTNER, "dk", {"inzicht": "=1+1", "doen": "Goed\ngedaan"}),
        (big, "professional", "", "2", {"inzicht": "+31 6 1234"}),
        (small, "mt", "", "5", {"inzicht": "Klein zegt iets"}),
        (small, "mt", "", "1", {}),
    ]
    store.load_finished_participants(
        workshop,
        [
            {
                "chain_id": chain,
                "role": role,
                "partner": partner,
                "answers": dict.fromkeys(ids, value),
                "comments": comments,
                "finished_at": FINISHED,
            }
            for chain, role, partner, value, comments in people
        ],
    )
    busy = store.create_participant(workshop, chain_id=big, role="mt")
    store.save_answer(busy.id, ids[0], "3")
    store.save_comment(busy.id, "groeien", "not finished: never exported")
    store.create_action(
        chain_id=big,
        workshop_id=workshop.id,
        phase_id="doen",
        description="@all: weekly board",
        owner="Anna",
        due_date="2026-04-01",
    )
    store.create_action(
        chain_id=small, workshop_id=workshop.id, phase_id="inzicht", description="Map the chain"
    )
    return store, store.workshop_by_code("EXPORT"), busy


def _read_csv(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"))))


def _sheet(workbook, name) -> list[dict]:
    rows = list(workbook[name].iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def _as_csv(value: object, csv_text: str) -> str:
    """An Excel value as the CSV writes it (Excel reads 0.0 back as 0; the CSV has 3 decimals)."""
    if value is None:
        return ""
    if isinstance(value, datetime) and "T" in csv_text:  # a time: in UTC, whole seconds
        moment = datetime.fromisoformat(csv_text).astimezone(UTC)
        same = moment.replace(microsecond=0, tzinfo=None) == value
        return csv_text if same else value.isoformat()
    if isinstance(value, datetime):  # a date (openpyxl reads dates back as datetimes)
        return value.date().isoformat()
    if isinstance(value, int | float) and "." in csv_text:
        return f"{value:.3f}"
    return str(value)


def test_answers_export_reads_back_as_the_database(data, questionnaire):
    store, workshop, busy = data
    rows = _read_csv(export_csv(store, "answers", [workshop]))
    assert list(rows[0]) == list(Store.EXPORT_ANSWER_COLUMNS)
    got = {(r["participant"], r["statement_id"], r["value"]) for r in rows}
    finished = store.result_answers([workshop.id])
    expected = set(finished[["participant", "statement_id", "value"]].itertuples(index=False))
    assert got == expected | {(busy.pid, questionnaire.statement_ids[0], "3")}
    phase_of = questionnaire.phase_of()
    assert all(r["phase_id"] == phase_of[r["statement_id"]] for r in rows)
    assert {r["chain"] for r in rows} == {"'@Groot", "Klein"}  # neutralised
    assert {r["partner"] for r in rows} == {"", "'" + HOSTILE_PARTNER}


def test_scores_export_is_the_suppressed_group_stats(data, questionnaire):
    store, workshop, _ = data
    frame = export_frame(store, "scores", [workshop])
    assert list(frame.columns) == list(SCORE_COLUMNS)
    stats = suppress_small_groups(
        group_phase_stats(store.result_answers([workshop.id]), questionnaire, by=("chain_id",)),
        3,
    )
    assert len(frame) == len(stats) == 2 * len(PHASE_IDS)
    names = {c.id: c.name for c in workshop.chains}
    pd.testing.assert_series_equal(frame["chain"], stats["chain_id"].map(names), check_names=False)
    for column in ("participants", "n", "mean", "sd", "dont_know_rate", "suppressed"):
        pd.testing.assert_series_equal(
            frame[column].reset_index(drop=True),
            stats[column].reset_index(drop=True),
            check_dtype=False,
        )
    rows = _read_csv(to_csv(frame))
    groot = next(r for r in rows if r["phase_id"] == "doen")
    assert groot["chain"] == "'@Groot" and groot["participants"] == "3"
    assert groot["mean"] == "" and groot["dont_know_rate"] == f"{1 / 3:.3f}"  # n=2 < 3
    assert {r["suppressed"] for r in rows if r["chain"] == "Klein"} == {"true"}
    assert {r["mean"] for r in rows if r["chain"] == "Klein"} == {""}


def test_comments_export_only_big_enough_chains_by_phase_then_text(data):
    store, workshop, _ = data
    rows = _read_csv(export_csv(store, "comments", [workshop]))
    assert list(rows[0]) == list(COMMENT_COLUMNS)  # no participant column
    assert [(r["chain"], r["phase_id"], r["text"]) for r in rows] == [
        ("'@Groot", "inzicht", "'+31 6 1234"),
        ("'@Groot", "inzicht", "'-1 punt erbij"),
        ("'@Groot", "inzicht", "'=1+1"),
        ("'@Groot", "doen", "Goed\ngedaan"),
        ("'@Groot", "borgen", "zz last"),
    ]
    # The small chain's comment and the unfinished participant's never leave the database.
    assert not any("Klein" in r["text"] or "never" in r["text"] for r in rows)


def test_actions_export_reads_back_as_the_database(data):
    store, workshop, _ = data
    rows = _read_csv(export_csv(store, "actions", [workshop]))
    assert list(rows[0]) == list(ACTION_COLUMNS)
    actions = store.actions(workshop_ids=[workshop.id])
    assert len(rows) == len(actions) == 2
    for row, action in zip(rows, actions, strict=True):
        assert row["workshop_code"] == "EXPORT" and row["workshop_date"] == "2026-03-01"
        assert row["chain"] == neutral(workshop.chain(action.chain_id).name)
        for column in ("phase_id", "owner", "status", "created_at", "updated_at"):
            assert row[column] == getattr(action, column)
        assert row["description"] == neutral(action.description)
        assert row["due_date"] == (action.due_date or "")
    assert rows[0]["description"] == "'@all: weekly board"


def test_all_workshops_is_the_default(data, questionnaire):
    store, workshop, _ = data
    org = workshop.organisation_id
    other = store.create_workshop(
        org,
        title="Later",
        workshop_date="2026-06-01",
        chain_ids=[workshop.chains[1].id],
        questionnaire=questionnaire,
        code="LATER",
    )
    store.create_action(
        chain_id=other.chains[0].id, workshop_id=other.id, phase_id="borgen", description="Keep"
    )
    assert [r["workshop_code"] for r in _read_csv(export_csv(store, "actions"))] == [
        "EXPORT",
        "EXPORT",
        "LATER",
    ]
    assert len(_read_csv(export_csv(store, "actions", [other]))) == 1
    assert _read_csv(export_csv(store, "comments", [other])) == []
    assert export_csv(store, "comments", [other]) == (",".join(COMMENT_COLUMNS) + "\n").encode()


def test_workbook_has_a_sheet_per_kind_equal_to_the_csv(data):
    store, workshop, _ = data
    workbook = load_workbook(io.BytesIO(export_xlsx(store, workshops=[workshop])))
    assert workbook.sheetnames == [*DATA_KINDS, "questionnaire", "columns"]
    for kind in DATA_KINDS:
        sheet = _sheet(workbook, kind)
        rows = _read_csv(export_csv(store, kind, [workshop]))
        assert list(sheet[0]) == list(rows[0]) == list(KINDS[kind].column_names)
        assert len(sheet) == len(rows)
        for cells, row in zip(sheet, rows, strict=True):
            as_text = {k: _as_csv(v, row[k]) for k, v in cells.items()}
            assert as_text == row
    for cell in (c for row in workbook["answers"].iter_rows() for c in row):
        assert cell.data_type != "f"  # nothing runs as a formula
    scores = _sheet(workbook, "scores")
    assert isinstance(scores[0]["participants"], int) and isinstance(
        scores[0]["dont_know_rate"], float
    )
    documented = _sheet(workbook, "columns")
    assert [(d["sheet"], d["column"]) for d in documented] == [
        (kind, column)
        for kind in (*DATA_KINDS, "questionnaire")
        for column in KINDS[kind].column_names
    ]
    assert workbook["answers"].freeze_panes == "A2"


def test_workbook_cells_are_typed_and_print_on_a4(data, questionnaire):
    store, workshop, _ = data
    workbook = load_workbook(io.BytesIO(export_xlsx(store, workshops=[workshop])))
    answers = workbook["answers"]
    header = [c.value for c in answers[1]]
    row = {name: cell for name, cell in zip(header, answers[2], strict=True)}
    assert row["workshop_date"].is_date and row["workshop_date"].number_format == "yyyy-mm-dd"
    assert row["answered_at"].is_date and "hh:mm" in row["answered_at"].number_format
    values = [r[header.index("value")] for r in answers.iter_rows(min_row=2, values_only=True)]
    assert {v for v in values if isinstance(v, int)} <= {1, 2, 3, 4, 5}
    assert all(isinstance(v, int) or v in ("dk", "na") for v in values)
    actions = workbook["actions"]
    if actions.max_row > 1:
        assert actions["G2"].value is None or actions["G2"].is_date  # due_date
    # The questionnaire sheet matches every answered statement id with its text.
    texts = {r[1]: r[2] for r in workbook["questionnaire"].iter_rows(min_row=2, values_only=True)}
    used = {r[header.index("statement_id")] for r in answers.iter_rows(min_row=2, values_only=True)}
    assert used <= set(texts) and all(texts[s] for s in used)
    for sheet in workbook.worksheets:
        setup = sheet.page_setup
        assert setup.orientation == "landscape" and setup.fitToWidth == 1
        assert setup.fitToHeight == 0 and sheet.sheet_properties.pageSetUpPr.fitToPage
        assert sheet.print_title_rows == "$1:$1"


def test_answers_export_columns_match_the_store():
    assert KINDS["answers"].column_names == Store.EXPORT_ANSWER_COLUMNS


@pytest.mark.parametrize(
    ("text", "safe"),
    [
        ("=SUM(A1)", "'=SUM(A1)"),
        ("+31", "'+31"),
        ("-2", "'-2"),
        ("@cmd", "'@cmd"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("a=b", "a=b"),
        ("", ""),
        ("'=x", "'=x"),
        (" =x", " =x"),
    ],
)
def test_formula_cells_get_a_quote(text, safe):
    assert neutral(text) == safe
    assert neutralise(pd.Series([text])).tolist() == [safe]


def test_numbers_are_not_neutralised_and_xlsx_keeps_text():
    frame = pd.DataFrame({"text": ["=1+1", "-x"], "number": [-1.5, 2.0], "count": [-3, 4]})
    assert _read_csv(to_csv(frame)) == [
        {"text": "'=1+1", "number": "-1.500", "count": "-3"},
        {"text": "'-x", "number": "2.000", "count": "4"},
    ]
    workbook = load_workbook(io.BytesIO(to_xlsx({"t": frame})))
    values = [[(c.value, c.data_type) for c in row] for row in workbook["t"].iter_rows(min_row=2)]
    assert values == [[("'=1+1", "s"), (-1.5, "n"), (-3, "n")], [("'-x", "s"), (2, "n"), (4, "n")]]


def test_xlsx_drops_control_characters_before_neutralising():
    frame = pd.DataFrame({"text": ["\x01=cmd", "a\x02b", "two\nlines"]})
    workbook = load_workbook(io.BytesIO(to_xlsx({"t": frame})))
    assert [c.value for c in workbook["t"]["A"]][1:] == ["'=cmd", "ab", "two\nlines"]


def test_xlsx_refuses_more_rows_than_a_sheet_holds(monkeypatch):
    monkeypatch.setattr(exports, "XLSX_MAX_ROWS", 3)
    frame = pd.DataFrame({"a": ["1", "2", "3"]})
    with pytest.raises(ExportError, match="3 rows do not fit on an Excel sheet"):
        to_xlsx({"answers": frame})


def test_unknown_kind_is_an_error(store):
    with pytest.raises(ValueError, match="unknown export kind"):
        export_frame(store, "tokens")


def test_the_docstring_table_is_the_documentation():
    assert exports.columns_markdown() in exports.__doc__
    for kind in KINDS.values():
        for column, meaning in kind.columns:
            assert f"| {column} | {meaning} |" in exports.__doc__


def test_file_name(data):
    _, workshop, _ = data
    assert exports.file_name("answers", "csv", workshop) == "ipm-ketenscan-answers-EXPORT.csv"
    assert exports.file_name("all", "xlsx") == "ipm-ketenscan-all.xlsx"

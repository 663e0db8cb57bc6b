"""Importing answers from CSV: validation of the whole file, the two modes, the template."""

from __future__ import annotations

import codecs
import csv
import io

import pytest

from ipm_model import importer
from ipm_model.importer import (
    ALL_OR_NOTHING,
    MAX_IMPORT_BYTES,
    VALID_ROWS,
    ImportRefused,
    ImportTooLarge,
    apply,
    read_upload,
    template_csv,
    validate,
)

MB = 1024 * 1024


@pytest.fixture
def workshop(store, questionnaire):
    """Workshop IMPORT: chains Groot and Klein, partner Werkbedrijf, the default roles."""
    org = store.create_organisation("Importgemeente")
    store.set_organisation_partners(org, ["Werkbedrijf"])
    chains = [store.add_chain(org, name) for name in ("Groot", "Klein")]
    return store.create_workshop(
        org,
        title="Papieren ronde",
        workshop_date="2026-02-02",
        chain_ids=chains,
        questionnaire=questionnaire,
        partners=["Werkbedrijf"],
        code="IMPORT",
    )


def _csv(rows, delimiter=",", encoding="utf-8") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\n").writerows(rows)
    return buffer.getvalue().encode(encoding)


def _wide(questionnaire, *people, delimiter=",", encoding="utf-8", columns=None) -> bytes:
    """A wide file: each person is (chain, role, partner, value for every statement)."""
    ids = list(columns or questionnaire.statement_ids)
    rows = [["chain", "role", "partner", *ids]]
    rows += [[c, r, p, *([v] * len(ids) if isinstance(v, str) else v)] for c, r, p, v in people]
    return _csv(rows, delimiter, encoding)


def _long(*rows) -> bytes:
    return _csv([["participant", "chain", "role", "partner", "statement_id", "value"], *rows])


def _issues(report):
    return [(i.line, i.column) for i in report.issues]


def test_valid_wide_file_is_written_in_full(store, workshop, questionnaire):
    data = _wide(
        questionnaire,
        ("Groot", "mt", "", "4"),
        ("groot", "Chain owner", "werkbedrijf", "dk"),  # names in any case, role by English name
        ("Klein", "LID VAN HET KETENTEAM", "", "2"),  # role by Dutch name
    )
    report = validate(data, workshop, questionnaire)
    assert report.ok and not report.fatal, report.describe()
    assert (report.layout, report.encoding, report.delimiter) == ("wide", "utf-8", ",")
    assert (report.rows, report.rows_ok) == (3, 3)
    [a, b, c] = report.participants
    groot, klein = (ch.id for ch in workshop.chains)
    assert (a.chain_id, a.role, a.partner, a.line) == (groot, "mt", "", 2)
    assert (b.chain_id, b.role, b.partner) == (groot, "keteneigenaar", "Werkbedrijf")
    assert (c.chain_id, c.role) == (klein, "ketenteam")
    assert dict(c.answers) == dict.fromkeys(questionnaire.statement_ids, "2")
    written = apply(store, workshop, report, ALL_OR_NOTHING)
    assert written == 3 * len(questionnaire.statement_ids)
    stored = store.result_answers([workshop.id])
    assert len(stored) == written
    assert set(stored.groupby("chain_id")["participant"].nunique().items()) == {
        (groot, 2),
        (klein, 1),
    }
    assert set(stored.loc[stored["role"] == "keteneigenaar", "value"]) == {"dk"}
    assert set(stored.loc[stored["role"] == "keteneigenaar", "partner"]) == {"Werkbedrijf"}


def test_long_file_groups_rows_by_participant(store, workshop, questionnaire):
    s1, s2 = questionnaire.statement_ids[:2]
    data = _long(
        ["A", "Groot", "mt", "", s1, "5"],
        ["B", "Klein", "professional", "Werkbedrijf", s1, "NA"],
        ["A", "Groot", "mt", "", s2, "1"],
        ["B", "Klein", "professional", "Werkbedrijf", s2, ""],  # empty: not answered
    )
    report = validate(data, workshop, questionnaire)
    assert report.ok and report.layout == "long", report.describe()
    assert [(p.label, p.line, dict(p.answers)) for p in report.participants] == [
        ("A", 2, {s1: "5", s2: "1"}),
        ("B", 3, {s1: "na"}),
    ]
    assert apply(store, workshop, report) == 3


def test_answers_export_columns_are_accepted_but_one_workshop_only(workshop, questionnaire):
    s1 = questionnaire.statement_ids[0]
    header = ["workshop_code", "chain", "role", "partner", "participant", "phase_id"]
    header += ["statement_id", "value", "answered_at"]
    row = ["OTHER", "Groot", "mt", "", "p1", "inzicht", s1, "3", "2026-01-01T10:00:00+00:00"]
    report = validate(_csv([header, row]), workshop, questionnaire)
    assert report.ok, report.describe()
    second = ["ELSE", *row[1:4], "p2", *row[5:]]
    report = validate(_csv([header, row, second]), workshop, questionnaire)
    assert report.fatal and "2 workshops (ELSE, OTHER)" in report.issues[0].reason


# -- the bad cases --------------------------------------------------------------------------------


def test_unknown_statement_id_in_a_wide_header_stops_the_file(workshop, questionnaire):
    columns = [*questionnaire.statement_ids[:3], "doen-made-up"]
    data = _wide(questionnaire, ("Groot", "mt", "", "3"), columns=columns)
    report = validate(data, workshop, questionnaire)
    assert report.fatal and not report.participants
    assert _issues(report) == [(1, "doen-made-up")]
    assert "unknown statement id" in report.issues[0].reason


def test_unknown_statement_id_in_a_long_file_rejects_that_participant(
    store, workshop, questionnaire
):
    s1 = questionnaire.statement_ids[0]
    data = _long(["A", "Groot", "mt", "", s1, "3"], ["A", "Groot", "mt", "", "nope", "3"])
    data += b"B,Groot,mt,," + s1.encode() + b",4\n"
    report = validate(data, workshop, questionnaire)
    assert _issues(report) == [(3, "statement_id")]
    assert "unknown statement id 'nope'" in report.issues[0].reason
    assert [p.label for p in report.participants] == ["B"]
    assert (report.rows, report.rows_ok) == (3, 1)
    with pytest.raises(ImportRefused):
        apply(store, workshop, report, ALL_OR_NOTHING)
    assert store.counts()["answer"] == 0
    assert apply(store, workshop, report, VALID_ROWS) == 1


@pytest.mark.parametrize("value", ["6", "0", "x", "3.5", "weet niet", "-1"])
def test_a_value_outside_the_answer_set_is_reported_with_line_and_column(
    workshop, questionnaire, value
):
    values = ["3"] * len(questionnaire.statement_ids)
    values[4] = value
    data = _wide(questionnaire, ("Groot", "mt", "", "3"), ("Klein", "mt", "", values))
    report = validate(data, workshop, questionnaire)
    assert _issues(report) == [(3, questionnaire.statement_ids[4])]
    assert f"'{value.casefold()}' is not an answer" in report.issues[0].reason
    assert [p.line for p in report.participants] == [2]


def test_undecodable_bytes_are_reported_with_line_and_offset(workshop, questionnaire):
    good = _wide(questionnaire, ("Groot", "mt", "", "3"))
    data = good + b"Klein,mt,\x81\x8d\n"  # bytes that neither UTF-8 nor Windows-1252 has
    report = validate(data, workshop, questionnaire)
    assert report.fatal
    [issue] = report.issues
    assert issue.line == 3
    assert f"byte {len(good) + 9} (0x81)" in issue.reason and "UTF-8" in issue.reason


def test_windows_1252_and_utf8_with_bom_are_read(store, questionnaire):
    org = store.create_organisation("Gemeente")
    chain = store.add_chain(org, "Één loket")
    w = store.create_workshop(
        org, title="R", workshop_date="2026-01-01", chain_ids=[chain], questionnaire=questionnaire
    )
    for encoding, name in (("cp1252", "windows-1252"), ("utf-8-sig", "utf-8-sig")):
        report = validate(
            _wide(questionnaire, ("één loket", "mt", "", "3"), encoding=encoding), w, questionnaire
        )
        assert report.ok and report.encoding == name, report.describe()
    utf16 = codecs.BOM_UTF16_LE + _wide(
        questionnaire, ("Één loket", "mt", "", "3"), delimiter="\t"
    ).decode().encode("utf-16-le")
    report = validate(utf16, w, questionnaire)
    assert report.ok and (report.encoding, report.delimiter) == ("utf-16", "\t")


def test_binary_files_and_workbooks_are_refused(workshop, questionnaire):
    report = validate(b"PK\x03\x04\x14\x00" + bytes(100), workshop, questionnaire)
    assert report.fatal and "Excel workbook" in report.issues[0].reason
    report = validate(b"chain,role\nGroot,mt\x00\n", workshop, questionnaire)
    assert report.fatal and report.issues[0].line == 2
    assert "not a text file" in report.issues[0].reason


@pytest.mark.parametrize("delimiter", [";", "\t", ","])
def test_semicolon_tab_and_comma_files_are_read(workshop, questionnaire, delimiter):
    data = _wide(
        questionnaire,
        ("Groot", "MT / directie", "", "4"),
        ("Klein", "staf", "", "5"),
        delimiter=delimiter,
    )
    report = validate(data, workshop, questionnaire)
    assert report.ok and report.delimiter == delimiter, report.describe()
    assert len(report.participants) == 2


def test_a_repeated_answer_in_a_long_file_rejects_the_participant(workshop, questionnaire):
    s1, s2 = questionnaire.statement_ids[:2]
    data = _long(
        ["A", "Groot", "mt", "", s1, "3"],
        ["A", "Groot", "mt", "", s2, "3"],
        ["A", "Groot", "mt", "", s1, "3"],  # the same again: probably a copy
        ["B", "Groot", "mt", "", s1, "4"],
    )
    report = validate(data, workshop, questionnaire)
    assert _issues(report) == [(4, "statement_id")]
    assert f"participant 'A' answers '{s1}' again (first on line 2)" in report.issues[0].reason
    assert [p.label for p in report.participants] == ["B"]


def test_an_identical_wide_row_is_a_double_entry_but_labelled_twins_are_fine(
    workshop, questionnaire
):
    data = _wide(
        questionnaire,
        ("Groot", "mt", "", "3"),
        ("Groot", "mt", "", "4"),
        ("groot", "MT / directie", "", "3"),  # the same form as line 2, typed differently
    )
    report = validate(data, workshop, questionnaire)
    assert _issues(report) == [(4, "")]
    assert "the same as line 2" in report.issues[0].reason
    assert [p.line for p in report.participants] == [2, 3]
    ids = questionnaire.statement_ids
    labelled = _csv(
        [
            ["participant", "chain", "role", *ids],
            ["form 1", "Groot", "mt", *["3"] * len(ids)],
            ["form 2", "Groot", "mt", *["3"] * len(ids)],  # same answers, another person
            ["form 1", "Klein", "mt", *["4"] * len(ids)],
        ]
    )
    report = validate(labelled, workshop, questionnaire)
    assert _issues(report) == [(4, "participant")]
    assert "'form 1' appears again (first on line 2)" in report.issues[0].reason
    assert [p.label for p in report.participants] == ["form 1", "form 2"]


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "the file is empty"),
        (b"  \r\n\r\n", "the file is empty"),
        (codecs.BOM_UTF8, "the file is empty"),
        (b"chain,role,inzicht-chains-named\n\n", "no rows of answers"),
        (b"# only a comment\n", "no header row"),
    ],
)
def test_an_empty_file_is_reported(workshop, questionnaire, data, reason):
    report = validate(data, workshop, questionnaire)
    assert report.fatal and not report.participants
    assert reason in report.issues[0].reason


def test_a_file_over_the_limit_is_refused_before_it_is_read(tmp_path, workshop, questionnaire):
    path = tmp_path / "huge.csv"
    with path.open("wb") as fh:  # 50 MB in an instant: a sparse file
        fh.seek(50 * MB)
        fh.write(b"\n")
    with pytest.raises(ImportTooLarge, match="50.0 MB; the limit is 10 MB"):
        read_upload(path)

    class Counting(io.RawIOBase):
        """A stream that says how much was read from it."""

        read_bytes = 0

        def readable(self):
            return True

        def readinto(self, buffer):
            self.read_bytes += len(buffer)
            buffer[:] = b"x" * len(buffer)
            return len(buffer)

    stream = Counting()
    with pytest.raises(ImportTooLarge, match="limit is 10 MB"):
        read_upload(io.BufferedReader(stream, buffer_size=MB))
    assert stream.read_bytes <= MAX_IMPORT_BYTES + 2 * MB  # never the whole 50 MB


def test_read_upload_reads_a_file_under_the_limit(tmp_path):
    path = tmp_path / "small.csv"
    path.write_bytes(b"chain,role\n")
    assert read_upload(path) == b"chain,role\n"
    assert read_upload(io.BytesIO(b"abc"), limit=3) == b"abc"
    with pytest.raises(ImportTooLarge):
        read_upload(io.BytesIO(b"abcd"), limit=3)


def test_validate_refuses_data_over_the_limit(workshop, questionnaire, monkeypatch):
    data = _wide(questionnaire, ("Groot", "mt", "", "3"))
    monkeypatch.setattr(importer, "MAX_IMPORT_BYTES", len(data) - 1)
    report = validate(data, workshop, questionnaire)
    assert report.fatal and "too large" in report.issues[0].reason


def test_unknown_chain_role_and_partner_are_named(workshop, questionnaire):
    data = _wide(
        questionnaire,
        ("Middel", "mt", "", "3"),
        ("Groot", "baas", "", "3"),
        ("Groot", "mt", "Elders BV", "3"),
        ("", "", "", "3"),
        ("Klein", "mt", "", "3"),
    )
    report = validate(data, workshop, questionnaire)
    assert _issues(report) == [(2, "chain"), (3, "role"), (4, "partner"), (5, "chain"), (5, "role")]
    reasons = [i.reason for i in report.issues]
    assert reasons[0] == "unknown chain 'Middel' (this workshop has: Groot, Klein)"
    assert reasons[1].startswith("unknown role 'baas' (this workshop has: mt, keteneigenaar")
    assert reasons[2] == "unknown partner 'Elders BV' (this workshop has: Werkbedrijf)"
    assert reasons[3] == "the chain is empty"
    assert [p.line for p in report.participants] == [6]


def test_header_problems_stop_the_file(workshop, questionnaire):
    s1 = questionnaire.statement_ids[0]
    report = validate(_csv([["chain", s1, s1], ["Groot", "3", "3"]]), workshop, questionnaire)
    assert report.fatal
    assert [(i.line, i.column, i.reason) for i in report.issues] == [
        (1, s1, "this column appears twice"),
        (1, "role", "this column is missing"),
    ]
    report = validate(_csv([["chain", "role"], ["Groot", "mt"]]), workshop, questionnaire)
    assert report.fatal and "no statement columns" in report.issues[0].reason
    long = _csv([["participant", "chain", "role", "statement_id", "value", "remark"]])
    report = validate(long, workshop, questionnaire)
    assert _issues(report) == [(1, "remark")] and report.issues[0].reason == "unknown column"


def test_line_numbers_are_file_lines_with_blank_comment_and_multiline_rows(workshop, questionnaire):
    ids = questionnaire.statement_ids
    text = (
        "chain,role,partner," + ",".join(ids) + "\n"
        "\n"  # line 2: blank
        "# a note\n"  # line 3: comment
        '"Gro\not",mt,,' + ",".join(["3"] * len(ids)) + "\n"  # lines 4-5: a quoted line break
        "Klein,mt,," + ",".join(["7"] + ["3"] * (len(ids) - 1)) + "\n"  # line 6
        "Klein,mt,," + ",".join(["3"] * len(ids)) + ",extra\n"  # line 7
        "Klein,ketenteam,," + ",".join([""] * len(ids)) + "\n"  # line 8
    )
    report = validate(text.encode(), workshop, questionnaire)
    assert _issues(report) == [(4, "chain"), (6, ids[0]), (7, ""), (8, "")]
    assert "more cells than the header has columns" in report.issues[2].reason
    assert report.issues[3].reason == "no answers"
    assert report.rows == 4 and report.participants == ()


def test_long_rows_of_one_participant_must_agree(workshop, questionnaire):
    s1, s2, s3 = questionnaire.statement_ids[:3]
    data = _long(
        ["A", "Groot", "mt", "", s1, "3"],
        ["A", "groot", "MT", "", s2, "3"],  # the same, written differently: fine
        ["A", "Klein", "mt", "", s3, "3"],
        ["", "Klein", "mt", "", s3, "3"],
    )
    report = validate(data, workshop, questionnaire)
    assert _issues(report) == [(4, "chain"), (5, "participant")]
    assert report.issues[0].reason == "participant 'A' has chain 'Groot' on line 2"
    assert report.participants == ()


def test_formula_quotes_of_an_export_are_removed(store, questionnaire):
    org = store.create_organisation("Gemeente")
    chain = store.add_chain(org, "=Keten")
    w = store.create_workshop(
        org, title="R", workshop_date="2026-01-01", chain_ids=[chain], questionnaire=questionnaire
    )
    report = validate(_wide(questionnaire, ("'=Keten", "mt", "", "3")), w, questionnaire)
    assert report.ok and report.participants[0].chain_id == chain


def test_issues_are_listed_up_to_the_limit_but_all_counted(workshop, questionnaire, monkeypatch):
    monkeypatch.setattr(importer, "MAX_LISTED_ISSUES", 5)
    data = _wide(questionnaire, *[("Groot", "mt", "", "9")] * 3)
    report = validate(data, workshop, questionnaire)
    n = len(questionnaire.statement_ids)
    assert report.issue_count == 3 * n + 2  # every cell, and rows 3 and 4 repeat row 2
    assert len(report.issues) == 5
    assert report.describe().endswith(f"... and {3 * n + 2 - 5} more issues")


def test_apply_checks_mode_and_workshop(store, workshop, questionnaire):
    report = validate(_wide(questionnaire, ("Groot", "mt", "", "3")), workshop, questionnaire)
    with pytest.raises(ValueError, match="unknown import mode"):
        apply(store, workshop, report, "some")
    other = store.create_workshop(
        workshop.organisation_id,
        title="Other",
        workshop_date="2026-01-01",
        chain_ids=[workshop.chains[0].id],
        questionnaire=questionnaire,
    )
    with pytest.raises(ValueError, match="another workshop"):
        apply(store, other, report)
    assert store.counts()["participant"] == 0


def test_valid_rows_mode_writes_nothing_of_a_fatal_file(store, workshop, questionnaire):
    report = validate(b"", workshop, questionnaire)
    assert apply(store, workshop, report, VALID_ROWS) == 0
    assert store.counts()["participant"] == 0


# -- the template ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("lang", "delimiter"), [("nl", ";"), ("en", ",")])
def test_template_explains_itself_and_reads_back(workshop, questionnaire, lang, delimiter):
    data = template_csv(workshop, questionnaire, lang)
    assert data.startswith(codecs.BOM_UTF8)
    lines = data.decode("utf-8-sig").splitlines()
    ambitions = [f"ambition-{p.id}" for p in questionnaire.phases]
    header = ["chain", "role", "partner", *questionnaire.statement_ids, *ambitions]
    assert lines[0].split(delimiter) == header
    assert all(line.lstrip('"').startswith("#") for line in lines[1:])
    first = questionnaire.statements[0].text.get(lang)
    assert first in lines[1] and "Groot | Klein" in data.decode("utf-8-sig")
    last_phase = questionnaire.phases[-1].name.get(lang)
    assert lines[1].rstrip('"').endswith(last_phase)
    assert "ambition-" in lines[-2] and "1" in lines[-2] and "5" in lines[-2]
    report = validate(data, workshop, questionnaire)
    assert report.fatal and "no rows of answers" in report.issues[0].reason
    values = ["4"] * len(questionnaire.statement_ids) + ["5"] * len(ambitions)
    filled = data + delimiter.join(["Klein", "mt", "", *values]).encode() + b"\r\n"
    report = validate(filled, workshop, questionnaire)
    assert report.ok and report.delimiter == delimiter and len(report.participants) == 1
    answers = report.participants[0].answers
    assert all(answers[a] == "5" for a in ambitions)


# -- routing by questionnaire version and role kind ------------------------------------------------


@pytest.fixture
def workshop_v2(store, questionnaire_v2):
    """Workshop IMPORT2 on version 2 (statements routed by role kind)."""
    org = store.create_organisation("Ketengemeente")
    store.set_organisation_partners(org, ["Werkbedrijf"])
    chain = store.add_chain(org, "Groot")
    return store.create_workshop(
        org,
        title="Ronde op versie 2",
        workshop_date="2026-03-03",
        chain_ids=[chain],
        questionnaire=questionnaire_v2,
        partners=["Werkbedrijf"],
        code="IMPORT2",
    )


def test_each_role_kind_answering_what_it_is_shown_is_written(store, workshop_v2, questionnaire_v2):
    from ipm_model.questionnaire import role_kind

    q, people = questionnaire_v2, []
    for role, partner in (
        ("mt", ""),
        ("professional", ""),
        ("ketenteam", "Werkbedrijf"),
        ("professional", "Werkbedrijf"),
    ):
        shown = {s.id for s in q.statements_for(role_kind(role, partner))}
        people.append(
            ("Groot", role, partner, ["4" if sid in shown else "" for sid in q.statement_ids])
        )
    report = validate(_wide(q, *people), workshop_v2, q)
    assert report.ok, report.describe()
    written = apply(store, workshop_v2, report)
    assert written == sum(len(q.statements_for(role_kind(r, p))) for _, r, p, _ in people)


def test_an_answer_to_a_statement_the_role_is_not_shown_is_refused(workshop_v2, questionnaire_v2):
    q = questionnaire_v2
    hidden = next(s for s in q.statements if s.roles and "medewerker" not in s.roles)
    report = validate(
        _wide(q, ("Groot", "professional", "", "3"), ("Groot", "mt", "", "3")), workshop_v2, q
    )
    assert not report.ok
    assert (report.rows, report.rows_ok) == (2, 1)  # the MT member sees every statement
    lines = {(i.line, i.column) for i in report.issues}
    assert (2, hidden.id) in lines and all(line == 2 for line, _ in lines)
    reason = next(i.reason for i in report.issues if i.column == hidden.id)
    assert "not asked of this role ('professional', role kind 'medewerker')" in reason


def test_a_file_of_another_questionnaire_version_is_named_so(
    workshop_v2, questionnaire, questionnaire_v2
):
    old_only = next(
        s for s in questionnaire.statement_ids if s not in questionnaire_v2.statement_ids
    )
    report = validate(_wide(questionnaire, ("Groot", "mt", "", "4")), workshop_v2, questionnaire_v2)
    assert report.fatal
    issue = next(i for i in report.issues if i.column == old_only)
    assert "belongs to version 1 of ipm-ketenscan; this round uses version 2" in issue.reason
    # Long files (e.g. the answers export of an older round): the row says so too.
    long = _long(
        ("p1", "Groot", "mt", "", old_only, "4"),
        ("p1", "Groot", "mt", "", questionnaire_v2.statement_ids[0], "4"),
    )
    report = validate(long, workshop_v2, questionnaire_v2)
    assert not report.ok and not report.fatal
    assert "into a round on version 1" in report.issues[0].reason


def test_ambitions_are_read_as_the_scan_stores_them(store, workshop_v2, questionnaire_v2):
    q = questionnaire_v2
    first = q.statement_ids[0]
    data = _long(
        ("p1", "Groot", "mt", "", first, "4"),
        ("p1", "Groot", "mt", "", "ambition-inzicht", "5"),
        ("p2", "Groot", "mt", "", first, "3"),
        ("p2", "Groot", "mt", "", "ambition-doen", "dk"),
    )
    report = validate(data, workshop_v2, q)
    assert [(i.line, i.column) for i in report.issues] == [(5, "value")]
    assert "an ambition is 1 to 5, not 'dk'" in report.issues[0].reason
    (p1,) = report.participants
    assert dict(p1.answers) == {first: "4", "ambition-inzicht": "5"}
    assert apply(store, workshop_v2, report, VALID_ROWS) == 2

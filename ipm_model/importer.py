"""Import answers collected on paper or in another survey tool from a CSV file.

An import targets one workshop, chosen by the user. `validate` reads and checks the whole
file before anything is written; `apply` then writes the valid participants in one
transaction (Store.load_finished_participants), or nothing. `template_csv` makes an empty
file to fill in; `read_upload` reads a file without reading past the size limit.

Layouts, told apart by the header (column names are case-insensitive)
- wide, one row per participant: `chain, role, partner, <statement_id>...`, a column per
  statement id (the template has them in questionnaire order, then the ambition columns;
  any order and any subset are read). An optional `participant` column holds your own
  label, e.g. the form number.
- long, one row per answer: `participant, chain, role, partner, statement_id, value`; the
  rows with the same participant label are one person. The other columns of the answers
  export (workshop_code, workshop_date, phase_id, answered_at) are ignored, so the answers
  export of one workshop can be imported as it is.
`partner` is optional in both. A value is 1 to 5, dk or na (case-insensitive), or empty for
no answer. Besides the statements, `ambition-<phase id>` holds a participant's ambition for
the phase in 12 months (1 to 5 only), as the scan's ambition screen and the answers export
have it. Chains are matched by name, roles by id or by their Dutch or English name,
partner organisations by name; all case-insensitively, and all must be offered by the
workshop. Blank rows are skipped, and so is a row whose first cell starts with # (the
template explains itself in such rows; a participant label may not start with #). A cell
that an export protected against formulas ('=...) is read without that quote.

File rules
- Size: at most MAX_IMPORT_BYTES (10 MB). `read_upload` refuses a larger file before
  reading it (it reads at most the limit + 1 byte); `validate` refuses larger data too.
- Encoding: UTF-8 with or without byte order mark; UTF-16 with byte order mark (Excel's
  "Unicode text"); otherwise Windows-1252 (Excel's plain "CSV" on Windows) when every byte
  decodes to a printable character. Anything else is refused with the line and byte offset
  of the first byte that is not UTF-8. An Excel workbook (.xlsx) is recognised and refused
  with the advice to save it as CSV.
- Separator: comma, semicolon or tab, taken from the header row: the one that splits it
  into the most known column names.
- Line numbers are as in the file: 1-based, the header included; a row with a line break
  inside a quoted cell is named by its first line. Line 0 is the file as a whole.

Checks (all reported at once; at most MAX_LISTED_ISSUES are listed, issue_count is complete)
- The file: too large, not decodable, empty, unreadable as CSV, missing, unknown or repeated
  columns in the header, no data rows, answers of more than one workshop (workshop_code).
  These stop the import in every mode (`fatal`).
- Routing: the file is checked against the questionnaire version of the workshop's round. A
  statement id of another version of that questionnaire is named as such (import the file
  into a round on that version). An answer to a statement the participant's role kind is
  not shown (questionnaire `roles`, see questionnaire.role_kind) is refused: the scan would
  never have asked it, and scoring would drop it without a word.
- A row: unknown chain, role or partner; a value outside the answer set; an unknown statement
  id (long); an answer to a statement not shown to the role; dk or na as an ambition; more
  cells than the header has columns; rows of one participant that disagree about chain, role
  or partner (long); a participant without any answer.
- Duplicates. Long: the same participant and statement twice (every repeat, also with the
  same value, since a repeat is most likely a copy error). Wide: the same participant label
  twice or, without a participant column, a row identical to an earlier one (chain, role,
  partner and every answer: a form typed in twice). The first row stays, repeats are issues.
A participant with any issue is rejected as a whole: never half a participant.

Modes (`apply`)
- all_or_nothing: write only when there is no issue at all; otherwise ImportRefused.
- valid_rows: write the participants without issues and skip the others.
Either way one transaction writes all of it or nothing. Imported participants count as
finished at the moment of the import and get new pseudonyms (labels in the file are not
stored). Importing the same file twice adds its participants twice.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np
import pandas as pd

from ipm_model.exports import neutral
from ipm_model.model import Workshop, now_iso
from ipm_model.questionnaire import (
    ANSWER_CODES,
    Questionnaire,
    QuestionnaireError,
    available_questionnaires,
    questionnaire_for,
    role_kind,
)
from ipm_model.scoring import ambition_id
from ipm_model.storage.store import Store

MAX_IMPORT_BYTES = 10 * 1024 * 1024
MAX_LISTED_ISSUES = 1000
ALL_OR_NOTHING = "all_or_nothing"
VALID_ROWS = "valid_rows"
MODES: tuple[str, ...] = (ALL_OR_NOTHING, VALID_ROWS)
DELIMITERS: tuple[str, ...] = (",", ";", "\t")
WIDE, LONG = "wide", "long"
PERSON_COLUMNS: tuple[str, ...] = ("participant", "chain", "role", "partner")
LONG_COLUMNS: tuple[str, ...] = (*PERSON_COLUMNS, "statement_id", "value")
REQUIRED: dict[str, tuple[str, ...]] = {
    WIDE: ("chain", "role"),
    LONG: ("participant", "chain", "role", "statement_id", "value"),
}
IGNORED_LONG_COLUMNS: tuple[str, ...] = (
    "workshop_code",
    "workshop_date",
    "phase_id",
    "answered_at",
)
TEMPLATE_DELIMITER = {"nl": ";", "en": ","}  # what Excel expects with Dutch / English settings

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_FORMULA_QUOTE = re.compile(r"^'(?=[=+\-@\t\r])")
_MB = 1024 * 1024
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


class ImportTooLarge(ValueError):
    """An import file is over the size limit; nothing of it was read past the limit."""


class ImportRefused(ValueError):
    """`apply` in all_or_nothing mode with a report that has issues: nothing was written."""


@dataclass(frozen=True)
class ImportIssue:
    """One problem: where it is (line 0 = the whole file, column may be empty) and why."""

    line: int
    column: str
    reason: str

    def __str__(self) -> str:
        where = "file" if self.line == 0 else f"line {self.line}"
        if self.column:
            where += f", column {self.column}"
        return f"{where}: {self.reason}"


@dataclass(frozen=True)
class ImportedParticipant:
    """A participant read from the file, ready to be written."""

    line: int  # the first line of the participant in the file
    label: str  # the participant label of the file, or "line N" in a wide file without one
    chain_id: int
    role: str
    partner: str
    answers: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ImportReport:
    """The outcome of `validate`: what can be written and every problem found."""

    workshop_id: int
    layout: str = ""  # "wide", "long" or "" when the file could not be read
    encoding: str = ""
    delimiter: str = ""
    rows: int = 0  # data rows read (not the header, blank rows or # comment rows)
    rows_ok: int = 0  # data rows of participants without issues
    issues: tuple[ImportIssue, ...] = ()  # the first MAX_LISTED_ISSUES, by line
    issue_count: int = 0
    participants: tuple[ImportedParticipant, ...] = ()  # the valid participants
    fatal: bool = False  # a file-level problem: nothing can be imported

    @property
    def ok(self) -> bool:
        return self.issue_count == 0

    @property
    def answers(self) -> int:
        return sum(len(p.answers) for p in self.participants)

    def summary(self) -> str:
        """One sentence: what was read, what is valid, how many issues."""
        if self.fatal:
            return f"The file cannot be imported ({self.issue_count} issue(s))."
        sep = {"\t": "tab"}.get(self.delimiter, repr(self.delimiter))
        return (
            f"{self.layout} layout, {self.encoding}, separator {sep}: {self.rows} rows read, "
            f"{len(self.participants)} participants valid ({self.answers} answers), "
            f"{self.rows - self.rows_ok} rows with issues, {self.issue_count} issue(s)."
        )

    def describe(self) -> str:
        """The summary and every listed issue, one per line (for the command line)."""
        lines = [self.summary(), *(str(i) for i in self.issues)]
        if self.issue_count > len(self.issues):
            lines.append(f"... and {self.issue_count - len(self.issues)} more issues")
        return "\n".join(lines)


class _FileProblem(Exception):
    """A problem with the file as a whole; validation stops here."""

    def __init__(self, line: int, column: str, reason: str):
        super().__init__(reason)
        self.issue = ImportIssue(line, column, reason)


# -- reading the file ----------------------------------------------------------------------------


def _too_large(size: int | None, limit: int) -> str:
    got = f"{size / _MB:.1f} MB" if size is not None else "more"
    return (
        f"the file is too large ({got}; the limit is {limit / _MB:g} MB): "
        "split it into smaller files"
    )


def read_upload(source: str | Path | BinaryIO, limit: int = MAX_IMPORT_BYTES) -> bytes:
    """The bytes of an import file; ImportTooLarge without reading more than limit + 1 bytes."""
    if isinstance(source, str | Path):
        size = Path(source).stat().st_size
        if size > limit:
            raise ImportTooLarge(_too_large(size, limit))
        with open(source, "rb") as fh:
            return read_upload(fh, limit)
    size = getattr(source, "size", None)  # Streamlit's UploadedFile knows its size
    if isinstance(size, int) and size > limit:
        raise ImportTooLarge(_too_large(size, limit))
    data = source.read(limit + 1)
    if len(data) > limit:
        raise ImportTooLarge(_too_large(None, limit))
    return data


def _not_text(data: bytes, offset: int, what: str) -> _FileProblem:
    line = data[:offset].count(b"\n") + 1
    return _FileProblem(
        line,
        "",
        f"byte {offset} (0x{data[offset]:02x}) is not {what}; save the file as CSV UTF-8",
    )


def _decode(data: bytes) -> tuple[str, str]:
    """The text of the file and the name of its encoding (see the module docstring)."""
    if data.startswith(b"PK\x03\x04"):
        raise _FileProblem(0, "", "this is an Excel workbook, not a CSV file: save it as CSV UTF-8")
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(codec)
            except UnicodeDecodeError as exc:
                raise _not_text(data, exc.start, codec.removesuffix("-sig").upper()) from None
            return _checked(text), codec
    try:
        return _checked(data.decode("utf-8")), "utf-8"
    except UnicodeDecodeError as exc:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            raise _not_text(data, exc.start, "UTF-8 or Windows-1252 text") from None
        if _CONTROL.search(text):
            raise _not_text(data, exc.start, "UTF-8 or Windows-1252 text") from None
        return text, "windows-1252"


def _checked(text: str) -> str:
    """The text, unless it holds control characters (a binary file)."""
    found = _CONTROL.search(text)
    if found:
        line = text.count("\n", 0, found.start()) + 1
        raise _FileProblem(
            line, "", f"control character {found.group()!r} found: this is not a text file"
        )
    return text


def _norm(name: str) -> str:
    return name.strip().lstrip("\ufeff").strip().casefold()


def _is_comment(cells: list[str]) -> bool:
    return bool(cells) and cells[0].strip().startswith("#")


def _is_blank(cells: list[str]) -> bool:
    return all(not c.strip() for c in cells)


def _delimiter(text: str, known: set[str]) -> str:
    """The separator that splits the header row into the most known column names."""
    header = ""
    for line in io.StringIO(text, newline=""):
        cells = line.strip().lstrip('"')
        if cells and not cells.startswith("#"):
            header = line
            break

    def score(d: str) -> tuple[int, int]:
        cells = next(csv.reader([header], delimiter=d), [])
        return sum(_norm(c) in known for c in cells), len(cells)

    return max(DELIMITERS, key=score)


def _rows(text: str, delimiter: str) -> list[tuple[int, list[str]]]:
    """Every CSV row with the file line it starts on."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows, done = [], 0
    try:
        for cells in reader:
            rows.append((done + 1, cells))
            done = reader.line_num
    except csv.Error as exc:
        raise _FileProblem(done + 1, "", f"cannot be read as CSV: {exc}") from None
    return rows


def answer_ids(questionnaire: Questionnaire) -> tuple[str, ...]:
    """The ids a file may answer: the statements, then an ambition per phase."""
    return (*questionnaire.statement_ids, *(ambition_id(p.id) for p in questionnaire.phases))


def _other_versions(questionnaire: Questionnaire) -> dict[str, tuple[int, ...]]:
    """Statement id -> the other versions of this questionnaire that have it (and this not)."""
    mine = set(questionnaire.statement_ids)
    found: dict[str, list[int]] = {}
    for qid, version in sorted(available_questionnaires()):
        if qid != questionnaire.id or version == questionnaire.version:
            continue
        try:
            other = questionnaire_for(qid, version)
        except (KeyError, QuestionnaireError):  # the app refuses to start on those anyway
            continue
        for sid in other.statement_ids:
            if sid not in mine:
                found.setdefault(sid, []).append(version)
    return {sid: tuple(v) for sid, v in found.items()}


def _unknown_statement(sid: str, questionnaire: Questionnaire, others: Mapping[str, tuple]) -> str:
    """Why a statement id is refused: another version's statement, or simply unknown."""
    versions = others.get(sid.casefold())
    if versions:
        listed = " and ".join(str(v) for v in versions)
        return (
            f"statement {sid!r} belongs to version {listed} of {questionnaire.id}; this round "
            f"uses version {questionnaire.version}: import the file into a round on version "
            f"{versions[-1]}, or leave this statement out"
        )
    return f"unknown statement id {sid!r} (the questionnaire export lists them)"


def _header(
    cells: list[str],
    line: int,
    statement_ids: tuple[str, ...],
    questionnaire: Questionnaire | None = None,
    others: Mapping[str, tuple[int, ...]] | None = None,
) -> tuple[str, list[str], list[ImportIssue]]:
    """The layout, the normalised column names and the problems of the header row."""
    names = [_norm(c) for c in cells]
    layout = LONG if {"statement_id", "value"} <= set(names) else WIDE
    if layout == LONG:
        allowed, unknown = set(LONG_COLUMNS) | set(IGNORED_LONG_COLUMNS), "unknown column"
    else:
        allowed = set(PERSON_COLUMNS) | set(statement_ids)
        unknown = "unknown statement id (the questionnaire export lists them)"
    issues = []
    for i, name in enumerate(names):
        if name and name in names[:i]:
            issues.append(ImportIssue(line, name, "this column appears twice"))
        elif name and name not in allowed:
            reason = unknown
            if layout == WIDE and questionnaire is not None and others and name in others:
                reason = _unknown_statement(name, questionnaire, others)
            issues.append(ImportIssue(line, cells[i].strip(), reason))
    issues += [
        ImportIssue(line, name, "this column is missing")
        for name in REQUIRED[layout]
        if name not in names
    ]
    if layout == WIDE and not set(names) & set(statement_ids):
        issues.append(ImportIssue(line, "", "no statement columns (statement ids as names)"))
    return layout, names, issues


# -- checking ------------------------------------------------------------------------------------
#
# Cells are factorised: the text rules (formula quote, spaces, case, lookups) run once per
# distinct text, and the checks are numpy operations on integer codes. A 10 MB file holds
# millions of cells but only a few dozen distinct texts. Issue texts are only made for the
# issues that are listed.

_NO_ANSWER, _BAD_ANSWER = 0, -1
_CODES = np.array(["", *ANSWER_CODES], dtype=object)  # answer index -> answer code
_ANSWER_INDEX = {code: i for i, code in enumerate(_CODES) if code}

# Given positions into the hits of one check: (column, reason) per position.
Describe = Callable[[np.ndarray], Iterable[tuple[str, str]]]


class _Issues:
    """The hits of the vectorised checks and the people they reject."""

    def __init__(self, people: int) -> None:
        self.rejected = np.zeros(people, dtype=bool)
        self.found: list[tuple[np.ndarray, Describe]] = []

    def add(self, lines: np.ndarray, people: np.ndarray, describe: Describe) -> None:
        """Hits at these file lines, rejecting these people."""
        if len(lines):
            self.rejected[people] = True
            self.found.append((np.asarray(lines), describe))

    @property
    def count(self) -> int:
        return sum(len(lines) for lines, _ in self.found)

    def listed(self, limit: int) -> tuple[ImportIssue, ...]:
        """The first `limit` issues by line, then in the order of the checks."""
        if not self.found:
            return ()
        lines = np.concatenate([lines for lines, _ in self.found])
        check = np.repeat(np.arange(len(self.found)), [len(x) for x, _ in self.found])
        position = np.concatenate([np.arange(len(x)) for x, _ in self.found])
        chosen = np.lexsort((position, check, lines))[:limit]
        texts: dict[tuple[int, int], tuple[str, str]] = {}
        for c in np.unique(check[chosen]):
            at = position[chosen][check[chosen] == c]
            described = self.found[c][1](at)
            texts |= {(int(c), int(p)): t for p, t in zip(at, described, strict=True)}
        return tuple(
            ImportIssue(int(lines[i]), *texts[(int(check[i]), int(position[i]))]) for i in chosen
        )


def _clean_text(text: str) -> str:
    """A cell without the export's formula quote and surrounding spaces."""
    return _FORMULA_QUOTE.sub("", text).strip()


def _factor(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Codes and cleaned distinct texts of some cells: cell i reads texts[codes[i]]."""
    codes, uniques = pd.factorize(values.ravel())
    texts = np.array([_clean_text(str(u)) for u in uniques], dtype=object)
    return codes.reshape(values.shape), texts


def _cleaned(values: np.ndarray) -> np.ndarray:
    """The cleaned text of every cell."""
    codes, texts = _factor(values)
    return texts[codes]


def _folded(values: np.ndarray) -> np.ndarray:
    """Integer codes, equal for cells whose cleaned texts differ only in case."""
    codes, texts = _factor(values)
    folded, _ = pd.factorize(np.array([t.casefold() for t in texts], dtype=object))
    return folded[codes]


def _resolve(values: np.ndarray, lookup: Mapping[str, Any]) -> tuple[np.ndarray, np.ndarray]:
    """Per cell: the looked-up value (None when unknown) and the cleaned text."""
    codes, texts = _factor(values)
    found = np.array([lookup.get(t.casefold()) for t in texts], dtype=object)
    return found[codes], texts[codes]


def _answer_codes(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per cell: the answer index (0 = empty, -1 = not an answer) and the cleaned text."""
    codes, texts = _factor(values)
    index = np.array(
        [_ANSWER_INDEX.get(t.casefold(), _BAD_ANSWER) if t else _NO_ANSWER for t in texts],
        dtype=np.int8,
    )
    return index[codes], texts[codes]


def _first_line(groups: np.ndarray, lines: np.ndarray) -> np.ndarray:
    """Per element: the first line of its group."""
    return pd.Series(lines).groupby(groups).transform("min").to_numpy()


@dataclass(frozen=True)
class _Grid:
    """The data rows: file lines, normalised column names, raw cells (rows x columns)."""

    lines: np.ndarray
    names: list[str]
    cells: np.ndarray
    extra: np.ndarray  # rows with text beyond the header or under a column without a name

    def has(self, name: str) -> bool:
        return name in self.names

    def column(self, name: str) -> np.ndarray:
        """The raw cells of a column; empty cells when the file has no such column."""
        if name not in self.names:
            return np.full(len(self.lines), "", dtype=object)
        return self.cells[:, self.names.index(name)]


def _grid(rows: list[tuple[int, list[str]]], names: list[str]) -> _Grid:
    """Rows padded or cut to the header's width, noting the rows that had more."""
    width = len(names)
    cells = np.empty((len(rows), width), dtype=object)
    cells[:] = [r if len(r) == width else (r + [""] * width)[:width] for _, r in rows]
    extra = np.array([any(c.strip() for c in r[width:]) for _, r in rows], dtype=bool)
    for i in (i for i, n in enumerate(names) if not n):
        extra |= _cleaned(cells[:, i]) != ""
    return _Grid(np.array([line for line, _ in rows]), names, cells, extra)


@dataclass(frozen=True)
class _People:
    """Per row of the file: the person it belongs to and what it says about them."""

    person: np.ndarray  # row -> person index (in a wide file every row is a person)
    labels: np.ndarray  # person -> label
    chain: np.ndarray  # row -> chain id, None when unknown
    role: np.ndarray  # row -> role id, None when unknown
    partner: np.ndarray  # row -> partner name ("" = own organisation), None when unknown

    def first_rows(self) -> np.ndarray:
        """Per person: the index of their first row."""
        first = np.empty(len(self.labels), dtype=np.int64)
        first[self.person[::-1]] = np.arange(len(self.person))[::-1]
        return first


def _lookups(workshop: Workshop) -> dict[str, dict[str, Any]]:
    """Case-insensitive maps: chain name -> id, role id or name -> id, partner -> name."""
    roles = {label.casefold(): r.id for r in workshop.roles for label in (r.nl, r.en)}
    return {
        "chain": {c.name.casefold(): c.id for c in workshop.chains},
        "role": roles | {r.id.casefold(): r.id for r in workshop.roles},  # ids win over names
        "partner": {p.casefold(): p for p in workshop.partners} | {"": ""},
    }


def _people(grid: _Grid, layout: str, workshop: Workshop) -> tuple[_People, _Issues]:
    """Who each row belongs to, and the issues about chain, role, partner and labels."""
    label = _cleaned(grid.column("participant"))
    if layout == LONG:
        person, uniques = pd.factorize(label)
        labels = np.asarray(uniques, dtype=object)
    else:
        person = np.arange(len(grid.lines))
        numbered = np.array([f"line {n}" for n in grid.lines], dtype=object)
        labels = np.where(label != "", label, numbered).astype(object)
    offered = {
        "chain": ", ".join(c.name for c in workshop.chains),
        "role": ", ".join(r.id for r in workshop.roles),
        "partner": ", ".join(workshop.partners) or "none",
    }
    issues = _Issues(len(labels))
    resolved = {}
    for column, lookup in _lookups(workshop).items():
        resolved[column], text = _resolve(grid.column(column), lookup)
        bad = np.flatnonzero(pd.isna(resolved[column]))

        def describe(at, column=column, text=text[bad]):
            return (
                (column, f"unknown {column} {t!r} (this workshop has: {offered[column]})")
                if t
                else (column, f"the {column} is empty")
                for t in text[at]
            )

        issues.add(grid.lines[bad], person[bad], describe)
    people = _People(person, labels, **resolved)
    if layout == LONG:
        empty = np.flatnonzero(label == "")
        issues.add(
            grid.lines[empty],
            person[empty],
            lambda at: [("participant", "the participant is empty")] * len(at),
        )
        _check_agreement(grid, people, issues)
    return people, issues


def _check_agreement(grid: _Grid, people: _People, issues: _Issues) -> None:
    """Every row of a long-file participant names the chain, role and partner of their first."""
    first = people.first_rows()[people.person]
    for column in ("chain", "role", "partner"):
        folded = _folded(grid.column(column))
        differs = np.flatnonzero(folded != folded[first])
        text = _cleaned(grid.column(column))
        who, was, line = (
            people.labels[people.person[differs]],
            text[first[differs]],
            grid.lines[first[differs]],
        )

        def describe(at, column=column, who=who, was=was, line=line):
            return (
                (column, f"participant {w!r} has {column} {t!r} on line {n}")
                for w, t, n in zip(who[at], was[at], line[at], strict=True)
            )

        issues.add(grid.lines[differs], people.person[differs], describe)


@dataclass(frozen=True)
class _Answers:
    """Every answer cell, flat: its row, statement index (-1 unknown), answer index, texts."""

    row: np.ndarray
    statement: np.ndarray
    statement_text: np.ndarray
    answer: np.ndarray
    answer_text: np.ndarray
    column: np.ndarray  # the column name to report: the statement id (wide) or "value"


def _answers(grid: _Grid, layout: str, statement_ids: tuple[str, ...]) -> _Answers:
    """The answer cells of a wide or long file."""
    index = {sid: i for i, sid in enumerate(statement_ids)}
    if layout == LONG:
        sid_text = _cleaned(grid.column("statement_id"))
        found = np.array([index.get(t.casefold(), -1) for t in sid_text], dtype=np.int32)
        answer, text = _answer_codes(grid.column("value"))
        rows = np.arange(len(grid.lines))
        column = np.full(len(rows), "value", dtype=object)
        return _Answers(rows, found, sid_text, answer, text, column)
    present = [i for i, n in enumerate(grid.names) if n in index]
    ids = np.array([grid.names[i] for i in present], dtype=object)
    answer, text = _answer_codes(grid.cells[:, present])
    n_rows, n_cols = answer.shape
    return _Answers(
        row=np.repeat(np.arange(n_rows), n_cols),
        statement=np.tile(np.array([index[s] for s in ids], dtype=np.int32), n_rows),
        statement_text=np.tile(ids, n_rows),
        answer=answer.ravel(),
        answer_text=text.ravel(),
        column=np.tile(ids, n_rows),
    )


def _check_answers(
    grid: _Grid,
    people: _People,
    cells: _Answers,
    issues: _Issues,
    questionnaire: Questionnaire,
    others: Mapping[str, tuple[int, ...]],
) -> None:
    """Values in the answer set, known statement ids, answers only to statements the role is
    shown, at least one answer per person."""
    lines, person = grid.lines[cells.row], people.person[cells.row]
    bad = np.flatnonzero(cells.answer == _BAD_ANSWER)
    issues.add(
        lines[bad],
        person[bad],
        lambda at: (
            (c, f"{t.casefold()!r} is not an answer: use 1 to 5, dk, na or leave it empty")
            for c, t in zip(cells.column[bad][at], cells.answer_text[bad][at], strict=True)
        ),
    )
    unknown = np.flatnonzero(cells.statement < 0)
    issues.add(
        lines[unknown],
        person[unknown],
        lambda at: (
            ("statement_id", _unknown_statement(t, questionnaire, others or {}))
            if t
            else ("statement_id", "the statement id is empty")
            for t in cells.statement_text[unknown][at]
        ),
    )
    _check_routing(grid, people, cells, issues, questionnaire)
    given = np.bincount(person[cells.answer != _NO_ANSWER], minlength=len(people.labels))
    nobody = np.flatnonzero(given == 0)
    first_line = grid.lines[people.first_rows()[nobody]]
    issues.add(first_line, nobody, lambda at: [("", "no answers")] * len(at))


def _check_long_repeats(grid: _Grid, people: _People, cells: _Answers, issues: _Issues) -> None:
    """The same participant and statement twice in a long file."""
    lines, person = grid.lines[cells.row], people.person[cells.row]
    pair = person.astype(np.int64) * (int(cells.statement.max(initial=0)) + 2) + cells.statement
    repeat = np.flatnonzero(pd.Series(pair).duplicated().to_numpy() & (cells.statement >= 0))
    first = _first_line(pair, lines)[repeat]
    issues.add(
        lines[repeat],
        person[repeat],
        lambda at: (
            ("statement_id", f"participant {w!r} answers {s!r} again (first on line {n})")
            for w, s, n in zip(
                people.labels[person[repeat][at]],
                cells.statement_text[repeat][at],
                first[at],
                strict=True,
            )
        ),
    )


def _check_wide_repeats(grid: _Grid, people: _People, cells: _Answers, issues: _Issues) -> None:
    """A participant label used twice, or (without labels) a row typed in twice."""
    labelled = grid.has("participant")
    if labelled:
        label = _cleaned(grid.column("participant"))
        keys = np.where(label != "", pd.factorize(label)[0], -1 - np.arange(len(label)))
    else:
        role = pd.factorize(np.where(pd.isna(people.role), "?", people.role).astype(str))[0]
        answers = cells.answer.reshape(len(grid.lines), -1)
        parts = [_folded(grid.column("chain")), _folded(grid.column("partner")), role]
        content = pd.DataFrame(np.column_stack([*parts, answers]))
        keys = pd.util.hash_pandas_object(content, index=False).to_numpy()
    group = pd.factorize(keys)[0]
    repeat = np.flatnonzero(pd.Series(group).duplicated().to_numpy())
    first = _first_line(group, grid.lines)[repeat]
    issues.add(
        grid.lines[repeat],
        people.person[repeat],
        lambda at: (
            ("participant", f"participant {lab!r} appears again (first on line {n})")
            if labelled
            else ("", f"the same as line {n} (entered twice?)")
            for lab, n in zip(people.labels[repeat][at], first[at], strict=True)
        ),
    )


_SCALE = np.array([code.isdigit() for code in _CODES])  # answer index -> a 1..5 value


def _check_routing(
    grid: _Grid, people: _People, cells: _Answers, issues: _Issues, q: Questionnaire
) -> None:
    """Answers only to statements the person's role kind is shown; ambitions only 1 to 5."""
    ids = answer_ids(q)
    n_statements = len(q.statement_ids)
    given = np.flatnonzero((cells.answer > 0) & (cells.statement >= 0))
    rows = cells.row[given]
    lines, person = grid.lines[rows], people.person[rows]
    ambition = cells.statement[given] >= n_statements
    wrong = np.flatnonzero(ambition & ~_SCALE[cells.answer[given]])
    issues.add(
        lines[wrong],
        person[wrong],
        lambda at: (
            (c, f"an ambition is 1 to 5, not {_CODES[a]!r}")
            for c, a in zip(
                cells.column[given][wrong][at], cells.answer[given][wrong][at], strict=True
            )
        ),
    )
    if not q.routed:
        return
    # Per distinct (role, partner): the statements its kind is shown (roles resolved; rows
    # with an unknown role or partner already have an issue of their own).
    role, partner = people.role[rows], people.partner[rows]
    known = np.flatnonzero(~ambition & ~pd.isna(role) & ~pd.isna(partner))
    pairs = pd.MultiIndex.from_arrays(
        [role[known].astype(str), partner[known].astype(str)], names=["role", "partner"]
    )
    uniques = pairs.unique()
    kinds = [role_kind(r, p) for r, p in uniques]
    shown = np.array(
        [[s.shown_to(kind) for s in q.statements] for kind in kinds], dtype=bool
    ).reshape(len(kinds), n_statements)
    which = uniques.get_indexer(pairs)
    statement = cells.statement[given][known]
    hidden = known[~shown[which, statement]] if len(known) else known
    kind_of = np.array(kinds, dtype=object)[which] if len(known) else np.array([], dtype=object)
    kind_by_row = dict(zip(known.tolist(), kind_of.tolist(), strict=True))
    issues.add(
        lines[hidden],
        person[hidden],
        lambda at: (
            (
                c,
                f"statement {ids[sid]!r} is not asked of this role ({r!r}, role kind "
                f"{kind_by_row[h]!r}): the scan does not show it to them",
            )
            for c, sid, r, h in zip(
                cells.column[given][hidden][at],
                cells.statement[given][hidden][at],
                role[hidden][at],
                hidden[at],
                strict=True,
            )
        ),
    )


def _participants(
    grid: _Grid, people: _People, cells: _Answers, statement_ids: tuple[str, ...], rejected
) -> tuple[ImportedParticipant, ...]:
    """The participants without issues, in file order, with their given answers."""
    person = people.person[cells.row]
    keep = np.flatnonzero((cells.answer > 0) & ~rejected[person])
    keep = keep[np.argsort(person[keep], kind="stable")]
    owners = person[keep]
    sids = np.array(statement_ids, dtype=object)[cells.statement[keep]].tolist()
    values = _CODES[cells.answer[keep]].tolist()
    cut = np.flatnonzero(owners[1:] != owners[:-1]) + 1
    spans = zip(np.r_[0, cut], np.r_[cut, len(keep)], strict=True) if len(keep) else ()
    answers = {int(owners[a]): dict(zip(sids[a:b], values[a:b], strict=True)) for a, b in spans}
    first = people.first_rows()
    return tuple(
        ImportedParticipant(
            line=int(grid.lines[first[p]]),
            label=str(people.labels[p]),
            chain_id=int(people.chain[first[p]]),
            role=str(people.role[first[p]]),
            partner=str(people.partner[first[p]]),
            answers=answers.get(int(p), {}),
        )
        for p in np.argsort(first, kind="stable")
        if not rejected[p]
    )


def validate(data: bytes, workshop: Workshop, questionnaire: Questionnaire) -> ImportReport:
    """Read and check a whole import file for one workshop; nothing is written."""
    found: dict = {"workshop_id": workshop.id}
    try:
        return _validate(data, workshop, questionnaire, found)
    except _FileProblem as exc:
        return ImportReport(**found, issues=(exc.issue,), issue_count=1, fatal=True)


def _validate(
    data: bytes, workshop: Workshop, questionnaire: Questionnaire, found: dict
) -> ImportReport:
    statement_ids = answer_ids(questionnaire)
    others = _other_versions(questionnaire)
    if len(data) > MAX_IMPORT_BYTES:
        raise _FileProblem(0, "", _too_large(len(data), MAX_IMPORT_BYTES))
    text, found["encoding"] = _decode(data)
    if not text.strip():
        raise _FileProblem(0, "", "the file is empty")
    known = set(LONG_COLUMNS) | set(IGNORED_LONG_COLUMNS) | set(statement_ids)
    found["delimiter"] = _delimiter(text, known)
    rows = [r for r in _rows(text, found["delimiter"]) if not _is_blank(r[1])]
    rows = [r for r in rows if not _is_comment(r[1])]
    if not rows:
        raise _FileProblem(0, "", "the file has no header row, only # comments")
    header_line, header = rows[0]
    layout, names, header_issues = _header(
        header, header_line, statement_ids, questionnaire, others
    )
    found["layout"] = layout
    if header_issues:
        return ImportReport(
            **found, issues=tuple(header_issues), issue_count=len(header_issues), fatal=True
        )
    if len(rows) == 1:
        raise _FileProblem(0, "", "the file has a header but no rows of answers")
    grid = _grid(rows[1:], names)
    codes = sorted(set(_cleaned(grid.column("workshop_code"))) - {""})
    if len(codes) > 1:
        raise _FileProblem(
            0,
            "workshop_code",
            f"the file holds answers of {len(codes)} workshops ({', '.join(codes[:5])}): "
            "import one workshop at a time",
        )
    people, issues = _people(grid, layout, workshop)
    extra = np.flatnonzero(grid.extra)
    issues.add(
        grid.lines[extra],
        people.person[extra],
        lambda at: [("", f"more cells than the header has columns ({len(header)})")] * len(at),
    )
    cells = _answers(grid, layout, statement_ids)
    _check_answers(grid, people, cells, issues, questionnaire, others)
    repeats = _check_long_repeats if layout == LONG else _check_wide_repeats
    repeats(grid, people, cells, issues)
    participants = _participants(grid, people, cells, statement_ids, issues.rejected)
    return ImportReport(
        **found,
        rows=len(grid.lines),
        rows_ok=int((~issues.rejected[people.person]).sum()),
        issues=issues.listed(MAX_LISTED_ISSUES),
        issue_count=issues.count,
        participants=participants,
    )


# -- writing -------------------------------------------------------------------------------------


def apply(
    store: Store, workshop: Workshop, report: ImportReport, mode: str = ALL_OR_NOTHING
) -> int:
    """Write the report's valid participants in one transaction; return the answers written."""
    if mode not in MODES:
        raise ValueError(f"unknown import mode {mode!r}; choose from {', '.join(MODES)}")
    if report.workshop_id != workshop.id:
        raise ValueError("this report was made for another workshop")
    if mode == ALL_OR_NOTHING and not report.ok:
        raise ImportRefused(f"nothing written: {report.summary()}")
    if not report.participants:
        return 0
    finished = now_iso()
    items = [
        {
            "chain_id": p.chain_id,
            "role": p.role,
            "partner": p.partner,
            "answers": dict(p.answers),
            "finished_at": finished,
        }
        for p in report.participants
    ]
    return store.load_finished_participants(workshop, items)


# -- the template --------------------------------------------------------------------------------

_TEMPLATE_TEXT = {
    "nl": {
        "statements": "# Stelling (de kolomnaam is de id van de stelling)",
        "chains": "# Ketens: {}",
        "roles": "# Rollen (id of naam): {}",
        "partners": "# Partnerorganisaties (leeg = eigen organisatie): {}",
        "values": "# Antwoorden: {}; leeg = geen antwoord",
        "ambition": "Ambitie over 12 maanden: {}",
        "ambitions": "# Ambitie-kolommen (ambition-...): 1 tot 5 voor waar de fase over 12 "
        "maanden moet staan; leeg = geen ambitie",
        "how": "# Eén regel per deelnemer. Regels die met # beginnen worden overgeslagen.",
    },
    "en": {
        "statements": "# Statement (the column name is the statement's id)",
        "chains": "# Chains: {}",
        "roles": "# Roles (id or name): {}",
        "partners": "# Partner organisations (empty = own organisation): {}",
        "values": "# Answers: {}; empty = no answer",
        "ambition": "Ambition in 12 months: {}",
        "ambitions": "# Ambition columns (ambition-...): 1 to 5 for where the phase should be "
        "in 12 months; empty = no ambition",
        "how": "# One row per participant. Rows starting with # are skipped.",
    },
}


def template_csv(workshop: Workshop, questionnaire: Questionnaire, lang: str = "nl") -> bytes:
    """An empty wide import file for this workshop, with # rows that explain what to fill in."""
    lang = lang if lang in _TEMPLATE_TEXT else "nl"
    text = _TEMPLATE_TEXT[lang]
    roles = " | ".join(f"{r.id} = {r.label(lang)}" for r in workshop.roles)
    values = ", ".join(f"{o.code} = {o.label.get(lang)}" for o in questionnaire.options)
    ambitions = [text["ambition"].format(p.name.get(lang)) for p in questionnaire.phases]
    lines = [
        [*PERSON_COLUMNS[1:], *answer_ids(questionnaire)],
        [
            text["statements"],
            "",
            "",
            *(s.text.get(lang) for s in questionnaire.statements),
            *ambitions,
        ],
        [text["chains"].format(" | ".join(c.name for c in workshop.chains))],
        [text["roles"].format(roles)],
        [text["partners"].format(" | ".join(workshop.partners) or "-")],
        [text["values"].format(values)],
        [text["ambitions"]],
        [text["how"]],
    ]
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=TEMPLATE_DELIMITER[lang], lineterminator="\r\n")
    writer.writerows([neutral(c) for c in row] for row in lines)
    return codecs.BOM_UTF8 + buffer.getvalue().encode("utf-8")

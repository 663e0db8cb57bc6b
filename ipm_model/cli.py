"""Command line for administrators and scripts: `python -m ipm_model --help`."""

from __future__ import annotations

import argparse
import sys
import textwrap
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from ipm_model.demo import DEMO_CODE, DemoExists, create_demo
from ipm_model.exports import (
    DATA_KINDS,
    KINDS,
    SCORE_COLUMNS,
    ExportError,
    columns_help,
    export_frame,
    questionnaire_frame,
    to_csv,
    to_xlsx,
    workshop_questionnaire,
)
from ipm_model.importer import (
    ALL_OR_NOTHING,
    MAX_IMPORT_BYTES,
    VALID_ROWS,
    ImportTooLarge,
    apply,
    read_upload,
    template_csv,
    validate,
)
from ipm_model.questionnaire import QuestionnaireError, default_questionnaire, load_questionnaire
from ipm_model.store import NotAllowed, Store, StoreError, Workshop

__all__ = ["SCORE_COLUMNS", "main"]  # SCORE_COLUMNS: kept here for scripts that import it

EXPORT_CHOICES = (*KINDS, "all")
IMPORT_MODES = {"all": ALL_OR_NOTHING, "valid": VALID_ROWS}

SCORE_RULES = (
    "scores follow the app's rules: a phase score needs 60% of the phase's statements "
    "answered 1-5; a chain with fewer finished participants than the workshop's minimum "
    "group size is suppressed (suppressed=true: counts only, no mean, sd or rates); a mean "
    "and sd need at least that many people with a phase score, otherwise they are empty "
    "(not enough answers). Rates are shares of the phase's answer slots (participants x "
    "statements). Chains without finished participants have no rows."
)
EXPORT_NOTES = (
    "CSV is UTF-8, comma-separated, with a header row. xlsx is one Excel workbook with a "
    "sheet per kind (all: answers, scores, comments, actions) and a sheet 'columns' that "
    "explains them; it needs --out. Text cells starting with = + - @, a tab or a carriage "
    "return get a single quote in front, in CSV and xlsx alike, so a spreadsheet does not "
    "run them as formulas. Comments only come from chains with at least the workshop's "
    "minimum group size of finished participants, without participant ids, ordered by "
    "phase and text."
)
IMPORT_NOTES = (
    "FILE is a CSV file in one of two layouts, told apart by the header. Wide: one row per "
    "participant with the columns chain, role, partner (optional), participant (optional "
    "label) and one column per statement id (see 'export questionnaire' or 'import "
    "template'). Long: one row per answer with the columns participant, chain, role, "
    "partner (optional), statement_id, value; an answers export of one workshop can be "
    "imported as it is. Values: 1-5, dk, na or empty. Chains, roles (id, Dutch or English "
    "name) and partners must be the workshop's, matched case-insensitively. Rows whose first "
    "cell starts with # and blank rows are skipped. Accepted: UTF-8 (with or without BOM), "
    f"UTF-16 with BOM, Windows-1252; comma, semicolon or tab; at most {MAX_IMPORT_BYTES // 2**20} "
    "MB. The whole file is checked first and every issue is listed with its line (1-based, "
    "header included). "
    "--mode all (default) writes nothing when there is any issue; --mode valid writes the "
    "participants without issues (a participant with an issue is skipped as a whole). Either "
    "way in one transaction. Exit status: 0 when written (or, with --dry-run, when it would "
    "be), 1 when there are issues and nothing would be written (always so with --mode all), "
    "2 when the database cannot be used."
)


def _paragraphs(*texts: str) -> str:
    """Wrapped paragraphs for a raw-formatted help text."""
    return "\n\n".join(textwrap.fill(t, width=88) for t in texts)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m ipm_model",
        description="iPM Ketenscan administration: demo data, questionnaire checks, exports "
        "and imports.",
    )
    parser.add_argument(
        "--db",
        help="database file (default: the IPM_DB environment variable, else data/ipm-ketenscan.db)",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    demo = sub.add_parser(
        "demo",
        help="create the demo organisation, its history and its open workshop DEMO",
        description="Create the demo organisation with four chains, four closed rounds over "
        "the last 18 months (the same every time) and the open workshop DEMO, dated today.",
    )
    demo.add_argument("--reset", action="store_true", help="delete and recreate the demo")
    demo.add_argument(
        "--no-history",
        action="store_true",
        help="only the chains and the open workshop, without the closed rounds",
    )

    check = sub.add_parser(
        "check",
        help="validate a questionnaire file",
        description="Validate a questionnaire file. Exit status 0 when valid, 1 otherwise.",
    )
    check.add_argument("file", help="the questionnaire file (TOML)")

    export = sub.add_parser(
        "export",
        help="export data as CSV or Excel",
        description="Export data as CSV (to standard output or a file) or as an Excel workbook.",
        epilog=_paragraphs(SCORE_RULES, EXPORT_NOTES) + "\n\nColumns\n\n" + columns_help(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    export.add_argument(
        "what",
        choices=EXPORT_CHOICES,
        help="what to export; all = answers, scores, comments and actions in one workbook "
        "(xlsx only). The columns of each are listed below.",
    )
    export.add_argument("--format", choices=("csv", "xlsx"), default="csv", help="output format")
    export.add_argument(
        "--workshop",
        metavar="CODE",
        help="only this workshop (for questionnaire: the questionnaire it uses)",
    )
    export.add_argument("--out", metavar="FILE", help="write to FILE instead of standard output")

    imp = sub.add_parser(
        "import",
        help="import answers collected on paper or in another survey tool",
        description="Import answers from a CSV file into one workshop, or write a template.",
    )
    imp_sub = imp.add_subparsers(dest="what", required=True, metavar="WHAT")
    answers = imp_sub.add_parser(
        "answers",
        help="check a CSV file of answers and write it into a workshop",
        description=_paragraphs(
            "Check a CSV file of answers as a whole, print the report and write the valid "
            "participants into the workshop."
        ),
        epilog=_paragraphs(IMPORT_NOTES),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    answers.add_argument("file", metavar="FILE", help="the CSV file")
    answers.add_argument("--workshop", metavar="CODE", required=True, help="the target workshop")
    answers.add_argument(
        "--mode",
        choices=tuple(IMPORT_MODES),
        default="all",
        help="all: nothing unless the whole file is valid (default); valid: the valid "
        "participants, skipping the others",
    )
    answers.add_argument(
        "--dry-run", action="store_true", help="only check the file and print the report"
    )
    template = imp_sub.add_parser(
        "template",
        help="write an empty import file (wide layout) for a workshop",
        description=_paragraphs(
            "Write an empty wide import file for a workshop: a header with the statement ids "
            "in questionnaire order and # rows that explain what to fill in (UTF-8 with BOM; "
            "semicolons for nl, commas for en, as Excel expects)."
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    template.add_argument("--workshop", metavar="CODE", required=True, help="the workshop")
    template.add_argument("--lang", choices=("nl", "en"), default="nl", help="language")
    template.add_argument("--out", metavar="FILE", help="write to FILE instead of standard output")

    report = sub.add_parser(
        "report",
        help="write the report of a round as HTML (A4, offline) or PowerPoint",
        description=_paragraphs(
            "Write the report of one round: per chain the radar, the comparison with the "
            "previous round, the agenda for the chain conversation, the handvatten and the "
            "actions. HTML is one self-contained file that works offline and prints on A4; "
            "pptx is an editable PowerPoint deck for the management team. Groups below the "
            "workshop's minimum group size are left out."
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    report.add_argument("--workshop", metavar="CODE", required=True, help="the round's code")
    report.add_argument("--chain", type=int, metavar="ID", help="only this chain (its id)")
    report.add_argument("--format", choices=("html", "pptx"), default="html", help="format")
    report.add_argument("--lang", choices=("nl", "en"), default="nl", help="language")
    report.add_argument("--out", metavar="FILE", required=True, help="the file to write")
    return parser


def main(argv: Sequence[str] | None = None, stdout: TextIO | None = None) -> int:
    """Run the command line; return the exit status."""
    out = stdout or sys.stdout
    args = _parser().parse_args(argv)
    try:
        if args.command == "check":
            return _check(args.file, out)
        if args.command == "demo":
            return _demo(args, out)
        if args.command == "export":
            return _export(args, out)
        if args.command == "import":
            return _import(args, out)
        if args.command == "report":
            return _report(args, out)
    except StoreError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except QuestionnaireError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 2  # pragma: no cover - argparse enforces the commands


def _report(args: argparse.Namespace, out: TextIO) -> int:
    from ipm_model.report import build_report  # loads the chart renderer only when needed

    store = Store.from_env(args.db)
    try:
        data = build_report(store, args.workshop, args.chain, args.format, args.lang)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    Path(args.out).write_bytes(data)
    print(f"Report written: {args.out} ({len(data):,} bytes)", file=out)
    return 0


def _check(file: str, out: TextIO) -> int:
    try:
        q = load_questionnaire(file)
    except QuestionnaireError as exc:
        print(f"invalid: {exc}", file=sys.stderr)
        return 1
    print(
        f"valid: {Path(file).name}: {q.id} version {q.version}, {len(q.phases)} phases, "
        f"{len(q.statements)} statements",
        file=out,
    )
    return 0


def _demo(args: argparse.Namespace, out: TextIO) -> int:
    store = Store.from_env(args.db)
    try:
        result = create_demo(
            store, default_questionnaire(), reset=args.reset, history=not args.no_history
        )
    except DemoExists as exc:
        print(f"The demo already exists ({exc}). Use --reset to recreate it.", file=sys.stderr)
        return 1
    w = result.workshop
    print(
        f"Demo ready: workshop {w.code} '{w.title}' with {len(w.chains)} chains. "
        f"Open the app and go to /?code={DEMO_CODE}",
        file=out,
    )
    if result.history:
        print(
            f"History: {len(result.history)} closed rounds "
            f"({', '.join(w.date for w in result.history)}), "
            f"{result.history_answers:,} answers.",
            file=out,
        )
    return 0


def _workshop(store: Store, code: str) -> Workshop | None:
    """The workshop with this code, or None after saying so on standard error."""
    workshop = store.workshop_by_code(code)
    if workshop is None:
        print(f"error: no workshop with the code {code!r}", file=sys.stderr)
    return workshop


def _write(data: bytes, path: str | None, out: TextIO) -> None:
    """Bytes to a file, or as text to standard output."""
    if path:
        Path(path).write_bytes(data)
    else:
        out.write(data.decode("utf-8-sig"))


def _export(args: argparse.Namespace, out: TextIO) -> int:
    if args.what == "all" and args.format != "xlsx":
        print("error: export all makes one workbook: use --format xlsx --out FILE", file=sys.stderr)
        return 2
    if args.format == "xlsx" and not args.out:
        print("error: --format xlsx writes a workbook: add --out FILE", file=sys.stderr)
        return 2
    workshop = None
    if args.what != "questionnaire" or args.workshop:
        store = Store.from_env(args.db)
        if args.workshop and (workshop := _workshop(store, args.workshop)) is None:
            return 1
    if args.what == "questionnaire":
        q = workshop_questionnaire(workshop) if workshop else default_questionnaire()
        frames = {"questionnaire": questionnaire_frame(q)}
    else:
        workshops = [workshop] if workshop else None
        kinds = DATA_KINDS if args.what == "all" else (args.what,)
        # Everything is computed before writing, so an error leaves no half-written file.
        frames = {kind: export_frame(store, kind, workshops) for kind in kinds}
    try:
        data = to_xlsx(frames) if args.format == "xlsx" else to_csv(next(iter(frames.values())))
    except ExportError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    _write(data, args.out, out)
    return 0


def _import(args: argparse.Namespace, out: TextIO) -> int:
    store = Store.from_env(args.db)
    workshop = _workshop(store, args.workshop)
    if workshop is None:
        return 1
    q = workshop_questionnaire(workshop)
    if args.what == "template":
        _write(template_csv(workshop, q, args.lang), args.out, out)
        return 0
    try:
        data = read_upload(args.file)
    except (ImportTooLarge, OSError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else str(exc)
        print(f"error: {args.file}: {reason}", file=sys.stderr)
        return 1
    report = validate(data, workshop, q)
    print(
        f"Import of {Path(args.file).name} into workshop {workshop.code} ({workshop.title})",
        file=out,
    )
    print(report.describe(), file=out)
    mode = IMPORT_MODES[args.mode]
    writable = bool(report.participants) and (report.ok or mode == VALID_ROWS)
    if not writable:
        hint = " Fix the issues, or use --mode valid." if report.participants else ""
        print(f"Nothing written.{hint}" if report.issue_count else "Nothing to write.", file=out)
    elif args.dry_run:
        print(
            f"Dry run: would write {len(report.participants)} participants "
            f"({report.answers} answers); nothing written.",
            file=out,
        )
    else:
        try:
            written = apply(store, workshop, report, mode)
        except NotAllowed as exc:  # the workshop changed since the check: nothing was written
            print(f"error: nothing written: {exc}", file=sys.stderr)
            return 1
        print(f"Written: {len(report.participants)} participants, {written} answers.", file=out)
    return 0 if writable else 1

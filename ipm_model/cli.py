"""Command line for administrators and scripts: `python -m ipm_model --help`."""

from __future__ import annotations

import argparse
import os
import sys
import textwrap
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from ipm_model.model import Workshop
    from ipm_model.storage.copy import CopyReport
    from ipm_model.storage.store import Store

# Only the standard library here: `--help`, `list` and `check` must start fast (see
# bench/bench_cli.py). Each command imports what it needs (pandas, openpyxl, sqlite-utils,
# the chart renderer) when it runs.

# The kinds of ipm_model.exports.KINDS plus "all" (a test keeps both equal).
EXPORT_CHOICES = ("questionnaire", "answers", "scores", "comments", "actions", "all")
IMPORT_MODES = ("all", "valid")
LIST_FORMATS = ("table", "csv", "json")


def __getattr__(name: str) -> object:
    """SCORE_COLUMNS: kept here for scripts that import it (loads the exports on use)."""
    if name == "SCORE_COLUMNS":
        from ipm_model.exports import SCORE_COLUMNS

        return SCORE_COLUMNS
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


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


def _import_notes() -> str:
    from ipm_model.importer import MAX_IMPORT_BYTES

    return IMPORT_NOTES.replace("{MB}", str(MAX_IMPORT_BYTES // 2**20))


IMPORT_NOTES = (
    "FILE is a CSV file in one of two layouts, told apart by the header. Wide: one row per "
    "participant with the columns chain, role, partner (optional), participant (optional "
    "label) and one column per statement id (see 'export questionnaire' or 'import "
    "template'). Long: one row per answer with the columns participant, chain, role, "
    "partner (optional), statement_id, value; an answers export of one workshop can be "
    "imported as it is. Values: 1-5, dk, na or empty. Chains, roles (id, Dutch or English "
    "name) and partners must be the workshop's, matched case-insensitively. Rows whose first "
    "cell starts with # and blank rows are skipped. Accepted: UTF-8 (with or without BOM), "
    "UTF-16 with BOM, Windows-1252; comma, semicolon or tab; at most {MB} "
    "MB. The whole file is checked first and every issue is listed with its line (1-based, "
    "header included). "
    "--mode all (default) writes nothing when there is any issue; --mode valid writes the "
    "participants without issues (a participant with an issue is skipped as a whole). Either "
    "way in one transaction. Exit status: 0 when written (or, with --dry-run, when it would "
    "be), 1 when there are issues and nothing would be written (always so with --mode all), "
    "2 when the database cannot be used."
)


MIGRATE_NOTES = (
    "The target is written in one transaction: it gets everything or nothing. Rows the "
    "target already holds unchanged are skipped, so running migrate again copies nothing "
    "twice, only rows added to the source since. A row whose key the target holds with "
    "other content is a conflict: nothing is written; the target then holds other data "
    "(or the row changed since the last run), so migrate into an empty database. Two "
    "migrate runs at once wait for each other. Stop the "
    "app (or keep it from writing) while copying, and point IPM_DB at the target afterwards. "
    "Opening the target creates the app's tables in it when it has none, also with --dry-run. "
    "Exit status: 0 when copied and verified (with --dry-run: when the copy would work), 1 "
    "on a conflict or when the check after the copy fails, 2 when a database cannot be used."
)


def _paragraphs(*texts: str) -> str:
    """Wrapped paragraphs for a raw-formatted help text."""
    return "\n\n".join(textwrap.fill(t, width=88) for t in texts)


class _Parser(argparse.ArgumentParser):
    """An argument parser whose epilog may be computed when help is shown (`lazy_epilog`),
    so building the parser imports nothing heavy."""

    lazy_epilog = None

    def format_help(self) -> str:
        if self.lazy_epilog is not None:
            self.epilog = self.lazy_epilog()
        return super().format_help()


def _export_epilog() -> str:
    from ipm_model.exports import columns_help

    return _paragraphs(SCORE_RULES, EXPORT_NOTES) + "\n\nColumns\n\n" + columns_help()


class _Skipped:
    """Stands in for the parser of a command this run does not use: every call is a no-op."""

    def __getattr__(self, name: str) -> Any:
        return self._absorb

    def _absorb(self, *args: Any, **kwargs: Any) -> _Skipped:
        return self


class _OneCommand:
    """The commands' subparsers, built for `only` alone when a run names its command (an
    argparse parser costs about a millisecond each; --help and errors get them all)."""

    def __init__(self, sub: Any, only: str | None):
        self._sub, self._only = sub, only

    def add_parser(self, name: str, **kwargs: Any) -> Any:
        if self._only is None or name == self._only:
            return self._sub.add_parser(name, **kwargs)
        return _Skipped()


COMMANDS = (
    "demo",
    "check",
    "export",
    "import",
    "report",
    "migrate",
    "links",
    "list",
    "backup",
    "restore",
    "delete",
    "retention",
    "audit",
)


def _command_in(argv: Sequence[str]) -> str | None:
    """The command `argv` names after the global --db option, or None when unclear."""
    rest = list(argv)
    while rest and rest[0].startswith("--db"):
        rest = rest[1:] if "=" in rest[0] else rest[2:]
    return rest[0] if rest and rest[0] in COMMANDS else None


def _parser(only: str | None = None) -> argparse.ArgumentParser:
    """The command line's parser; `only`: build just that command's parser (see _OneCommand)."""
    parser = _Parser(
        prog="python -m ipm_model",
        description="iPM Ketenscan administration: lists, demo data, questionnaire checks, "
        "exports, imports, reports, links, backups, erasure, retention and the audit log.",
    )
    parser.add_argument(
        "--db",
        help="SQLite database file or postgresql://user:password@host:port/database URL "
        "(default: the IPM_DB environment variable, else data/ipm-ketenscan.db)",
    )
    sub = _OneCommand(parser.add_subparsers(dest="command", required=True, metavar="COMMAND"), only)

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
    demo.add_argument(
        "--simulated",
        type=int,
        default=0,
        metavar="N",
        help="N finished simulated participants per chain in DEMO, labelled as such, so a "
        "visitor alone sees a group (the hosted demo uses 5; default 0)",
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
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    export.lazy_epilog = _export_epilog
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
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    answers.lazy_epilog = lambda: _paragraphs(_import_notes())
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

    migrate = sub.add_parser(
        "migrate",
        help="copy the whole database to PostgreSQL and verify the copy",
        description=_paragraphs(
            "Copy every organisation, chain, workshop, participant, answer, comment and "
            "action of the database (--db, IPM_DB or the default file) to another database, "
            "usually PostgreSQL, keeping their ids, tokens and codes; then check that the "
            "target holds every row. Prints the number of rows per table: in the source, in "
            "the target before, copied, and in the target after."
        ),
        epilog=_paragraphs(MIGRATE_NOTES),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    migrate.add_argument(
        "--to",
        metavar="URL",
        required=True,
        help="the target: postgresql://user:password@host:port/database (a SQLite file "
        "works too, e.g. for a copy)",
    )
    migrate.add_argument(
        "--dry-run",
        action="store_true",
        help="do the whole copy but roll it back: checks every rule, writes nothing",
    )
    links = sub.add_parser(
        "links",
        help="list, revoke or renew facilitator and results links",
        description=_paragraphs(
            "Facilitator links (/console?f=..., one per workshop) and results links "
            "(/results?r=..., one per organisation). A link stops working IPM_LINK_DAYS days "
            "(default 90; 0: never) after the later of its creation and the close of its "
            "round (for a results link: the organisation's last round); never while that "
            "round (any round of the organisation) is open. Revoke stops a link for good; "
            "rotate gives a new link and stops the old one (also a revoked one)."
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    links_sub = links.add_subparsers(dest="what", required=True, metavar="WHAT")
    listing = links_sub.add_parser(
        "list", help="every link: kind, owner, status, until when (tokens shortened)"
    )
    listing.add_argument("--organisation", metavar="NAME", help="only this organisation")
    for name, text in (
        ("revoke", "stop a link for good (whoever uses it is told it was revoked)"),
        ("rotate", "make a new link; the old one stops working; prints the new link"),
    ):
        step = links_sub.add_parser(name, help=text, description=text)
        owner = step.add_mutually_exclusive_group(required=True)
        owner.add_argument("--workshop", metavar="CODE", help="the facilitator link of a workshop")
        owner.add_argument(
            "--organisation", metavar="NAME", help="the results link of an organisation"
        )
        if name == "rotate":
            step.add_argument(
                "--base-url",
                default="",
                metavar="URL",
                help="the app's address, e.g. https://scan.example.org, to print a whole link",
            )
    listing = sub.add_parser(
        "list",
        help="list organisations, workshops (open ones too) or links",
        description=_paragraphs(
            "List what the database holds. organisations: id, name, demo, workshops, open "
            "workshops, participants, created. workshops (newest first, open ones and ones "
            "without answers too): code, date, title, organisation, state, participants, "
            "finished, answers. links: kind, owner, status, until, token (shortened)."
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    listing.add_argument("what", choices=("organisations", "workshops", "links"))
    listing.add_argument(
        "--organisation", metavar="NAME|ID", help="only this organisation (name or id)"
    )
    listing.add_argument("--format", choices=LIST_FORMATS, default="table", help="output format")

    backup = sub.add_parser(
        "backup",
        help="write a backup of the whole database (either back-end) to a file",
        description=_paragraphs(
            "Write every table (not the wrong-tries counters) to one portable file: gzip-"
            "compressed JSON lines with a header (schema version, tables, columns) and a "
            "checksum at the end. Safe while the app runs: SQLite is read through its online "
            "backup API, PostgreSQL in one snapshot. The file restores into SQLite or "
            "PostgreSQL. It holds everything, answers and link tokens included: keep it as "
            "safe as the database."
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    backup.add_argument("--out", metavar="FILE", required=True, help="the backup file to write")

    restore = sub.add_parser(
        "restore",
        help="restore a backup file into an empty database",
        description=_paragraphs(
            "Check the whole backup file (format, schema version, checksum, counts), then "
            "write it into the database (--db or IPM_DB) in one transaction and verify the "
            "counts. Refused, with nothing changed: a truncated or damaged file, a backup of "
            "a newer schema (update the app first), a database that a running app has open "
            "(stop it first), and a database that holds data (unless --replace). Exit "
            "status: 0 restored, 1 refused, 2 the database cannot be used."
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    restore.add_argument("file", metavar="FILE", help="a file written by 'backup'")
    restore.add_argument(
        "--replace",
        action="store_true",
        help="delete everything the database holds first (in the same transaction)",
    )

    delete = sub.add_parser(
        "delete",
        help="delete a workshop or an organisation with all its data (erasure)",
        description=_paragraphs(
            "Delete one closed workshop (its participants, answers, comments, actions, chain "
            "list and facilitator link) or one organisation (its chains, workshops with all "
            "of theirs, settings and results link) in one transaction, for an erasure "
            "request (AVG/GDPR). Open workshops are refused: close them first. Asks for "
            "confirmation unless --yes; prints the rows removed per table. The audit log "
            "keeps one line (code or id and the counts)."
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    delete.add_argument("what", choices=("workshop", "organisation"))
    delete.add_argument("key", metavar="CODE|ID", help="the workshop's code or organisation's id")
    delete.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    delete.add_argument("--dry-run", action="store_true", help="only count what would go")

    retention = sub.add_parser(
        "retention",
        help="show, set or apply the retention period (months after a round closes)",
        description=_paragraphs(
            "The retention period: how many months after a round closes its data is kept "
            "(0: no period, keep everything). 'apply' deletes every workshop closed longer "
            "ago, as 'delete workshop' does, after confirmation (or --yes). Run it from cron "
            "(e.g. monthly) to honour the period; the console shows it too."
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    retention.add_argument("step", choices=("show", "set", "apply"))
    retention.add_argument("months", nargs="?", type=int, help="with set: months (0: none)")
    retention.add_argument("--yes", action="store_true", help="with apply: do not ask")
    retention.add_argument("--dry-run", action="store_true", help="with apply: only list")

    audit = sub.add_parser(
        "audit",
        help="show or export the audit log (who changed what, when)",
        description=_paragraphs(
            "The audit log, newest first: when (UTC), who (admin, admin:e-mail for single "
            "sign-on, facilitator:CODE, results:ORGANISATION-ID, cli:USER, visitor), what "
            "(workshop.create, workshop.close, workshop.reopen, workshop.reveal, "
            "workshop.hide, organisation.create, import, export, report, link.revoke, "
            "link.rotate, delete.workshop, delete.organisation, retention.set, "
            "retention.apply, backup, restore, setup, login.failed), on what, and a short "
            "detail. It never holds answers, comments or passwords. The filters combine; "
            "--organisation also finds its workshops, deleted ones included."
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    audit.add_argument("--since", metavar="DATE", help="only from this date (YYYY-MM-DD) on")
    audit.add_argument("--until", metavar="DATE", help="only up to this date (included)")
    audit.add_argument("--action", metavar="ACTION", help="only this action, e.g. export")
    audit.add_argument(
        "--organisation", metavar="NAME|ID", help="only about this organisation and its workshops"
    )
    audit.add_argument("--limit", type=int, metavar="N", help="only the newest N entries")
    audit.add_argument("--format", choices=LIST_FORMATS, default="table", help="output format")
    audit.add_argument("--out", metavar="FILE", help="write to FILE instead of standard output")
    return parser


def main(argv: Sequence[str] | None = None, stdout: TextIO | None = None) -> int:
    """Run the command line; return the exit status."""
    out = stdout or sys.stdout
    words = sys.argv[1:] if argv is None else argv
    args = _parser(_command_in(words)).parse_args(argv)
    if args.command == "check":  # no database: the database layer stays unloaded
        return _check(args.file, out)
    from ipm_model.db import StoreError
    from ipm_model.questionnaire import QuestionnaireError

    commands = {
        "list": _list,
        "backup": _backup,
        "restore": _restore,
        "delete": _delete,
        "retention": _retention,
        "audit": _audit,
    }
    try:
        if args.command in commands:
            return commands[args.command](args, out)
        if args.command == "demo":
            return _demo(args, out)
        if args.command == "export":
            return _export(args, out)
        if args.command == "import":
            return _import(args, out)
        if args.command == "report":
            return _report(args, out)
        if args.command == "migrate":
            return _migrate(args, out)
        if args.command == "links":
            return _links(args, out)
    except StoreError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except QuestionnaireError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 2  # pragma: no cover - argparse enforces the commands


def _report(args: argparse.Namespace, out: TextIO) -> int:
    from ipm_model.reports import build_report  # loads the chart renderer only when needed
    from ipm_model.storage import audit
    from ipm_model.storage.store import Store

    store = Store.from_env(args.db)
    try:
        data = build_report(store, args.workshop, args.chain, args.format, args.lang)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    Path(args.out).write_bytes(data)
    audit.record(store, audit.cli_actor(), "report", args.workshop, args.format)
    print(f"Report written: {args.out} ({len(data):,} bytes)", file=out)
    return 0


def _check(file: str, out: TextIO) -> int:
    from ipm_model.questionnaire import QuestionnaireError, load_questionnaire

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
    from ipm_model.demo import DEMO_CODE, DemoExists, create_demo
    from ipm_model.questionnaire import default_questionnaire
    from ipm_model.storage.store import Store

    store = Store.from_env(args.db)
    try:
        result = create_demo(
            store,
            default_questionnaire(),
            reset=args.reset,
            history=not args.no_history,
            simulated=max(0, args.simulated),
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
    from ipm_model.exports import (
        DATA_KINDS,
        ExportError,
        export_frame,
        questionnaire_frame,
        to_csv,
        to_xlsx,
        used_questionnaire_frame,
        workshop_questionnaire,
    )
    from ipm_model.questionnaire import default_questionnaire
    from ipm_model.storage import audit
    from ipm_model.storage.store import Store

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
        if args.format == "xlsx" and "answers" in frames:  # statement ids with their texts
            frames["questionnaire"] = used_questionnaire_frame(store, workshops)
    try:
        data = to_xlsx(frames) if args.format == "xlsx" else to_csv(next(iter(frames.values())))
    except ExportError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if args.what != "questionnaire":
        audit.record(
            store, audit.cli_actor(), "export", args.workshop or "all", f"{args.what} {args.format}"
        )
    _write(data, args.out, out)
    return 0


def _import(args: argparse.Namespace, out: TextIO) -> int:
    from ipm_model.db import NotAllowed
    from ipm_model.exports import workshop_questionnaire
    from ipm_model.importer import (
        ALL_OR_NOTHING,
        VALID_ROWS,
        ImportTooLarge,
        apply,
        read_upload,
        template_csv,
        validate,
    )
    from ipm_model.storage import audit
    from ipm_model.storage.store import Store

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
    mode = ALL_OR_NOTHING if args.mode == "all" else VALID_ROWS
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
        audit.record(
            store,
            audit.cli_actor(),
            "import",
            workshop.code,
            f"{len(report.participants)} participants, {written} answers",
        )
        print(f"Written: {len(report.participants)} participants, {written} answers.", file=out)
    return 0 if writable else 1


def _links(args: argparse.Namespace, out: TextIO) -> int:
    from ipm_model.access import link_expiry_days
    from ipm_model.model import LINK_FACILITATOR, LINK_RESULTS
    from ipm_model.share import facilitator_url, results_url
    from ipm_model.storage import audit
    from ipm_model.storage.store import Store

    store = Store.from_env(args.db)
    days = link_expiry_days(os.environ.get("IPM_LINK_DAYS"))
    organisation_id = None
    if args.organisation:
        organisation_id = store.organisation_id(args.organisation)
        if organisation_id is None:
            print(f"error: no organisation called {args.organisation!r}", file=sys.stderr)
            return 1
    if args.what == "list":
        for link in store.links(organisation_id):
            ends = link.expires_at(days)
            until = ends.date().isoformat() if ends else "-"
            owner = link.workshop_code or link.organisation
            print(
                f"{link.kind:<11}  {owner:<24}  {link.status(days):<8}  until {until:<10}  "
                f"{link.token[:6]}...",
                file=out,
            )
        return 0
    if args.workshop:
        workshop = _workshop(store, args.workshop)
        if workshop is None:
            return 1
        kind, owner_id, name = LINK_FACILITATOR, workshop.id, f"workshop {workshop.code}"
    else:
        kind, owner_id, name = LINK_RESULTS, organisation_id, f"organisation {args.organisation}"
    if args.what == "revoke":
        store.revoke_link(kind, owner_id)
        audit.record(store, audit.cli_actor(), "link.revoke", name, kind)
        print(f"Revoked: the {kind} link of {name}.", file=out)
        return 0
    token = store.rotate_link(kind, owner_id)
    audit.record(store, audit.cli_actor(), "link.rotate", name, kind)
    url = (facilitator_url if kind == LINK_FACILITATOR else results_url)(args.base_url, token)
    print(f"New {kind} link of {name} (the old one no longer works): {url}", file=out)
    return 0


def _migrate(args: argparse.Namespace, out: TextIO) -> int:
    from ipm_model.db import NotAllowed, StoreError, is_postgres_url
    from ipm_model.storage.base import DEFAULT_DB_PATH
    from ipm_model.storage.store import Store

    source_name = (args.db or os.environ.get("IPM_DB") or str(DEFAULT_DB_PATH)).strip()
    if not is_postgres_url(source_name) and not Path(source_name).is_file():
        print(f"error: the source database {source_name} does not exist", file=sys.stderr)
        return 2
    source = Store(source_name)
    try:
        target = Store(args.to.strip())
    except StoreError as exc:  # its messages speak of IPM_DB; here the address is --to
        print(f"error: target: {str(exc).replace('IPM_DB', '--to')}", file=sys.stderr)
        return 2
    try:
        report = source.copy_to(target, dry_run=args.dry_run)
    except NotAllowed as exc:  # the same database twice
        print(f"error: {exc}: copying a database onto itself is refused", file=sys.stderr)
        return 2
    finally:
        target.close()
        source.close()
    print(_copy_table(report), file=out)
    total = sum(t.source for t in report.tables)
    present = sum(t.present for t in report.tables)
    if report.conflict:
        print(
            f"error: conflict: {report.conflict}. Nothing was written. The target already "
            "holds other data: migrate into an empty database.",
            file=sys.stderr,
        )
        return 1
    if report.problems:
        for problem in report.problems:
            print(f"error: not verified: {problem}", file=sys.stderr)
        return 1
    if report.dry_run:
        print(
            f"Dry run: no conflicts; {report.copied:,} of {total:,} rows would be copied "
            f"({present:,} already there). Nothing written.",
            file=out,
        )
    else:
        print(
            f"Verified: the target holds every row of the source ({report.copied:,} copied, "
            f"{present:,} already there, {report.seconds:.1f} s).",
            file=out,
        )
    return 0


def _copy_table(report: CopyReport) -> str:
    """The counts of a copy as a small text table."""
    copied = "would copy" if report.dry_run else "copied"
    head = ("table", "source", "target before", copied, "target after")
    rows = [
        (
            t.table,
            f"{t.source:,}",
            f"{t.target_before:,}",
            f"{t.copied:,}",
            "-" if t.target_after is None else f"{t.target_after:,}",
        )
        for t in report.tables
    ]
    after = [t.target_after for t in report.tables]
    rows.append(
        (
            "total",
            f"{sum(t.source for t in report.tables):,}",
            f"{sum(t.target_before for t in report.tables):,}",
            f"{report.copied:,}",
            "-" if None in after else f"{sum(a or 0 for a in after):,}",
        )
    )
    widths = [max(len(r[i]) for r in (head, *rows)) for i in range(len(head))]
    lines = [
        f"From {report.source} ({report.source_kind}) to {report.target} ({report.target_kind})"
        + (" (dry run)" if report.dry_run else "")
    ]
    for r in (head, *rows):
        lines.append(
            "  ".join(
                cell.ljust(w) if i == 0 else cell.rjust(w)
                for i, (cell, w) in enumerate(zip(r, widths, strict=True))
            )
        )
    return "\n".join(lines)


# -- operator commands: list, backup, restore, delete, retention, audit ------------------------


def _render(rows: list[dict[str, Any]], columns: Sequence[str], fmt: str) -> str:
    """Rows as an aligned text table, CSV or JSON."""
    if fmt == "json":
        import json

        return json.dumps([{c: r[c] for c in columns} for r in rows], ensure_ascii=False, indent=1)
    if fmt == "csv":
        import csv
        import io

        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows([_cell(r[c]) for c in columns] for r in rows)
        return buffer.getvalue().rstrip("\n")
    cells = [[str(c) for c in columns]] + [
        ["" if r[c] is None else str(r[c]) for c in columns] for r in rows
    ]
    widths = [max(len(row[i]) for row in cells) for i in range(len(columns))]
    return "\n".join(
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in cells
    )


def _cell(value: object) -> object:
    """A CSV cell a spreadsheet would run as a formula gets a quote in front."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def _organisation_id(store: Store, given: str | None) -> int | None:
    """An organisation by id or name; raises LookupError with a message when unknown."""
    if given is None:
        return None
    if given.isdigit() and store.organisation(int(given)) is not None:
        return int(given)
    found = store.organisation_id(given)
    if found is None:
        raise LookupError(f"no organisation with the id or name {given!r}")
    return found


def _list(args: argparse.Namespace, out: TextIO) -> int:
    from ipm_model.storage import overview
    from ipm_model.storage.store import Store

    store = Store.from_env(args.db)
    try:
        organisation_id = _organisation_id(store, args.organisation)
    except LookupError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if args.what == "organisations":
        rows = overview.organisations(store)
        if organisation_id is not None:
            rows = [r for r in rows if r["id"] == organisation_id]
        print(_render(rows, overview.ORGANISATION_COLUMNS, args.format), file=out)
    elif args.what == "workshops":
        rows = overview.workshops(store, organisation_id)
        print(_render(rows, overview.WORKSHOP_COLUMNS, args.format), file=out)
    else:
        from ipm_model.access import link_expiry_days

        days = link_expiry_days(os.environ.get("IPM_LINK_DAYS"))
        rows = []
        for link in store.links(organisation_id):
            ends = link.expires_at(days)
            rows.append(
                {
                    "kind": link.kind,
                    "owner": link.workshop_code or link.organisation,
                    "status": link.status(days),
                    "until": ends.date().isoformat() if ends else "-",
                    "token": f"{link.token[:6]}...",
                }
            )
        print(_render(rows, ("kind", "owner", "status", "until", "token"), args.format), file=out)
    return 0


def _backup(args: argparse.Namespace, out: TextIO) -> int:
    from ipm_model.storage import audit
    from ipm_model.storage.backup import BackupError, backup
    from ipm_model.storage.store import Store

    store = Store.from_env(args.db)
    try:
        report = backup(store, args.out, audit.cli_actor())
    except BackupError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(
        f"Backup written: {report.path} ({report.rows:,} rows in {len(report.counts)} tables, "
        f"{report.bytes:,} bytes, schema {report.migrations[-1] if report.migrations else '-'})",
        file=out,
    )
    return 0


def _restore(args: argparse.Namespace, out: TextIO) -> int:
    from ipm_model.storage import audit
    from ipm_model.storage.backup import BackupError, read_backup, restore
    from ipm_model.storage.store import Store

    try:
        read_backup(args.file)  # a broken file is refused before the database is opened
    except BackupError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    store = Store.from_env(args.db)
    try:
        report = restore(store, args.file, audit.cli_actor(), replace=args.replace)
    except BackupError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    rows = [
        {"table": t, "before": report.replaced.get(t, 0), "restored": n}
        for t, n in report.counts.items()
    ]
    print(_render(rows, ("table", "before", "restored"), "table"), file=out)
    print(
        f"Restored and verified: {report.rows:,} rows from a backup of {report.created_at} "
        f"into {report.target}.",
        file=out,
    )
    return 0


def _confirm(question: str, yes: bool) -> bool:
    """Ask on the terminal; without one, only --yes confirms."""
    if yes:
        return True
    if not sys.stdin.isatty():
        print("error: not confirmed: add --yes to run this without a terminal", file=sys.stderr)
        return False
    return input(f"{question} Type yes to go on: ").strip().lower() in ("yes", "ja")


def _delete(args: argparse.Namespace, out: TextIO) -> int:
    from ipm_model.storage import audit, erasure
    from ipm_model.storage.store import Store

    store = Store.from_env(args.db)
    actor = audit.cli_actor()
    try:
        if args.what == "workshop":
            plan = erasure.delete_workshop(store, args.key, actor, dry_run=True)
        else:
            if not args.key.isdigit():
                print(
                    "error: give the organisation's id (see: list organisations)", file=sys.stderr
                )
                return 1
            plan = erasure.delete_organisation(store, int(args.key), actor, dry_run=True)
    except erasure.ErasureRefused as exc:
        print(f"error: {exc}; nothing deleted", file=sys.stderr)
        return 1
    print(f"To delete: {plan.describe()}", file=out)
    if args.dry_run:
        print("Dry run: nothing deleted.", file=out)
        return 0
    if not _confirm(f"Delete {plan.what} for good?", args.yes):
        print("Nothing deleted.", file=out)
        return 1
    try:
        if args.what == "workshop":
            done = erasure.delete_workshop(store, args.key, actor)
        else:
            done = erasure.delete_organisation(store, int(args.key), actor)
    except erasure.ErasureRefused as exc:
        print(f"error: {exc}; nothing deleted", file=sys.stderr)
        return 1
    print(f"Deleted: {done.describe()}", file=out)
    return 0


def _retention(args: argparse.Namespace, out: TextIO) -> int:
    from ipm_model.storage import audit, erasure, settings
    from ipm_model.storage.store import Store

    store = Store.from_env(args.db)
    actor = audit.cli_actor()
    if args.step == "set":
        if args.months is None or args.months < 0:
            print("error: retention set needs a number of months (0: none)", file=sys.stderr)
            return 1
        try:
            settings.set_retention_months(store, args.months)
        except ValueError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
        audit.record(store, actor, "retention.set", f"{args.months} months")
    months = settings.retention_months(store)
    if months == 0:
        print("Retention period: none (data is kept until deleted).", file=out)
        return 0
    due = erasure.due_for_deletion(store, months)
    print(
        f"Retention period: {months} months after a round closes. Due for deletion now: "
        f"{len(due)} workshops{': ' + ', '.join(due) if due else ''}.",
        file=out,
    )
    if args.step != "apply" or not due:
        return 0
    if args.dry_run:
        for plan in erasure.apply_retention(store, months, actor, dry_run=True):
            print(f"Would delete: {plan.describe()}", file=out)
        return 0
    if not _confirm(f"Delete these {len(due)} workshops for good?", args.yes):
        print("Nothing deleted.", file=out)
        return 1
    for done in erasure.apply_retention(store, months, actor):
        print(f"Deleted: {done.describe()}", file=out)
    return 0


def _is_date(text: str) -> bool:
    """A date (YYYY-MM-DD) or an ISO date and time."""
    from datetime import datetime

    try:
        datetime.fromisoformat(text)
    except ValueError:
        return False
    return True


def _audit(args: argparse.Namespace, out: TextIO) -> int:
    from dataclasses import asdict

    from ipm_model.storage import audit
    from ipm_model.storage.store import Store

    store = Store.from_env(args.db)
    if args.action and args.action not in audit.ACTIONS:
        print(f"error: unknown action {args.action!r}: one of {', '.join(audit.ACTIONS)}",
              file=sys.stderr)  # fmt: skip
        return 1
    for name in ("since", "until"):
        value = getattr(args, name)
        if value and not _is_date(value):
            print(f"error: --{name} {value!r} is not a date (YYYY-MM-DD)", file=sys.stderr)
            return 1
    organisation_id = None
    if args.organisation:
        key = args.organisation.strip()
        organisation_id = (
            int(key)
            if key.isdigit() and store.organisation(int(key))
            else store.organisation_id(key)
        )
        if organisation_id is None:
            print(f"error: no organisation called {args.organisation!r}", file=sys.stderr)
            return 1
    found = audit.search(
        store,
        organisation_id=organisation_id,
        action=args.action,
        since=args.since,
        until=args.until,
        limit=args.limit,
    )
    rows = [asdict(e) for e in found.entries]
    text = _render(rows, audit.COLUMNS, args.format) + "\n"
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8")
    else:
        out.write(text)
    return 0

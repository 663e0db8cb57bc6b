"""Command line for administrators and scripts: `python -m ipm_model --help`."""

from __future__ import annotations

import argparse
import csv
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from ipm_model.demo import DEMO_CODE, DemoExists, create_demo
from ipm_model.questionnaire import QuestionnaireError, default_questionnaire, load_questionnaire
from ipm_model.store import Store, StoreError

QUESTIONNAIRE_COLUMNS = ("phase_id", "statement_id", "text_nl", "text_en")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m ipm_model",
        description="iPM Ketenscan administration: demo data, questionnaire checks, exports.",
    )
    parser.add_argument(
        "--db",
        help="database file (default: the IPM_DB environment variable, else data/ipm-ketenscan.db)",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    demo = sub.add_parser(
        "demo",
        help="create the demo organisation and its open workshop DEMO",
        description="Create the demo organisation with four chains and the open workshop DEMO.",
    )
    demo.add_argument("--reset", action="store_true", help="delete and recreate the demo")

    check = sub.add_parser(
        "check",
        help="validate a questionnaire file",
        description="Validate a questionnaire file. Exit status 0 when valid, 1 otherwise.",
    )
    check.add_argument("file", help="the questionnaire file (TOML)")

    export = sub.add_parser(
        "export",
        help="export data as CSV",
        description="Export data as CSV to standard output or a file.",
    )
    export.add_argument(
        "what",
        choices=("questionnaire", "answers"),
        help="questionnaire: one row per statement (phase_id, statement_id, text_nl, text_en); "
        "answers: one row per answer (workshop_code, workshop_date, chain, role, partner, "
        "participant, phase_id, statement_id, value, answered_at)",
    )
    export.add_argument("--format", choices=("csv",), default="csv", help="output format")
    export.add_argument("--workshop", metavar="CODE", help="only this workshop (answers)")
    export.add_argument("--out", metavar="FILE", help="write to FILE instead of standard output")
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
    except StoreError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except QuestionnaireError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 2  # pragma: no cover - argparse enforces the commands


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
        result = create_demo(store, default_questionnaire(), reset=args.reset)
    except DemoExists as exc:
        print(f"The demo already exists ({exc}). Use --reset to recreate it.", file=sys.stderr)
        return 1
    w = result.workshop
    print(
        f"Demo ready: workshop {w.code} '{w.title}' with {len(w.chains)} chains. "
        f"Open the app and go to /?code={DEMO_CODE}",
        file=out,
    )
    return 0


def _export(args: argparse.Namespace, out: TextIO) -> int:
    q = default_questionnaire()
    if args.what == "questionnaire":
        rows = (
            {
                "phase_id": s.phase_id,
                "statement_id": s.id,
                "text_nl": s.text.nl,
                "text_en": s.text.en,
            }
            for s in q.statements
        )
        columns: Sequence[str] = QUESTIONNAIRE_COLUMNS
    else:
        store = Store.from_env(args.db)
        if args.workshop and store.workshop_by_code(args.workshop) is None:
            print(f"error: no workshop with the code {args.workshop!r}", file=sys.stderr)
            return 1
        rows = store.export_answers(q.phase_of(), args.workshop)
        columns = Store.EXPORT_ANSWER_COLUMNS
    if args.out:
        with open(args.out, "w", newline="", encoding="utf-8") as fh:
            _write_csv(fh, columns, rows)
    else:
        _write_csv(out, columns, rows)
    return 0


def _write_csv(fh: TextIO, columns: Sequence[str], rows) -> None:
    writer = csv.DictWriter(fh, fieldnames=list(columns), lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow(row)

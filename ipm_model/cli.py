"""Command line for administrators and scripts: `python -m ipm_model --help`."""

from __future__ import annotations

import argparse
import csv
import sys
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import TextIO

import pandas as pd

from ipm_model.demo import DEMO_CODE, DemoExists, create_demo
from ipm_model.questionnaire import (
    QuestionnaireError,
    default_questionnaire,
    load_questionnaire,
    questionnaire_for,
)
from ipm_model.scoring import group_phase_stats, suppress_small_groups
from ipm_model.store import Store, StoreError, Workshop

QUESTIONNAIRE_COLUMNS = ("phase_id", "statement_id", "text_nl", "text_en")
SCORE_COLUMNS = (
    "workshop_code",
    "workshop_date",
    "chain",
    "phase_id",
    "participants",
    "n",
    "mean",
    "sd",
    "dont_know_rate",
    "not_applicable_rate",
    "suppressed",
)


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
        help="export data as CSV",
        description="Export data as CSV to standard output or a file.",
        epilog="scores follow the app's rules: a phase score needs 60% of the phase's "
        "statements answered 1-5; a chain with fewer finished participants than the "
        "workshop's minimum group size is suppressed (suppressed=true: counts only, no mean, "
        "sd or rates); a mean and sd need at least that many people with a phase score, "
        "otherwise they are empty (not enough answers). Rates are shares of the phase's "
        "answer slots (participants x statements). Chains without finished participants "
        "have no rows.",
    )
    export.add_argument(
        "what",
        choices=("questionnaire", "answers", "scores"),
        help="questionnaire: one row per statement (phase_id, statement_id, text_nl, text_en); "
        "answers: one row per answer (workshop_code, workshop_date, chain, role, partner, "
        "participant, phase_id, statement_id, value, answered_at); "
        "scores: one row per workshop, chain and phase (" + ", ".join(SCORE_COLUMNS) + ")",
    )
    export.add_argument("--format", choices=("csv",), default="csv", help="output format")
    export.add_argument("--workshop", metavar="CODE", help="only this workshop (answers, scores)")
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


def _export(args: argparse.Namespace, out: TextIO) -> int:
    columns: Sequence[str]
    if args.what == "questionnaire":
        q = default_questionnaire()
        rows: Iterable[dict[str, object]] = (
            {
                "phase_id": s.phase_id,
                "statement_id": s.id,
                "text_nl": s.text.nl,
                "text_en": s.text.en,
            }
            for s in q.statements
        )
        columns = QUESTIONNAIRE_COLUMNS
    else:
        store = Store.from_env(args.db)
        workshop = store.workshop_by_code(args.workshop) if args.workshop else None
        if args.workshop and workshop is None:
            print(f"error: no workshop with the code {args.workshop!r}", file=sys.stderr)
            return 1
        if args.what == "answers":
            rows = store.export_answers(default_questionnaire().phase_of(), args.workshop)
            columns = Store.EXPORT_ANSWER_COLUMNS
        else:
            workshops = [workshop] if workshop else store.workshops()
            # Computed before writing, so an error leaves no half-written file.
            rows = [row for w in workshops for row in _score_rows(store, w)]
            columns = SCORE_COLUMNS
    if args.out:
        with open(args.out, "w", newline="", encoding="utf-8") as fh:
            _write_csv(fh, columns, rows)
    else:
        _write_csv(out, columns, rows)
    return 0


def _score_rows(store: Store, workshop: Workshop) -> Iterator[dict[str, object]]:
    """Suppressed phase statistics per chain of one workshop, chains in workshop order."""
    try:
        q = questionnaire_for(workshop.questionnaire_id, workshop.questionnaire_version)
    except KeyError:
        raise QuestionnaireError(
            f"workshop {workshop.code}: no questionnaire file for "
            f"{workshop.questionnaire_id} version {workshop.questionnaire_version}"
        ) from None
    stats = suppress_small_groups(
        group_phase_stats(store.result_answers([workshop.id]), q, by=("chain_id",)),
        workshop.min_group_size,
    )
    position = {c.id: i for i, c in enumerate(workshop.chains)}
    stats = stats.sort_values("chain_id", key=lambda ids: ids.map(position), kind="stable")
    for r in stats.itertuples(index=False):
        chain = workshop.chain(r.chain_id)
        yield {
            "workshop_code": workshop.code,
            "workshop_date": workshop.date,
            "chain": chain.name if chain else "",
            "phase_id": r.phase_id,
            "participants": r.participants,
            "n": r.n,
            "mean": _number(r.mean),
            "sd": _number(r.sd),
            "dont_know_rate": _number(r.dont_know_rate),
            "not_applicable_rate": _number(r.not_applicable_rate),
            "suppressed": "true" if r.suppressed else "false",
        }


def _number(value: float) -> str:
    """A statistic for the CSV: three decimals, empty when missing or hidden."""
    return "" if pd.isna(value) else f"{value:.3f}"


def _write_csv(fh: TextIO, columns: Sequence[str], rows) -> None:
    writer = csv.DictWriter(fh, fieldnames=list(columns), lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow(row)

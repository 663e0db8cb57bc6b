"""`list`, `audit` and the fast start of the command line."""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import subprocess
import sys

import pytest

from ipm_model.cli import COMMANDS, EXPORT_CHOICES, _command_in, _parser, main
from ipm_model.exports import KINDS
from ipm_model.storage.store import Store
from tests.unit.test_backup import fill


def run(argv):
    out = io.StringIO()
    code = main(argv, stdout=out)
    return code, out.getvalue()


def test_list_workshops_includes_the_open_demo_without_answers(db_target):
    fill(Store(db_target))
    code, text = run(["--db", db_target, "list", "workshops"])
    assert code == 0
    assert text.splitlines()[0].split() == [
        "code",
        "date",
        "title",
        "organisation",
        "state",
        "participants",
        "finished",
        "answers",
    ]
    demo = next(line for line in text.splitlines() if line.startswith("DEMO"))
    assert "open" in demo
    rows = json.loads(run(["--db", db_target, "list", "workshops", "--format", "json"])[1])
    assert {r["state"] for r in rows} == {"open", "closed"}
    assert sum(r["answers"] for r in rows) > 1000


def test_list_organisations_and_links_as_csv(db_target):
    fill(Store(db_target))
    code, text = run(["--db", db_target, "list", "organisations", "--format", "csv"])
    assert code == 0 and text.startswith("id,name,demo,workshops,open,participants,created")
    code, text = run(["--db", db_target, "list", "links", "--organisation", "1"])
    assert code == 0 and "facilitator" in text and "results" in text


def test_list_unknown_organisation(db_target, capsys):
    code, _ = run(["--db", db_target, "list", "workshops", "--organisation", "Nope"])
    assert code == 1 and "no organisation" in capsys.readouterr().err


def test_audit_lists_and_exports(db_target, tmp_path):
    fill(Store(db_target))
    code, text = run(
        ["--db", db_target, "audit", "--format", "csv", "--out", str(tmp_path / "a.csv")]
    )
    assert code == 0
    csv = (tmp_path / "a.csv").read_text()
    assert csv.startswith("id,at,actor,action,target,detail") and "export" in csv


def test_audit_filters_like_the_console(db_target, capsys):
    from ipm_model.storage import audit

    store = Store(db_target)
    fill(store)
    demo = store.workshop_by_code("DEMO")
    audit.record(store, "admin", "workshop.close", demo.code)
    audit.record(store, "cli:x", "backup", "", "10 rows")
    code, text = run(["--db", db_target, "audit", "--action", "backup", "--format", "json"])
    assert code == 0 and '"backup"' in text and "workshop.close" not in text
    org = str(demo.organisation_id)
    code, text = run(["--db", db_target, "audit", "--organisation", org, "--format", "csv"])
    assert code == 0 and "workshop.close" in text and "backup" not in text
    code, text = run(["--db", db_target, "audit", "--until", "2000-01-01", "--format", "csv"])
    assert code == 0 and text.strip() == "id,at,actor,action,target,detail"
    assert run(["--db", db_target, "audit", "--action", "nope"])[0] == 1
    assert "unknown action" in capsys.readouterr().err
    assert run(["--db", db_target, "audit", "--since", "yesterday"])[0] == 1
    assert "not a date" in capsys.readouterr().err
    assert run(["--db", db_target, "audit", "--organisation", "Nope"])[0] == 1


def test_export_choices_match_the_exports():
    assert (*KINDS, "all") == EXPORT_CHOICES


def test_help_list_and_check_import_nothing_heavy(tmp_path):
    """The fast CLI: --help, list and check load neither pandas nor sqlite-utils."""
    db = tmp_path / "x.db"
    Store(db).close()
    probe = (
        "import sys, io; from ipm_model.cli import main; "
        "main(sys.argv[1:], stdout=io.StringIO()); "
        "print(','.join(m for m in ('pandas', 'sqlite_utils', 'numpy', 'openpyxl', 'altair') "
        "if m in sys.modules))"
    )
    for argv in (
        ["--db", str(db), "list", "workshops"],
        ["check", "questionnaires/ipm-ketenscan.toml"],
    ):
        done = subprocess.run(
            [sys.executable, "-c", probe, *argv], capture_output=True, text=True, check=True
        )
        assert done.stdout.strip() == "", (argv, done.stdout)
    # Narrower still: check never opens the database layer, list never parses TOML.
    for argv, absent in (
        (["check", "questionnaires/ipm-ketenscan.toml"], ("ipm_model.db", "sqlite3")),
        (["--db", str(db), "list", "workshops"], ("tomllib",)),
    ):
        loaded = probe.replace(
            "('pandas', 'sqlite_utils', 'numpy', 'openpyxl', 'altair')", repr(absent)
        )
        done = subprocess.run(
            [sys.executable, "-c", loaded, *argv], capture_output=True, text=True, check=True
        )
        assert done.stdout.strip() == "", (argv, done.stdout)
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "ipm_model", "--help"],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0
    assert not any(m in done.stderr for m in ("pandas", "sqlite_utils", "numpy"))


def _help_of(parser, argv) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), pytest.raises(SystemExit):
        parser.parse_args(argv)
    return out.getvalue()


@pytest.mark.parametrize("command", COMMANDS)
def test_a_run_builds_only_its_commands_parser_with_the_same_result(command):
    """`main` builds just the named command's parser (start-up time): the same help, the
    same parse, and the command list is complete."""
    full = _parser()
    names = next(a for a in full._actions if isinstance(a, argparse._SubParsersAction))
    assert set(names.choices) == set(COMMANDS)
    assert _command_in([command, "x"]) == command
    assert _command_in(["--db", "list", command]) == command  # a file named like a command
    assert _command_in(["--db=x.db", command]) == command
    assert _command_in(["--help"]) is None and _command_in(["lst"]) is None
    only = _parser(command)
    assert _help_of(only, [command, "--help"]) == _help_of(full, [command, "--help"])
    samples = {
        "check": ["check", "f.toml"],
        "list": ["list", "workshops", "--format", "csv"],
        "demo": ["demo", "--reset", "--simulated", "5"],
    }
    if command in samples:
        argv = ["--db", "x.db", *samples[command]]
        assert vars(only.parse_args(argv)) == vars(full.parse_args(argv))

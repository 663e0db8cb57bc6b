"""`python -m ipm_model report`: HTML and PowerPoint from the command line."""

from __future__ import annotations

import io

from pptx import Presentation

from ipm_model.cli import main
from ipm_model.demo import create_demo
from ipm_model.questionnaire import default_questionnaire
from ipm_model.storage.store import Store


def test_report_command_writes_html_and_pptx(tmp_path, db_target):
    db = db_target
    result = create_demo(Store(db), default_questionnaire())
    last = result.history[-1]
    out = io.StringIO()
    html_file = tmp_path / "r.html"
    code = main(["--db", str(db), "report", "--workshop", last.code, "--out", str(html_file)], out)
    assert code == 0
    page = html_file.read_text(encoding="utf-8")
    for phase in ("Inzicht", "Toekomst", "Versnellen", "Structuur", "Doen", "Groeien", "Borgen"):
        assert phase in page
    deck_file = tmp_path / "r.pptx"
    chain = last.chains[0].id
    code = main(
        [
            "--db",
            str(db),
            "report",
            "--workshop",
            last.code,
            "--chain",
            str(chain),
            "--format",
            "pptx",
            "--lang",
            "en",
            "--out",
            str(deck_file),
        ],
        out,
    )
    assert code == 0
    assert len(Presentation(str(deck_file)).slides) >= 3


def test_report_command_refuses_unknown_workshop_and_chain(tmp_path, capsys):
    db = tmp_path / "r.db"
    result = create_demo(Store(db), default_questionnaire(), history=False)
    out_file = tmp_path / "x.html"
    assert main(["--db", str(db), "report", "--workshop", "NOPE", "--out", str(out_file)]) == 1
    assert (
        main(
            [
                "--db",
                str(db),
                "report",
                "--workshop",
                result.workshop.code,
                "--chain",
                "99999",
                "--out",
                str(out_file),
            ]
        )
        == 1
    )
    assert not out_file.exists()
    assert "Traceback" not in capsys.readouterr().err

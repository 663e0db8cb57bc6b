"""Server start: an invalid questionnaire file is refused on the console and on every page."""

from __future__ import annotations

import asyncio
import importlib

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from ipm_model import questionnaire as qmod
from ipm_model.i18n import t
from tests.app.conftest import APP

BROKEN_LINE = [0]


@pytest.fixture
def broken_folder(tmp_path, monkeypatch):
    """The questionnaire folder holds the real files, version 2 with a phase id mistyped."""
    for path in qmod.QUESTIONNAIRE_DIR.glob("*.toml"):
        (tmp_path / path.name).write_bytes(path.read_bytes())
    broken = tmp_path / "ipm-ketenscan-v2.toml"
    lines = broken.read_text(encoding="utf-8").splitlines(keepends=True)
    BROKEN_LINE[0] = lines.index('id = "inzicht"\n') + 1
    lines[BROKEN_LINE[0] - 1] = 'id = "inzihct"\n'
    broken.write_text("".join(lines), encoding="utf-8")
    monkeypatch.setattr(qmod, "QUESTIONNAIRE_DIR", tmp_path)
    st.cache_resource.clear()
    yield tmp_path
    st.cache_resource.clear()


def _start_server(monkeypatch):
    """Run app.py's st.App lifespan as `streamlit run` does, its other start-up work stubbed."""
    app = importlib.import_module("app")
    for name in ("enable_tcp_nodelay", "start_warming"):
        monkeypatch.setattr(app, name, lambda: None)
    monkeypatch.setattr(app, "announce", lambda store: None)

    async def run():
        async with app.lifespan(app.app):
            pass

    asyncio.run(run())


def test_server_start_names_file_line_and_reason_on_the_console(
    broken_folder, monkeypatch, capsys, tmp_path
):
    monkeypatch.setenv("IPM_DB", str(tmp_path / "app.db"))
    _start_server(monkeypatch)
    err = capsys.readouterr().err
    assert "questionnaire file is invalid" in err
    assert f"ipm-ketenscan-v2.toml: line {BROKEN_LINE[0]}:" in err and "unknown phase" in err
    assert str(broken_folder) in err

    # The server still serves: each page says so in the visitor's language, no traceback.
    at = AppTest.from_file(APP, default_timeout=30)
    at.query_params["lang"] = "en"
    at.run()
    assert not at.exception
    assert [e.value for e in at.error] == [t("error.questionnaire", "en")]
    assert r"ipm\-ketenscan\-v2\.toml\: line" in at.caption[0].value  # escaped, not markup


def test_server_start_is_quiet_on_valid_files(monkeypatch, capsys, tmp_path):
    monkeypatch.setenv("IPM_DB", str(tmp_path / "app.db"))
    _start_server(monkeypatch)
    assert "questionnaire" not in capsys.readouterr().err

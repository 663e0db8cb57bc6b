"""Questionnaire files: the default one is valid; each kind of error is found and located."""

from __future__ import annotations

import copy
import tomllib
from pathlib import Path

import pytest

from ipm_model.phases import PHASE_IDS
from ipm_model.questionnaire import (
    DEFAULT_QUESTIONNAIRE,
    QUESTIONNAIRE_DIR,
    ROLE_KINDS,
    QuestionnaireError,
    available_questionnaires,
    load_questionnaire,
    parse_questionnaire,
    role_kind,
)


@pytest.fixture
def raw() -> dict:
    """The default questionnaire as parsed TOML, to break in one place per test."""
    return tomllib.loads(DEFAULT_QUESTIONNAIRE.read_text(encoding="utf-8"))


def _error(data: dict) -> str:
    with pytest.raises(QuestionnaireError) as info:
        parse_questionnaire(data, source="q.toml")
    return str(info.value)


def test_default_questionnaire_is_valid():
    q = load_questionnaire(DEFAULT_QUESTIONNAIRE)
    assert [p.id for p in q.phases] == list(PHASE_IDS)
    assert all(5 <= len(p.statements) <= 8 for p in q.phases)
    assert len(set(q.statement_ids)) == len(q.statement_ids)
    assert [o.code for o in q.options] == ["1", "2", "3", "4", "5", "dk", "na"]
    assert q.option_label("dk", "nl") == "Weet ik niet"
    assert q.option_label("na", "en") == "Not applicable"


@pytest.mark.parametrize("path", sorted(QUESTIONNAIRE_DIR.glob("*.toml")), ids=lambda p: p.name)
def test_every_questionnaire_file_is_valid(path: Path):
    load_questionnaire(path)


def test_available_questionnaires_lists_both_versions():
    found = available_questionnaires()
    assert ("ipm-ketenscan", 1) in found and ("ipm-ketenscan", 2) in found
    assert found[("ipm-ketenscan", 2)] == DEFAULT_QUESTIONNAIRE


def test_statements_avoid_negations(raw):
    """Survey rule: no negations in statements (domain.md, scale design point 3)."""
    dutch = {"niet", "geen", "nooit", "niets", "niemand"}
    english = {"not", "no", "never", "nothing", "nobody"}
    for phase in raw["phases"]:
        for s in phase["statements"]:
            nl_words = set(s["nl"].lower().replace(".", " ").replace(",", " ").split())
            en_words = set(s["en"].lower().replace(".", " ").replace(",", " ").split())
            assert not nl_words & dutch, s["id"]
            assert not en_words & english and "n't" not in s["en"], s["id"]


def test_unknown_phase(raw):
    raw["phases"][2]["id"] = "dromen"
    assert _error(raw) == (
        "q.toml: phase 'dromen': unknown phase; the phases are: "
        "inzicht, toekomst, versnellen, structuur, doen, groeien, borgen"
    )


def test_phases_out_of_order(raw):
    raw["phases"][0], raw["phases"][1] = raw["phases"][1], raw["phases"][0]
    assert "the phases must be in the model's order" in _error(raw)


def test_missing_phase(raw):
    del raw["phases"][4]
    assert _error(raw) == "q.toml: phases: missing phase(s): doen"


def test_duplicate_phase(raw):
    raw["phases"][1] = copy.deepcopy(raw["phases"][0])
    assert "phase 'inzicht': this phase appears twice" in _error(raw)


def test_a_statement_id_may_not_look_like_an_ambition(raw):
    raw["phases"][0]["statements"][0]["id"] = "ambition-inzicht"
    assert _error(raw) == (
        "q.toml: phase 'inzicht', statement 'ambition-inzicht': ids starting with "
        "'ambition-' are reserved for the ambitions"
    )


def test_duplicate_statement_id(raw):
    first = raw["phases"][0]["statements"][0]["id"]
    raw["phases"][3]["statements"][2]["id"] = first
    assert _error(raw) == (
        f"q.toml: phase 'structuur', statement '{first}': duplicate statement id "
        "(also in phase 'inzicht')"
    )


def test_missing_statement_id(raw):
    del raw["phases"][5]["statements"][1]["id"]
    assert _error(raw) == "q.toml: phase 'groeien', statement 2: 'id' is missing"


def test_malformed_statement_id(raw):
    raw["phases"][0]["statements"][0]["id"] = "Inzicht 1"
    assert "may only hold lowercase letters, digits and single dashes" in _error(raw)


def test_missing_translation(raw):
    sid = raw["phases"][4]["statements"][3]["id"]
    del raw["phases"][4]["statements"][3]["en"]
    assert _error(raw) == (
        f"q.toml: phase 'doen', statement '{sid}': the English version (en) of the text is missing"
    )


def test_empty_text(raw):
    sid = raw["phases"][6]["statements"][0]["id"]
    raw["phases"][6]["statements"][0]["nl"] = "   "
    assert _error(raw) == (
        f"q.toml: phase 'borgen', statement '{sid}': the Dutch version (nl) of the text is empty"
    )


def test_missing_phase_name_translation(raw):
    del raw["phases"][1]["name"]["nl"]
    assert _error(raw) == ("q.toml: phase 'toekomst': the Dutch version (nl) of 'name' is missing")


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (lambda d: d.__setitem__("version", "one"), "'version' must be a whole number"),
        (lambda d: d.__setitem__("version", 0), "'version' must be a whole number"),
        (lambda d: d.__setitem__("phases", {"a": 1}), "'phases' must be a list, not a table"),
        (
            lambda d: d["phases"][0]["statements"][0].__setitem__("nl", 42),
            "the Dutch version (nl) of the text must be text, not a number",
        ),
        (lambda d: d["phases"][0].__setitem__("statements", "x"), "must be a list, not text"),
        (lambda d: d.__setitem__("title", "iPM"), "'title' must be a table, not text"),
        (lambda d: d["phases"][0]["statements"].__setitem__(0, "x"), "must be a table, not text"),
        (
            lambda d: d["phases"][0]["statements"][0].__setitem__("theme", 3),
            "'theme' must be text, not a number",
        ),
    ],
    ids=[
        "version-text",
        "version-zero",
        "phases-table",
        "text-number",
        "statements-text",
        "title-text",
        "statement-text",
        "theme-number",
    ],
)
def test_wrong_types(raw, mutate, expected):
    mutate(raw)
    assert expected in _error(raw)


def test_too_few_statements(raw):
    raw["phases"][3]["statements"] = raw["phases"][3]["statements"][:4]
    assert _error(raw) == "q.toml: phase 'structuur': has 4 statements; a phase needs 5 to 8"


def test_too_many_statements(raw):
    extra = copy.deepcopy(raw["phases"][3]["statements"][:1])
    for i, s in enumerate(extra):
        s["id"] = f"structuur-extra-{i}"
    raw["phases"][3]["statements"] += extra
    assert "has 9 statements" in _error(raw)


def test_scale_must_be_one_to_five(raw):
    raw["scale"] = raw["scale"][:4]
    assert (
        _error(raw) == "q.toml: scale: the scale must have the values 1 to 5 in order, "
        "found [1, 2, 3, 4]"
    )


def test_special_codes_required(raw):
    raw["special"] = raw["special"][:1]
    assert "the special answers must be 'dk' (don't know) and 'na'" in _error(raw)


def test_missing_top_level_key(raw):
    del raw["id"]
    assert _error(raw) == "q.toml: 'id' is missing"


def test_toml_syntax_error_names_file_and_line(tmp_path):
    bad = tmp_path / "broken.toml"
    bad.write_text('id = "x"\nversion = 1\n[title\nnl = "a"\n', encoding="utf-8")
    with pytest.raises(QuestionnaireError) as info:
        load_questionnaire(bad)
    message = str(info.value)
    assert message.startswith("broken.toml: not valid TOML:")
    assert "line 3" in message


def test_not_utf8_names_line(tmp_path):
    bad = tmp_path / "latin1.toml"
    bad.write_bytes(b'id = "x"\n# caf\xe9\n')
    with pytest.raises(QuestionnaireError, match=r"latin1.toml: line 2: the file is not UTF-8"):
        load_questionnaire(bad)


def test_missing_file(tmp_path):
    with pytest.raises(QuestionnaireError, match="nope.toml: file not found"):
        load_questionnaire(tmp_path / "nope.toml")


# -- version 2: roles, help, steps, glossary ----------------------------------------------------


def _first(raw: dict, phase: str) -> dict:
    return next(p for p in raw["phases"] if p["id"] == phase)


def test_every_role_kind_sees_at_least_four_statements_of_every_phase():
    q = load_questionnaire(DEFAULT_QUESTIONNAIRE)
    assert q.routed
    for kind in ROLE_KINDS:
        for phase in q.phases:
            assert len(q.phase_statements(phase.id, kind)) >= 4, (kind, phase.id)
    partner = q.statements_for("partner")
    assert len(partner) < len(q.statements)


def test_v2_has_help_steps_and_glossary():
    q = load_questionnaire(DEFAULT_QUESTIONNAIRE)
    assert q.option_label("3", "nl") == "Niet eens, niet oneens"
    assert q.option_label("3", "en") == "Neither agree nor disagree"
    assert all(1 <= len(s.steps) <= 2 for s in q.statements)
    assert {step.role for s in q.statements for step in s.steps} == set(ROLE_KINDS)
    helped = {s.id for s in q.statements if s.help}
    assert {"structuur-kpi-tree", "doen-improvement-board", "doen-best-tactics"} <= helped
    terms = {g.term.nl for g in q.glossary}
    assert {"KPI-boom", "Ketengesprek", "Verbeterbord", "Resultaat-KPI"} <= terms


def test_line_of_sight_is_asked_once():
    q = load_questionnaire(DEFAULT_QUESTIONNAIRE)
    themes = [s.theme for s in q.statements]
    assert themes.count("line of sight") == 1
    assert {"best tactics", "work organised along the chain"} <= set(themes)


def test_unknown_role_is_refused_with_file_line_and_reason(tmp_path):
    text = DEFAULT_QUESTIONNAIRE.read_text(encoding="utf-8")
    bad = tmp_path / "bad.toml"
    bad.write_text(
        text.replace('roles = ["mt", "keteneigenaar", "ketenteam"]', 'roles = ["mt", "cfo"]', 1),
        encoding="utf-8",
    )
    with pytest.raises(QuestionnaireError) as info:
        load_questionnaire(bad)
    lines = text.splitlines()
    line = next(i for i, x in enumerate(lines, 1) if 'id = "inzicht-chains-from-customer"' in x)
    assert str(info.value) == (
        f"bad.toml: line {line}: phase 'inzicht', statement 'inzicht-chains-from-customer': "
        "unknown role 'cfo' in 'roles'; the roles are: "
        "mt, keteneigenaar, ketenteam, medewerker, partner"
    )


def test_a_role_left_with_too_few_statements_is_refused(raw):
    for s in _first(raw, "groeien")["statements"][:4]:
        s["roles"] = ["mt", "keteneigenaar", "ketenteam", "partner"]
    message = _error(raw)
    assert message == (
        "q.toml: phase 'groeien': role 'medewerker' would see 2 statement(s) of this phase; "
        "every role needs at least 4 (add statements for this role, or widen 'roles')"
    )


def test_help_in_one_language_only_is_refused(raw):
    statement = _first(raw, "doen")["statements"][0]
    statement["help"] = {"nl": "Uitleg."}
    assert _error(raw) == (
        "q.toml: phase 'doen', statement 'doen-role-clear': "
        "the English version (en) of 'help' is missing"
    )


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda s: s.update(nl="Dit is " + "heel " * 20 + "lang."),
            "words; keep a statement to 20",
        ),
        (lambda s: s.update(nl="Het ketenteam heeft geen ritme."), "uses a negation (geen)"),
        (lambda s: s.update(roles=[]), "'roles' is empty"),
        (lambda s: s.update(roles=["mt", "mt"]), "names a role twice"),
        (lambda s: s.update(steps=[{"role": "mt", "nl": "a", "en": "b"}] * 3), "at most 2"),
        (lambda s: s.update(steps=[{"role": "boss", "nl": "a", "en": "b"}]), "unknown role 'boss'"),
        (lambda s: s.update(steps=[{"role": "mt", "nl": "a"}]), "English version (en)"),
    ],
)
def test_writing_rules_that_check_enforces(raw, change, message):
    change(_first(raw, "borgen")["statements"][1])
    assert message in _error(raw)


def test_app_refuses_to_start_on_an_invalid_questionnaire(tmp_path, monkeypatch):
    """Every questionnaire file is validated before the app serves a page (ui.context)."""
    from ipm_model import questionnaire as qmod

    (tmp_path / "broken.toml").write_text('id = "x"\nversion = 1\n', encoding="utf-8")
    monkeypatch.setattr(qmod, "QUESTIONNAIRE_DIR", tmp_path)
    with pytest.raises(QuestionnaireError, match="broken.toml"):
        qmod.validate_all()


@pytest.mark.parametrize(
    ("role", "partner", "kind"),
    [
        ("mt", "", "mt"),
        ("mt", "Werkbedrijf", "mt"),
        ("keteneigenaar", "", "keteneigenaar"),
        ("ketenteam", "Jeugdzorg", "ketenteam"),
        ("ketenteam-zorg", "", "ketenteam"),
        ("professional", "", "medewerker"),
        ("staf", "", "medewerker"),
        ("professional", "Werkbedrijf", "partner"),
        ("partner", "", "partner"),
        ("partner", "Werkbedrijf", "partner"),
        ("wijkteam", "", "medewerker"),
        ("wijkteam", "Jeugdzorg", "partner"),
        ("", "", "medewerker"),
    ],
)
def test_role_kind(role, partner, kind):
    assert role_kind(role, partner) == kind


def test_available_questionnaires_follow_changes_to_the_folder(tmp_path, monkeypatch):
    """The folder's files are parsed once per version of each file: an edited, added,
    broken or removed file shows at the next listing, as when every listing parsed them."""
    import os

    from ipm_model import questionnaire as qmod

    source = (QUESTIONNAIRE_DIR / "ipm-ketenscan.toml").read_text(encoding="utf-8")
    monkeypatch.setattr(qmod, "QUESTIONNAIRE_DIR", tmp_path)
    path = tmp_path / "a.toml"
    path.write_text(source, encoding="utf-8")
    first = qmod.available_questionnaires()
    assert first == {(default_key := next(iter(first))): path}
    assert qmod._file_questionnaire(path) is qmod._file_questionnaire(path)  # parsed once
    bumped = source.replace("version = 1", "version = 41", 1)
    assert bumped != source
    path.write_text(bumped, encoding="utf-8")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    assert qmod.available_questionnaires() == {(default_key[0], 41): path}
    # A copy that keeps size and modification time (cp -p, rsync -a, tar) is seen too.
    kept = path.stat()
    replacement = tmp_path / "a.new"
    replacement.write_text(bumped.replace("version = 41", "version = 42", 1), encoding="utf-8")
    os.utime(replacement, ns=(kept.st_atime_ns, kept.st_mtime_ns))
    os.replace(replacement, path)
    assert (path.stat().st_mtime_ns, path.stat().st_size) == (kept.st_mtime_ns, kept.st_size)
    assert qmod.available_questionnaires() == {(default_key[0], 42): path}
    (tmp_path / "b.toml").write_text('id = "x"\nversion = 1\n', encoding="utf-8")
    with pytest.raises(QuestionnaireError, match="b.toml"):
        qmod.available_questionnaires()
    (tmp_path / "b.toml").unlink()
    path.unlink()
    assert qmod.available_questionnaires() == {}

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
    QuestionnaireError,
    available_questionnaires,
    load_questionnaire,
    parse_questionnaire,
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


def test_available_questionnaires_lists_the_default():
    assert ("ipm-ketenscan", 1) in available_questionnaires()


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
    extra = copy.deepcopy(raw["phases"][3]["statements"][:2])
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

"""Handvatten: the data file, its validation, and which phases get their steps shown."""

from __future__ import annotations

import math
from types import MappingProxyType

import pandas as pd
import pytest

from ipm_model.handvatten import (
    HANDVATTEN_DIR,
    MAX_STEP_CHARS,
    MAX_STEPS,
    MIN_STEPS,
    Focus,
    focus_phases,
    focus_reason,
    handvatten,
    handvatten_markdown,
    has_handvatten,
    load_handvatten,
    parse_handvatten,
)
from ipm_model.i18n import escape_markdown
from ipm_model.phases import PHASE_IDS
from ipm_model.questionnaire import QuestionnaireError, available_questionnaires


def _valid() -> dict:
    """A minimal valid file as parsed TOML: three steps per phase."""
    return {
        "questionnaire": "ipm-ketenscan",
        "phases": [
            {
                "id": p,
                "steps": [
                    {"id": f"{p}-step-{i}", "nl": f"Stap {i}.", "en": f"Step {i}."}
                    for i in range(1, 4)
                ],
            }
            for p in PHASE_IDS
        ],
    }


# -- the shipped file ------------------------------------------------------------------------


def test_every_phase_has_three_to_five_steps_in_model_order():
    steps = handvatten()
    assert tuple(steps) == PHASE_IDS
    for phase_id, phase_steps in steps.items():
        assert MIN_STEPS <= len(phase_steps) <= MAX_STEPS
        assert all(s.phase_id == phase_id for s in phase_steps)


def test_step_ids_are_unique_and_texts_are_short_in_both_languages():
    steps = [s for phase_steps in handvatten().values() for s in phase_steps]
    assert len({s.id for s in steps}) == len(steps)
    for s in steps:
        for lang in ("nl", "en"):
            text = s.text.get(lang)
            assert text and len(text) <= MAX_STEP_CHARS
            assert text[-1] in ".?!", (s.id, lang)


def test_dutch_steps_use_short_sentences():
    # B1: short sentences. No sentence of a step runs past 25 words.
    for phase_steps in handvatten().values():
        for s in phase_steps:
            sentences = [x for x in s.text.nl.replace("?", ".").split(".") if x.strip()]
            assert max(len(x.split()) for x in sentences) <= 25, s.id


def test_handvatten_are_read_once_and_read_only():
    first = handvatten()
    assert handvatten() is first
    assert isinstance(first, MappingProxyType)
    with pytest.raises(TypeError):
        first["inzicht"] = ()  # type: ignore[index]


def test_the_file_does_not_disturb_the_questionnaire_list():
    # Questionnaire files are every *.toml directly in questionnaires/; ours sits in a subfolder.
    assert HANDVATTEN_DIR.parent.name == "questionnaires"
    assert all(path.parent != HANDVATTEN_DIR for path in available_questionnaires().values())


def test_there_are_handvatten_for_the_default_questionnaire_only():
    assert has_handvatten("ipm-ketenscan")
    assert not has_handvatten("other-scan")
    assert not has_handvatten("../ipm-ketenscan")
    with pytest.raises(QuestionnaireError, match="file not found"):
        handvatten("other-scan")


# -- validation ------------------------------------------------------------------------------


def _break(change) -> dict:
    data = _valid()
    change(data)
    return data


def _phase(data: dict, phase_id: str) -> dict:
    return next(p for p in data["phases"] if p["id"] == phase_id)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.pop("questionnaire"), "x.toml: 'questionnaire' is missing"),
        (lambda d: d.update(questionnaire="Not An Id"), "must be a questionnaire id"),
        (lambda d: d.update(phases={}), "'phases' must be a list"),
        (lambda d: d["phases"][0].update(id="begin"), "phase 'begin': unknown phase"),
        (lambda d: d["phases"].append(dict(d["phases"][0])), "phase 'inzicht': this phase appears"),
        (lambda d: d["phases"].pop(), "phases: missing phase(s): borgen"),
        (lambda d: d["phases"].reverse(), "the phases must be in the model's order"),
        (lambda d: _phase(d, "doen").pop("steps"), "phase 'doen': 'steps' is missing"),
        (lambda d: _phase(d, "doen")["steps"].pop(), "phase 'doen': has 2 steps; a phase needs 3"),
        (
            lambda d: _phase(d, "doen")["steps"].extend(
                {"id": f"doen-extra-{i}", "nl": "Stap.", "en": "Step."} for i in range(3)
            ),
            "phase 'doen': has 6 steps",
        ),
        (
            lambda d: _phase(d, "doen")["steps"][1].update(id="inzicht-step-1"),
            "phase 'doen', step 'inzicht-step-1': duplicate step id (also in phase 'inzicht')",
        ),
        (
            lambda d: _phase(d, "groeien")["steps"][0].pop("en"),
            "phase 'groeien', step 'groeien-step-1': the English version (en) of the text is "
            "missing",
        ),
        (
            lambda d: _phase(d, "groeien")["steps"][0].update(nl="  "),
            "the Dutch version (nl) of the text is empty",
        ),
        (
            lambda d: _phase(d, "borgen")["steps"][2].update(nl="Woord " * 50),
            "phase 'borgen', step 'borgen-step-3': the nl text has 299 characters",
        ),
        (lambda d: _phase(d, "borgen")["steps"][2].update(id="Borgen 3"), "may only hold"),
    ],
)
def test_invalid_files_are_refused_with_the_place(change, message):
    with pytest.raises(QuestionnaireError) as info:
        parse_handvatten(_break(change), source="x.toml")
    assert message in str(info.value)


def test_a_valid_file_parses(tmp_path):
    qid, steps = parse_handvatten(_valid(), source="x.toml")
    assert qid == "ipm-ketenscan"
    assert [s.id for s in steps["borgen"]] == ["borgen-step-1", "borgen-step-2", "borgen-step-3"]
    assert steps["borgen"][0].text.get("en") == "Step 1."


def test_file_errors_name_the_file(tmp_path):
    broken = tmp_path / "broken.toml"
    broken.write_text('questionnaire = "ipm-ketenscan"\n[[phases]\n', encoding="utf-8")
    with pytest.raises(QuestionnaireError, match=r"handvatten/broken.toml: not valid TOML"):
        load_handvatten(broken)
    latin = tmp_path / "latin.toml"
    latin.write_bytes('questionnaire = "caf\xe9"'.encode("latin-1"))
    with pytest.raises(QuestionnaireError, match="not UTF-8"):
        load_handvatten(latin)
    with pytest.raises(QuestionnaireError, match="missing.toml: file not found"):
        load_handvatten(tmp_path / "missing.toml")


def test_a_file_for_another_questionnaire_is_refused(tmp_path, monkeypatch):
    import ipm_model.handvatten as module

    text = (HANDVATTEN_DIR / "ipm-ketenscan.toml").read_text(encoding="utf-8")
    (tmp_path / "other-scan.toml").write_text(text, encoding="utf-8")
    monkeypatch.setattr(module, "HANDVATTEN_DIR", tmp_path)
    with pytest.raises(QuestionnaireError, match="made for questionnaire 'ipm-ketenscan'"):
        module.handvatten.__wrapped__("other-scan")


# -- which phases get their handvatten shown ---------------------------------------------------


def _stats(
    means: dict[str, float], hidden: tuple[str, ...] = (), other: float = 3.0
) -> pd.DataFrame:
    """One chain's phase rows as suppress_small_groups leaves them."""
    return pd.DataFrame(
        {
            "chain_id": 1,
            "phase_id": list(PHASE_IDS),
            "participants": 6,
            "n": [2 if p in hidden else 6 for p in PHASE_IDS],
            "mean": [math.nan if p in hidden else means.get(p, other) for p in PHASE_IDS],
            "sd": 0.5,
            "suppressed": False,
            "scores_hidden": [p in hidden for p in PHASE_IDS],
        }
    )


def test_focus_is_the_two_weakest_phases_in_model_order():
    focus = focus_phases(_stats({"borgen": 2.5, "toekomst": 2.7, "groeien": 2.8}))
    assert focus == (Focus("toekomst", weakest=True), Focus("borgen", weakest=True))


def test_focus_adds_the_weak_foundation_of_an_order_signal():
    # Doen (4.2) and groeien (4.0) score high on structuur (2.8): structuur is their foundation.
    means = {"inzicht": 3.4, "structuur": 2.8, "doen": 4.2, "groeien": 4.0, "borgen": 2.6}
    focus = focus_phases(_stats(means), weakest=1)
    assert focus == (
        Focus("structuur", weakest=False, foundation_for=("doen", "groeien")),
        Focus("borgen", weakest=True),
    )


def test_focus_marks_a_phase_that_is_both_weakest_and_a_foundation():
    # Every later phase (3.5) is 1.5 above structuur (2.0).
    focus = focus_phases(_stats({"structuur": 2.0}, other=3.5), weakest=1)
    assert focus == (
        Focus("structuur", weakest=True, foundation_for=("doen", "groeien", "borgen")),
    )


def test_hidden_scores_never_become_a_focus():
    stats = _stats({"inzicht": 1.5, "borgen": 2.0}, hidden=("inzicht",))
    assert [f.phase_id for f in focus_phases(stats, weakest=1)] == ["borgen"]


def test_no_focus_without_shown_scores():
    stats = _stats({}, hidden=PHASE_IDS)
    assert focus_phases(stats) == ()


# -- texts -----------------------------------------------------------------------------------


def test_focus_reason_names_why(questionnaire):
    assert focus_reason(Focus("borgen", weakest=True), questionnaire, "nl") == (
        "een van de zwakste fases"
    )
    both = Focus("structuur", weakest=True, foundation_for=("doen", "groeien", "borgen"))
    assert focus_reason(both, questionnaire, "en") == (
        "one of the weakest phases; the foundation for Do, Grow and Sustain"
    )


def test_markdown_opens_with_the_key_question_and_lists_the_steps(questionnaire):
    text = handvatten_markdown((Focus("doen", foundation_for=("groeien",)),), questionnaire, "nl")
    assert "### Doen (de basis onder Groeien)" in text
    key_question = questionnaire.phase("doen").key_question.nl
    assert f"**Openingsvraag:** _{escape_markdown(key_question)}_" in text
    steps = handvatten()["doen"]
    assert [line[:3] for line in text.splitlines() if line[:1].isdigit()] == [
        f"{i}. " for i in range(1, len(steps) + 1)
    ]
    assert escape_markdown(steps[0].text.nl) in text


def test_markdown_without_focus_says_why(questionnaire):
    assert (
        handvatten_markdown((), questionnaire, "en") == "No next steps yet\\: they need scores\\.\n"
    )

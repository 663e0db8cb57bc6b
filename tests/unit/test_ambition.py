"""Ambition: stored per phase, gathered under the same disclosure rule as the scores, gaps."""

from __future__ import annotations

import pandas as pd
import pytest

from ipm_model.agenda import build_agenda
from ipm_model.phases import PHASE_IDS
from ipm_model.results import round_results
from ipm_model.scoring import ambition_id, ambition_stats


def _round(q, people: list[tuple[str, int, int | None]]) -> pd.DataFrame:
    """people: (pid, score for every statement, ambition for every phase or None), in
    finishing order, all in chain 1 of workshop 1."""
    rows = []
    for order, (pid, score, aim) in enumerate(people, start=1):
        for s in q.statements:
            rows.append((1, 1, pid, "ketenteam", "", s.id, str(score), order))
        if aim is not None:
            for p in PHASE_IDS:
                rows.append((1, 1, pid, "ketenteam", "", ambition_id(p), str(aim), order))
    columns = [
        "workshop_id",
        "chain_id",
        "participant",
        "role",
        "partner",
        "statement_id",
        "value",
        "finish_order",
    ]
    return pd.DataFrame(rows, columns=columns)


def test_ambition_stats_counts_people_with_an_ambition(questionnaire_v2):
    frame = _round(questionnaire_v2, [("a", 2, 4), ("b", 3, 5), ("c", 3, None)])
    stats = ambition_stats(frame, questionnaire_v2, by=()).set_index("phase_id")
    assert list(stats.index) == list(PHASE_IDS)
    assert (stats["participants"] == 3).all() and (stats["n"] == 2).all()
    assert (stats["mean"] == 4.5).all()


def test_ambition_answers_do_not_change_the_scores(questionnaire_v2):
    q = questionnaire_v2
    with_aim = round_results(_round(q, [("a", 2, 5), ("b", 3, 5), ("c", 4, 5)]), q, 3)
    without = round_results(_round(q, [("a", 2, None), ("b", 3, None), ("c", 4, None)]), q, 3)
    pd.testing.assert_frame_equal(with_aim.phases, without.phases)


def test_now_ambition_and_gap_per_phase(questionnaire_v2):
    q = questionnaire_v2
    results = round_results(_round(q, [("a", 2, 4), ("b", 3, 4), ("c", 4, 5)]), q, 3)
    rows = results.chain_ambition(1).set_index("phase_id")
    assert rows["now"].tolist() == [3.0] * 7
    assert rows["ambition"].round(2).tolist() == [4.33] * 7
    assert rows["gap"].tolist() == [1.3] * 7  # from the shown figures: 4.3 - 3.0


def test_ambition_below_the_minimum_is_hidden_like_a_score(questionnaire_v2):
    q = questionnaire_v2
    results = round_results(_round(q, [("a", 2, 4), ("b", 3, 4), ("c", 4, None)]), q, 3)
    rows = results.chain_ambition(1)
    assert rows["scores_hidden"].all() and rows["ambition"].isna().all()
    assert rows["gap"].isna().all() and rows["now"].notna().all()


def test_a_small_chain_hides_its_ambition_too(questionnaire_v2):
    q = questionnaire_v2
    results = round_results(_round(q, [("a", 2, 4), ("b", 3, 4)]), q, 3)
    rows = results.chain_ambition(1)
    assert rows["suppressed"].all() and rows["ambition"].isna().all()


def test_only_the_first_k_finishers_count_for_the_ambition(questionnaire_v2):
    """Four finished with minimum 3: the group covers the first 3, for scores and ambition."""
    q = questionnaire_v2
    people = [("a", 3, 4), ("b", 3, 4), ("c", 3, 4), ("d", 3, 1)]
    rows = round_results(_round(q, people), q, 3).chain_ambition(1)
    assert (rows["participants"] == 3).all() and (rows["ambition"] == 4.0).all()


def test_agenda_ranks_phases_by_gap(questionnaire_v2):
    q = questionnaire_v2
    results = round_results(_round(q, [("a", 2, 4), ("b", 3, 4), ("c", 4, 4)]), q, 3)
    ambition = results.chain_ambition(1).copy()
    ambition["gap"] = [0.2, 1.5, 0.5, 1.5, 0.4, 2.0, 0.49]
    agenda = build_agenda(results.chain(1), results.chain_statements(1), ambition=ambition)
    assert [i.phase_id for i in agenda.gaps] == ["groeien", "toekomst", "structuur"]
    assert [name for name, _ in agenda.sections()][:2] == ["weakest_phases", "gaps"]


def test_without_ambitions_the_agenda_has_no_gap_section(questionnaire_v2):
    q = questionnaire_v2
    results = round_results(_round(q, [("a", 2, None), ("b", 3, None), ("c", 4, None)]), q, 3)
    agenda = build_agenda(
        results.chain(1), results.chain_statements(1), ambition=results.chain_ambition(1)
    )
    assert "gaps" not in [name for name, _ in agenda.sections()]


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_gap_items_are_worded(questionnaire_v2, lang):
    from ipm_model.agenda import item_texts

    q = questionnaire_v2
    results = round_results(_round(q, [("a", 2, 5), ("b", 2, 5), ("c", 2, 5)]), q, 3)
    agenda = build_agenda(
        results.chain(1), results.chain_statements(1), ambition=results.chain_ambition(1)
    )
    what, numbers = item_texts(agenda.gaps[0], q, lang)
    five, three = ("5,0", "+3,0") if lang == "nl" else ("5.0", "+3.0")  # the language's decimals
    assert what in {"Inzicht", "Insight"} and five in numbers and three in numbers


def _roles(frame: pd.DataFrame, roles: dict[str, str]) -> pd.DataFrame:
    return frame.assign(role=frame["participant"].map(roles))


def test_breakdowns_carry_the_ambition_under_the_same_rule(questionnaire_v2):
    from ipm_model.results import breakdowns

    q = questionnaire_v2
    people = [("a", 2, 4), ("b", 2, 4), ("c", 2, 4), ("d", 4, 5), ("e", 4, 5), ("f", 4, 5)]
    roles = dict.fromkeys("abc", "mt") | dict.fromkeys("def", "ketenteam")
    parts = breakdowns(_roles(_round(q, people), roles), q, 1, 3)["role"]
    rows = parts.set_index(["role", "phase_id"])
    assert rows.loc[("mt", "inzicht"), ["mean", "ambition", "gap"]].tolist() == [2.0, 4.0, 2.0]
    assert rows.loc[("ketenteam", "doen"), ["ambition", "ambition_n"]].tolist() == [5.0, 3]


def test_a_breakdown_ambition_given_by_too_few_stays_hidden(questionnaire_v2):
    from ipm_model.results import breakdowns

    q = questionnaire_v2
    # Three MT members scored, but only two of them gave an ambition: the MT's scores show,
    # its ambition does not; nor may the other group's ambition give the MT's away.
    people = [("a", 2, 4), ("b", 2, 4), ("c", 2, None), ("d", 4, 5), ("e", 4, 5), ("f", 4, 5)]
    roles = dict.fromkeys("abc", "mt") | dict.fromkeys("def", "ketenteam")
    parts = breakdowns(_roles(_round(q, people), roles), q, 1, 3)["role"]
    mt = parts[parts["role"] == "mt"]
    assert mt["mean"].notna().all()
    assert mt["ambition"].isna().all() and (mt["ambition_n"] == 0).all() and mt["gap"].isna().all()
    team = parts[parts["role"] == "ketenteam"]
    # 5 gave one in the chain: showing the team's 3 would leave the MT's 2 to subtract.
    assert team["ambition"].isna().all()


def test_the_previous_rounds_ambition_is_set_against_the_score_now(questionnaire_v2):
    from ipm_model.results import ambition_then

    q = questionnaire_v2
    earlier = round_results(_round(q, [("a", 2, 4), ("b", 3, 4), ("c", 4, 5)]), q, 3)
    now = pd.DataFrame({"phase_id": list(PHASE_IDS), "mean": [3.54] * 7})
    rows = ambition_then(earlier, 1, now).set_index("phase_id")
    assert rows["aimed"].tolist() == [4.3] * 7  # shown, rounded
    assert rows["to_go"].tolist() == [0.8] * 7  # 4.3 - 3.5
    # No ambition given (or too few): nothing to set against, no made-up zero.
    none = round_results(_round(q, [("a", 2, None), ("b", 3, None), ("c", 4, None)]), q, 3)
    assert ambition_then(none, 1, now)[["aimed", "to_go"]].isna().all().all()

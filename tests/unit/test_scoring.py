"""Phase scores, group statistics and their rules, with hand-computed expected values."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from ipm_model.scoring import (
    GROUP_STAT_COLUMNS,
    PhaseOrderSignal,
    answered_count,
    comparable_answers,
    dont_know_hotspots,
    group_phase_stats,
    most_disagreement,
    open_statements,
    own_phase_scores,
    participant_phase_scores,
    phase_order_signals,
    score_changes,
    shared_statements,
    statement_stats,
    suppress_small_groups,
)


def _ids(questionnaire, phase_id):
    return [s.id for s in questionnaire.phase(phase_id).statements]


def group_phase_summary(participant_scores: pd.DataFrame) -> pd.DataFrame:
    """The oracle: per phase n (participants with a score), mean and sd of their phase
    scores, straight from pandas.

    Keeps the phase order of the input. sd is the sample standard deviation (NaN for n < 2).
    """
    grouped = participant_scores.groupby("phase_id", sort=False)["score"]
    summary = pd.DataFrame(
        {
            "n": grouped.count().astype(int),
            "mean": grouped.mean(),
            "sd": grouped.std(ddof=1),
            "participants": grouped.size().astype(int),
        }
    ).reset_index()
    return summary


def test_own_score_is_mean_of_answered_values_without_dk_and_na(questionnaire):
    ids = _ids(questionnaire, "inzicht")  # 7 statements
    answers = dict(zip(ids, ["1", "2", "4", "5", "3", "dk", "na"], strict=True))
    row = own_phase_scores(answers, questionnaire).set_index("phase_id").loc["inzicht"]
    assert row["score"] == pytest.approx((1 + 2 + 4 + 5 + 3) / 5)
    assert (row["answered"], row["dont_know"], row["not_applicable"]) == (5, 1, 1)


@pytest.mark.parametrize("seed", range(8))
def test_own_scores_equal_the_group_path_for_one_person(questionnaire, seed):
    """own_phase_scores counts in plain Python; it must give participant_phase_scores' rows."""
    import random

    rng = random.Random(seed)
    codes = ["1", "2", "3", "4", "5", "dk", "na", None]
    answers = {s.id: rng.choice(codes) for s in questionnaire.statements}
    answers = {k: v for k, v in answers.items() if v is not None} | {"made-up": "3"}
    frame = pd.DataFrame(
        [("me", k, v) for k, v in answers.items()], columns=["participant", "statement_id", "value"]
    )
    group_path = participant_phase_scores(frame, questionnaire).drop(columns="participant")
    pd.testing.assert_frame_equal(own_phase_scores(answers, questionnaire), group_path)


def test_too_few_answers_gives_no_score_not_zero(questionnaire):
    ids = _ids(questionnaire, "doen")
    # 4 of 7 answered with a value: 57% < 60%
    answers = dict(zip(ids, ["5", "5", "5", "5", "dk", "dk", "na"], strict=True))
    row = own_phase_scores(answers, questionnaire).set_index("phase_id").loc["doen"]
    assert math.isnan(row["score"])
    assert row["answered"] == 4


def test_exactly_enough_answers_gives_a_score(questionnaire):
    ids = _ids(questionnaire, "doen")
    answers = dict(zip(ids[:5], ["2", "2", "3", "3", "5"], strict=True))
    row = own_phase_scores(answers, questionnaire).set_index("phase_id").loc["doen"]
    assert row["score"] == pytest.approx(3.0)


def test_no_answers_gives_seven_phases_without_scores(questionnaire):
    frame = own_phase_scores({}, questionnaire)
    assert list(frame["phase_id"]) == [p.id for p in questionnaire.phases]
    assert frame["score"].isna().all()


def test_unknown_statements_are_ignored(questionnaire):
    ids = _ids(questionnaire, "borgen")
    answers = {sid: "4" for sid in ids} | {"made-up": "1"}
    row = own_phase_scores(answers, questionnaire).set_index("phase_id").loc["borgen"]
    assert row["score"] == 4.0


def test_group_summary_is_mean_of_participant_scores(questionnaire):
    ids = _ids(questionnaire, "structuur")
    rows = []
    for person, value in (("a", "2"), ("b", "4"), ("c", "5")):
        rows += [(person, sid, value) for sid in ids]
    rows += [("d", sid, "dk") for sid in ids]  # no score for d: not counted in n
    frame = pd.DataFrame(rows, columns=["participant", "statement_id", "value"])
    summary = group_phase_summary(participant_phase_scores(frame, questionnaire))
    row = summary.set_index("phase_id").loc["structuur"]
    assert row["n"] == 3
    assert row["participants"] == 4
    assert row["mean"] == pytest.approx(11 / 3)
    assert row["sd"] == pytest.approx(pd.Series([2, 4, 5]).std(ddof=1))


def test_answered_and_open_counts(questionnaire):
    ids = questionnaire.statement_ids
    answers = {ids[0]: "dk", ids[1]: "3", "not-a-statement": "1"}
    assert answered_count(answers, questionnaire) == 2
    assert open_statements(answers, questionnaire) == list(ids[2:])


# -- group statistics --------------------------------------------------------------------------


def _people(questionnaire, people):
    """Answer frame from (chain_id, role, participant, {phase_id: [values in order]})."""
    rows = []
    for chain, role, person, phases in people:
        for phase_id, values in phases.items():
            for sid, value in zip(_ids(questionnaire, phase_id), values, strict=False):
                rows.append((1, chain, person, role, "", sid, value))
    return pd.DataFrame(
        rows,
        columns=[
            "workshop_id",
            "chain_id",
            "participant",
            "role",
            "partner",
            "statement_id",
            "value",
        ],
    )


def _row(stats, **keys):
    mask = pd.Series(True, index=stats.index)
    for column, value in keys.items():
        mask &= stats[column] == value
    assert mask.sum() == 1, keys
    return stats[mask].iloc[0]


@pytest.fixture
def three_people(questionnaire):
    # Chain 1, phase structuur (7 statements):
    #   a: seven 2s                  -> score 2
    #   b: five 4s, one dk, one na   -> score 4
    #   c: four 5s, three dk         -> 4/7 = 57% < 60%: no score
    # Chain 2: one person with one answer elsewhere (a second group).
    return _people(
        questionnaire,
        [
            (1, "mt", "a", {"structuur": ["2"] * 7}),
            (1, "mt", "b", {"structuur": ["4"] * 5 + ["dk", "na"]}),
            (1, "ketenteam", "c", {"structuur": ["5"] * 4 + ["dk"] * 3}),
            (2, "mt", "d", {"inzicht": ["3"]}),
        ],
    )


def test_group_phase_stats_hand_computed(three_people, questionnaire):
    stats = group_phase_stats(three_people, questionnaire)
    assert list(stats.columns) == ["workshop_id", "chain_id", *GROUP_STAT_COLUMNS]
    phases = [p.id for p in questionnaire.phases]
    assert list(stats["phase_id"]) == phases * 2  # every group x phase, model order
    assert list(stats["chain_id"]) == [1] * 7 + [2] * 7
    row = _row(stats, chain_id=1, phase_id="structuur")
    assert (row["participants"], row["statements"], row["n"]) == (3, 7, 2)
    assert row["mean"] == pytest.approx(3.0)
    assert row["sd"] == pytest.approx(math.sqrt(2))  # sample sd of 2 and 4
    assert (row["dont_know"], row["not_applicable"]) == (4, 1)
    assert row["dont_know_rate"] == pytest.approx(4 / 21)  # 3 people x 7 statements
    assert row["not_applicable_rate"] == pytest.approx(1 / 21)
    assert [row[f"dist_{v}"] for v in range(1, 6)] == [0, 7, 0, 5, 4]


def test_group_phase_without_enough_answers_is_missing_not_zero(three_people, questionnaire):
    stats = group_phase_stats(three_people, questionnaire)
    row = _row(stats, chain_id=1, phase_id="inzicht")  # nobody answered
    assert row["n"] == 0 and math.isnan(row["mean"]) and math.isnan(row["sd"])
    assert row["dont_know_rate"] == 0
    row = _row(stats, chain_id=2, phase_id="inzicht")  # 1 of 7 answered
    assert (row["participants"], row["n"], row["dist_3"]) == (1, 0, 1)
    assert math.isnan(row["mean"])


def test_group_phase_stats_by_role_and_without_groups(three_people, questionnaire):
    by_role = group_phase_stats(three_people, questionnaire, by=("chain_id", "role"))
    assert list(by_role.columns[:3]) == ["chain_id", "role", "phase_id"]
    row = _row(by_role, chain_id=1, role="ketenteam", phase_id="structuur")
    assert (row["participants"], row["n"], row["dont_know"]) == (1, 0, 3)
    row = _row(by_role, chain_id=1, role="mt", phase_id="structuur")
    assert (row["participants"], row["n"], row["mean"]) == (2, 2, 3.0)
    everyone = group_phase_stats(three_people, questionnaire, by=())
    assert list(everyone.columns) == GROUP_STAT_COLUMNS
    assert len(everyone) == 7
    assert _row(everyone, phase_id="structuur")["participants"] == 4


def test_group_phase_stats_matches_group_phase_summary(questionnaire):
    rng = np.random.default_rng(7)
    ids = questionnaire.statement_ids
    values = rng.choice(["1", "2", "3", "4", "5", "dk", "na"], size=(12, len(ids)))
    frame = pd.DataFrame(
        [
            (1, 1, f"p{i}", sid, values[i, j])
            for i in range(12)
            for j, sid in enumerate(ids)
            if values[i, j] != "na" or j % 2  # leave some statements unanswered
        ],
        columns=["workshop_id", "chain_id", "participant", "statement_id", "value"],
    )
    stats = group_phase_stats(frame, questionnaire)
    summary = group_phase_summary(participant_phase_scores(frame, questionnaire))
    pd.testing.assert_series_equal(stats["n"], summary["n"], check_dtype=False)
    pd.testing.assert_series_equal(stats["mean"], summary["mean"])
    pd.testing.assert_series_equal(stats["sd"], summary["sd"])


def test_empty_answers_give_empty_stats(questionnaire):
    empty = pd.DataFrame(
        columns=["workshop_id", "chain_id", "participant", "statement_id", "value"]
    )
    assert group_phase_stats(empty, questionnaire).empty
    assert statement_stats(empty, questionnaire).empty
    assert suppress_small_groups(group_phase_stats(empty, questionnaire)).empty


def test_statement_stats_hand_computed(questionnaire):
    first, second = _ids(questionnaire, "doen")[:2]
    frame = pd.DataFrame(
        [(1, 1, p, first, v) for p, v in zip("abcde", ["1", "5", "5", "dk", "na"], strict=True)]
        + [(1, 1, p, second, "4") for p in "abc"],
        columns=["workshop_id", "chain_id", "participant", "statement_id", "value"],
    )
    stats = statement_stats(frame, questionnaire)
    assert list(stats["statement_id"]) == list(questionnaire.statement_ids)
    row = _row(stats, statement_id=first)
    assert (row["phase_id"], row["participants"], row["n"]) == ("doen", 5, 3)
    assert row["mean"] == pytest.approx(11 / 3)
    assert row["sd"] == pytest.approx(pd.Series([1, 5, 5]).std(ddof=1))
    assert (row["dont_know"], row["not_applicable"]) == (1, 1)
    assert (row["dont_know_rate"], row["not_applicable_rate"]) == (0.2, 0.2)
    assert [row[f"dist_{v}"] for v in range(1, 6)] == [1, 0, 0, 0, 2]
    row = _row(stats, statement_id=second)
    assert row["sd"] == 0.0 and row["mean"] == 4.0  # identical answers: exactly 0
    row = _row(stats, statement_id=questionnaire.statement_ids[0])
    assert row["n"] == 0 and math.isnan(row["mean"]) and row["dont_know_rate"] == 0


# -- anonymity ---------------------------------------------------------------------------------


def _breakdown(sizes, phases=("inzicht",), n=None):
    """A role breakdown of one chain as suppress_small_groups sees it: {role: participants}."""
    rows = []
    for role, size in sizes.items():
        for phase_id in phases:
            scored = size if n is None else n.get((role, phase_id), size)
            rows.append(
                {
                    "workshop_id": 1,
                    "chain_id": 1,
                    "role": role,
                    "phase_id": phase_id,
                    "participants": size,
                    "n": scored,
                    "mean": 3.0,
                    "sd": 1.0,
                    "dont_know_rate": 0.1,
                    "dist_1": 1,
                }
            )
    return pd.DataFrame(rows)


def _hidden(frame, column="suppressed"):
    return dict(zip(frame["role"], frame[column], strict=True))


def test_groups_below_the_minimum_are_suppressed(three_people, questionnaire):
    stats = suppress_small_groups(group_phase_stats(three_people, questionnaire), 3)
    small = _row(stats, chain_id=2, phase_id="inzicht")
    assert small["suppressed"] and small["scores_hidden"]
    assert small["participants"] == 1  # counts stay
    for column in ("mean", "sd", "dont_know_rate", "not_applicable_rate", "dist_3"):
        assert math.isnan(small[column]), column
    shown = _row(stats, chain_id=1, phase_id="toekomst")
    assert not shown["suppressed"] and shown["dont_know_rate"] == 0
    stricter = suppress_small_groups(group_phase_stats(three_people, questionnaire), 4)
    assert stricter["suppressed"].all()


def test_mean_needs_minimum_people_with_a_score_but_rates_stay(three_people, questionnaire):
    # Chain 1 has 3 participants but only 2 with a structuur score.
    stats = suppress_small_groups(group_phase_stats(three_people, questionnaire), 3)
    row = _row(stats, chain_id=1, phase_id="structuur")
    assert not row["suppressed"] and row["scores_hidden"]
    assert math.isnan(row["mean"]) and math.isnan(row["dist_2"])
    assert row["dont_know_rate"] == pytest.approx(4 / 21)
    assert suppress_small_groups(group_phase_stats(three_people, questionnaire), 2).loc[
        lambda f: (f["chain_id"] == 1) & (f["phase_id"] == "structuur"), "mean"
    ].item() == pytest.approx(3.0)


def test_suppression_works_on_statement_stats(three_people, questionnaire):
    stats = suppress_small_groups(
        statement_stats(three_people, questionnaire, by=("workshop_id", "chain_id", "role")),
        3,
    )
    assert stats["suppressed"].all()  # chain 1 = mt 2 + ketenteam 1; chain 2 has 1 person
    assert stats["mean"].isna().all()


# -- phase order signal ------------------------------------------------------------------------


def test_order_signal_at_the_threshold_flags_just_below_does_not():
    signals = phase_order_signals({"structuur": 2.0, "doen": 2.75}, threshold=0.75)
    assert signals == [
        PhaseOrderSignal(
            later_phase="doen",
            earlier_phase="structuur",
            later_score=2.75,
            earlier_score=2.0,
            gap=0.75,
        )
    ]
    assert phase_order_signals({"structuur": 2.0, "doen": 2.74}, threshold=0.75) == []
    # Decimal values that are not exact in binary still flag at the threshold.
    assert len(phase_order_signals({"inzicht": 2.35, "toekomst": 3.1})) == 1


def test_order_signal_reports_the_weakest_earlier_phase_only():
    means = {
        "inzicht": 3.0,
        "toekomst": 2.0,
        "versnellen": 2.0,  # ties with toekomst: the earliest is reported
        "structuur": float("nan"),  # ignored
        "doen": 4.0,
        "groeien": 2.5,
        "borgen": 1.5,
    }
    signals = phase_order_signals(means)
    assert [(s.later_phase, s.earlier_phase, s.gap) for s in signals] == [("doen", "toekomst", 2.0)]
    lower = phase_order_signals(means, threshold=0.5)
    assert [(s.later_phase, s.earlier_phase, s.gap) for s in lower] == [
        ("doen", "toekomst", 2.0),
        ("groeien", "toekomst", 0.5),
    ]


def test_order_signal_accepts_a_stats_frame():
    frame = pd.DataFrame({"phase_id": ["inzicht", "borgen"], "mean": [1.0, 4.0]})
    [signal] = phase_order_signals(frame)
    assert (signal.later_phase, signal.earlier_phase, signal.gap) == ("borgen", "inzicht", 3.0)
    with pytest.raises(ValueError):
        phase_order_signals(pd.concat([frame, frame]))


# -- questionnaire versions --------------------------------------------------------------------


def _new_version(questionnaire, *, remove, rename):
    """Version 2: one statement removed, one renamed (a new id), nothing else changed."""
    old_id, new_id = rename
    phases = []
    for phase in questionnaire.phases:
        statements = tuple(
            replace(s, id=new_id) if s.id == old_id else s
            for s in phase.statements
            if s.id != remove
        )
        phases.append(replace(phase, statements=statements))
    return replace(questionnaire, version=2, phases=tuple(phases))


def test_trend_uses_shared_statements_and_reports_dropped(questionnaire):
    doen = _ids(questionnaire, "doen")
    removed, renamed = doen[0], doen[1]
    v2 = _new_version(questionnaire, remove=removed, rename=(renamed, "doen-renamed"))
    shared = shared_statements(questionnaire, v2)
    assert len(shared) == len(questionnaire.statement_ids) - 2
    assert removed not in shared and renamed not in shared and "doen-renamed" not in shared
    assert list(shared) == [s for s in questionnaire.statement_ids if s in shared]

    # Workshop 1 used v1, workshop 2 v2. Each person answers the whole doen phase.
    rows = [(1, 1, f"old{i}", sid, "2") for i in range(3) for sid in doen]
    rows += [(2, 1, f"new{i}", sid, "4") for i in range(3) for sid in _ids(v2, "doen")]
    answers = pd.DataFrame(
        rows, columns=["workshop_id", "chain_id", "participant", "statement_id", "value"]
    )
    result = comparable_answers(answers, {1: questionnaire, 2: v2})
    assert result.shared == shared
    assert result.dropped == (removed, renamed, "doen-renamed")
    assert set(result.answers["statement_id"]) == set(doen[2:])
    stats = group_phase_stats(result.answers, v2, statement_ids=result.shared)
    doen_rows = stats[stats["phase_id"] == "doen"]
    assert list(doen_rows["statements"]) == [5, 5]
    assert list(doen_rows["mean"]) == [2.0, 4.0]
    assert list(doen_rows["n"]) == [3, 3]


def test_sixty_percent_rule_applies_to_the_shared_statements(questionnaire):
    ids = _ids(questionnaire, "groeien")
    answers = pd.DataFrame(
        [("p", ids[0], "3"), ("p", ids[1], "5")], columns=["participant", "statement_id", "value"]
    )
    full = participant_phase_scores(answers, questionnaire).set_index("phase_id")
    assert math.isnan(full.loc["groeien", "score"])  # 2 of 7
    subset = participant_phase_scores(answers, questionnaire, statement_ids=ids[:3])
    row = subset.set_index("phase_id").loc["groeien"]
    assert (row["statements"], row["answered"], row["score"]) == (3, 2, 4.0)  # 2 of 3
    assert subset.set_index("phase_id").loc["doen", "statements"] == 0


def test_a_statement_that_moved_phase_is_not_shared(questionnaire):
    moved = _ids(questionnaire, "doen")[0]
    phases = []
    for phase in questionnaire.phases:
        statements = tuple(s for s in phase.statements if s.id != moved)
        if phase.id == "groeien":
            statements += (replace(questionnaire.statements[0], id=moved, phase_id="groeien"),)
        phases.append(replace(phase, statements=statements))
    v2 = replace(questionnaire, version=2, phases=tuple(phases))
    assert moved not in shared_statements(questionnaire, v2)


def test_comparable_answers_needs_every_workshops_questionnaire(questionnaire):
    answers = pd.DataFrame(
        [(1, "p", "x", "3"), (7, "q", "x", "3")],
        columns=["workshop_id", "participant", "statement_id", "value"],
    )
    with pytest.raises(ValueError, match=r"\[7\]"):
        comparable_answers(answers, {1: questionnaire})


# -- rankings and changes ----------------------------------------------------------------------


def _statement_rows(values_by_statement, questionnaire):
    ids = questionnaire.statement_ids
    rows = [
        (1, 1, f"p{i}", ids[j], v)
        for j, values in enumerate(values_by_statement)
        for i, v in enumerate(values)
    ]
    frame = pd.DataFrame(
        rows, columns=["workshop_id", "chain_id", "participant", "statement_id", "value"]
    )
    return statement_stats(frame, questionnaire)


def test_most_disagreement_ranks_by_sd_with_ties_in_statement_order(questionnaire):
    ids = questionnaire.statement_ids
    stats = _statement_rows(
        [
            ["3", "3", "3"],  # sd 0
            ["1", "5", "3"],  # sd 2
            ["2", "4", "3"],  # sd 1
            ["5", "1", "3"],  # sd 2, ties with ids[1]
            ["1", "dk", "dk"],  # one value: no sd, left out
        ],
        questionnaire,
    )
    top = most_disagreement(stats, top=3)
    assert list(top["statement_id"]) == [ids[1], ids[3], ids[2]]
    assert list(top["sd"]) == pytest.approx([2.0, 2.0, 1.0])
    assert len(most_disagreement(stats, top=10)) == 4


def test_rankings_are_per_group_and_skip_hidden_values(three_people, questionnaire):
    stats = statement_stats(three_people, questionnaire)
    top = most_disagreement(stats, top=2)
    assert set(top["chain_id"]) == {1}  # chain 2 has no sd anywhere
    assert (top.groupby("chain_id").size() <= 2).all()
    hidden = suppress_small_groups(stats, 4)
    assert most_disagreement(hidden).empty and dont_know_hotspots(hidden).empty


def test_dont_know_hotspots_only_positive_rates_ties_in_statement_order(questionnaire):
    ids = questionnaire.statement_ids
    stats = _statement_rows(
        [
            ["3", "dk", "3", "3"],  # 1/4
            ["dk", "dk", "3", "3"],  # 2/4
            ["3", "3", "3", "3"],  # 0: not a hot spot
            ["3", "3", "dk", "dk"],  # 2/4, ties with ids[1]
        ],
        questionnaire,
    )
    top = dont_know_hotspots(stats)
    assert list(top["statement_id"]) == [ids[1], ids[3], ids[0]]
    assert list(top["dont_know_rate"]) == [0.5, 0.5, 0.25]


def test_score_changes_sorted_from_largest_gain_to_largest_drop():
    before = pd.DataFrame(
        {
            "phase_id": ["inzicht", "toekomst", "versnellen", "structuur"],
            "mean": [2.0, 3.0, 3.0, float("nan")],
            "n": [5, 5, 5, 2],
        }
    )
    after = pd.DataFrame(
        {
            "phase_id": ["inzicht", "toekomst", "versnellen", "structuur"],
            "mean": [3.5, 2.5, 3.0, 4.0],
            "n": [6, 6, 6, 6],
        }
    )
    changes = score_changes(before, after)
    assert list(changes.columns) == [
        "phase_id",
        "mean_before",
        "mean_after",
        "change",
        "n_before",
        "n_after",
    ]
    assert list(changes["phase_id"]) == ["inzicht", "versnellen", "toekomst", "structuur"]
    assert list(changes["change"][:3]) == [1.5, 0.0, -0.5]
    assert math.isnan(changes["change"].iloc[3])


def test_score_changes_per_chain_and_refuses_ambiguous_frames():
    before = pd.DataFrame(
        {"chain_id": [1, 2], "phase_id": ["doen", "doen"], "mean": [2.0, 3.0], "n": [4, 4]}
    )
    after = before.assign(mean=[3.0, 2.0], workshop_id=9)
    changes = score_changes(before, after, on=("chain_id",))
    assert list(zip(changes["chain_id"], changes["change"], strict=True)) == [(1, 1.0), (2, -1.0)]
    with pytest.raises(ValueError, match="on"):
        score_changes(before, after)


# -- the phase-order rule table: one test per rule -------------------------------------------


def test_rule_table_covers_every_phase_with_earlier_foundations_only():
    from ipm_model.phases import PHASE_IDS
    from ipm_model.scoring import FOUNDATIONS

    assert list(FOUNDATIONS) == list(PHASE_IDS)
    for later, base in FOUNDATIONS.items():
        assert all(PHASE_IDS.index(p) < PHASE_IDS.index(later) for p in base)


def test_rule_toekomst_builds_on_inzicht():
    [signal] = phase_order_signals({"inzicht": 2.0, "toekomst": 3.0})
    assert (signal.later_phase, signal.earlier_phase) == ("toekomst", "inzicht")


def test_rule_versnellen_is_not_checked_against_earlier_phases():
    """Versnellen is partly about what already happened: high on weak ground is no warning."""
    assert phase_order_signals({"inzicht": 1.5, "toekomst": 1.5, "versnellen": 4.5}) == []


def test_rule_versnellen_is_no_foundation():
    assert phase_order_signals({"versnellen": 1.0, "structuur": 4.0, "doen": 4.0}) == []


def test_rule_structuur_builds_on_inzicht_and_toekomst():
    [signal] = phase_order_signals({"inzicht": 3.0, "toekomst": 2.0, "structuur": 3.5})
    assert (signal.later_phase, signal.earlier_phase) == ("structuur", "toekomst")


def test_rule_doen_builds_on_structuur():
    [signal] = phase_order_signals({"structuur": 2.0, "doen": 3.5})
    assert (signal.later_phase, signal.earlier_phase) == ("doen", "structuur")


def test_rule_no_warning_between_doen_and_groeien():
    """Doen and Groeien run side by side: a high Groeien next to a weak Doen is fine."""
    assert phase_order_signals({"doen": 1.5, "groeien": 4.5}) == []
    assert phase_order_signals({"groeien": 1.5, "doen": 4.5}) == []


def test_rule_groeien_builds_on_structuur():
    [signal] = phase_order_signals({"structuur": 2.0, "doen": 2.0, "groeien": 3.5})
    assert (signal.later_phase, signal.earlier_phase) == ("groeien", "structuur")


def test_rule_borgen_builds_on_doen_and_groeien():
    [signal] = phase_order_signals({"doen": 3.0, "groeien": 2.0, "borgen": 3.5})
    assert (signal.later_phase, signal.earlier_phase) == ("borgen", "groeien")

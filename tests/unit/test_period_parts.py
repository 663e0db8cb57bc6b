"""A period's figures put together from its chains' parts (results.period_parts +
combine_period) equal period_results computed from scratch on the period's answers: what
the compare page relies on when it caches each chain's part per that chain's versions."""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd
import pytest

from ipm_model.results import (
    _EMPTY_SCORES,
    INTERVAL_COLUMNS,
    _round_intervals,
    combine_period,
    combine_round,
    part_differences,
    period_differences,
    period_parts,
    period_results,
    round_parts,
    round_results,
)
from ipm_model.uncertainty import differences, with_intervals
from tests.unit.test_round_parts import _round


def _old_period(answers, rounds, questionnaires):
    """results._period as it was before the parts (the reference, kept word for word)."""
    parts, people = [], []
    for w in rounds:
        mine = answers[answers["workshop_id"] == w.id]
        if mine.empty:
            continue
        q = questionnaires[w.id]
        results = round_results(mine, q, w.min_group_size)
        parts.append(results.scores)
        shown = results.phases[~results.phases["suppressed"]]
        people.append(shown.drop_duplicates("chain_id")[["chain_id", "participants"]])
    columns = ["chain_id", "phase_id", "participants", "n", "mean", "sd"]
    parts = [p for p in parts if len(p)]
    if not parts:
        empty = pd.DataFrame(columns=[*columns, *INTERVAL_COLUMNS, "suppressed", "scores_hidden"])
        return empty, _EMPTY_SCORES
    scores = pd.concat(parts, ignore_index=True)
    totals = pd.concat(people).groupby("chain_id")["participants"].sum()
    phase_ids = [p.id for p in questionnaires[rounds[-1].id].phases]
    grid = pd.MultiIndex.from_product([totals.index, phase_ids], names=["chain_id", "phase_id"])
    stats = (
        scores.groupby(["chain_id", "phase_id"])["score"]
        .agg(n="count", mean="mean", sd="std")
        .reindex(grid)
        .reset_index()
    )
    stats["n"] = stats["n"].fillna(0).astype(int)
    stats["participants"] = stats["chain_id"].map(totals).astype(int)
    stats["suppressed"] = False
    stats["scores_hidden"] = stats["n"] == 0
    stats = with_intervals(stats, scores, ["chain_id"], context=tuple(w.id for w in rounds))
    return stats[[*columns, *INTERVAL_COLUMNS, "suppressed", "scores_hidden"]], scores


def _period_answers(q, left_out: bool):
    """Three rounds (minimum 3, 4 and 3): chains hidden in one round and shown in another,
    between rungs, a chain in one round only, flagged answers left out in one round."""
    sizes = [
        {11: 2, 12: 5, 13: 9, 14: 20, 15: 7},
        {11: 6, 12: 3, 13: 10, 14: 13, 16: 4},
        {11: 4, 12: 1, 13: 8, 14: 17, 15: 3},
    ]
    frames = []
    for wid, (chain_sizes, seed) in enumerate(zip(sizes, (3, 5, 11), strict=True), start=1):
        frame = _round(q, chain_sizes, seed=seed).assign(workshop_id=wid)
        flagged = {"2", "7", "19"} if left_out and wid == 2 else set()
        frames.append(frame.assign(left_out=frame["participant"].isin(flagged)))
    rounds = [SimpleNamespace(id=1, min_group_size=3), SimpleNamespace(id=2, min_group_size=4)]
    rounds.append(SimpleNamespace(id=3, min_group_size=3))
    return pd.concat(frames, ignore_index=True), rounds


def _round_figures(answers, rounds, questionnaires):
    """Each round's results as the pages cache them: combine_round of the chains' parts."""
    out = []
    for w in rounds:
        mine = answers[answers["workshop_id"] == w.id]
        if mine.empty:
            out.append(None)
            continue
        parts = round_parts(mine, questionnaires[w.id], w.min_group_size)
        out.append(
            combine_round(list(parts.values()), questionnaires[w.id], w.min_group_size, w.id)
        )
    return out


def _round_chain_parts(answers, rounds, questionnaires):
    """Each round's chain parts (round_parts), in reverse chain order; None: no answers."""
    out = []
    for w in rounds:
        mine = answers[answers["workshop_id"] == w.id]
        parts = round_parts(mine, questionnaires[w.id], w.min_group_size) if len(mine) else {}
        out.append([parts[c] for c in sorted(parts, reverse=True)] or None)
    return out


@pytest.mark.parametrize("left_out", [False, True])
@pytest.mark.parametrize("span", [slice(0, 1), slice(1, 2), slice(0, 3), slice(1, 3)])
def test_period_from_chain_parts_equals_from_scratch(questionnaire_v2, left_out, span):
    q = questionnaire_v2
    answers, rounds = _period_answers(q, left_out)
    rounds = rounds[span]
    answers = answers[answers["workshop_id"].isin({w.id for w in rounds})]
    questionnaires = {w.id: q for w in rounds}
    old_stats, old_scores = _old_period(answers, rounds, questionnaires)
    assert old_stats["n"].gt(0).any() and old_stats["scores_hidden"].any()
    # The new period_results (through _pooled_period) is the old one.
    pd.testing.assert_frame_equal(period_results(answers, rounds, questionnaires), old_stats)
    figures = _round_figures(answers, rounds, questionnaires)
    # A one-round period takes the round's own intervals instead of drawing them again.
    known = _round_intervals(figures, rounds, None)
    assert (known is None) == (len(rounds) > 1)
    assert known is None or 0 < len(known) < len(old_stats)
    together = period_parts(figures, rounds, questionnaires)
    pd.testing.assert_frame_equal(combine_period(list(together.values())[::-1]), old_stats)
    # From each round's chain parts (as the page reads them from the cache), any order.
    by_parts = period_parts(
        _round_chain_parts(answers, rounds, questionnaires), rounds, questionnaires
    )
    pd.testing.assert_frame_equal(combine_period(list(by_parts.values())), old_stats)
    # One chain at a time (a change in one chain recomputes that chain's part only).
    chains = sorted(set(old_stats["chain_id"]))
    assert sorted(together) == chains
    for chain_id in chains:
        alone = period_parts(figures, rounds, questionnaires, chains={chain_id})
        own = [
            None if p is None else [x for x in p if x.chain_id == chain_id]
            for p in _round_chain_parts(answers, rounds, questionnaires)
        ]
        from_own = period_parts([p or None for p in own], rounds, questionnaires, {chain_id})
        pd.testing.assert_frame_equal(from_own[chain_id].stats, together[chain_id].stats)
        pd.testing.assert_frame_equal(from_own[chain_id].scores, together[chain_id].scores)
        assert list(alone) == [chain_id]
        pd.testing.assert_frame_equal(alone[chain_id].stats, together[chain_id].stats)
        pd.testing.assert_frame_equal(alone[chain_id].scores, together[chain_id].scores)
        mine = old_scores[old_scores["chain_id"] == chain_id].reset_index(drop=True)
        pd.testing.assert_frame_equal(alone[chain_id].scores, mine)
    # A chain with no answers in the period has no part.
    assert period_parts(figures, rounds, questionnaires, chains={99}) == {}
    # The difference between two chains: the same as from the whole period.
    for a, b in [(chains[0], chains[-1]), (chains[-1], chains[1]), (chains[0], 99)]:
        pd.testing.assert_frame_equal(
            part_differences(together, a, b, rounds),
            period_differences(answers, rounds, questionnaires, a, b),
        )


def test_period_of_rounds_without_shown_scores_is_empty(questionnaire_v2):
    q = questionnaire_v2
    answers = _round(q, {11: 2, 12: 1}).assign(workshop_id=1, left_out=False)
    rounds = [SimpleNamespace(id=1, min_group_size=3), SimpleNamespace(id=2, min_group_size=3)]
    questionnaires = {1: q, 2: q}
    old_stats, _ = _old_period(answers, rounds, questionnaires)
    figures = _round_figures(answers, rounds, questionnaires)
    assert figures[1] is None
    parts = period_parts(figures, rounds, questionnaires)
    pd.testing.assert_frame_equal(combine_period(list(parts.values())), old_stats)
    pd.testing.assert_frame_equal(period_results(answers, rounds, questionnaires), old_stats)
    assert combine_period([]).empty


def test_part_differences_of_a_chain_without_part_is_unknown(questionnaire_v2):
    q = questionnaire_v2
    answers, rounds = _period_answers(q, False)
    rounds = rounds[:1]
    answers = answers[answers["workshop_id"] == 1]
    figures = _round_figures(answers, rounds, {1: q})
    parts = period_parts(figures, rounds, {1: q})
    assert len(parts[13].scores) and not len(parts[14].scores)  # 14: shown, no scores
    got = part_differences(parts, 11, 13, rounds)  # chain 11 has 2 people: hidden
    want = differences(_EMPTY_SCORES, parts[13].scores, (1, 11), (1, 13))
    pd.testing.assert_frame_equal(got, want)
    assert set(got["verdict"]) == {"unknown"}

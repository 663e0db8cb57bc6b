"""The demo history: a seeded, realistic set of closed rounds before the live workshop DEMO."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from ipm_model.demo import (
    DEMO_CHAINS,
    DEMO_CODE,
    DEMO_PROFILES,
    SPECIAL_COMMENT,
    HistoryModel,
    create_demo,
    history_rounds,
    months_before,
)
from ipm_model.questionnaire import default_questionnaire, questionnaire_for, role_kind
from ipm_model.scoring import participant_phase_scores
from ipm_model.storage.store import Store

ROOT = Path(__file__).resolve().parents[2]
TODAY = date(2026, 3, 15)
CROSSING = {
    "Van aanvraag tot uitkering": "Werkbedrijf Rivierland",
    "Van melding tot jeugdhulp": "Jeugdzorg Lindewaard",
    "Van schuld tot rust": "Stichting Schuldhulp Samen",
}
Q = default_questionnaire()
V1 = questionnaire_for(Q.id, 1)


def version_of(result) -> dict[int, object]:
    """The questionnaire of each history round (workshop id)."""
    return {
        w.id: questionnaire_for(w.questionnaire_id, w.questionnaire_version) for w in result.history
    }


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """One demo built for TODAY, shared by the read-only tests of this module."""
    store = Store(tmp_path_factory.mktemp("demo") / "x.db")
    result = create_demo(store, Q, today=TODAY)
    yield store, result
    store.close()


def frame(store: Store, result) -> pd.DataFrame:
    """Every history answer with the round's date and the chain's name (no pids or codes)."""
    answers = store.result_answers([w.id for w in result.history])
    dates = {w.id: w.date for w in result.history}
    rounds = {w.id: n for n, w in enumerate(result.history, start=1)}
    names = {c.id: c.name for w in result.history for c in w.chains}
    return answers.assign(
        date=answers["workshop_id"].map(dates),
        round=answers["workshop_id"].map(rounds),
        chain=answers["chain_id"].map(names),
    )


def people(store: Store, result) -> Counter:
    """Each participant as (round, chain, role, partner, answers): a multiset."""
    out: Counter = Counter()
    answers = frame(store, result)
    for (n, chain, _pid), rows in answers.groupby(["round", "chain", "participant"]):
        first = rows.iloc[0]
        given = tuple(sorted(zip(rows["statement_id"], rows["value"], strict=True)))
        out[(n, chain, first["role"], first["partner"], given)] += 1
    return out


def comments(store: Store, result) -> list[tuple]:
    return sorted(
        (n, c.name, r.phase_id, r.text)
        for n, w in enumerate(result.history, start=1)
        for c in w.chains
        for r in store.result_comments(w.id, c.id).itertuples()
    )


def test_two_builds_on_fresh_databases_are_identical(tmp_path, built):
    store, result = built
    other = Store(tmp_path / "y.db")
    again = create_demo(other, Q, today=TODAY)
    assert [(w.date, w.title, w.status) for w in again.history] == [
        (w.date, w.title, w.status) for w in result.history
    ]
    assert people(other, again) == people(store, result)
    assert comments(other, again) == comments(store, result)
    assert again.history_answers == result.history_answers
    assert {w.code for w in again.history}.isdisjoint({DEMO_CODE})
    other.close()


def test_another_day_moves_the_dates_but_not_the_answers(tmp_path, built):
    store, result = built
    other = Store(tmp_path / "z.db")
    later = create_demo(other, Q, today=date(2027, 1, 6))
    assert [w.date for w in later.history] != [w.date for w in result.history]
    assert later.workshop.date == "2027-01-06"
    assert people(other, later) == people(store, result)
    assert comments(other, later) == comments(store, result)
    other.close()


def test_rounds_chains_and_group_sizes(built):
    store, result = built
    assert 3 <= len(result.history) <= 4
    days = [date.fromisoformat(w.date) for w in result.history]
    assert days == sorted(days) and len(set(days)) == len(days)
    assert all(months_before(TODAY, 18) <= d < TODAY for d in days)
    assert (days[-1] - days[0]).days > 365  # spread over more than a year
    assert all(d.weekday() < 5 for d in days)
    assert len({w.code for w in result.history} | {result.workshop.code}) == len(days) + 1
    for w in result.history:
        assert not w.is_open
        assert [c.name for c in w.chains] == list(DEMO_CHAINS)
        counts = store.participation(w.id)
        assert (counts["joined"] == counts["finished"]).all()
        assert counts["finished"].between(6, 15).all(), counts
    roles = frame(store, result).drop_duplicates("participant")
    assert {"mt", "keteneigenaar", "ketenteam", "professional", "staf", "partner"} <= set(
        roles["role"]
    )
    per_group = roles.groupby(["date", "chain"])["role"]
    assert (per_group.apply(lambda r: (r == "keteneigenaar").sum()) == 1).all()
    assert (per_group.apply(lambda r: (r == "professional").sum()) >= 2).all()
    # The store also holds the fictional peer organisations of the benchmark.
    assert result.history_answers == len(frame(store, result)) < store.counts()["answer"]


def test_older_rounds_use_version_1_and_the_latest_round_version_2(built):
    _, result = built
    assert [w.questionnaire_version for w in result.history] == [1, 1, 1, 2]
    assert result.workshop.questionnaire_version == Q.version == 2


def test_every_participant_answers_every_statement_shown_to_them(built):
    store, result = built
    answers = frame(store, result)
    versions = version_of(result)
    for (wid, _pid), rows in answers.groupby(["workshop_id", "participant"]):
        first = rows.iloc[0]
        shown = {s.id for s in versions[wid].statements_for(role_kind(first.role, first.partner))}
        given = rows[~rows["statement_id"].str.startswith("ambition-")]
        assert set(given["statement_id"]) == shown and len(given) == len(shown)
    assert set(answers["value"]) <= {"1", "2", "3", "4", "5", "dk", "na"}


def test_partners_answer_like_partners_in_version_2(built):
    """Fewer statements, not more n.v.t.: on version 2 partners see what they can judge."""
    store, result = built
    answers = frame(store, result)
    answers = answers[~answers["statement_id"].str.startswith("ambition-")]
    latest = answers[answers["round"] == len(result.history)]
    from_partner = latest["partner"] != ""
    per_person = latest.groupby("participant").agg(n=("statement_id", "size"), r=("role", "first"))
    assert (
        per_person.loc[per_person["r"] == "partner", "n"].max()
        == len(Q.statements_for("partner"))
        < len(Q.statements)
    )
    na = latest["value"].eq("na")
    assert na[from_partner].mean() < 0.02
    # Every partner gets a score on all seven phases.
    scores = participant_phase_scores(latest[from_partner], Q)
    assert scores["score"].notna().mean() > 0.95


def test_items_of_a_phase_correlate_more_than_items_of_different_phases(built):
    """The answer model: a person's phase level drives every item of that phase."""
    store, result = built
    answers = frame(store, result)
    older = answers[(answers["round"] < len(result.history)) & answers["value"].str.isdigit()]
    wide = older.assign(v=older["value"].astype(int)).pivot_table(
        index=["workshop_id", "chain_id", "participant"], columns="statement_id", values="v"
    )
    # Correlations within a chain and round: centre on the group's means first.
    wide = wide - wide.groupby(level=["workshop_id", "chain_id"]).transform("mean")
    corr = wide.corr(min_periods=30)
    phase = V1.phase_of()
    within, between = [], []
    ids = list(corr.columns)
    for i, a in enumerate(ids):
        for b in ids[i + 1 :]:
            value = corr.loc[a, b]
            if pd.notna(value):
                (within if phase[a] == phase[b] else between).append(value)
    assert 0.3 <= sum(within) / len(within) <= 0.7
    assert sum(between) / len(between) < sum(within) / len(within) - 0.1


def test_partners_take_part_in_the_crossing_chains_only(built):
    store, result = built
    persons = frame(store, result).drop_duplicates("participant")
    for (_, chain), group in persons.groupby(["date", "chain"]):
        partners = set(group["partner"]) - {""}
        if chain in CROSSING:
            assert partners == {CROSSING[chain]}
        else:
            assert partners == set()
    assert set(persons.loc[persons["role"] == "partner", "partner"]) == set(CROSSING.values())


def test_dont_know_and_not_applicable_rates_are_plausible(built):
    store, result = built
    answers = frame(store, result)
    answers = answers[answers["round"] < len(result.history)].copy()  # the version 1 rounds
    answers["phase_id"] = answers["statement_id"].map(V1.phase_of())
    dk = answers["value"].eq("dk")
    na = answers["value"].eq("na")
    assert 0.03 <= dk.mean() <= 0.10
    assert dk[answers["phase_id"] == "borgen"].mean() > dk.mean()
    from_partner = answers["partner"] != ""
    assert na[from_partner].mean() > 5 * na[~from_partner].mean()
    assert 0.02 <= na[from_partner].mean() <= 0.15
    assert dk[answers["role"] == "staf"].mean() > dk[answers["role"] == "mt"].mean()


def group_means(store: Store, result) -> pd.DataFrame:
    """Mean phase score per round and chain: participants' phase scores, averaged."""
    answers = frame(store, result)
    versions = version_of(result)
    scores = pd.concat(
        [
            participant_phase_scores(rows, versions[wid])
            for wid, rows in answers.groupby("workshop_id")
        ]
    ).merge(answers[["participant", "date", "chain"]].drop_duplicates(), on="participant")
    return scores.groupby(["chain", "date", "phase_id"])["score"].mean().unstack("phase_id")


def test_chains_improve_over_time(built):
    store, result = built
    means = group_means(store, result).mean(axis=1).unstack("date")
    first, last = means.columns.min(), means.columns.max()
    assert (means[last] > means[first]).sum() >= 3, means
    # The chain that started low improves the most.
    assert (means[last] - means[first]).idxmax() == "Van vergunning tot bouw"


def test_phase_patterns(built):
    store, result = built
    means = group_means(store, result)
    first = means.xs(result.history[0].date, level="date")
    # Early on, insight and future are ahead of growing and sustaining.
    early = first[["inzicht", "toekomst"]].mean(axis=1)
    late = first[["groeien", "borgen"]].mean(axis=1)
    assert (early > late).sum() >= 3
    # The phase order problem: doing scores high on a weak structure in the jeugdhulp chain.
    jeugd = means.xs("Van melding tot jeugdhulp", level="chain")
    assert (jeugd["doen"] - jeugd["structuur"] > 0.7).all()


def test_some_statements_show_real_disagreement(built):
    store, result = built
    answers = frame(store, result)
    numeric = answers[answers["value"].isin(["1", "2", "3", "4", "5"])]
    sd = (
        numeric.assign(v=numeric["value"].astype(int))
        .groupby(["date", "chain", "statement_id"])["v"]
        .std()
    )
    split = sd[sd > 1.2]
    assert len(split) >= 5
    configured = {s for p in DEMO_PROFILES for s in p.disagreement}
    assert set(split.index.get_level_values("statement_id")) & configured


def test_comments_are_few_short_and_include_special_characters(built):
    store, result = built
    texts = comments(store, result)
    participants = store.counts()["participant"]
    commenters = store.counts()["phase_comment"]
    assert 0.08 * participants <= commenters <= 0.3 * participants
    assert all(len(t[3]) <= 200 for t in texts)
    assert any(t[3] == SPECIAL_COMMENT for t in texts)
    assert all(ch in SPECIAL_COMMENT for ch in "<>*_")


def test_live_workshop_demo_is_open_empty_and_dated_today(built):
    store, result = built
    w = store.workshop_by_code(DEMO_CODE)
    assert w.id == result.workshop.id and w.is_open
    assert w.date == TODAY.isoformat()
    assert [c.name for c in w.chains] == list(DEMO_CHAINS)
    assert (store.participation(w.id)["joined"] == 0).all()
    assert {x.organisation_id for x in result.history} == {w.organisation_id}


def test_reset_rebuilds_the_same_history(tmp_path):
    store = Store(tmp_path / "x.db")
    first = create_demo(store, Q, today=TODAY)
    before = (people(store, first), comments(store, first), store.counts())
    live = store.create_participant(first.workshop, chain_id=first.workshop.chains[0].id, role="mt")
    store.save_answer(live.id, "doen-action-owner", "4")
    again = create_demo(store, Q, today=TODAY, reset=True)
    assert (people(store, again), comments(store, again), store.counts()) == before
    assert (store.participation(again.workshop.id)["joined"] == 0).all()
    store.close()


def test_without_history_only_the_live_workshop(tmp_path):
    store = Store(tmp_path / "x.db")
    result = create_demo(store, Q, today=TODAY, history=False)
    assert result.history == () and result.history_answers == 0
    assert store.counts()["workshop"] == 1 and store.counts()["participant"] == 0
    store.close()


def test_history_rounds_dates():
    rounds = history_rounds(date(2025, 8, 31))
    assert [r.day.isoformat() for r in rounds] == [
        "2024-02-29",  # 18 months back, clamped to the month's end (a Thursday)
        "2024-09-02",  # 2024-08-31 is a Saturday: the Monday after
        "2025-02-28",
        "2025-07-31",
    ]
    assert rounds[0].t == 0.0 and rounds[-1].t == 1.0
    assert months_before(date(2026, 3, 31), 1) == date(2026, 2, 28)
    assert months_before(date(2026, 1, 15), 13) == date(2024, 12, 15)


def test_model_streams_do_not_depend_on_the_number_of_chains():
    model = HistoryModel(Q, seed=3, participants=(8, 8))
    rounds = history_rounds(TODAY, (6, 1))
    two = model.rounds(DEMO_PROFILES[:2], rounds)
    four = model.rounds(DEMO_PROFILES, rounds)
    assert [r[:2] for r in four] == two
    assert all(len(group) == 8 for r in four for group in r)


def test_a_failure_leaves_no_half_built_demo(tmp_path, monkeypatch):
    store = Store(tmp_path / "x.db")

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(store, "load_finished_participants", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        create_demo(store, Q, today=TODAY)
    assert store.counts()["organisation"] == 0 and store.counts()["workshop"] == 0
    store.close()


def test_bench_builds_a_small_history(tmp_path):
    db = tmp_path / "bench.db"
    proc = subprocess.run(
        [sys.executable, "bench/build_history.py", "--db", str(db), "--chains", "3"]
        + ["--rounds", "2", "--participants", "5", "--today", "2026-03-15"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    s = Store(db)
    # Routed by role: each participant answers the statements shown to them (and most of
    # them an ambition per phase in the latest round).
    answers = s.counts()["answer"]
    assert (
        3 * 2 * 5 * len(Q.statements_for("medewerker"))
        < answers
        <= 3 * 2 * 5 * (len(Q.statements) + 7)
    )
    assert f"{answers:,} answers" in proc.stdout
    assert all(not w.is_open for w in s.workshops())
    s.close()


def test_the_latest_round_carries_ambitions_above_today(built):
    store, result = built
    answers = frame(store, result)
    aims = answers[answers["statement_id"].str.startswith("ambition-")]
    assert set(aims["round"]) == {len(result.history)}
    people_latest = answers.loc[answers["round"] == len(result.history), "participant"].nunique()
    assert 0.6 <= aims["participant"].nunique() / people_latest <= 0.95
    assert aims["value"].astype(int).mean() > 3.3


def test_actions_close_the_loop_from_score_to_action_to_review(built):
    """Every chain agrees actions after each round; each is reviewed at the next round (done,
    busy or dropped) and only the last round's are still open, each with an owner and a date."""
    store, result = built
    rounds = result.history
    for chain in rounds[-1].chains:
        actions = store.actions(chain_id=chain.id)
        by_round = {w.id: [a for a in actions if a.workshop_id == w.id] for w in rounds}
        assert all(by_round[w.id] for w in rounds), chain.name
        earlier = [a for w in rounds[:-1] for a in by_round[w.id]]
        assert {a.status for a in earlier} <= {"done", "busy", "dropped"}
        assert "done" in {a.status for a in earlier}
        assert {a.status for a in by_round[rounds[-1].id]} == {"open"}
        assert all(a.owner and a.due_date for a in actions)

"""The peer benchmark: minimum of other organisations, opt-out, no names, no subtraction."""

from __future__ import annotations

import json
from datetime import date

import numpy as np
import pandas as pd
import pytest

from ipm_model import charts
from ipm_model.benchmark import BAND_COLUMNS, MIN_OTHER_ORGANISATIONS, has_bands, peer_bands
from ipm_model.demo import DEMO_ORGANISATION, DEMO_PEERS, create_demo
from ipm_model.phases import PHASE_IDS
from ipm_model.questionnaire import default_questionnaire
from ipm_model.results import benchmark_means, peer_benchmark
from ipm_model.storage.store import Store

Q = default_questionnaire()


def _means(values_per_org: dict[int, list[float]], phase: str = "doen") -> pd.DataFrame:
    rows = [
        (org, org * 100 + k, phase, v)
        for org, values in values_per_org.items()
        for k, v in enumerate(values)
    ]
    return pd.DataFrame(rows, columns=["organisation_id", "chain_id", "phase_id", "mean"])


def test_bands_need_five_other_organisations_and_leave_out_the_own():
    five = {o: [2.0 + 0.3 * o] for o in range(1, 6)}
    bands = peer_bands(_means({**five, 99: [5.0]}), 99, ["doen"])
    assert list(bands.columns) == list(BAND_COLUMNS)
    assert bands.iloc[0][["p25", "p50", "p75"]].tolist() == pytest.approx([2.6, 2.9, 3.2])
    # The own organisation never counts: with it as one of five, there are only four others.
    assert not has_bands(peer_bands(_means(five), 5, ["doen"]))
    many_chains_few_orgs = {o: [2.0, 3.0, 4.0, 4.5] for o in range(1, MIN_OTHER_ORGANISATIONS)}
    assert not has_bands(peer_bands(_means(many_chains_few_orgs), 99, ["doen"]))
    # A phase without enough others is empty; a phase id without data too.
    assert peer_bands(_means(five), 99, ["doen", "borgen"])["p50"].isna().tolist() == [
        False,
        True,
    ]


def test_a_mean_would_give_a_joining_organisation_away_but_the_bands_do_not():
    """Why only bands: before and after one organisation joins, a mean benchmark (with its
    count) tells that organisation's score exactly; the shown bands stay the same for every
    score it could have below the lower quartile, so nothing about it can be read."""
    rng = np.random.default_rng(1)
    pool = {o: list(np.round(rng.uniform(2.5, 4.5, 2), 2)) for o in range(1, 8)}
    before = _means(pool)
    mean_before, n_before = before["mean"].mean(), len(before)
    for secret in (1.2, 1.9, 2.3):
        after = _means({**pool, 50: [secret]})
        worked_out = after["mean"].mean() * (n_before + 1) - mean_before * n_before
        assert worked_out == pytest.approx(secret)  # the attack on a mean works
    shown = {
        tuple(peer_bands(_means({**pool, 50: [secret]}), 99, ["doen"]).iloc[0])
        for secret in (1.2, 1.9, 2.3)
    }
    assert len(shown) == 1  # the attack on the bands learns nothing


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory):
    store = Store(tmp_path_factory.mktemp("bench") / "demo.db")
    create_demo(store, Q, today=date(2025, 6, 2))
    yield store
    store.close()


def _bands_for(store: Store, name: str) -> pd.DataFrame:
    answers = store.benchmark_answers(Q.id, Q.version)
    return peer_benchmark(answers, Q, store.organisation_id(name))


def test_the_demo_has_enough_peers_and_names_never_reach_the_chart(demo_store):
    assert len(DEMO_PEERS) > MIN_OTHER_ORGANISATIONS
    bands = _bands_for(demo_store, DEMO_ORGANISATION)
    assert bands["p50"].notna().all()
    assert ((bands["p25"] <= bands["p50"]) & (bands["p50"] <= bands["p75"])).all()
    answers = demo_store.benchmark_answers(Q.id, Q.version)
    assert not {"name", "chain", "organisation"} & set(answers.columns)
    data = pd.DataFrame({"series": "Keten", "phase_id": PHASE_IDS, "score": 3.0, "n": 5, "sd": 0.5})
    spec = json.dumps(charts.radar_spec(data, {p: p for p in PHASE_IDS}, benchmark=bands))
    for name, _ in DEMO_PEERS:
        assert name not in spec and name.split(" (")[0] not in spec


def test_only_shown_chain_figures_enter_the_pool(demo_store):
    answers = demo_store.benchmark_answers(Q.id, Q.version)
    means = benchmark_means(answers, Q)
    # One row per chain: its latest closed round only.
    assert not means.duplicated(["chain_id", "phase_id"]).any()
    counted = answers.groupby(["workshop_id", "chain_id"])["participant"].nunique()
    assert (counted >= 3).all()


def test_opting_out_removes_an_organisation_and_the_minimum_then_hides_the_bands(demo_store):
    ids = [demo_store.organisation_id(name) for name, _ in DEMO_PEERS]
    try:
        demo_store.set_benchmark_opt_out(ids[0], True)
        assert demo_store.organisation(ids[0])["benchmark_opt_out"] is True
        answers = demo_store.benchmark_answers(Q.id, Q.version)
        assert ids[0] not in set(answers["organisation_id"])
        assert has_bands(_bands_for(demo_store, DEMO_ORGANISATION))
        for org in ids[: len(ids) - MIN_OTHER_ORGANISATIONS + 1]:
            demo_store.set_benchmark_opt_out(org, True)
        assert not has_bands(_bands_for(demo_store, DEMO_ORGANISATION))
    finally:
        for org in ids:
            demo_store.set_benchmark_opt_out(org, False)


def test_a_round_with_flagged_answers_left_out_enters_the_pool_as_its_organisation_sees_it(
    tmp_path,
):
    """Issue 14: another organisation's leave-out switch applies to the pool too, so the
    pool holds the chain figure that organisation itself sees, with and without it."""
    from ipm_model.results import benchmark_answers, load_answers, round_results
    from ipm_model.storage import exclusions

    store = Store(tmp_path / "demo.db")
    create_demo(store, Q, today=date(2025, 6, 2))
    pool = store.benchmark_answers(Q.id, Q.version)
    peer = store.organisation_id(DEMO_PEERS[0][0])
    mine = pool[pool["organisation_id"] == peer]
    sizes = mine.groupby(["workshop_id", "chain_id"])["participant"].nunique()
    wid, cid = sizes.idxmax()
    first = mine[(mine["workshop_id"] == wid) & (mine["chain_id"] == cid)]
    straight = list(first.sort_values("finish_order")["participant"].unique()[:2])
    with store._write() as db:
        for pid in straight:
            db.execute(
                "UPDATE answer SET value = '4' WHERE value NOT IN ('dk', 'na') AND participant_id"
                " = (SELECT id FROM participant WHERE pid = ? AND workshop_id = ?)",
                [pid, int(wid)],
            )
    minimum = int(first["min_group_size"].iloc[0])

    def pool_means_and_own_view():
        means = benchmark_means(benchmark_answers(store, Q.id, Q.version), Q)
        chain = means[means["chain_id"] == cid].set_index("phase_id")["mean"]
        own = round_results(load_answers(store, [int(wid)]), Q, minimum).chain(cid)
        return chain, own.set_index("phase_id")["mean"].dropna()

    before, own_before = pool_means_and_own_view()
    assert before.reindex(own_before.index).to_numpy() == pytest.approx(own_before.to_numpy())
    exclusions.set_left_out(store, int(wid), True, "test", "code")
    answers = benchmark_answers(store, Q.id, Q.version)
    assert set(answers.loc[answers["left_out"], "participant"]) >= set(straight)
    after, own_after = pool_means_and_own_view()
    assert after.reindex(own_after.index).to_numpy() == pytest.approx(own_after.to_numpy())
    assert not np.allclose(after.reindex(before.index), before)
    store.close()


def _touch_closed_round(store: Store, organisation_id: int) -> int:
    """One finished participant of a closed round of the organisation gets a new change
    stamp (an edit there); returns the round's id."""
    from ipm_model.model import now_iso

    rows = store._query(
        """SELECT min(p.id) AS id, w.id AS wid FROM participant p
           JOIN workshop w ON w.id = p.workshop_id
           WHERE w.organisation_id = ? AND w.status = 'closed' AND p.finished_at IS NOT NULL
           GROUP BY w.id ORDER BY w.id DESC""",
        [organisation_id],
    )
    with store._write() as db:
        db.execute("UPDATE participant SET changed_at = ? WHERE id = ?", [now_iso(), rows[0]["id"]])
    return int(rows[0]["wid"])


def test_the_bands_key_moves_with_other_organisations_only(store):
    """Issue 16: the peer bands leave the own organisation out, so their cache key
    (results.benchmark_state without it) ignores a change in its own rounds, and still
    moves with a change in another organisation's."""
    from ipm_model.results import benchmark_state
    from ipm_model.storage import exclusions

    create_demo(store, Q, today=date(2025, 6, 2))
    own = store.organisation_id(DEMO_ORGANISATION)
    peer = store.organisation_id(DEMO_PEERS[0][0])
    key = benchmark_state(store, Q.id, Q.version, without=own)
    whole = benchmark_state(store, Q.id, Q.version)

    mine = _touch_closed_round(store, own)
    assert benchmark_state(store, Q.id, Q.version) != whole  # the whole pool's key moves
    assert benchmark_state(store, Q.id, Q.version, without=own) == key
    exclusions.set_left_out(store, mine, True, "test", "code")
    assert benchmark_state(store, Q.id, Q.version, without=own) == key

    theirs = _touch_closed_round(store, peer)
    moved = benchmark_state(store, Q.id, Q.version, without=own)
    assert moved != key
    exclusions.set_left_out(store, theirs, True, "test", "code")
    assert benchmark_state(store, Q.id, Q.version, without=own) != moved


def test_bands_from_the_other_organisations_rows_only_are_the_same(demo_store):
    """ui.results loads the pool without the organisation's own rows (its bands leave its
    chains out anyway): the same bands for every organisation, fewer rows read."""
    from ipm_model.results import benchmark_answers

    everyone = benchmark_answers(demo_store, Q.id, Q.version)
    for org_id in sorted(set(everyone["organisation_id"])):
        others = benchmark_answers(demo_store, Q.id, Q.version, without=int(org_id))
        assert len(others) < len(everyone)
        assert not (others["organisation_id"] == org_id).any()
        pd.testing.assert_frame_equal(
            peer_benchmark(others, Q, int(org_id)), peer_benchmark(everyone, Q, int(org_id))
        )

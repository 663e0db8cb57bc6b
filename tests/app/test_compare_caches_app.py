"""The compare page's caches (ui.compare_stats): a round's or period's figures are put
together from each chain's part, cached per that chain's versions read from the database;
the "within one chain" breakdowns per that chain's version. A change in one chain shows at
the next reader and recomputes that chain only; nothing stale is ever shown."""

from __future__ import annotations

import pandas as pd
import pyarrow as pa
import pytest

import ui.compare_stats as compare_stats
from ipm_model.results import breakdowns, load_answers, period_differences, period_results
from ipm_model.storage import exclusions
from tests.app.conftest import new_app, texts
from tests.app.test_round_caches_app import _first_counted, _history
from ui.results import questionnaire_of


@pytest.fixture
def counted_chains(monkeypatch):
    """The chains whose period part was computed (not read from the cache), per call."""
    computed: list[set[int]] = []
    real = compare_stats.period_parts

    def counting(results, rounds, questionnaires, chains=None):
        computed.append(set(chains))
        return real(results, rounds, questionnaires, chains=chains)

    monkeypatch.setattr(compare_stats, "period_parts", counting)
    return computed


@pytest.fixture
def counted_breakdowns(monkeypatch):
    computed: list[int] = []
    real = compare_stats.breakdowns

    def counting(answers, q, chain_id, minimum):
        computed.append(chain_id)
        return real(answers, q, chain_id, minimum)

    monkeypatch.setattr(compare_stats, "breakdowns", counting)
    return computed


def _fresh(store, rounds) -> pd.DataFrame:
    answers = load_answers(store, [w.id for w in rounds])
    return period_results(answers, rounds, {w.id: questionnaire_of(w) for w in rounds})


def _edit(store, workshop, chain_id, value: str) -> None:
    """A counted participant of the chain changes every answer after finishing."""
    person = _first_counted(store, workshop, chain_id)
    for s in questionnaire_of(workshop).statements:
        store.save_answer(person, s.id, value)


@pytest.mark.parametrize("span", ["round", "period"])
def test_a_change_in_one_chain_shows_at_once_and_recomputes_that_chain_only(
    app_store, counted_chains, span
):
    store = app_store
    rounds, chain_id, with_answers = _history(store)
    last = with_answers[-1]
    chosen = (last,) if span == "round" else tuple(rounds)
    stats = compare_stats.period_stats(store, chosen)
    pd.testing.assert_frame_equal(stats, _fresh(store, chosen))
    chains = set(stats["chain_id"])
    assert chain_id in chains and len(chains) >= 2
    assert len(counted_chains) == 1 and counted_chains[0] >= chains  # cold: all together

    counted_chains.clear()
    pd.testing.assert_frame_equal(compare_stats.period_stats(store, chosen), stats)
    assert counted_chains == []  # nothing changed: nothing computed

    _edit(store, last, chain_id, "1")
    counted_chains.clear()
    edited = compare_stats.period_stats(store, chosen)
    pd.testing.assert_frame_equal(edited, _fresh(store, chosen))
    mine = edited["chain_id"] == chain_id
    assert not edited[mine].equals(stats[mine])
    pd.testing.assert_frame_equal(edited[~mine], stats[~mine])
    assert counted_chains == [{chain_id}]

    # A new finisher in another chain: that chain only.
    other = next(c for c in sorted(chains) if c != chain_id)
    late = store.create_participant(last, chain_id=other, role="ketenteam")
    for s in questionnaire_of(last).statements:
        store.save_answer(late.id, s.id, "5")
    store.finish(late.id)
    counted_chains.clear()
    grown = compare_stats.period_stats(store, chosen)
    pd.testing.assert_frame_equal(grown, _fresh(store, chosen))
    assert counted_chains == [{other}]

    # The difference between two chains: the one from the whole period's answers.
    answers = load_answers(store, [w.id for w in chosen])
    questionnaires = {w.id: questionnaire_of(w) for w in chosen}
    counted_chains.clear()
    pd.testing.assert_frame_equal(
        compare_stats.chain_difference_stats(store, chosen, chain_id, other),
        period_differences(answers, chosen, questionnaires, chain_id, other),
    )
    assert counted_chains == []  # from the parts already cached


def test_leaving_flagged_answers_out_moves_every_chain_of_that_round(app_store, counted_chains):
    store = app_store
    rounds, _, with_answers = _history(store)
    last = with_answers[-1]
    compare_stats.period_stats(store, (last,))
    exclusions.set_left_out(store, last.id, True, "test", "test")
    counted_chains.clear()
    pd.testing.assert_frame_equal(
        compare_stats.period_stats(store, (last,)), _fresh(store, (last,))
    )
    assert len(counted_chains) == 1


def test_breakdowns_come_from_the_chains_rows_and_follow_a_change(app_store, counted_breakdowns):
    store = app_store
    rounds, chain_id, with_answers = _history(store)
    last = with_answers[-1]
    q = questionnaire_of(last)

    def fresh(by):
        answers = load_answers(store, [last.id])
        return breakdowns(answers, q, chain_id, last.min_group_size)[by]

    for by in ("role", "partner"):
        pd.testing.assert_frame_equal(
            compare_stats.breakdown_stats(store, last, chain_id, by), fresh(by)
        )
    assert counted_breakdowns == [chain_id]  # both splits decided together, once
    other = next(c.id for c in last.chains if c.id != chain_id)
    _edit(store, last, other, "2")  # another chain: nothing recomputed
    counted_breakdowns.clear()
    compare_stats.breakdown_stats(store, last, chain_id, "role")
    assert counted_breakdowns == []
    _edit(store, last, chain_id, "1")
    before = fresh("role")
    pd.testing.assert_frame_equal(
        compare_stats.breakdown_stats(store, last, chain_id, "role"), before
    )
    assert counted_breakdowns == [chain_id]
    exclusions.set_left_out(store, last.id, True, "test", "test")
    pd.testing.assert_frame_equal(
        compare_stats.breakdown_stats(store, last, chain_id, "role"), fresh("role")
    )


def _heat_scores(at) -> dict[str, list[float]]:
    """Per chain name: the scores the compare page's heatmap sends to the browser."""
    found: dict[str, list[float]] = {}
    for chart in at.get("vega_lite_chart") + at.get("arrow_vega_lite_chart"):
        for dataset in chart.proto.datasets:
            frame = pa.ipc.open_stream(dataset.data.data).read_pandas()
            if {"chain", "score"} <= set(frame.columns):
                for name, rows in frame.groupby("chain"):
                    found[name] = [float(v) for v in rows["score"]]
    return found


def test_the_compare_page_shows_a_change_in_one_chain_at_once(app_store):
    store = app_store
    rounds, chain_id, with_answers = _history(store)
    org = store.organisation(store.workshop_by_code("DEMO").organisation_id)
    at = new_app(r=org["results_token"]).run()
    at.switch_page("pages/compare.py").run()
    assert not at.exception
    shown = at.selectbox(key="filter-round")
    last = with_answers[-1]
    shown.set_value(last.id).run()
    before = _heat_scores(at)
    name = next(c.name for c in last.chains if c.id == chain_id)
    assert name in before and len(before) >= 2
    _edit(store, last, chain_id, "1")
    at.run()
    assert not at.exception
    after = _heat_scores(at)
    assert after[name] != before[name]
    assert sum(after[name]) < sum(before[name])
    assert {k: v for k, v in after.items() if k != name} == {
        k: v for k, v in before.items() if k != name
    }


def test_the_within_section_computes_only_for_a_picked_chain(app_store, counted_breakdowns):
    store = app_store
    rounds, chain_id, with_answers = _history(store)
    last = with_answers[-1]
    org = store.organisation(store.workshop_by_code("DEMO").organisation_id)
    at = new_app(r=org["results_token"]).run()
    at.switch_page("pages/compare.py").run()
    at.selectbox(key="filter-round").set_value(last.id).run()
    assert not at.exception
    picker = at.selectbox(key="compare-chain")
    assert picker.value is None and picker.placeholder == "Kies een keten"
    assert counted_breakdowns == []  # not opened: nothing computed

    def charts() -> int:
        return len(at.get("vega_lite_chart") + at.get("arrow_vega_lite_chart"))

    before = charts()
    assert "Geen enkele groep heeft" not in texts(at)
    picker.set_value(chain_id).run()
    assert not at.exception
    assert counted_breakdowns == [chain_id]
    # The chain's perspectives radar, or the note that no group is large enough.
    assert charts() == before + 1 or "Geen enkele groep heeft" in texts(at)
    counted_breakdowns.clear()
    at.run()
    assert counted_breakdowns == []  # a rerun with nothing changed
    _edit(store, last, chain_id, "1")
    at.run()
    assert not at.exception
    assert counted_breakdowns == [chain_id]  # the change shows at the next run


def test_the_compare_page_reuses_the_results_pages_round_parts(app_store, monkeypatch):
    """The round's chain parts the results page cached (ui.results.round_stats) are the
    ones the compare page reads: after the results page, the compare page computes no
    chain's round figures; after a change in one chain, that chain's only (once)."""
    import ui.results as ui_results

    computed: list[int] = []
    real = ui_results.round_parts

    def counting(answers, q, minimum):
        parts = real(answers, q, minimum)
        computed.extend(parts)
        return parts

    monkeypatch.setattr(ui_results, "round_parts", counting)
    store = app_store
    rounds, chain_id, with_answers = _history(store)
    last = with_answers[-1]
    ui_results.round_stats(store, last)
    assert chain_id in computed
    computed.clear()
    pd.testing.assert_frame_equal(
        compare_stats.period_stats(store, (last,)), _fresh(store, (last,))
    )
    assert computed == []
    _edit(store, last, chain_id, "1")
    pd.testing.assert_frame_equal(
        compare_stats.period_stats(store, (last,)), _fresh(store, (last,))
    )
    ui_results.round_stats(store, last)  # the results page after the compare page
    assert computed == [chain_id]

"""The results pages' per-round caches (ui.results): a chain's trend is put together from
each round's part, cached per that round's own version. A change in one round shows at the
next reader, and recomputes that round's part only; nothing stale is ever shown."""

from __future__ import annotations

import pandas as pd
import pytest

import ui.results as ui_results
from ipm_model.results import chain_trend, load_answers, round_results, trend_changes
from ipm_model.storage import exclusions


@pytest.fixture
def counted_parts(monkeypatch):
    """The rounds whose trend part was computed (not read from the cache), in order."""
    computed: list[int] = []
    real = ui_results.trend_round

    def counting(answers, workshop, chain_id, basis):
        computed.append(workshop.id)
        return real(answers, workshop, chain_id, basis)

    monkeypatch.setattr(ui_results, "trend_round", counting)
    return computed


def _history(store):
    """The demo organisation's rounds of a chain with results in two rounds or more, all
    opened again (a closed round takes no answers), the chain, and its rounds with results."""
    org_id = store.workshop_by_code("DEMO").organisation_id
    for w in store.workshops(org_id):
        store.set_workshop_status(w.id, "open")
    workshops = store.workshops(org_id)
    chain_id = next(
        c.id
        for c in workshops[0].chains
        if sum(c.id in {x.id for x in w.chains} for w in workshops) >= 2
    )
    rounds = tuple(w for w in workshops if chain_id in {c.id for c in w.chains})
    with_answers = [w for w in rounds if store.finished_count(w.id, chain_id) >= w.min_group_size]
    return rounds, chain_id, with_answers


def _fresh(store, rounds, chain_id):
    """The trend as computed from scratch on every round's full answer frame."""
    answers = load_answers(store, [w.id for w in rounds])
    questionnaires = {w.id: ui_results.questionnaire_of(w) for w in rounds}
    return chain_trend(answers, rounds, chain_id, questionnaires)[0], answers, questionnaires


def _first_counted(store, workshop, chain_id) -> int:
    rows = store._query(
        """SELECT id FROM participant WHERE workshop_id = ? AND chain_id = ?
           AND finished_at IS NOT NULL ORDER BY finished_at, id LIMIT 1""",
        [workshop.id, chain_id],
    )
    return int(rows[0]["id"])


def test_a_change_in_one_round_shows_at_once_and_recomputes_that_round_only(
    app_store, counted_parts
):
    store = app_store
    rounds, chain_id, with_answers = _history(store)
    assert len(with_answers) >= 2, "the demo history has a chain with results in two rounds"
    stats, _, _ = ui_results.trend_stats(store, rounds, chain_id)
    pd.testing.assert_frame_equal(stats, _fresh(store, rounds, chain_id)[0])
    assert sorted(counted_parts) == sorted(w.id for w in rounds)  # cold: every round once

    counted_parts.clear()
    again, _, _ = ui_results.trend_stats(store, rounds, chain_id)
    pd.testing.assert_frame_equal(again, stats)
    assert counted_parts == []  # nothing changed: nothing computed

    # A counted participant of the newest round with results changes answers after
    # finishing: the next reader sees it; only that round is computed again.
    last = with_answers[-1]
    person = _first_counted(store, last, chain_id)
    q = ui_results.questionnaire_of(last)
    for s in q.statements:
        store.save_answer(person, s.id, "1")
    counted_parts.clear()
    edited, _, _ = ui_results.trend_stats(store, rounds, chain_id)
    fresh, answers, questionnaires = _fresh(store, rounds, chain_id)
    pd.testing.assert_frame_equal(edited, fresh)
    assert not edited.equals(stats)
    assert counted_parts == [last.id]

    # The change between the two rounds is the one computed from scratch, from the same
    # per-round parts (no recomputation).
    before = with_answers[-2]
    counted_parts.clear()
    change = ui_results.change_stats(store, rounds, chain_id, before.id, last.id)
    expected = trend_changes(answers, rounds, chain_id, questionnaires, before.id, last.id)
    pd.testing.assert_frame_equal(change, expected)
    assert counted_parts == []

    # A new finisher in an earlier round: that round only.
    first = with_answers[0]
    late = store.create_participant(first, chain_id=chain_id, role="ketenteam")
    for s in ui_results.questionnaire_of(first).statements:
        store.save_answer(late.id, s.id, "5")
    store.finish(late.id)
    counted_parts.clear()
    stats, _, _ = ui_results.trend_stats(store, rounds, chain_id)
    pd.testing.assert_frame_equal(stats, _fresh(store, rounds, chain_id)[0])
    assert counted_parts == [first.id]


def test_leaving_flagged_answers_out_moves_that_rounds_part(app_store, counted_parts):
    store = app_store
    rounds, chain_id, with_answers = _history(store)
    ui_results.trend_stats(store, rounds, chain_id)
    target = with_answers[-1]
    exclusions.set_left_out(store, target.id, True, "test", "test")
    counted_parts.clear()
    stats, _, _ = ui_results.trend_stats(store, rounds, chain_id)
    pd.testing.assert_frame_equal(stats, _fresh(store, rounds, chain_id)[0])
    assert counted_parts == [target.id]


def test_another_chain_does_not_move_this_chains_parts(app_store, counted_parts):
    store = app_store
    rounds, chain_id, with_answers = _history(store)
    ui_results.trend_stats(store, rounds, chain_id)
    last = with_answers[-1]
    other = next(c.id for c in last.chains if c.id != chain_id)
    p = store.create_participant(last, chain_id=other, role="ketenteam")
    store.save_answer(p.id, ui_results.questionnaire_of(last).statements[0].id, "3")
    store.finish(p.id)
    counted_parts.clear()
    ui_results.trend_stats(store, rounds, chain_id)
    assert counted_parts == []


def test_an_earlier_rounds_ambition_comes_from_that_chains_rows(app_store):
    """chain_round_stats (the progress page's 'aimed' column) equals the chain's part of
    the whole round's results."""
    store = app_store
    rounds, chain_id, with_answers = _history(store)
    w = with_answers[0]
    whole = ui_results.round_stats(store, w)
    mine = ui_results.chain_round_stats(store, w, chain_id)
    pd.testing.assert_frame_equal(mine.chain_ambition(chain_id), whole.chain_ambition(chain_id))
    pd.testing.assert_frame_equal(mine.chain(chain_id), whole.chain(chain_id))


# -- a round's figures from its chains' parts ---------------------------------------------------


@pytest.fixture
def counted_chains(monkeypatch):
    """The (round, chain) whose part of a round's figures was computed (not read from the
    cache), in order."""
    computed: list[tuple[int, int]] = []
    real = ui_results.round_parts

    def counting(answers, q, minimum):
        parts = real(answers, q, minimum)
        computed.extend((int(answers["workshop_id"].iloc[0]), c) for c in parts)
        return parts

    monkeypatch.setattr(ui_results, "round_parts", counting)
    return computed


def _same_as_fresh(store, workshop, results) -> None:
    fresh = round_results(
        load_answers(store, [workshop.id]),
        ui_results.questionnaire_of(workshop),
        workshop.min_group_size,
    )
    for name in ("phases", "statements", "overall", "scores", "ambition"):
        pd.testing.assert_frame_equal(getattr(results, name), getattr(fresh, name), obj=name)
    assert dict(results.finished) == dict(fresh.finished)
    assert (dict(results.flagged), dict(results.left_out)) == (
        dict(fresh.flagged),
        dict(fresh.left_out),
    )


@pytest.mark.parametrize("one_read", [0, 100])  # the round's rows in one read, or per chain
def test_a_change_in_one_chain_recomputes_that_chains_part_only(
    app_store, counted_chains, monkeypatch, one_read
):
    monkeypatch.setattr(ui_results, "_ONE_READ", one_read)
    store = app_store
    rounds, chain_id, with_answers = _history(store)
    w = with_answers[-1]
    results = ui_results.round_stats(store, w)
    _same_as_fresh(store, w, results)
    chains = {c for _, c in counted_chains}
    assert len(chains) >= 2 and chain_id in chains  # cold: every chain with finishers once
    assert counted_chains == sorted(counted_chains)

    counted_chains.clear()
    again = ui_results.round_stats(store, w)
    pd.testing.assert_frame_equal(again.overall, results.overall)
    assert counted_chains == []  # nothing changed: nothing computed

    # A counted participant edits after finishing: the next reader sees the new figures of
    # the chain and of "all chains"; only that chain's part is computed again.
    person = _first_counted(store, w, chain_id)
    for s in ui_results.questionnaire_of(w).statements:
        store.save_answer(person, s.id, "1")
    counted_chains.clear()
    edited = ui_results.round_stats(store, w)
    _same_as_fresh(store, w, edited)
    assert not edited.overall.equals(results.overall)
    assert not edited.chain(chain_id).equals(results.chain(chain_id))
    assert counted_chains == [(w.id, chain_id)]

    # A new finisher in another chain: that chain only, and "all chains" follows.
    other = next(c for c in sorted(chains) if c != chain_id)
    late = store.create_participant(w, chain_id=other, role="ketenteam")
    for s in ui_results.questionnaire_of(w).statements:
        store.save_answer(late.id, s.id, "5")
    store.finish(late.id)
    counted_chains.clear()
    grown = ui_results.round_stats(store, w)
    _same_as_fresh(store, w, grown)
    assert grown.finished[other] == edited.finished[other] + 1
    assert counted_chains == [(w.id, other)]


def test_leaving_flagged_answers_out_moves_every_chain_of_that_round(app_store, counted_chains):
    store = app_store
    rounds, chain_id, with_answers = _history(store)
    w = with_answers[-1]
    ui_results.round_stats(store, w)
    cold = list(counted_chains)
    exclusions.set_left_out(store, w.id, True, "test", "test")
    counted_chains.clear()
    _same_as_fresh(store, w, ui_results.round_stats(store, w))
    assert counted_chains == cold
    # Another round's figures stay cached.
    earlier = with_answers[0]
    ui_results.round_stats(store, earlier)
    exclusions.set_left_out(store, w.id, False, "test", "test")
    counted_chains.clear()
    ui_results.round_stats(store, earlier)
    assert counted_chains == []


def test_a_fresh_process_warms_the_newest_rounds_and_stays_exact(app_store, counted_chains):
    """ui.shared_results.start_warming's last step: the round the results page opens on is
    computed in a thread of its own before anyone asks (at most WARM_ROUNDS rounds); the
    first reader then computes nothing, and a change afterwards still shows at once."""
    import threading

    store = app_store
    warmed: list[int] = []
    thread = threading.Thread(target=lambda: warmed.extend(ui_results.warm_newest_rounds(store)))
    thread.start()
    thread.join(timeout=300)
    assert 1 <= len(warmed) <= ui_results.WARM_ROUNDS
    assert len(warmed) == len(set(warmed))
    org_id = store.workshop_by_code("DEMO").organisation_id
    w = next(x for x in reversed(store.workshops(org_id)) if x.id in warmed)
    computed = list(counted_chains)
    assert computed and {wid for wid, _ in computed} <= set(warmed)

    counted_chains.clear()
    results = ui_results.round_stats(store, w)
    assert counted_chains == []  # the first reader finds every chain's part
    _same_as_fresh(store, w, results)

    store.set_workshop_status(w.id, "open")
    chain_id = results.shown_chains()[0]
    person = _first_counted(store, w, chain_id)
    for s in ui_results.questionnaire_of(w).statements:
        store.save_answer(person, s.id, "2")
    counted_chains.clear()
    _same_as_fresh(store, w, ui_results.round_stats(store, w))
    assert counted_chains == [(w.id, chain_id)]


def test_warming_is_bounded(app_store, counted_chains):
    assert len(ui_results.warm_newest_rounds(app_store, limit=1)) == 1
    assert len({wid for wid, _ in counted_chains}) == 1


def test_the_previous_round_walks_back_only_as_far_as_the_rule_needs(app_store, counted_parts):
    """ui.results.previous_round computes the trend parts of the earlier rounds newest first
    and stops at the round the rule (results.previous_round on the whole trend) picks; with
    that round's group hidden it walks on, and it always picks what the rule picks."""
    from dataclasses import replace

    from ipm_model.results import previous_round as rule

    store = app_store
    rounds, chain_id, with_answers = _history(store)
    newest = rounds[-1]
    fresh, _, _ = _fresh(store, rounds, chain_id)
    expected = rule(fresh, rounds, newest)
    assert expected is not None, "the demo history has an earlier round with results"
    got = ui_results.previous_round(store, rounds, newest, chain_id)
    assert got == expected
    older = [w.id for w in rounds if (w.date, w.id) < (expected.date, expected.id)]
    assert not set(counted_parts) & set(older)  # rounds before the one picked: not computed

    # The picked round's group hidden (a minimum above its finishers): the rule walks on.
    big = store.finished_count(expected.id, chain_id) + 1
    hidden = tuple(replace(w, min_group_size=big) if w.id == expected.id else w for w in rounds)
    fresh, _, _ = _fresh(store, hidden, chain_id)
    assert ui_results.previous_round(store, hidden, newest, chain_id) == rule(fresh, hidden, newest)
    assert rule(fresh, hidden, newest) != expected

    # An edit in the picked round shows at once (its part is keyed by its own version).
    person = _first_counted(store, expected, chain_id)
    for s in ui_results.questionnaire_of(expected).statements:
        store.save_answer(person, s.id, "1")
    counted_parts.clear()
    assert ui_results.previous_round(store, rounds, newest, chain_id) == expected
    assert counted_parts == [expected.id]


def test_a_chains_findings_are_keyed_by_that_chains_versions(app_store, monkeypatch):
    """ui.results.findings is cached per the chain's own version in every round (exact, no
    time to live needed): another chain's change does not recompute it, its own change
    shows at the next reader."""
    store = app_store
    computed: list[int] = []
    real = ui_results.chain_findings

    def counting(stats, *args, **kwargs):
        computed.append(int(stats["chain_id"].iloc[0]))
        return real(stats, *args, **kwargs)

    monkeypatch.setattr(ui_results, "chain_findings", counting)
    org_id = store.workshop_by_code("DEMO").organisation_id
    workshops = tuple(store.workshops(org_id))
    w = next(
        x for x in reversed(workshops) if len(ui_results.round_stats(store, x).shown_chains()) >= 2
    )
    store.set_workshop_status(w.id, "open")
    workshops = tuple(store.workshops(org_id))
    w = next(x for x in workshops if x.id == w.id)
    mine, other = ui_results.round_stats(store, w).shown_chains()[:2]

    def read(chain_id):
        version = ui_results.findings_version(store, workshops, chain_id)
        return ui_results.findings(store, workshops, w, chain_id, version)

    first = read(mine)
    assert computed == [mine]
    for s in ui_results.questionnaire_of(w).statements:
        store.save_answer(_first_counted(store, w, other), s.id, "1")
    read(mine)
    assert computed == [mine]  # another chain changed: read from the cache
    for s in ui_results.questionnaire_of(w).statements:
        store.save_answer(_first_counted(store, w, mine), s.id, "1")
    again = read(mine)
    assert computed == [mine, mine]  # its own change: computed again at once
    stats = ui_results.round_stats(store, w).chain(mine)
    pd.testing.assert_frame_equal(
        again.disagreement, real(stats, *_findings_args(store, w, mine)).disagreement
    )
    assert first.disagreement is not again.disagreement


def _findings_args(store, w, chain_id):
    results = ui_results.round_stats(store, w)
    return (results.chain_statements(chain_id), ui_results.questionnaire_of(w))


def test_warming_builds_the_results_pages_radar(app_store, monkeypatch):
    """warm_newest_rounds also builds the radar the results page opens on (every language),
    with the same series the page draws (ui.results.results_radar)."""
    import ui.charts as ui_charts

    built: list[tuple] = []
    real = ui_charts.radar_chart_spec

    def counting(data, labels, lang, **kwargs):
        built.append((lang, kwargs["title"], tuple(dict.fromkeys(data["series"]))))
        return real(data, labels, lang, **kwargs)

    monkeypatch.setattr(ui_charts, "radar_chart_spec", counting)
    warmed = ui_results.warm_newest_rounds(app_store, limit=1)
    w = next(x for x in app_store.workshops() if x.id == warmed[0])
    results = ui_results.round_stats(app_store, w)
    chain_id = results.shown_chains()[0]
    name = {c.id: c.name for c in w.chains}[chain_id]
    assert {lang for lang, _, _ in built} == {"nl", "en"}
    assert all(title == name and series[0] == name for _, title, series in built)

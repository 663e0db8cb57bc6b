"""The chain-conversation agenda: ranking, tie-breaks, thresholds, anonymity and its text."""

from __future__ import annotations

import math
from datetime import date

import pandas as pd
import pytest

from ipm_model.agenda import (
    MIN_DONT_KNOW_RATE,
    MIN_SD,
    Agenda,
    agenda_markdown,
    build_agenda,
    item_texts,
)
from ipm_model.demo import create_demo
from ipm_model.i18n import escape_markdown
from ipm_model.phases import PHASE_IDS
from ipm_model.scoring import group_phase_stats, statement_stats, suppress_small_groups
from ipm_model.storage.store import Store

NAN = math.nan


def phases(means: dict[str, float], *, n: int = 6, hidden=(), participants: int = 6):
    """One chain's phase rows as suppress_small_groups leaves them (other phases: 3.5)."""
    rows = []
    for p in PHASE_IDS:
        is_hidden = p in hidden or participants < 3
        rows.append(
            {
                "chain_id": 1,
                "phase_id": p,
                "participants": participants,
                "n": n,
                "mean": NAN if is_hidden else means.get(p, 3.5),
                "sd": NAN if is_hidden else 0.5,
                "dont_know_rate": NAN if participants < 3 else 0.0,
                "suppressed": participants < 3,
                "scores_hidden": is_hidden,
            }
        )
    return pd.DataFrame(rows)


def statements(rows: list[dict], *, participants: int = 10) -> pd.DataFrame:
    """Statement rows (phase_id, statement_id, sd, dont_know, ...) for one chain."""
    out = []
    for r in rows:
        hidden = r.get("hidden", False)
        dist = r.get("dist", (1, 1, 2, 3, 3))
        out.append(
            {
                "chain_id": 1,
                "phase_id": r["phase_id"],
                "statement_id": r["statement_id"],
                "participants": participants,
                "n": sum(dist),
                "mean": NAN if hidden else 3.5,
                "sd": NAN if hidden else r.get("sd", 0.5),
                "dont_know": r.get("dont_know", 0),
                "dont_know_rate": r.get("dont_know", 0) / participants,
                **{f"dist_{i}": (NAN if hidden else d) for i, d in enumerate(dist, start=1)},
                "suppressed": False,
                "scores_hidden": hidden,
            }
        )
    return pd.DataFrame(out)


NO_STATEMENTS = statements([{"phase_id": "inzicht", "statement_id": "inzicht-a"}])


# -- weakest phases ----------------------------------------------------------------------------


def test_weakest_phases_lowest_first():
    agenda = build_agenda(phases({"doen": 2.1, "borgen": 2.9, "toekomst": 2.4}), NO_STATEMENTS)
    assert [i.phase_id for i in agenda.weakest_phases] == ["doen", "toekomst", "borgen"]
    first = agenda.weakest_phases[0]
    assert (first.kind, first.value, first.mean, first.sd, first.n) == (
        "weakest_phase",
        2.1,
        2.1,
        0.5,
        6,
    )
    assert first.statement_id is None


def test_weakest_phase_ties_go_in_model_order():
    agenda = build_agenda(phases({"groeien": 2.0, "structuur": 2.0, "inzicht": 2.0}), NO_STATEMENTS)
    assert [i.phase_id for i in agenda.weakest_phases] == ["inzicht", "structuur", "groeien"]


@pytest.mark.parametrize("top", [1, 2, 5])
def test_top_limits_every_section(top):
    means = {p: 2.0 + 0.1 * i for i, p in enumerate(PHASE_IDS)}
    agenda = build_agenda(phases(means), NO_STATEMENTS, top=top)
    assert [i.phase_id for i in agenda.weakest_phases] == list(PHASE_IDS[:top])


def test_hidden_phase_scores_are_skipped():
    stats = phases({"inzicht": 1.2, "doen": 2.5}, hidden=("inzicht",))
    stats.loc[stats["phase_id"] == "inzicht", "mean"] = 1.2  # even if a value slipped through
    agenda = build_agenda(stats, NO_STATEMENTS, top=1)
    assert [i.phase_id for i in agenda.weakest_phases] == ["doen"]


# -- drops -----------------------------------------------------------------------------------


def test_drops_largest_first_and_only_real_drops():
    before = phases({"inzicht": 3.5, "toekomst": 3.5, "doen": 3.8, "borgen": 3.0}, n=5)
    now = phases({"inzicht": 3.48, "toekomst": 3.2, "doen": 3.0, "borgen": 3.6})
    agenda = build_agenda(now, NO_STATEMENTS, before)
    assert agenda.compared
    # inzicht fell by 0.02, shown as 3,5 both times (no drop a reader sees); borgen rose.
    assert [i.phase_id for i in agenda.drops] == ["doen", "toekomst"]
    doen = agenda.drops[0]
    assert doen.kind == "drop"
    assert doen.value == pytest.approx(-0.8)
    assert (doen.mean_before, doen.mean, doen.n_before, doen.n) == (3.8, 3.0, 5, 6)


def test_a_drop_of_exactly_a_tenth_counts():
    agenda = build_agenda(phases({"doen": 2.9}), NO_STATEMENTS, phases({"doen": 3.0}))
    assert [i.phase_id for i in agenda.drops] == ["doen"]


def test_equal_drops_go_in_model_order():
    before = phases({"borgen": 3.5, "versnellen": 3.5})
    now = phases({"borgen": 3.0, "versnellen": 3.0})
    agenda = build_agenda(now, NO_STATEMENTS, before)
    assert [i.phase_id for i in agenda.drops] == ["versnellen", "borgen"]


def test_drops_ignore_phases_hidden_in_either_round():
    before = phases({"inzicht": 4.0, "doen": 4.0}, hidden=("doen",))
    now = phases({"inzicht": 2.0, "doen": 2.0}, hidden=("inzicht",))
    assert build_agenda(now, NO_STATEMENTS, before).drops == ()


def test_no_previous_round_means_no_drops():
    agenda = build_agenda(phases({"doen": 2.0}), NO_STATEMENTS)
    assert agenda.drops == ()
    assert not agenda.compared


def test_drops_use_the_shared_statement_scores_when_given():
    before = phases({"doen": 3.5})
    now_full = phases({"doen": 3.5})  # the full questionnaire: no drop
    now_shared = phases({"doen": 3.0})  # the statements both rounds share: a drop
    agenda = build_agenda(now_full, NO_STATEMENTS, before, stats_now_shared=now_shared)
    assert [i.phase_id for i in agenda.drops] == ["doen"]
    assert agenda.weakest_phases[0].mean == 3.5  # weakest phases stay on the full scores


# -- disagreement and don't know -----------------------------------------------------------


def test_disagreement_largest_spread_first_from_the_threshold():
    rows = statements(
        [
            {"phase_id": "inzicht", "statement_id": "a", "sd": 0.9},
            {"phase_id": "toekomst", "statement_id": "b", "sd": 1.3, "dist": (4, 0, 1, 0, 5)},
            {"phase_id": "doen", "statement_id": "c", "sd": MIN_SD},
            {"phase_id": "doen", "statement_id": "d", "sd": 1.6},
            {"phase_id": "borgen", "statement_id": "e", "sd": 2.0, "hidden": True},
        ]
    )
    agenda = build_agenda(phases({}), rows)
    assert [i.statement_id for i in agenda.disagreement] == ["d", "b", "c"]
    b = agenda.disagreement[1]
    assert (b.kind, b.phase_id, b.sd, b.n, b.distribution) == (
        "disagreement",
        "toekomst",
        1.3,
        10,
        (4, 0, 1, 0, 5),
    )


def test_equal_spread_keeps_questionnaire_order():
    rows = statements(
        [
            {"phase_id": "groeien", "statement_id": "g", "sd": 1.2},
            {"phase_id": "inzicht", "statement_id": "i", "sd": 1.2},
            {"phase_id": "doen", "statement_id": "d", "sd": 1.2},
        ]
    )
    agenda = build_agenda(phases({}), rows, top=2)
    assert [i.statement_id for i in agenda.disagreement] == ["g", "i"]


def test_dont_know_highest_rate_first_from_the_threshold():
    rows = statements(
        [
            {"phase_id": "inzicht", "statement_id": "a", "dont_know": 1},  # 10%: below
            {"phase_id": "toekomst", "statement_id": "b", "dont_know": 4},
            {"phase_id": "borgen", "statement_id": "c", "dont_know": 2},  # 20%
            {"phase_id": "borgen", "statement_id": "d", "dont_know": 4},  # tie with b
        ]
    )
    agenda = build_agenda(phases({}), rows)
    assert [i.statement_id for i in agenda.dont_know] == ["b", "d", "c"]
    b = agenda.dont_know[0]
    assert (b.kind, b.value, b.dont_know, b.n) == ("dont_know", 0.4, 4, 10)


def test_dont_know_threshold_is_inclusive():
    # 3 of 20 participants is exactly the threshold.
    rows = statements([{"phase_id": "doen", "statement_id": "x", "dont_know": 3}], participants=20)
    assert rows["dont_know_rate"].iloc[0] == MIN_DONT_KNOW_RATE
    assert [i.statement_id for i in build_agenda(phases({}), rows).dont_know] == ["x"]


# -- anonymity and input checks ----------------------------------------------------------------


def test_a_suppressed_group_gets_an_empty_agenda():
    stats = phases({}, participants=2)
    agenda = build_agenda(stats, NO_STATEMENTS, phases({"doen": 4.5}))
    assert agenda.suppressed and agenda.is_empty
    assert agenda.participants == 2


def test_unchecked_statistics_are_refused():
    raw = phases({}).drop(columns=["suppressed", "scores_hidden"])
    with pytest.raises(ValueError, match="suppress_small_groups first"):
        build_agenda(raw, NO_STATEMENTS)


def test_rows_of_several_groups_are_refused():
    two = pd.concat([phases({}), phases({}).assign(chain_id=2)])
    with pytest.raises(ValueError, match="one group"):
        build_agenda(two, NO_STATEMENTS)


def test_sections_come_in_agenda_order():
    names = [name for name, _ in Agenda().sections()]
    assert names == ["weakest_phases", "drops", "disagreement", "dont_know"]


# -- on real data ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_stats(tmp_path_factory):
    from ipm_model.questionnaire import default_questionnaire, questionnaire_for

    q = default_questionnaire()
    store = Store(tmp_path_factory.mktemp("agenda") / "x.db")
    demo = create_demo(store, q, today=date(2025, 6, 2))
    last, before = demo.history[-1], demo.history[-2]
    by = ("workshop_id", "chain_id")
    stats, per_statement = [], []
    for w in (before, last):  # each round scored on its own questionnaire version
        wq = questionnaire_for(w.questionnaire_id, w.questionnaire_version)
        answers = store.result_answers([w.id])
        stats.append(suppress_small_groups(group_phase_stats(answers, wq, by=by), 3))
        per_statement.append(suppress_small_groups(statement_stats(answers, wq, by=by), 3))
    yield q, pd.concat(stats), pd.concat(per_statement), before.id, last.id
    store.close()


def _group(frame, workshop_id, chain_id):
    rows = frame[(frame["workshop_id"] == workshop_id) & (frame["chain_id"] == chain_id)]
    return rows.drop(columns="workshop_id")


def test_demo_agenda_is_ranked_and_repeatable(demo_stats):
    q, stats, per_statement, before, last = demo_stats
    for chain_id in sorted(stats["chain_id"].unique()):
        args = (
            _group(stats, last, chain_id),
            _group(per_statement, last, chain_id),
            _group(stats, before, chain_id),
        )
        agenda = build_agenda(*args)
        assert agenda == build_agenda(*args)
        assert not agenda.suppressed and agenda.compared
        means = [i.value for i in agenda.weakest_phases]
        assert len(means) == 3 and means == sorted(means)
        drops = [i.value for i in agenda.drops]
        assert drops == sorted(drops) and all(d <= -0.1 + 1e-9 for d in drops)
        spreads = [i.value for i in agenda.disagreement]
        assert spreads == sorted(spreads, reverse=True) and all(s >= MIN_SD for s in spreads)
        known = set(q.statement_ids)
        assert all(i.statement_id in known for i in agenda.disagreement + agenda.dont_know)


def test_demo_chain_with_planted_disagreement_has_it_on_the_agenda(demo_stats):
    q, stats, per_statement, _, last = demo_stats
    # The demo's second chain splits in two camps on these statements.
    planted = {"doen-action-follow-up", "structuur-every-link", "groeien-direct-contact"}
    agenda = build_agenda(_group(stats, last, 2), _group(per_statement, last, 2))
    # Most of the top three are the planted splits (the answer model also spreads others).
    assert len({i.statement_id for i in agenda.disagreement} & planted) >= 2


# -- text --------------------------------------------------------------------------------------


def _full_agenda() -> Agenda:
    rows = statements(
        [
            {"phase_id": "doen", "statement_id": "doen-action-follow-up", "sd": 1.5},
            {"phase_id": "borgen", "statement_id": "borgen-annual-plan", "dont_know": 3},
        ]
    )
    return build_agenda(phases({"structuur": 2.4}), rows, phases({"structuur": 2.9}, n=5))


def test_item_texts_carry_the_numbers(questionnaire):
    agenda = _full_agenda()
    what, numbers = item_texts(agenda.drops[0], questionnaire, "nl")
    assert what == "Structuur"
    assert numbers == "van 2,9 naar 2,4 (−0,5; n = 5 en 6)"
    what, numbers = item_texts(agenda.dont_know[0], questionnaire, "en")
    assert what.startswith("Sustain: ")
    assert numbers == "30% don't know (3 of 10)"
    _, numbers = item_texts(agenda.disagreement[0], questionnaire, "nl")
    assert numbers == "spreiding 1,50 (n = 10): 2 oneens, 2 neutraal, 6 eens"


def test_markdown_lists_the_sections_with_questions_and_escapes_the_title(questionnaire):
    text = agenda_markdown(_full_agenda(), questionnaire, "nl", title="Keten *A* <b>")
    assert text.startswith("## Agenda voor het ketengesprek: Keten \\*A\\* \\<b\\>\n")
    headings = [line for line in text.splitlines() if line.startswith("### ")]
    assert headings == [
        "### 1. Zwakste fases",
        "### 2. Grootste dalingen",
        "### 3. Meeste verschil van mening",
        "### 4. Vaak 'weet ik niet'",
    ]
    question = questionnaire.phase("structuur").key_question.nl
    assert question.split()[0] in text
    assert "<b>" not in text


def test_markdown_says_why_a_section_is_empty(questionnaire):
    text = agenda_markdown(build_agenda(phases({}), NO_STATEMENTS), questionnaire, "en")
    for line in (
        "There is no previous round to compare with yet.",
        "The group agrees fairly well on every statement.",
        "Few people chose 'don't know'.",
    ):
        assert escape_markdown(line) in text


def test_markdown_for_a_suppressed_group_shows_no_numbers(questionnaire):
    agenda = build_agenda(phases({}, participants=2), NO_STATEMENTS)
    text = agenda_markdown(agenda, questionnaire, "nl", min_group_size=3)
    assert "2 van minimaal 3" in text
    assert "###" not in text


def test_headline_takes_the_first_of_each_section_then_the_next():
    from ipm_model.agenda import Agenda, AgendaItem, headline

    def item(kind, value):
        return AgendaItem(kind=kind, phase_id="doen", value=value, n=5)

    agenda = Agenda(
        weakest_phases=(item("weakest_phase", 2.0), item("weakest_phase", 2.5)),
        drops=(),
        disagreement=(item("disagreement", 1.4),),
        dont_know=(),
        participants=5,
    )
    assert [i.value for i in headline(agenda)] == [2.0, 1.4, 2.5]
    assert headline(Agenda(participants=5)) == ()
    assert len(headline(agenda, top=1)) == 1

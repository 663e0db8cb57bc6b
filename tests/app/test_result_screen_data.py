"""The result screen's radar and table (ui/result.py): built from plain rows, uncached, they
are exactly what the frame route built before, on seeded answers and group figures. The old
route is kept here as the reference: own_phase_scores -> own_radar_rows -> own_radar_frame ->
for_display, concatenated with the group's radar frame, then show_radar's cached spec
(radar_key -> arrow_radar_spec) and table (charts.radar_table through tables.numbers)."""

from __future__ import annotations

import math
import random

import pandas as pd
import pytest
from pandas.testing import assert_frame_equal
from streamlit import dataframe_util

from ipm_model import charts
from ipm_model.formats import for_display
from ipm_model.phases import PHASE_IDS
from ipm_model.questionnaire import default_questionnaire
from ipm_model.results import radar_frame, radar_frame_rows
from ipm_model.scoring import ambition_id, own_phase_score_rows, own_phase_scores
from ui import tables
from ui.charts import (
    arrow_radar_spec,
    filled_radar_spec,
    radar_key,
    radar_rows,
    radar_table_arrow,
    tooltip_titles,
)
from ui.result import lowest_phase, result_rows

Q = default_questionnaire()
VALUES = ["1", "2", "3", "4", "5", "dk", "na", ""]
ROLES = [("ketenteam", ""), ("partner", "gemeente"), ("mt", ""), ("professional", "")]


# --- the old route (reference) ----------------------------------------------------------------


def own_radar_frame(rows: list[tuple[str, str, float, int, float]]) -> pd.DataFrame:
    """The own series as a frame with text columns as Python strings (the old ui/result.py)."""
    series, phases, scores, counts, sds = zip(*rows, strict=True) if rows else ((),) * 5
    return pd.DataFrame(
        {
            "series": pd.Series(series, dtype=object),
            "phase_id": pd.Series(phases, dtype=object),
            "score": pd.Series(scores, dtype=float),
            "n": pd.Series(counts, dtype=int),
            "sd": pd.Series(sds, dtype=float),
        }
    )


def own_radar_rows(own, answers, q, me, mine):
    """The old ui/result.py own_radar_rows."""
    nan = float("nan")
    rows = [
        (me, phase_id, score, 1, nan)
        for phase_id, score in zip(own["phase_id"].tolist(), own["score"].tolist(), strict=True)
    ]
    aims = {ph.id: answers.get(ambition_id(ph.id)) for ph in q.phases}
    if any(v in {"1", "2", "3", "4", "5"} for v in aims.values()):
        rows += [
            (mine, pid, float(v) if v in {"1", "2", "3", "4", "5"} else nan, 1, nan)
            for pid, v in aims.items()
        ]
    return rows


def _dict_rows_frame(answers, role, partner, me, mine):
    """The own series as show_result built it before own_radar_frame (dict rows)."""
    own = own_phase_scores(answers, Q, role=role, partner=partner)
    rows = [
        {"series": me, "phase_id": r.phase_id, "score": r.score, "n": 1, "sd": float("nan")}
        for r in own.itertuples()
    ]
    aims = {ph.id: answers.get(ambition_id(ph.id)) for ph in Q.phases}
    if any(v in {"1", "2", "3", "4", "5"} for v in aims.values()):
        rows += [
            {
                "series": mine,
                "phase_id": pid,
                "score": float(v) if v in {"1", "2", "3", "4", "5"} else float("nan"),
                "n": 1,
                "sd": float("nan"),
            }
            for pid, v in aims.items()
        ]
    return for_display(pd.DataFrame(rows))


def _old_screen(answers, role, partner, group, lang, me, mine, title):
    """(radar key, spec, table, lowest phase) as the old show_result drew them."""
    own = own_phase_scores(answers, Q, role=role, partner=partner)
    frames = [for_display(own_radar_frame(own_radar_rows(own, answers, Q, me, mine)))]
    if group is not None:
        frames.append(_group(*group))
    data = pd.concat(frames, ignore_index=True)
    labels = Q.phase_names(lang)
    # show_radar -> radar_chart_spec -> _radar_spec (a cache miss is arrow_radar_spec)
    data = data.assign(**{c: data.get(c, float("nan")) for c in charts.INTERVAL_COLUMNS})
    key = radar_key(data, labels, lang, title)
    spec = arrow_radar_spec(*key, False, None, lang)
    numbers = charts.radar_table(data, labels)
    shown = numbers.apply(lambda column: tables.numbers(column, lang))
    shown.index.name = "Fase" if lang == "nl" else "Phase"
    scored = own.dropna(subset=["score"])
    low = None if scored.empty else scored.loc[scored["score"].idxmin(), "phase_id"]
    return key, spec, shown, low


def _new_screen(answers, role, partner, group, lang, me, mine, title):
    """The same through the new show_result's functions."""
    own = own_phase_score_rows(answers, Q, role=role, partner=partner)
    rows = result_rows(own, answers, Q, me, mine)
    if group is not None:
        stats, series, intervals = group
        rows += radar_frame_rows(stats, series, intervals=intervals)  # group_radar_rows' rows
    labels = Q.phase_names(lang)
    key = tuple(rows)
    spec = filled_radar_spec(key, tuple(labels.items()), title, tooltip_titles(lang), lang)
    return key, spec, radar_table_arrow(key, labels, lang), lowest_phase(own)


def _group_stats(rng) -> pd.DataFrame:
    """A group's seeded phase figures (as results.group_snapshot gives them)."""
    means = [rng.choice([math.nan, 1.0, 2.25, 3.05, 3.15, 3.333333, 4.95]) for _ in PHASE_IDS]
    stats = pd.DataFrame(
        {
            "phase_id": list(PHASE_IDS),
            "mean": means,
            "n": [rng.randint(3, 30) for _ in PHASE_IDS],
            "sd": [rng.choice([math.nan, 0.0, 0.4567, 1.015]) for _ in PHASE_IDS],
            "ci_low": [m - 0.35 if not math.isnan(m) else math.nan for m in means],
            "ci_high": [m + 0.35 if not math.isnan(m) else math.nan for m in means],
        }
    )
    return stats


def _group(stats, series: str, intervals: bool) -> pd.DataFrame:
    """The group's radar frame as ui/shared_results._group_radar kept it (the old route)."""
    frame = radar_frame(stats, series, intervals=intervals)
    return frame.astype({"series": object, "phase_id": object})


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_result_radar_table_and_next_step_are_what_the_frame_route_drew(lang):
    rng = random.Random(16 if lang == "nl" else 61)
    me, mine = ("Ik", "Mijn ambitie") if lang == "nl" else ("Me", "My ambition")
    group_name = "Groep" if lang == "nl" else "Group"
    cases = []
    for case in range(60):
        role, partner = ROLES[case % len(ROLES)]
        answers = {s.id: rng.choice(VALUES) for s in Q.statements if rng.random() < 0.9}
        if case % 3:
            for ph in Q.phases:
                answers[ambition_id(ph.id)] = rng.choice(VALUES)
        group = None if case % 4 == 0 else (_group_stats(rng), group_name, case % 5 > 0)
        cases.append((answers, role, partner, group))
    # Edge cases: nothing scored (the chart's Altair route), only "weet niet", ties for
    # the lowest score, a group with every phase hidden.
    cases.append(({}, "ketenteam", "", None))
    dont_know = {s.id: "dk" for s in Q.statements}
    cases.append((dont_know, "ketenteam", "", (_group_stats(rng), "G", True)))
    cases.append(({s.id: "3" for s in Q.statements}, "mt", "", None))
    hidden = _group_stats(rng).assign(mean=math.nan, ci_low=math.nan, ci_high=math.nan)
    cases.append(({s.id: rng.choice(VALUES) for s in Q.statements}, "mt", "", (hidden, "G", True)))
    title = "Jouw resultaat" if lang == "nl" else "Your result"
    for answers, role, partner, group in cases:
        old = _old_screen(answers, role, partner, group, lang, me, mine, title)
        new = _new_screen(answers, role, partner, group, lang, me, mine, title)
        assert new[0] == old[0][0]  # the radar's rows, value for value (None when missing)
        assert [tuple(map(type, r)) for r in new[0]] == [tuple(map(type, r)) for r in old[0][0]]
        assert new[1] == old[1]  # the spec, its data sets as the same Arrow bytes
        sent = dataframe_util.convert_anything_to_arrow_bytes(old[2])  # what st.dataframe sent
        assert dataframe_util.convert_arrow_table_to_arrow_bytes(new[2]) == sent
        assert_frame_equal(new[2].to_pandas(), old[2])
        assert new[3] == old[3]


def test_own_series_rows_are_the_old_frames_rows():
    """result_rows holds exactly the rounded own series the dict-row frame held."""
    rng = random.Random(16)
    for case in range(80):
        role, partner = ROLES[case % len(ROLES)]
        answers = {s.id: rng.choice(VALUES) for s in Q.statements if rng.random() < 0.9}
        if case % 3:
            for ph in Q.phases:
                answers[ambition_id(ph.id)] = rng.choice(VALUES)
        old = _dict_rows_frame(answers, role, partner, "Ik", "Mijn ambitie")
        own = own_phase_score_rows(answers, Q, role=role, partner=partner)
        assert result_rows(own, answers, Q, "Ik", "Mijn ambitie") == list(radar_rows(old))


def test_group_rows_are_the_rows_of_the_group_radar_frame():
    """results.radar_frame_rows (what the shared group rows hold) gives exactly the rows of
    results.radar_frame (the reference), with and without intervals, hidden phases, sd
    and interval values on rounding edges."""
    rng = random.Random(7)
    for case in range(60):
        stats = _group_stats(rng)
        if case % 6 == 0:
            stats = stats.assign(mean=[rng.random() * 4 + 1 for _ in PHASE_IDS])
            stats = stats.assign(sd=[round(rng.random(), 3) + 0.005 for _ in PHASE_IDS])
        if case % 7 == 0:
            stats = stats.drop(columns=["ci_low", "ci_high"])
        for intervals in (True, False):
            old = radar_rows(_group(stats, "Groep", intervals))
            new = radar_frame_rows(stats, "Groep", intervals=intervals)
            assert new == old
            assert [tuple(map(type, r)) for r in new] == [tuple(map(type, r)) for r in old]

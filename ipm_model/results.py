"""A round's results, gathered once: what every page, export and report shows.

Pure functions on the answer frames of `Store.result_answers` (no Streamlit): the results,
compare and progress pages call them through the ui caches, and the report, the exports,
the projector and the participant's result call the same functions, so they never disagree.
Every figure passes the disclosure rule (`ipm_model.disclosure`):

- only the first k finishers of a chain count (`disclosed_answers`), k on the ladder;
- a chain's cells follow the two tiers of `scoring.suppress_small_groups`;
- breakdowns by role and by partner are decided together by `disclosure.safe_cells`;
- "all chains" and periods pool only cells that are shown themselves.

Figures meant for a screen are rounded to what is shown (`for_display`), so the browser
never receives more precision than a person can read.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from ipm_model.agenda import Agenda, build_agenda
from ipm_model.benchmark import peer_bands
from ipm_model.disclosure import (
    LeaveOut,
    disclosed_size,
    exposed_groups,
    ladder_rungs,
    leave_out,
    nested_shown,
    safe_cells,
)
from ipm_model.formats import SD_DECIMALS, SHOWN_DECIMALS, for_display
from ipm_model.handvatten import Focus, StatementSteps, focus_phases, phase_steps, statement_steps
from ipm_model.quality import misfits, reliability, response_flags
from ipm_model.questionnaire import Questionnaire
from ipm_model.scoring import (
    DIST_COLUMNS,
    SCORE_COLUMNS,
    PhaseOrderSignal,
    ambition_id,
    ambition_stats,
    comparable_answers,
    dont_know_hotspots,
    group_phase_stats,
    most_disagreement,
    participant_phase_scores,
    phase_order_signals,
    score_changes,
    statement_stats,
    suppress_small_groups,
)
from ipm_model.storage import chain_rows, exclusions
from ipm_model.uncertainty import INTERVAL_COLUMNS, differences, with_intervals

BREAKDOWNS: tuple[str, ...] = ("role", "partner")
AMBITION_COLUMNS = [
    "chain_id",
    "phase_id",
    "participants",
    "n",
    "now",
    "ambition",
    "sd",
    "gap",
    "suppressed",
    "scores_hidden",
]


def disclosed_answers(answers: pd.DataFrame, minimum: int | Mapping[int, int]) -> pd.DataFrame:
    """The answers of the people a group figure may cover: per workshop and chain the first
    `disclosed_size` finishers (needs `finish_order`; `minimum` per workshop id or one).

    With a `left_out` column (load_answers), a chain with people flagged in a round whose
    flagged answers are left out covers the people disclosure.leave_out allows instead.
    """
    if answers.empty:
        return answers
    order = answers["finish_order"].astype(int)
    if isinstance(minimum, Mapping):
        least = answers["workshop_id"].map(minimum).astype(int)
    else:
        least = pd.Series(int(minimum), index=answers.index)
    # disclosed_size once per (workshop, chain), not once per answer row.
    chain = answers.groupby(["workshop_id", "chain_id"], sort=False).ngroup().to_numpy()
    positions = order.to_numpy(dtype=np.int64)
    finished = np.full(int(chain.max()) + 1, np.iinfo(np.int64).min, dtype=np.int64)
    np.maximum.at(finished, chain, positions)
    first = np.full(len(finished), len(chain), dtype=np.int64)
    np.minimum.at(first, chain, np.arange(len(chain)))
    chain_least = least.to_numpy(dtype=np.int64)[first]
    sizes = np.array(
        [
            disclosed_size(f, m) or 0
            for f, m in zip(finished.tolist(), chain_least.tolist(), strict=True)
        ],
        dtype=np.int64,
    )
    keep = positions <= sizes[chain]
    for (wid, cid), plan in _leave_out_plans(answers, least).items():
        if plan.counted is not None:
            mine = ((answers["workshop_id"] == wid) & (answers["chain_id"] == cid)).to_numpy()
            keep[mine] = order[mine].isin(plan.counted).to_numpy()
    return answers[keep].reset_index(drop=True)


def _leave_out_plans(
    answers: pd.DataFrame, least: pd.Series, column: str = "left_out"
) -> dict[tuple[int, int], LeaveOut]:
    """disclosure.leave_out per (workshop, chain) with someone left out (`left_out` column,
    or with `column="flagged"` someone who was or would be); `least`: the minimum group size
    per answer row."""
    if column not in answers.columns or not answers[column].any():
        return {}
    answers = answers.assign(left_out=answers[column])
    keys = ["workshop_id", "chain_id", "finish_order"]
    people = answers.assign(_least=least).drop_duplicates(keys)
    plans = {}
    for (wid, cid), rows in people.groupby(["workshop_id", "chain_id"]):
        if not rows["left_out"].any():
            continue
        flags = np.zeros(int(rows["finish_order"].max()), dtype=bool)
        flags[rows.loc[rows["left_out"].astype(bool), "finish_order"].astype(int) - 1] = True
        plans[(int(wid), int(cid))] = leave_out(flags.tolist(), int(rows["_least"].iloc[0]))
    return plans


def left_out_counts(answers: pd.DataFrame, minimum: int) -> tuple[dict[int, int], dict[int, int]]:
    """One round: per chain (flagged people in a round with leaving out on, of them left
    out). A chain whose flagged cannot be left out safely yet has 0 left out."""
    least = pd.Series(int(minimum), index=answers.index)
    flagged, left = {}, {}
    for (_, cid), plan in _leave_out_plans(answers, least).items():
        mine = answers[(answers["chain_id"] == cid) & answers["left_out"].astype(bool)]
        flagged[cid] = int(mine["finish_order"].nunique())
        left[cid] = flagged[cid] if plan.counted is not None else 0
    return flagged, left


def _exposed_by_leaving_out(
    answers: pd.DataFrame,
    q: Questionnaire,
    minimum: int | Mapping[int, int],
    statement_ids: Sequence[str] | None = None,
) -> set[tuple[int, int, str]]:
    """(workshop, chain, phase or statement id) whose figure a leave-out would expose.

    Per phase (people with a score) and per statement (people with a 1–5 answer), the sets
    of the chain's leave-out family (disclosure.leave_out) are cut to the people behind the
    figure; when they let a small group follow, the figure stays hidden with leaving out.
    """
    if "left_out" not in answers.columns or not answers["left_out"].any():
        return set()
    if isinstance(minimum, Mapping):
        least = answers["workshop_id"].map(minimum).astype(int)
    else:
        least = pd.Series(int(minimum), index=answers.index)
    hidden = set()
    for (wid, cid), plan in _leave_out_plans(answers, least).items():
        if plan.counted is None:
            continue
        mine = answers[(answers["workshop_id"] == wid) & (answers["chain_id"] == cid)]
        m = int(least[mine.index[0]])
        position = mine.drop_duplicates("participant").set_index("participant")["finish_order"]
        scores = participant_phase_scores(mine, q, statement_ids=statement_ids)
        measures = {
            str(k): set(position.reindex(rows["participant"]).astype(int))
            for k, rows in scores.dropna(subset=["score"]).groupby("phase_id")
        }
        rated = mine[pd.to_numeric(mine["value"], errors="coerce").notna()]
        measures |= {
            str(k): set(rows["finish_order"].astype(int))
            for k, rows in rated.groupby("statement_id")
        }
        for key, people in measures.items():
            cut = [frozenset(s & people) for s in plan.family if s & people]
            if exposed_groups(cut, m):
                hidden.add((int(wid), int(cid), key))
    return hidden


def _hidden_over_rungs(
    answers: pd.DataFrame,
    q: Questionnaire,
    minimum: int | Mapping[int, int],
    statement_ids: Sequence[str] | None = None,
    scores: pd.DataFrame | None = None,
) -> set[tuple[int, int, str]]:
    """(workshop, chain, phase or statement id) whose figure stays hidden at the chain's
    current rung because of its figures at the earlier rungs of the round.

    The ladder makes a chain's groups differ by at least the minimum, but its people with a
    score in one phase (or a 1–5 answer to a statement) at two rungs can differ by fewer:
    per figure, the cells of every rung are decided in order (disclosure.nested_shown), the
    same way at every moment, so no one follows from a figure's change between rungs.
    `scores`: participant_phase_scores of (at least) these answers' people, when the
    caller has them already (a person's scores depend on their own answers only).
    """
    if answers.empty:
        return set()
    last = answers.groupby(["workshop_id", "chain_id"])["finish_order"].max()
    least = minimum if isinstance(minimum, Mapping) else None
    rungs = {
        key: ladder_rungs(int(n), int(least[key[0]] if least else minimum))
        for key, n in last.items()
    }
    busy = [key for key, r in rungs.items() if len(r) > 1]
    if not busy:
        return set()
    keyed = answers.set_index(["workshop_id", "chain_id"]).index
    answers = answers[keyed.isin(busy)]
    # One pass over all busy chains (participants are unique within a round).
    people = answers.drop_duplicates("participant").set_index("participant")
    if scores is None:
        scores = participant_phase_scores(answers, q, statement_ids=statement_ids)
    else:
        scores = scores[scores["participant"].isin(people.index)]
    scores = scores.dropna(subset=["score"]).join(
        people[["workshop_id", "chain_id", "finish_order"]], on="participant"
    )
    rated = answers[_numeric(answers["value"])]
    hidden = set()
    # Per chain, figures over the same people (most statements: everyone answered) are
    # decided once: nested_shown depends on the people, the rungs and the minimum only.
    decided: dict[tuple, bool] = {}
    for frame, key in ((scores, "phase_id"), (rated, "statement_id")):
        keys, rows = _cells(frame, ["workshop_id", "chain_id", key])
        order = frame["finish_order"].to_numpy()
        for (wid, cid, k), mine in zip(keys, rows, strict=True):
            positions = np.sort(order[mine].astype(np.int64))
            seen = (wid, cid, positions.tobytes())
            shown = decided.get(seen)
            if shown is None:
                chain_rungs = rungs[(wid, cid)]
                m = int(least[wid] if least else minimum)
                people = positions.tolist()
                cuts = np.searchsorted(positions, chain_rungs, side="right").tolist()
                cells = [frozenset(people[:cut]) for cut in cuts]
                shown = decided[seen] = nested_shown(cells, m)[-1]
            if not shown:
                hidden.add((int(wid), int(cid), str(k)))
    return hidden


def _numeric(values: pd.Series) -> np.ndarray:
    """Per row: does pd.to_numeric read the value as a number (1–5 answers, ambitions)?
    Asked once per distinct value instead of once per row."""
    codes, uniques = pd.factorize(values)
    numeric = pd.to_numeric(pd.Series(uniques), errors="coerce").notna().to_numpy()
    return np.append(numeric, False)[codes]  # code -1 (a missing value): not a number


def _cells(frame: pd.DataFrame, keys: Sequence[str]) -> tuple[list[tuple], list[np.ndarray]]:
    """The groups of `frame` by `keys` as pandas' groupby has them (a row with a missing key
    in none), without a frame per group: each group's key values (those of its first row)
    and its rows' positions, in the order of their first row."""
    if frame.empty:
        return [], []
    codes = frame.groupby(list(keys), sort=False, dropna=True).ngroup().to_numpy()
    inside = np.flatnonzero(~np.isnan(codes.astype(float)))
    codes = codes[inside].astype(np.int64)
    ranked = np.argsort(codes, kind="stable")
    order = inside[ranked]
    starts = np.flatnonzero(np.r_[True, np.diff(codes[ranked]) != 0])
    head = frame.iloc[order[starts]]
    values = list(zip(*(head[c].tolist() for c in keys), strict=True))
    return values, np.split(order, starts[1:])


def _hide(stats: pd.DataFrame, hidden: set, wid: int | None, key: str) -> pd.DataFrame:
    """Hide the scores of the rows named in `hidden` ((workshop, chain, `key` value)); rows
    carry chain_id, and workshop_id unless `wid` gives it."""
    if not hidden or stats.empty:
        return stats
    workshops = stats["workshop_id"] if wid is None else pd.Series(wid, index=stats.index)
    mask = np.array(
        [
            (int(w), int(c), str(k)) in hidden
            for w, c, k in zip(workshops, stats["chain_id"], stats[key], strict=True)
        ],
        dtype=bool,
    )
    out = stats.copy()
    columns = [c for c in SCORE_COLUMNS if c in out.columns]
    out.loc[mask, columns] = np.nan
    out.loc[mask, "scores_hidden"] = True
    return out


def load_answers(store, workshop_ids: Sequence[int], chain_id: int | None = None) -> pd.DataFrame:
    """Store.result_answers plus `left_out`: True for a participant flagged by
    quality.response_flags in a round whose flagged answers the facilitator left out
    (storage.exclusions). Every results page, export and report loads answers here.

    `chain_id`: only that chain's rows (storage.chain_rows), the same rows and flags as the
    chain's part of the full frame (flags and finish order are per person and chain)."""
    if chain_id is None:
        answers = store.result_answers(list(workshop_ids))
    else:
        answers = chain_rows.chain_answers(store, list(workshop_ids), chain_id)
    return with_left_out(store, answers)


def with_left_out(store, answers: pd.DataFrame) -> pd.DataFrame:
    """`answers` (workshop_id, participant, value, …) with load_answers' `left_out` column,
    and `flagged`: the people flagged in a round whose switch was ever on, also when it is
    off now (the figures shown while it was on count as seen; see breakdowns)."""
    workshop_ids = sorted({int(w) for w in answers["workshop_id"]}) if len(answers) else []
    on = set(exclusions.rounds_left_out(store, workshop_ids))
    answers = answers.copy()
    answers["left_out"] = False
    answers["flagged"] = False
    for wid in exclusions.rounds_ever_left_out(store, workshop_ids):
        mine = answers["workshop_id"] == wid
        if not mine.any():
            continue
        flags = response_flags(answers.loc[mine], store.answer_seconds(wid))
        flagged = set(flags.loc[flags["straight"] | flags["fast"], "participant"])
        answers.loc[mine, "flagged"] = answers.loc[mine, "participant"].isin(flagged)
        if wid in on:
            answers.loc[mine, "left_out"] = answers.loc[mine, "flagged"]
    return answers


def results_state(store, workshop_ids: Sequence[int]) -> tuple[int, str]:
    """The version of these rounds' results for caches: Store.results_version with the
    rounds whose flagged answers are left out (switching changes every figure), and those
    whose switch was on once (their breakdowns are decided after it; see breakdowns)."""
    finished, last = store.results_version(list(workshop_ids))
    rounds = [_switch_mark(w, on) for w, on in exclusions.switch_states(store, workshop_ids)]
    return finished, f"{last}|{','.join(rounds)}" if rounds else last


def _switch_mark(workshop_id: int, on: bool) -> str:
    """A round's leave-out switch in a cache key: "12" on, "12-" off again."""
    return f"{workshop_id}" if on else f"{workshop_id}-"


def chain_round_states(
    store, workshop_ids: Sequence[int], chain_id: int
) -> dict[int, tuple[int, str, str]]:
    """Per round: the exact version of one chain's results in that round alone
    (storage.chain_rows.round_versions, marked when the round's flagged answers are left out
    or were once), read in two small queries. A cache keyed per round by it is invalidated by a
    change in that round and chain, and by nothing else."""
    versions = chain_rows.round_versions(store, list(workshop_ids), chain_id)
    switched = dict(exclusions.switch_states(store, list(workshop_ids)))
    return {
        wid: (
            finished,
            f"{last}|{_switch_mark(wid, switched[wid])}" if wid in switched else last,
            digest,
        )
        for wid, (finished, last, digest) in versions.items()
    }


def round_chain_states(store, workshop_id: int) -> dict[int, tuple[int, str, str]]:
    """Per chain with finishers in one round: chain_round_states' version of that chain in
    that round (the same tuple), every chain read in two small queries. A cache keyed per
    chain by it is invalidated by a change in that round and chain, and by nothing else."""
    versions = chain_rows.chain_versions(store, workshop_id)
    switched = dict(exclusions.switch_states(store, [workshop_id]))
    mark = _switch_mark(workshop_id, switched[workshop_id]) if switched else None
    return {
        cid: (finished, f"{last}|{mark}" if mark else last, digest)
        for cid, (finished, last, digest) in versions.items()
    }


def chain_snapshot(
    answers: pd.DataFrame, q: Questionnaire, chain_id: int, minimum: int
) -> tuple[int, pd.DataFrame] | None:
    """The group figures of one chain (projector, participant result) from load_answers'
    frame: (people counted, group_snapshot), or None when the group is too small."""
    counted = disclosed_answers(answers[answers["chain_id"] == chain_id], minimum)
    people = counted["participant"].nunique() if len(counted) else 0
    if people < minimum:
        return None
    return people, group_snapshot(counted, q, minimum)


def finished_per_chain(answers: pd.DataFrame) -> dict[int, int]:
    """Finished participants per chain in one round's answer frame (all, not only counted)."""
    if answers.empty:
        return {}
    return {int(k): int(v) for k, v in answers.groupby("chain_id")["finish_order"].max().items()}


# -- one round ------------------------------------------------------------------------------

_EMPTY_SCORES = pd.DataFrame(columns=["chain_id", "phase_id", "participant", "score"])


@dataclass(frozen=True)
class RoundResults:
    """One round's shown figures; hidden values are NaN (see suppress_small_groups)."""

    phases: pd.DataFrame  # per chain x phase
    statements: pd.DataFrame  # per chain x statement
    overall: pd.DataFrame  # all shown chains pooled, per phase
    finished: Mapping[int, int]  # finished participants per chain (counted or not)
    minimum: int
    # Phase scores of the people behind each shown chain cell (chain_id, phase_id,
    # participant, score): for intervals and differences only, never shown.
    scores: pd.DataFrame = field(default_factory=lambda: _EMPTY_SCORES.copy())
    workshop_id: int | None = None
    # per chain x phase: now (shown mean), ambition (mean of the 12-month ambitions), gap
    ambition: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=AMBITION_COLUMNS))
    # With flagged answers left out (load_answers): per chain the flagged people, and of
    # them the ones left out (0 while leaving them out is not safe yet). Counts only.
    flagged: Mapping[int, int] = field(default_factory=dict)
    left_out: Mapping[int, int] = field(default_factory=dict)

    def chain(self, chain_id: int) -> pd.DataFrame:
        return self.phases[self.phases["chain_id"] == chain_id].reset_index(drop=True)

    def chain_statements(self, chain_id: int) -> pd.DataFrame:
        return self.statements[self.statements["chain_id"] == chain_id].reset_index(drop=True)

    def chain_ambition(self, chain_id: int) -> pd.DataFrame:
        """One chain's now, ambition and gap per phase (empty when nobody gave an ambition)."""
        rows = self.ambition[self.ambition["chain_id"] == chain_id].reset_index(drop=True)
        return rows if rows["n"].sum() > 0 else rows.iloc[0:0]

    def shown_chains(self) -> list[int]:
        return list(dict.fromkeys(self.phases.loc[~self.phases["suppressed"], "chain_id"]))

    def counted(self, chain_id: int) -> int:
        """The people the chain's figures cover (0 when hidden)."""
        rows = self.chain(chain_id)
        return 0 if rows.empty else int(rows["participants"].iloc[0])


def round_results(answers: pd.DataFrame, q: Questionnaire, minimum: int) -> RoundResults:
    """Phase and statement figures per chain, and all chains pooled, for one round.

    Every shown phase mean gets its 90 % interval (ci_low, ci_high) over the same people.
    Equal to combine_round of every chain's round_part (the pages put it together that way,
    each chain's part cached per that chain's own version).
    """
    results, counted = _chain_figures(answers, q, minimum)
    return _with_overall(results, counted, q)


@dataclass(frozen=True)
class RoundPart:
    """One chain's share of a round's results (round_part): its figures, and its counted
    answers, which the round's pooled "all chains" figures are made from (combine_round)."""

    chain_id: int
    results: RoundResults  # this chain's rows only; `overall` empty
    counted: pd.DataFrame


def round_part(answers: pd.DataFrame, q: Questionnaire, minimum: int, chain_id: int) -> RoundPart:
    """One chain's part of round_results, from that chain's answers in the round
    (load_answers with chain_id, or the chain's rows of the full frame).

    Every per-chain figure depends only on the chain's own answers and the minimum (the
    disclosure rule, the ladder and leaving out are decided per chain; each interval's seed
    is the round and chain), so a chain's part can be computed once per that chain's data
    version and combined with the other chains' parts: the result equals round_results.
    """
    mine = answers[answers["chain_id"] == chain_id].reset_index(drop=True)
    results, counted = _chain_figures(mine, q, minimum)
    return RoundPart(int(chain_id), results, counted)


def round_parts(answers: pd.DataFrame, q: Questionnaire, minimum: int) -> dict[int, RoundPart]:
    """round_part of every chain in `answers` (rows of several chains of one round),
    computed together and split by chain: the same parts as one round_part per chain (every
    figure is the chain's own), at the cost of one computation instead of one per chain."""
    results, counted = _chain_figures(answers, q, minimum)

    def split(frame: pd.DataFrame) -> dict[int, pd.DataFrame]:
        if frame.empty:
            return {}
        return {
            int(c): rows.reset_index(drop=True) for c, rows in frame.groupby("chain_id", sort=False)
        }

    frames = {
        name: split(getattr(results, name))
        for name in ("phases", "statements", "scores", "ambition")
    }
    mine = split(counted)
    parts = {}
    for chain_id in sorted(int(c) for c in results.finished):

        def of(name: str, c: int = chain_id) -> pd.DataFrame:
            return frames[name].get(c, getattr(results, name).iloc[0:0].reset_index(drop=True))

        figures = replace(
            results,
            phases=of("phases"),
            statements=of("statements"),
            scores=of("scores"),
            ambition=of("ambition"),
            finished={chain_id: results.finished[chain_id]},
            flagged={k: v for k, v in results.flagged.items() if k == chain_id},
            left_out={k: v for k, v in results.left_out.items() if k == chain_id},
        )
        parts[chain_id] = RoundPart(chain_id, figures, mine.get(chain_id, counted.iloc[0:0]))
    return parts


def combine_round(
    parts: Sequence[RoundPart], q: Questionnaire, minimum: int, workshop_id: int
) -> RoundResults:
    """A round's results from its chains' round_part parts (every chain with finishers,
    any order): the per-chain figures put side by side, and "all chains" pooled from them
    under the same rule as round_results (only shown chains and shown cells; the pooled
    figure's own small-group tiers decided on the pooled result)."""
    parts = sorted(parts, key=lambda p: p.chain_id)
    if not parts:
        raise ValueError("combine_round needs at least one chain's part")
    pieces = [p.results for p in parts]

    def joined(frames: list[pd.DataFrame]) -> pd.DataFrame:
        filled = [f for f in frames if len(f)]
        return pd.concat(filled, ignore_index=True) if filled else frames[0]

    results = RoundResults(
        joined([r.phases for r in pieces]),
        joined([r.statements for r in pieces]),
        pieces[0].overall,
        {k: v for r in pieces for k, v in r.finished.items()},
        minimum,
        _joined_scores(parts),
        workshop_id,
        ambition=joined([r.ambition for r in pieces]),
        flagged={k: v for r in pieces for k, v in r.flagged.items()},
        left_out={k: v for r in pieces for k, v in r.left_out.items()},
    )
    counted = joined([p.counted for p in parts])
    return _with_overall(results, counted, q)


def _joined_scores(parts: Sequence[RoundPart]) -> pd.DataFrame:
    """The parts' shown scores side by side (parts in chain order). With nobody's scores
    shown: the empty frame of a chain with counted people, if any (its columns are those
    round_results gives then)."""
    filled = [p.results.scores for p in parts if len(p.results.scores)]
    if filled:
        return pd.concat(filled, ignore_index=True)
    counted = [p for p in parts if len(p.counted)]
    return (counted or parts)[0].results.scores


def _chain_figures(
    answers: pd.DataFrame, q: Questionnaire, minimum: int
) -> tuple[RoundResults, pd.DataFrame]:
    """round_results without the pooled "all chains" (`overall` empty), and the counted
    answers. Rows are ordered by chain (the shown cells' scores by chain, person and phase),
    so the figures of several chains are those of each chain's alone."""
    finished = finished_per_chain(answers)
    counted = disclosed_answers(answers, minimum)
    # Chains below the minimum keep a row (hidden, with their count) like every other chain.
    small = (
        answers[~answers["chain_id"].isin(set(counted["chain_id"]))] if len(answers) else answers
    )
    basis = pd.concat([counted, small], ignore_index=True) if len(small) else counted
    phases = suppress_small_groups(group_phase_stats(basis, q, by=("chain_id",)), minimum)
    statements = suppress_small_groups(statement_stats(basis, q, by=("chain_id",)), minimum)
    workshop_id = int(answers["workshop_id"].iloc[0]) if len(answers) else None
    exposed = _exposed_by_leaving_out(answers, q, minimum)
    plans = _leave_out_plans(answers, pd.Series(int(minimum), index=answers.index))
    laddered = answers[
        ~answers.set_index(["workshop_id", "chain_id"]).index.isin(
            [k for k, plan in plans.items() if plan.counted is not None]
        )
    ]
    # Every person's scores once: the ladder's check and the shown cells' scores use them.
    everyone = participant_phase_scores(answers, q)
    exposed |= _hidden_over_rungs(laddered, q, minimum, scores=everyone)
    phases = _hide(phases, exposed, workshop_id, "phase_id")
    statements = _hide(statements, exposed, workshop_id, "statement_id")
    scores = (
        _shown_scores(counted, q, phases, ["chain_id"], everyone) if len(counted) else _EMPTY_SCORES
    )
    # Ordered by the data, never by the read: PostgreSQL returns a join's rows in no fixed
    # order, and a page, its cached parts and a report must agree row for row.
    scores = scores.sort_values(["chain_id", "participant", "phase_id"]).reset_index(drop=True)
    phases = with_intervals(phases, scores, ["chain_id"], context=(workshop_id,))
    ambition = ambition_results(basis, q, phases, minimum, exposed, workshop_id)
    flagged, left_out = left_out_counts(answers, minimum)
    results = RoundResults(
        phases,
        statements,
        pd.DataFrame(),
        finished,
        minimum,
        scores,
        workshop_id,
        ambition=ambition,
        flagged=flagged,
        left_out=left_out,
    )
    return results, counted


def _with_overall(results: RoundResults, counted: pd.DataFrame, q: Questionnaire) -> RoundResults:
    """`results` with all shown chains pooled (`overall`, with its 90 % interval)."""
    overall = _pooled(counted, q, results.phases, results.minimum, results.scores)
    overall = with_intervals(overall, results.scores, [], context=(results.workshop_id, "all"))
    return replace(results, overall=overall)


def chain_differences(results: RoundResults, chain_a: int, chain_b: int) -> pd.DataFrame:
    """Per phase: the 90 % interval of chain b's mean minus chain a's, and its verdict
    (uncertainty.differences); only phases shown for both chains."""
    scores = results.scores
    context = (results.workshop_id,)
    return differences(
        scores[scores["chain_id"] == chain_a],
        scores[scores["chain_id"] == chain_b],
        (*context, chain_a),
        (*context, chain_b),
    )


def ambition_then(previous: RoundResults, chain_id: int, now: pd.DataFrame) -> pd.DataFrame:
    """Per phase of `now` (phase_id, mean: the shown scores of a later round): the ambition
    the previous round gave for it (`aimed`, shown figures only) and what is still to go
    (`to_go`: aimed minus the mean now, from the rounded figures). NaN where not shown."""
    aims = for_display(previous.chain_ambition(chain_id))
    aimed = aims.set_index("phase_id")["ambition"] if not aims.empty else pd.Series(dtype=float)
    out = pd.DataFrame({"phase_id": now["phase_id"].to_numpy()})
    out["aimed"] = out["phase_id"].map(aimed).astype(float)
    mean = now["mean"].astype(float).round(SHOWN_DECIMALS).to_numpy()
    out["to_go"] = (out["aimed"] - mean).round(SHOWN_DECIMALS)
    return out


def ambition_results(
    basis: pd.DataFrame,
    q: Questionnaire,
    phases: pd.DataFrame,
    minimum: int,
    hidden: set = frozenset(),
    workshop_id: int | None = None,
) -> pd.DataFrame:
    """Per chain x phase: the shown mean now, the mean ambition and the gap between them.

    The same people and tiers as the scores: the chain's counted finishers (`basis`), the
    group hidden below the minimum, an ambition shown only when at least the minimum
    number of people gave one, and a gap only when both figures are shown. `hidden`:
    (workshop, chain, ambition answer id) kept hidden (_hidden_over_rungs, leaving out).
    """
    stats = suppress_small_groups(ambition_stats(basis, q, by=("chain_id",)), minimum)
    # Hidden over the rungs of the round or by leaving out (keys: the ambitions' answer ids).
    stats = _hide(
        stats.assign(_key=stats["phase_id"].map(ambition_id)), hidden, workshop_id, "_key"
    )
    stats = stats.drop(columns="_key")
    now = phases[["chain_id", "phase_id", "mean"]].rename(columns={"mean": "now"})
    out = stats.rename(columns={"mean": "ambition"}).merge(now, on=["chain_id", "phase_id"])
    # From the shown (rounded) figures, so the gap on a screen is their visible difference.
    out["gap"] = (out["ambition"].round(SHOWN_DECIMALS) - out["now"].round(SHOWN_DECIMALS)).round(
        SHOWN_DECIMALS
    )
    return out[AMBITION_COLUMNS].reset_index(drop=True)


def _shown_scores(
    counted: pd.DataFrame,
    q: Questionnaire,
    shown: pd.DataFrame,
    keys: Sequence[str],
    scores: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Participant phase scores of the cells in `shown` (keys + phase_id with scores shown).
    `scores`: participant_phase_scores of (at least) the counted people, when known."""
    people = counted[[*keys, "participant"]].drop_duplicates()
    if scores is None:
        scores = participant_phase_scores(counted, q)
    scores = scores.merge(people, on="participant")
    cells = shown.loc[~shown["scores_hidden"], [*keys, "phase_id"]]
    return scores.merge(cells, on=[*keys, "phase_id"])


def _pooled(
    counted: pd.DataFrame,
    q: Questionnaire,
    phases: pd.DataFrame,
    minimum: int,
    scores: pd.DataFrame,
) -> pd.DataFrame:
    """All shown chains together: only shown chains, and per phase only shown chain cells,
    so "all chains minus the shown chains" is never a hidden group. `scores`: the shown
    cells' participant scores (_shown_scores)."""
    shown = set(phases.loc[~phases["suppressed"], "chain_id"])
    inside = counted[counted["chain_id"].isin(shown)]
    stats = group_phase_stats(inside, q, by=())
    # Per phase, a chain hidden by tier 2 stays out of the mean; answers' counts stay out.
    pooled = scores.groupby("phase_id")["score"].agg(n="count", mean="mean", sd="std")
    stats = stats.drop(columns=["n", "mean", "sd"]).merge(
        pooled, left_on="phase_id", right_index=True, how="left"
    )
    stats["n"] = stats["n"].fillna(0).astype(int)
    stats[DIST_COLUMNS] = np.nan
    columns = ["phase_id", "participants", "statements", "n", "mean", "sd"]
    stats = stats[columns + [c for c in stats.columns if c not in columns]]
    return suppress_small_groups(stats, minimum)


def chain_comments(store, workshop, chain_id: int, results: RoundResults) -> pd.DataFrame:
    """Comments of the first finishers a shown chain's figures cover without leaving anyone
    out (empty when hidden): leaving flagged answers out changes figures, not comments, so
    switching it reveals nothing through the comments."""
    people = disclosed_size(results.finished.get(chain_id, 0), results.minimum)
    if not results.counted(chain_id) or people is None:
        return pd.DataFrame(columns=["phase_id", "text"])
    return store.result_comments(workshop.id, chain_id, first=people)


# -- breakdowns ---------------------------------------------------------------------------------


def breakdowns(
    answers: pd.DataFrame, q: Questionnaire, chain_id: int, minimum: int
) -> dict[str, pd.DataFrame]:
    """One chain's phase figures by role and by partner, decided together; with each cell's
    mean ambition (`ambition`, `ambition_n`, `gap`) decided the same way.

    The chain's cell comes first, then the roles and then the partners, each largest first;
    a cell is shown only when no small group can be worked out from it with the cells
    already shown (disclosure.safe_cells), per participant count, per phase and per phase's
    ambition. Already shown means: at every earlier rung of the ladder in this round too.
    The round is replayed from the finish order (`_replay`), rung by rung, so the cells of
    the rung of 9 finishers are decided after those of the rungs of 3 and 6, the same way on
    every page, report, export and the projector. With flagged answers left out, the cells
    are decided after those without leaving out up to that moment, every set the chain's
    figure has covered (disclosure.leave_out's family) and the earlier cells with leaving
    out, so switching it reveals no small group either.
    """
    mine = answers[answers["chain_id"] == chain_id]
    counted = disclosed_answers(mine, minimum)
    frames = {
        by: group_phase_stats(counted, q, by=("chain_id", by)).assign(_by=by) for by in BREAKDOWNS
    }
    if counted.empty:
        return {
            by: _mark(frame.drop(columns="_by"), []).assign(
                ambition=np.nan, ambition_n=0, gap=np.nan
            )
            for by, frame in frames.items()
        }
    shown_groups, shown_scores, shown_ambitions = _replay(mine, q, chain_id, minimum)
    return {
        by: _with_ambition(
            _mark(frame.drop(columns="_by"), shown_groups, shown_scores, by),
            ambition_stats(counted, q, by=("chain_id", by)),
            shown_ambitions,
            by,
        )
        for by, frame in frames.items()
    }


@dataclass(frozen=True)
class _Chain:
    """One chain's finishers in a round, for replaying it: who (finish order, role, partner),
    who has a score per phase, and who gave an ambition per phase."""

    people: pd.DataFrame  # participant, finish_order, role, partner; one row each
    scored: Mapping[str, frozenset]
    gave: Mapping[str, frozenset]

    @classmethod
    def of(cls, mine: pd.DataFrame, q: Questionnaire) -> _Chain:
        people = (
            mine[["participant", "finish_order", *BREAKDOWNS]]
            .drop_duplicates("participant")
            .sort_values("finish_order", kind="stable")
            .reset_index(drop=True)
        )
        scores = participant_phase_scores(mine, q).dropna(subset=["score"])
        scored = {str(k): frozenset(g["participant"]) for k, g in scores.groupby("phase_id")}
        value = pd.to_numeric(mine["value"], errors="coerce").between(1, 5)
        gave = {}
        for phase in q.phases:
            given = mine.loc[(mine["statement_id"] == ambition_id(phase.id)) & value]
            if len(given):
                gave[phase.id] = frozenset(given["participant"])
        return cls(people, scored, gave)

    def first(self, size: int) -> frozenset:
        """The first `size` finishers."""
        return frozenset(self.people.loc[self.people["finish_order"] <= size, "participant"])

    def at(self, positions: Collection[int]) -> frozenset:
        """The finishers at these finish positions."""
        rows = self.people["finish_order"].isin(list(positions))
        return frozenset(self.people.loc[rows, "participant"])


@dataclass
class _Seen:
    """Cells shown (or showable) earlier in a round, per measure: all people, per phase the
    people with a score, per phase's ambition the people who gave one."""

    people: list = field(default_factory=list)
    phases: dict = field(default_factory=dict)
    ambitions: dict = field(default_factory=dict)
    # Sets of people whose figure per phase covers them cut to the people with a score
    # (the leave-out family's sets): cut per phase and ambition when deciding.
    cut: list = field(default_factory=list)

    def merged(self, other: _Seen) -> _Seen:
        out = _Seen(list(self.people), dict(self.phases), dict(self.ambitions), list(self.cut))
        _extend(out.people, other.people)
        _extend(out.cut, other.cut)
        for name in ("phases", "ambitions"):
            mine, theirs = getattr(out, name), getattr(other, name)
            for key, cells in theirs.items():
                mine[key] = _extend(list(mine.get(key, [])), cells)
        return out


def _extend(cells: list, more) -> list:
    """`cells` with the cells of `more` it does not hold yet (in place; returned)."""
    for cell in more:
        cell = frozenset(cell)
        if cell and cell not in cells:
            cells.append(cell)
    return cells


def _replay(
    mine: pd.DataFrame, q: Questionnaire, chain_id: int, minimum: int
) -> tuple[set, set, set]:
    """Replay one chain's round from its finish order and decide its breakdown cells at
    every rung (see breakdowns); returns those of now: shown groups, shown (group, phase)
    scores and shown (group, phase) ambitions."""
    chain = _Chain.of(mine, q)
    finished = int(mine["finish_order"].max())
    rungs = ladder_rungs(finished, minimum)
    chain_phases = _chain_phases(chain, rungs, minimum)
    chain_aims = _chain_phases(chain, rungs, minimum, chain.gave)
    events = [(rung, 0, rung) for rung in rungs]
    # Leaving out on now, or on earlier in the round (`flagged`, load_answers): the cells
    # shown with it count as seen either way.
    on = "left_out" in mine.columns and bool(mine["left_out"].any())
    plan = _leave_out_plans(
        mine, pd.Series(int(minimum), index=mine.index), "left_out" if on else "flagged"
    ).get((int(mine["workshop_id"].iloc[0]), int(chain_id)))
    if plan is not None and plan.counted is not None:
        events += [(position, 1, (kept, size)) for position, kept, size in plan.changes]
    without, with_out = _Seen(), _Seen()
    decision = (set(), set(), set())
    left = None
    for _, kind, what in sorted(events, key=lambda e: (e[0], e[1])):
        if kind == 0:
            # The switch may have been on earlier in the round: the cells shown with leaving
            # out count as seen for the cells without it too (and the other way round below).
            without = without.merged(with_out)
            decision = _decide(
                chain, chain.first(what), minimum, without, chain_phases[what], chain_aims[what]
            )
            continue
        kept, size = what
        seen = without.merged(with_out)
        family = [chain.at(s) for s in plan.family[:size]]
        _extend(seen.people, family)
        _extend(seen.cut, family)
        included = chain.at(kept)
        phases = {k for k, v in chain.scored.items() if len(v & included) >= minimum}
        aims = {k for k, v in chain.gave.items() if len(v & included) >= minimum}
        left = _decide(chain, included, minimum, seen, phases, aims)
        with_out = seen
    return left if on and left is not None else decision


def _chain_phases(
    chain: _Chain, rungs: Sequence[int], minimum: int, givers: Mapping | None = None
) -> dict[int, set]:
    """Per rung, the phases whose chain figure (or with `givers` = chain.gave, its mean
    ambition) is shown: disclosure.nested_shown over the rungs, the rule round_results
    applies to the chain's figures."""
    shown: dict[int, set] = {rung: set() for rung in rungs}
    for phase, scored in (chain.scored if givers is None else givers).items():
        cells = [scored & chain.first(rung) for rung in rungs]
        for rung, ok in zip(rungs, nested_shown(cells, minimum), strict=True):
            if ok:
                shown[rung].add(phase)
    return shown


def _groups(people: pd.DataFrame) -> tuple[list, dict]:
    """The breakdown groups of a chain in the order their cells are decided (larger first,
    per breakdown), and the people in each (`people`: one row per participant)."""
    order = []  # (by, group value)
    for by in BREAKDOWNS:
        sizes = people.groupby(by).size().sort_values(ascending=False, kind="stable")
        order += [(by, g) for g in sizes.index]
    members = {(by, g): frozenset(people.loc[people[by] == g, "participant"]) for by, g in order}
    return order, members


def _decide(
    chain: _Chain,
    included: frozenset,
    minimum: int,
    seen: _Seen,
    chain_phases: set,
    chain_aims: set,
) -> tuple[set, set, set]:
    """Decide the breakdown cells of the chain's figure over `included` after the cells in
    `seen` (which gains the cells shown now). The chain's own cells are shown anyway: all
    people, and per phase the people with a score where `chain_phases` says so. Returns the
    shown groups, the shown (group, phase) scores and the shown (group, phase) ambitions."""
    people = chain.people[chain.people["participant"].isin(included)]
    order, members = _groups(people)
    base = _extend(list(seen.people), [included])
    cells = [members[k] for k in order]
    decided = safe_cells(cells, minimum, base)
    shown_groups = {key for key, ok in zip(order, decided, strict=True) if ok}
    seen.people = _extend(base, (c for c, ok in zip(cells, decided, strict=True) if ok))
    shown_scores, shown_ambitions = set(), set()
    for measure, givers, out, forced in (
        (seen.phases, chain.scored, shown_scores, chain_phases),
        (seen.ambitions, chain.gave, shown_ambitions, chain_aims),
    ):
        for phase, everyone in givers.items():
            mine = everyone & included
            if not mine:
                continue
            prior = _extend(list(measure.get(phase, [])), (c & mine for c in seen.cut))
            if len(mine) >= minimum and phase in forced:
                _extend(prior, [mine])
            cells = [members[k] & mine for k in order]
            decided = safe_cells(cells, minimum, prior)
            for key, ok in zip(order, decided, strict=True):
                if ok and key in shown_groups:
                    out.add((key, phase))
            measure[phase] = _extend(prior, (c for c, ok in zip(cells, decided, strict=True) if ok))
    return shown_groups, shown_scores, shown_ambitions


def _with_ambition(
    stats: pd.DataFrame, ambition: pd.DataFrame, shown: set, by: str
) -> pd.DataFrame:
    """A breakdown frame with `ambition` (mean, NaN where not shown), `ambition_n` and `gap`
    (ambition minus the shown mean, from the shown rounded figures, like ambition_results)."""
    aims = ambition[[by, "phase_id", "n", "mean"]].rename(
        columns={"n": "ambition_n", "mean": "ambition"}
    )
    out = stats.merge(aims, on=[by, "phase_id"], how="left")
    keys = zip(out[by], out["phase_id"], strict=True)
    visible = np.array([((by, g), p) in shown for g, p in keys], dtype=bool)
    out["ambition"] = out["ambition"].astype(float).where(visible)
    out["ambition_n"] = out["ambition_n"].fillna(0).astype(int).where(visible, 0)
    out["gap"] = (
        out["ambition"].round(SHOWN_DECIMALS) - out["mean"].astype(float).round(SHOWN_DECIMALS)
    ).round(SHOWN_DECIMALS)
    return out


def _mark(
    stats: pd.DataFrame, shown_groups, shown_scores=frozenset(), by: str | None = None
) -> pd.DataFrame:
    """Apply decided cells to a breakdown frame (the columns of suppress_small_groups)."""
    keys = list(zip([by] * len(stats), stats[by], strict=True)) if by else [None] * len(stats)
    suppressed = np.array([k not in shown_groups for k in keys], dtype=bool)
    hidden = suppressed | np.array(
        [(k, p) not in shown_scores for k, p in zip(keys, stats["phase_id"], strict=True)],
        dtype=bool,
    )
    out = stats.copy()
    score_columns = ["mean", "sd", *DIST_COLUMNS]
    rate_columns = ["dont_know", "not_applicable", "dont_know_rate", "not_applicable_rate"]
    out[score_columns + rate_columns] = out[score_columns + rate_columns].astype(float)
    out.loc[hidden, score_columns] = np.nan
    out.loc[suppressed, rate_columns] = np.nan
    out["suppressed"] = suppressed
    out["scores_hidden"] = hidden
    return out


# -- several rounds -------------------------------------------------------------------------------


def chain_trend(
    answers: pd.DataFrame,
    rounds: Sequence,
    chain_id: int,
    questionnaires: Mapping[int, Questionnaire],
) -> tuple[pd.DataFrame, tuple[str, ...], tuple[str, ...]]:
    """One chain's phase figures per round (workshop_id), on the statements all rounds share.

    `rounds` are workshops (oldest first) with id and min_group_size. Returns (stats with
    suppressed/scores_hidden and the 90 % interval per round, shared statement ids, dropped
    statement ids).
    """
    stats, _, shared, dropped = _trend(answers, rounds, chain_id, questionnaires)
    return stats, shared, dropped


def trend_changes(
    answers: pd.DataFrame,
    rounds: Sequence,
    chain_id: int,
    questionnaires: Mapping[int, Questionnaire],
    before_id: int,
    after_id: int,
) -> pd.DataFrame:
    """Per phase: the 90 % interval of the change from round `before_id` to `after_id` of one
    chain (on the statements all `rounds` share, as chain_trend) and its verdict: up, down,
    noise ("binnen de ruis") or unknown (a phase hidden or too few scores in either round)."""
    return trend_difference(
        chain_trend_parts(answers, rounds, chain_id, questionnaires), before_id, after_id
    )


@dataclass(frozen=True)
class ChainTrend:
    """chain_trend's figures and the shown cells' participant scores behind them, so a
    page computes a chain's trend once and takes both the figures and a change from it."""

    chain_id: int
    stats: pd.DataFrame
    scores: pd.DataFrame  # never shown: for intervals of changes only
    shared: tuple[str, ...]
    dropped: tuple[str, ...]


def chain_trend_parts(
    answers: pd.DataFrame,
    rounds: Sequence,
    chain_id: int,
    questionnaires: Mapping[int, Questionnaire],
) -> ChainTrend:
    """chain_trend and what trend_changes needs, from one computation."""
    return ChainTrend(chain_id, *_trend(answers, rounds, chain_id, questionnaires))


def trend_difference(trend: ChainTrend, before_id: int, after_id: int) -> pd.DataFrame:
    """trend_changes from a ChainTrend (the same figures, without computing the trend again)."""
    scores = trend.scores
    return differences(
        scores[scores["workshop_id"] == before_id],
        scores[scores["workshop_id"] == after_id],
        (before_id, trend.chain_id),
        (after_id, trend.chain_id),
    )


def _trend(
    answers: pd.DataFrame,
    rounds: Sequence,
    chain_id: int,
    questionnaires: Mapping[int, Questionnaire],
) -> tuple[pd.DataFrame, pd.DataFrame, tuple[str, ...], tuple[str, ...]]:
    """chain_trend's stats, the shown cells' participant scores, shared and dropped ids."""
    basis = trend_basis(rounds, questionnaires)
    pieces = [
        trend_round(answers[answers["workshop_id"] == w.id], w, chain_id, basis) for w in rounds
    ]
    trend = combine_trend(chain_id, pieces, basis)
    return trend.stats, trend.scores, trend.shared, trend.dropped


@dataclass(frozen=True)
class TrendBasis:
    """What a chain's trend over a set of rounds compares on: the newest round's
    questionnaire (phases) and the statements all rounds' versions share."""

    questionnaire: Questionnaire
    shared: tuple[str, ...]
    dropped: tuple[str, ...]


def trend_basis(rounds: Sequence, questionnaires: Mapping[int, Questionnaire]) -> TrendBasis:
    """The TrendBasis of these rounds (oldest first), by scoring.comparable_answers' rule."""
    versions = {w.id: questionnaires[w.id] for w in rounds}
    comparable = comparable_answers(pd.DataFrame({"workshop_id": [], "statement_id": []}), versions)
    return TrendBasis(versions[rounds[-1].id], tuple(comparable.shared), tuple(comparable.dropped))


def trend_round(
    answers: pd.DataFrame, workshop, chain_id: int, basis: TrendBasis
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One round's part of a chain's trend (its stats rows and the shown cells' scores).

    Every figure of a round in the trend depends only on that round's answers of the chain,
    its minimum and the TrendBasis (each interval's seed is the round and chain), so a
    round's part can be computed once per that round's data version and combined
    (combine_trend) with the other rounds' parts, cached or not: the result is the same.
    """
    minimum = {workshop.id: workshop.min_group_size}
    mine = answers[(answers["chain_id"] == chain_id) & (answers["workshop_id"] == workshop.id)]
    counted = disclosed_answers(mine, minimum)
    shared = list(basis.shared)
    comparable = counted[counted["statement_id"].isin(set(shared))].reset_index(drop=True)
    q = basis.questionnaire
    stats = group_phase_stats(comparable, q, by=("workshop_id",), statement_ids=shared)
    if len(stats):
        stats = suppress_small_groups(stats, workshop.min_group_size)
        exposed = _exposed_by_leaving_out(mine, q, minimum, shared)
        # A figure whose people grew by fewer than the minimum since it was last shown in
        # this round stays hidden (disclosure.nested_shown), unless leaving out re-laddered it.
        least = mine["workshop_id"].map(minimum).astype(int)
        plans = _leave_out_plans(mine, least)
        left = [w for (w, _), plan in plans.items() if plan.counted is not None]
        laddered = mine[~mine["workshop_id"].isin(left)]
        exposed |= _hidden_over_rungs(laddered, q, minimum, shared)
        stats = _hide(stats.assign(chain_id=chain_id), exposed, None, "phase_id")
        stats = stats.drop(columns="chain_id").reset_index(drop=True)
    else:
        stats = stats.assign(suppressed=pd.Series(dtype=bool), scores_hidden=pd.Series(dtype=bool))
    scores = _EMPTY_SCORES.assign(workshop_id=pd.Series(dtype=int))
    if len(comparable):
        people = comparable[["workshop_id", "participant"]].drop_duplicates()
        scores = participant_phase_scores(comparable, q, statement_ids=shared).merge(
            people, on="participant"
        )
        cells = stats.loc[~stats["scores_hidden"].astype(bool), ["workshop_id", "phase_id"]]
        scores = scores.merge(cells, on=["workshop_id", "phase_id"]).assign(chain_id=chain_id)
    stats = with_intervals(stats, scores, ["workshop_id"], seed_columns=["workshop_id", "chain_id"])
    return stats, scores


def combine_trend(
    chain_id: int, pieces: Sequence[tuple[pd.DataFrame, pd.DataFrame]], basis: TrendBasis
) -> ChainTrend:
    """A chain's trend from its rounds' trend_round parts (oldest round first)."""
    filled = [p for p in pieces if len(p[0])]
    if not filled:
        stats, scores = pieces[0] if pieces else (pd.DataFrame(), _EMPTY_SCORES)
    else:
        stats = pd.concat([p[0] for p in filled], ignore_index=True)
        with_scores = [p[1] for p in filled if len(p[1])]
        scores = pd.concat(with_scores, ignore_index=True) if with_scores else filled[0][1]
    return ChainTrend(chain_id, stats, scores, basis.shared, basis.dropped)


def previous_round(trend: pd.DataFrame, rounds: Sequence, workshop) -> object | None:
    """The last round before `workshop` in which the chain's group was shown (else None).

    The one rule for page, report and agenda: a round whose group is hidden is no
    comparison, however recent.
    """
    shown = set(trend.loc[~trend["suppressed"], "workshop_id"])
    earlier = [w for w in rounds if (w.date, w.id) < (workshop.date, workshop.id) and w.id in shown]
    return earlier[-1] if earlier else None


def period_results(
    answers: pd.DataFrame, rounds: Sequence, questionnaires: Mapping[int, Questionnaire]
) -> pd.DataFrame:
    """Every chain over several rounds: the shown cells of each round pooled.

    Columns: chain_id, phase_id, participants, n, mean, sd, ci_low, ci_high, suppressed,
    scores_hidden. A round in which a chain (or one of its phases) is hidden adds nothing to
    the period, so a period minus its shown rounds is never a hidden group.
    """
    return _period(answers, rounds, questionnaires)[0]


def period_differences(
    answers: pd.DataFrame,
    rounds: Sequence,
    questionnaires: Mapping[int, Questionnaire],
    chain_a: int,
    chain_b: int,
) -> pd.DataFrame:
    """Per phase: the 90 % interval of chain b's period mean minus chain a's, and its verdict
    (over the same people as period_results' means)."""
    _, scores = _period(answers, rounds, questionnaires)
    context = tuple(w.id for w in rounds)
    return differences(
        scores[scores["chain_id"] == chain_a],
        scores[scores["chain_id"] == chain_b],
        (*context, chain_a),
        (*context, chain_b),
    )


def _period(
    answers: pd.DataFrame, rounds: Sequence, questionnaires: Mapping[int, Questionnaire]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """period_results' stats and the pooled participant scores behind them."""
    results = []
    for w in rounds:
        mine = answers[answers["workshop_id"] == w.id]
        results.append(
            None if mine.empty else round_results(mine, questionnaires[w.id], w.min_group_size)
        )
    return _pooled_period(results, rounds, questionnaires)


def _pooled_period(
    results: Sequence[RoundResults | Sequence[RoundPart] | None],
    rounds: Sequence,
    questionnaires: Mapping[int, Questionnaire],
    chains: Collection[int] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The shown cells of each round's results (None: a round without answers; or some of
    its chains' round_part parts) pooled, as _period; `chains`: only these chains' rows
    (every figure is the chain's own)."""
    results = [_of_parts(r) if isinstance(r, Sequence) else r for r in results]
    parts, people = [], []
    for round_figures in results:
        if round_figures is None or round_figures.phases.empty:
            continue
        scores, phases = round_figures.scores, round_figures.phases
        if chains is not None:
            scores = scores[scores["chain_id"].isin(chains)]
            phases = phases[phases["chain_id"].isin(chains)]
        parts.append(scores)
        shown = phases[~phases["suppressed"]]
        people.append(shown.drop_duplicates("chain_id")[["chain_id", "participants"]])
    columns = ["chain_id", "phase_id", "participants", "n", "mean", "sd"]
    filled = [p for p in parts if len(p)]
    # One chain's part keeps its rows without scores; the whole period has none without.
    if not (filled if chains is None else people):
        empty = pd.DataFrame(columns=[*columns, *INTERVAL_COLUMNS, "suppressed", "scores_hidden"])
        return empty, _EMPTY_SCORES
    scores = pd.concat(filled or parts[:1], ignore_index=True)
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
    stats[["mean", "sd"]] = stats[["mean", "sd"]].astype(float)
    stats["participants"] = stats["chain_id"].map(totals).astype(int)
    stats["suppressed"] = False
    stats["scores_hidden"] = stats["n"] == 0
    known = _round_intervals(results, rounds, chains)
    if known is None:
        stats = with_intervals(stats, scores, ["chain_id"], context=tuple(w.id for w in rounds))
    else:
        stats = _with_known_intervals(stats, scores, known, rounds)
    return stats[[*columns, *INTERVAL_COLUMNS, "suppressed", "scores_hidden"]], scores


def _of_parts(parts: Sequence[RoundPart]) -> RoundResults | None:
    """Some chains' round_part parts of one round side by side (chain order), as far as a
    period needs them: their figures and shown scores, without "all chains"."""
    parts = sorted(parts, key=lambda p: p.chain_id)
    if not parts:
        return None

    def joined(frames: list[pd.DataFrame]) -> pd.DataFrame:
        filled = [f for f in frames if len(f)]
        return pd.concat(filled, ignore_index=True) if filled else frames[0]

    return replace(
        parts[0].results,
        phases=joined([p.results.phases for p in parts]),
        scores=joined([p.results.scores for p in parts]),
    )


def _round_intervals(
    results: Sequence[RoundResults | None], rounds: Sequence, chains: Collection[int] | None
) -> pd.DataFrame | None:
    """A period of one round: the cells (chain_id, phase_id) whose interval the round's
    results hold, with it (None for a longer period). Such a cell's interval over the
    period is that one: the same people's scores, the same seed (the round, the chain and
    the phase), so it is not drawn again."""
    figures = [r for r in results if r is not None and not r.phases.empty]
    if len(rounds) != 1 or len(figures) != 1 or figures[0].workshop_id != rounds[0].id:
        return None
    phases = figures[0].phases
    if not set(INTERVAL_COLUMNS) <= set(phases.columns):
        return None
    if chains is not None:
        phases = phases[phases["chain_id"].isin(chains)]
    has = phases[list(INTERVAL_COLUMNS)].notna().all(axis=1)
    return phases.loc[has, ["chain_id", "phase_id", *INTERVAL_COLUMNS]]


def _with_known_intervals(
    stats: pd.DataFrame, scores: pd.DataFrame, known: pd.DataFrame, rounds: Sequence
) -> pd.DataFrame:
    """with_intervals on a one-round period, drawing only the cells `known` lacks."""
    have = pd.MultiIndex.from_frame(known[["chain_id", "phase_id"]])
    rest = scores[~pd.MultiIndex.from_frame(scores[["chain_id", "phase_id"]]).isin(have)]
    stats = with_intervals(stats, rest, ["chain_id"], context=tuple(w.id for w in rounds))
    position = have.get_indexer(pd.MultiIndex.from_frame(stats[["chain_id", "phase_id"]]))
    hit = position >= 0
    for column in INTERVAL_COLUMNS:
        values = stats[column].to_numpy(dtype=float, copy=True)
        values[hit] = known[column].to_numpy(dtype=float)[position[hit]]
        stats[column] = values
    return stats


@dataclass(frozen=True)
class PeriodPart:
    """One chain's share of period_results (period_parts): its rows of the stats, and its
    pooled participant scores behind them (for period differences; never shown)."""

    chain_id: int
    stats: pd.DataFrame
    scores: pd.DataFrame


def period_parts(
    results: Sequence[RoundResults | Sequence[RoundPart] | None],
    rounds: Sequence,
    questionnaires: Mapping[int, Questionnaire],
    chains: Collection[int] | None = None,
) -> dict[int, PeriodPart]:
    """Each chain's part of period_results over `rounds`, from each round's round_results
    or its chains' round_part parts (None for a round without answers; the results pages'
    cached round figures), computed together and split by chain; `chains`: only these.

    A chain's period figures depend only on its own shown cells in each round (the pooled
    scores, its shown rounds' counts) and the rounds (the phases of the newest, each
    interval's seed), so a chain's part can be cached per that chain's versions in the
    rounds and put together with the others' parts (combine_period): the result equals
    period_results."""
    stats, scores = _pooled_period(results, rounds, questionnaires, chains)
    by_stats = {int(c): rows for c, rows in stats.groupby("chain_id", sort=False)}
    by_scores = {int(c): rows for c, rows in scores.groupby("chain_id", sort=False)}
    return {
        c: PeriodPart(
            c,
            rows.reset_index(drop=True),
            by_scores[c].reset_index(drop=True) if c in by_scores else scores.iloc[0:0],
        )
        for c, rows in by_stats.items()
    }


def combine_period(parts: Sequence[PeriodPart]) -> pd.DataFrame:
    """period_results from the chains' period_parts (any order): their rows side by side in
    chain order, or period_results' empty frame when no chain has a shown score."""
    parts = sorted(parts, key=lambda p: p.chain_id)
    if not any(len(p.scores) for p in parts):
        return _pooled_period([], [], {})[0]
    return pd.concat([p.stats for p in parts], ignore_index=True)


def part_differences(
    parts: Mapping[int, PeriodPart], chain_a: int, chain_b: int, rounds: Sequence
) -> pd.DataFrame:
    """period_differences of two chains from their period_parts (a chain without a part has
    no shown cell in the period): the same draws over the same people."""
    context = tuple(w.id for w in rounds)

    def scores(chain_id: int) -> pd.DataFrame:
        part = parts.get(chain_id)
        return _EMPTY_SCORES if part is None else part.scores

    return differences(scores(chain_a), scores(chain_b), (*context, chain_a), (*context, chain_b))


# -- quality of the measurement ------------------------------------------------------------------


def round_quality(
    answers: pd.DataFrame, q: Questionnaire, minimum: int
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Reliability per phase and item-rest per statement (quality.reliability) of one round,
    over the people its shown chain figures cover."""
    return reliability(disclosed_answers(answers, minimum), q)


def statement_misfits(
    answers: pd.DataFrame, rounds: Sequence, questionnaires: Mapping[int, Questionnaire]
) -> list[str]:
    """Statements that do not fit their phase across these rounds (quality.misfits)."""
    parts = []
    for w in rounds:
        mine = answers[answers["workshop_id"] == w.id]
        if len(mine):
            _, items = round_quality(mine, questionnaires[w.id], w.min_group_size)
            parts.append(items.assign(workshop_id=w.id))
    if not parts:
        return []
    return misfits(pd.concat(parts, ignore_index=True))


def response_quality(answers: pd.DataFrame, seconds: pd.Series) -> dict[str, int]:
    """How many finished participants of a round answered everything the same or finished
    implausibly fast, and either (flagged: what leaving out concerns); counts only, `seconds`
    per participant from joining to finishing."""
    if answers.empty:
        return {"straight": 0, "fast": 0, "flagged": 0, "finished": 0}
    flags = response_flags(answers, seconds)
    return {
        "straight": int(flags["straight"].sum()),
        "fast": int(flags["fast"].sum()),
        "flagged": int((flags["straight"] | flags["fast"]).sum()),
        "finished": len(flags),
    }


# -- peer benchmark ------------------------------------------------------------------------------


def benchmark_means(answers: pd.DataFrame, q: Questionnaire) -> pd.DataFrame:
    """Shown phase means per chain of the benchmark pool (Store.benchmark_answers): each
    chain under its own round's disclosure rule. Columns: organisation_id, chain_id,
    phase_id, mean."""
    columns = ["organisation_id", "chain_id", "phase_id", "mean"]
    if answers.empty:
        return pd.DataFrame(columns=columns)
    minimum = answers.groupby("workshop_id")["min_group_size"].first().astype(int).to_dict()
    counted = disclosed_answers(answers, minimum)
    if counted.empty:
        return pd.DataFrame(columns=columns)
    stats = group_phase_stats(counted, q, by=("workshop_id", "chain_id"))
    least = stats["workshop_id"].map(minimum)
    shown = stats[(stats["participants"] >= least) & (stats["n"] >= least)]
    owners = counted.drop_duplicates("workshop_id").set_index("workshop_id")["organisation_id"]
    return shown.assign(organisation_id=shown["workshop_id"].map(owners))[columns]


def benchmark_answers(
    store, questionnaire_id: str, version: int, without: int | None = None
) -> pd.DataFrame:
    """The benchmark pool (Store.benchmark_answers) with `left_out` (with_left_out): a round
    whose facilitator left its flagged answers out counts in the pool with the figure its
    own organisation sees, so careless answers leave the benchmark the way they leave the
    round (and switching back adds them again). `without`: an organisation whose rows are
    left out (peer_benchmark for it never uses them; every chain's figure is its own)."""
    return with_left_out(store, store.benchmark_answers(questionnaire_id, version, without))


def benchmark_state(
    store, questionnaire_id: str, version: int, without: int | None = None
) -> tuple:
    """Store.benchmark_version plus the pool's closed rounds and those of them with flagged
    answers left out (a cache keyed by it is never stale). `without`: an organisation whose
    own rounds the state leaves out, for its peer bands (peer_benchmark leaves its chains
    out), so a change in its own rounds does not move the key."""
    state = store.benchmark_version(questionnaire_id, version, without)
    closed = [
        w.id
        for w in store.workshops()
        if w.status == "closed"
        and (w.questionnaire_id, w.questionnaire_version) == (questionnaire_id, int(version))
        and (without is None or w.organisation_id != without)
    ]
    return (*state, tuple(closed), exclusions.rounds_left_out(store, closed))


def peer_benchmark(answers: pd.DataFrame, q: Questionnaire, own_organisation: int) -> pd.DataFrame:
    """Percentile bands of other organisations' chains per phase (benchmark.peer_bands)."""
    return peer_bands(benchmark_means(answers, q), own_organisation, [p.id for p in q.phases])


# -- what a screen receives ---------------------------------------------------------------------


@dataclass(frozen=True)
class ChainFindings:
    """What a results page and a report show of one chain beside its scores.

    `agenda`: the points for the chain conversation. `focus`: the phases whose handvatten are
    shown; `steps`: per focus phase the next steps of its lowest statements (the report);
    `lowest`: the chain's lowest statements with next steps, and `focus_steps`: per focus
    phase those of its own low statements not already in `lowest` (the results page shows
    `lowest` first, then the focus phases). `signals`: later phases scoring clearly above a
    phase they build on. `disagreement`, `dont_know`: the statements with the most spread and
    the most "weet ik niet". `weakest`: the lowest-scoring shown phase (None: none shown).
    """

    agenda: Agenda
    focus: tuple[Focus, ...]
    steps: Mapping[str, tuple[StatementSteps, ...]]
    lowest: tuple[StatementSteps, ...]
    focus_steps: Mapping[str, tuple[StatementSteps, ...]]
    signals: tuple[PhaseOrderSignal, ...]
    disagreement: pd.DataFrame
    dont_know: pd.DataFrame
    weakest: str | None


def chain_findings(
    stats: pd.DataFrame,
    statements: pd.DataFrame,
    q: Questionnaire,
    stats_prev: pd.DataFrame | None = None,
    *,
    stats_now_shared: pd.DataFrame | None = None,
    changes: pd.DataFrame | None = None,
    ambition: pd.DataFrame | None = None,
) -> ChainFindings:
    """The findings of one shown chain (ChainFindings) from its shown phase and statement
    figures (RoundResults.chain, chain_statements). With a previous round (`previous_round`):
    its figures and this round's on the statements both share, and the real-change verdicts
    (`trend_changes`); `ambition`: RoundResults.chain_ambition (the agenda's gaps)."""
    focus = focus_phases(stats)
    lowest = statement_steps(statements, q)
    scored = stats.dropna(subset=["mean"])
    return ChainFindings(
        agenda=build_agenda(
            stats,
            statements,
            stats_prev,
            stats_now_shared=stats_now_shared,
            changes=changes,
            ambition=ambition,
        ),
        focus=focus,
        steps=phase_steps(focus, statements, q),
        lowest=lowest,
        focus_steps=phase_steps(focus, statements, q, skip={item.statement_id for item in lowest}),
        signals=tuple(phase_order_signals(stats[["phase_id", "mean"]])),
        disagreement=most_disagreement(statements),
        dont_know=dont_know_hotspots(statements),
        weakest=str(scored.loc[scored["mean"].idxmin(), "phase_id"]) if not scored.empty else None,
    )


def shown_changes(before: pd.DataFrame, after: pd.DataFrame) -> pd.DataFrame:
    """Per phase the change between two rounds' shown figures (scoring.score_changes), rounded
    as shown: the change is the difference of the shown values, so the columns add up."""
    return for_display(score_changes(before, after))


def progress_changes(
    before: pd.DataFrame,
    after: pd.DataFrame,
    noise: pd.DataFrame,
    previous: RoundResults,
    chain_id: int,
) -> pd.DataFrame:
    """The progress page's changes of one chain between two rounds: `shown_changes` of their
    shown figures, the 90 % interval and verdict of each change (`noise`: trend_changes) and
    the ambition the earlier round (`previous`) gave for now (ambition_then: aimed, to_go)."""
    changes = shown_changes(before, after)
    changes = changes.merge(for_display(noise), on="phase_id", how="left")
    then = ambition_then(previous, chain_id, changes.rename(columns={"mean_after": "mean"}))
    return changes.merge(then, on="phase_id", how="left")


def radar_frame(stats: pd.DataFrame, series: str, *, intervals: bool = True) -> pd.DataFrame:
    """One radar series from one group's phase figures (hidden scores stay empty), rounded;
    with its 90 % interval when the figures have one (and `intervals`)."""
    frame = pd.DataFrame(
        {
            "series": series,
            "phase_id": stats["phase_id"].to_numpy(),
            "score": stats["mean"].to_numpy(dtype=float),
            "n": stats["n"].to_numpy(dtype=int),
            "sd": stats["sd"].to_numpy(dtype=float),
        }
    )
    for column in INTERVAL_COLUMNS:
        has = intervals and column in stats.columns
        frame[column] = stats[column].to_numpy(dtype=float) if has else np.nan
    return for_display(frame)


def radar_frame_rows(
    stats: pd.DataFrame, series: str, *, intervals: bool = True
) -> tuple[tuple, ...]:
    """radar_frame(stats, series, intervals=...) as plain rows (series, phase_id, score, n,
    sd, ci_low, ci_high), None for a missing number: the same values (rounded as
    formats.for_display rounds them, with numpy) without the frame, for a screen that reads
    seven rows of numbers (the participant's result). A test compares the two."""

    def shown(column: str, decimals: int) -> list[float | None]:
        if column in INTERVAL_COLUMNS and not (intervals and column in stats.columns):
            return [None] * len(stats)
        values = np.round(stats[column].to_numpy(dtype=float), decimals).tolist()
        return [None if v != v else v for v in values]  # NaN: missing

    return tuple(
        zip(
            [series] * len(stats),
            stats["phase_id"].tolist(),
            shown("mean", SHOWN_DECIMALS),
            stats["n"].to_numpy(dtype=int).tolist(),
            shown("sd", SD_DECIMALS),
            *(shown(c, SHOWN_DECIMALS) for c in INTERVAL_COLUMNS),
            strict=True,
        )
    )


def group_snapshot(answers: pd.DataFrame, q: Questionnaire, minimum: int) -> pd.DataFrame:
    """The phase figures of one chain's counted people (projector and participant result).

    `answers`: the answers of the first `disclosed_size` finishers of the chain.
    """
    return suppress_small_groups(group_phase_stats(answers, q, by=()), minimum)

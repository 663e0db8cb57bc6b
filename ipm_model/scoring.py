"""Answers -> phase scores, group statistics and the rules for showing them.

Pure, vectorised functions on pandas frames; no database, no Streamlit. An answer frame has
the columns participant, statement_id, value ("1".."5", "dk", "na") plus any grouping
columns (Store.result_answers gives workshop_id, chain_id, role and partner).

Scores (also in the README)
- A participant's phase score is the mean of their answered 1–5 values in that phase.
  "Weet ik niet" (dk) and "Niet van toepassing" (na) are left out of the mean and counted.
- A phase score is only given when at least MIN_ANSWERED_SHARE (60%) of the phase's
  statements have a 1–5 answer; otherwise the score is missing ("not enough answers"),
  never 0.
- A group's phase mean is the mean of its participants' phase scores (each person counts
  once); n is the number of participants with a score in that phase, sd the sample
  standard deviation of those scores.
- Per group and phase, dist_1..dist_5 count the answers (not people) with that value over
  the phase's statements. The don't-know rate is dk answers / answer slots, where the
  slots are participants x statements of the phase: a statement somebody skipped counts
  as a slot, so the rates of 1–5, dk and na plus the skipped share add up to 1. The same
  for not applicable. Per statement the slots are simply the participants.

Anonymity (suppress_small_groups; minimum group size DEFAULT_MIN_GROUP_SIZE = 3, a setting
per workshop). Two tiers, decided per cell (group x phase, or group x statement):
1. A group with fewer participants than the minimum is suppressed: no mean, sd,
   distribution, dk/na counts or rates; only its participant count stays.
2. A mean (with sd and distribution) is only shown when at least the minimum number of
   people have a score (n); otherwise the cell shows "not enough answers" while its
   dk/na rates, which cover every participant of the group, stay visible.
Which people a group covers, and groups that overlap (breakdowns by role and partner,
periods, all chains), are decided by the one disclosure rule in `ipm_model.disclosure`;
`ipm_model.results` applies both.

Phase order signal (phase_order_signals): a later phase that scores ORDER_SIGNAL_THRESHOLD
(0.75 points) or more above a phase it builds on is flagged ("Doen scoort hoog, maar
Structuur is nog zwak"). What builds on what is the rule table FOUNDATIONS (also in the
README): a build-up, not a strict sequence. Doen and Groeien run side by side (neither is
the other's foundation), and Versnellen is partly about what already happened (earlier
changes, the first chain chosen), so it is neither checked against earlier phases nor a
foundation for later ones. Per later phase only its weakest foundation is reported (ties:
the earliest), to keep the list short. Missing scores are ignored.

Questionnaire versions: statements keep their ids across versions. A trend over workshops
that used different versions (comparable_answers) uses only the statements that every
version has in the same phase, and reports the dropped ones. Scores on that subset apply
the same 60% rule to the shared statements of each phase (the `statement_ids` parameter).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import pandas as pd

from ipm_model.phases import PHASE_IDS
from ipm_model.questionnaire import (
    ANSWER_CODES,
    RESERVED_PREFIX,
    ROLE_KINDS,
    Questionnaire,
    role_kind,
)

MIN_ANSWERED_SHARE = 0.6
DEFAULT_MIN_GROUP_SIZE = 3
ORDER_SIGNAL_THRESHOLD = 0.75
DEFAULT_GROUPS: tuple[str, ...] = ("workshop_id", "chain_id")

PARTICIPANT_SCORE_COLUMNS = [
    "participant",
    "phase_id",
    "score",
    "answered",
    "dont_know",
    "not_applicable",
    "statements",
]

DIST_COLUMNS = [f"dist_{v}" for v in range(1, 6)]
# Per answer code in ANSWER_CODES order ("1".."5", "dk", "na"): the column that counts it.
COUNT_COLUMNS = [*DIST_COLUMNS, "dont_know", "not_applicable"]
_VALUES = np.arange(1, 6, dtype=float)
LIKERT_CODES = frozenset(ANSWER_CODES[:5])  # the answers that count in a score

GROUP_STAT_COLUMNS = [
    "phase_id",
    "participants",
    "statements",
    "n",
    "mean",
    "sd",
    "dont_know",
    "not_applicable",
    "dont_know_rate",
    "not_applicable_rate",
    *DIST_COLUMNS,
]
STATEMENT_STAT_COLUMNS = [
    "phase_id",
    "statement_id",
    "participants",
    "n",
    "mean",
    "sd",
    "dont_know",
    "not_applicable",
    "dont_know_rate",
    "not_applicable_rate",
    *DIST_COLUMNS,
]
# What the anonymity tiers hide: scores need n people, everything else needs the group.
SCORE_COLUMNS = ["mean", "sd", *DIST_COLUMNS]
RATE_COLUMNS = ["dont_know", "not_applicable", "dont_know_rate", "not_applicable_rate"]
_FLOAT_STATS = frozenset({"mean", "sd", "dont_know_rate", "not_applicable_rate"})

_ALL = "_all"  # the grouping key when a caller asks for no grouping at all


# -- shared building blocks ------------------------------------------------------------------

# Role routing: a questionnaire may show a statement to some role kinds only. A participant's
# kind follows from the role and partner columns (questionnaire.role_kind); their phase score,
# the 60% rule and the answer slots of the rates count only the statements they were shown.
# Frames without a role column, and questionnaires without routing, score every statement.
_EVERYONE = ""  # the kind of a participant for whom every statement counts
_KINDS: tuple[str, ...] = (_EVERYONE, *ROLE_KINDS)


def _scope(questionnaire: Questionnaire, statement_ids: Iterable[str] | None) -> pd.DataFrame:
    """The statements to score (statement_id, phase_id, one shown-flag per kind), in order."""
    keep = None if statement_ids is None else set(statement_ids)
    return pd.DataFrame(
        [
            (s.id, s.phase_id, *(s.shown_to(k or None) for k in _KINDS))
            for s in questionnaire.statements
            if keep is None or s.id in keep
        ],
        columns=["statement_id", "phase_id", *_KINDS],
    )


def _statements_per_phase(questionnaire: Questionnaire, scope: pd.DataFrame) -> pd.DataFrame:
    """In-scope statements per phase (rows, model order) shown to each kind (columns)."""
    phases = [p.id for p in questionnaire.phases]
    return scope.groupby("phase_id")[list(_KINDS)].sum().reindex(phases, fill_value=0).astype(int)


def _phase_score(
    total: np.ndarray, answered: np.ndarray, statements: np.ndarray, min_share: float
) -> np.ndarray:
    """Mean of the answered values, NaN when fewer than min_share of the statements count."""
    enough = (answered >= np.ceil(min_share * statements - 1e-9)) & (answered > 0)
    return np.where(enough, total / np.maximum(answered, 1), np.nan)


def _keyed(answers: pd.DataFrame, by: Sequence[str]) -> tuple[pd.DataFrame, list[str]]:
    """The answers and the grouping columns; a constant key when `by` is empty."""
    if by:
        return answers, list(by)
    return answers.assign(**{_ALL: 0}), [_ALL]


def _groups(answers: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Every group (sorted by its key values) with its number of participants."""
    people = answers[[*keys, "participant"]].drop_duplicates()
    return people.groupby(keys, sort=True, dropna=False).size().rename("participants").reset_index()


def _group_columns(stats: pd.DataFrame) -> list[str]:
    """The grouping columns of a stats frame: the columns before phase_id."""
    columns = list(stats.columns)
    return columns[: columns.index("phase_id")]


def _finish(frame: pd.DataFrame, keys: list[str], columns: list[str]) -> pd.DataFrame:
    """Drop the constant key again and put the columns in their documented order."""
    keys = [k for k in keys if k != _ALL]
    return frame[[*keys, *columns]].reset_index(drop=True)


# -- per participant ---------------------------------------------------------------------------


def participant_phase_scores(
    answers: pd.DataFrame,
    questionnaire: Questionnaire,
    min_share: float = MIN_ANSWERED_SHARE,
    *,
    statement_ids: Iterable[str] | None = None,
) -> pd.DataFrame:
    """Score every participant on every phase.

    `answers` has columns participant, statement_id, value ("1".."5", "dk", "na").
    Answers to statements the questionnaire does not know are ignored; with
    `statement_ids`, only those statements count (and the 60% rule applies to them).
    Returns one row per participant (order of their first row) and phase (model order)
    with PARTICIPANT_SCORE_COLUMNS.

    Counted with numpy (np.bincount over person x phase x answer code) instead of pandas'
    grouping: the results page scores a round's 800 people several times. A score is an
    integer total over an integer count, so the order of counting cannot change it; a test
    compares this with the grouped path it replaced, frame for frame.
    """
    scope = _scope_arrays(
        questionnaire, None if statement_ids is None else frozenset(statement_ids)
    )
    phase_count = len(scope.phase_ids)
    person, people = pd.factorize(answers["participant"], use_na_sentinel=False)
    first_row = np.full(len(people), len(person), dtype=np.int64)
    np.minimum.at(first_row, person, np.arange(len(person)))
    person_kind = _person_kinds(answers, questionnaire, first_row)
    rows, statement, code = _kept_rows(answers, scope, person_kind[person])
    phase = scope.phase_of[statement]
    counts = np.bincount(
        (person[rows] * phase_count + phase) * len(COUNT_COLUMNS) + code,
        minlength=len(people) * phase_count * len(COUNT_COLUMNS),
    ).reshape(len(people) * phase_count, len(COUNT_COLUMNS))
    dist = counts[:, :5]
    answered = dist.sum(axis=1)
    statements = scope.per_phase[:, person_kind].T.reshape(-1)  # people x phases, flat
    score = _phase_score(
        dist @ _VALUES, answered.astype(float), statements.astype(float), min_share
    )
    everyone = np.repeat(np.arange(len(people)), phase_count)
    # The phase names as the grouped path gave them: str, or object when there is nobody.
    phase_ids = pd.Index(scope.phase_ids) if len(people) else scope.phase_ids
    return pd.DataFrame(
        {
            "participant": people.take(everyone),
            "phase_id": phase_ids.take(np.tile(np.arange(phase_count), len(people))),
            "score": score,
            "answered": answered.astype(np.int64),
            "dont_know": counts[:, 5],
            "not_applicable": counts[:, 6],
            "statements": statements.astype(np.int64),
        }
    )


def _kept_rows(
    answers: pd.DataFrame, scope: _ScopeArrays, kinds: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The answer rows that count (a known statement in scope, shown to the row's kind, a
    known value): their positions, statements (rows of scope.statements) and answer codes
    (ANSWER_CODES order)."""
    statement = scope.statements.get_indexer(answers["statement_id"])
    code = _ANSWER_INDEX.get_indexer(answers["value"])
    keep = (statement >= 0) & (code >= 0)
    keep[keep] &= scope.shown[statement[keep], kinds[keep]]
    rows = np.flatnonzero(keep)
    return rows, statement[rows], code[rows]


def own_phase_score_rows(
    answers: Mapping[str, str],
    questionnaire: Questionnaire,
    min_share: float = MIN_ANSWERED_SHARE,
    *,
    role: str = "",
    partner: str = "",
) -> list[tuple[str, float, int, int, int, int]]:
    """own_phase_scores' rows as plain tuples (phase_id, score, answered, dont_know,
    not_applicable, statements), in model order: the result screen reads a dozen numbers
    and needs no frame for them."""
    kind = role_kind(role, partner) if role and questionnaire.routed else None
    counts = {p.id: [0, 0.0, 0, 0, 0] for p in questionnaire.phases}  # answered total dk na n
    for s in questionnaire.statements:
        if not s.shown_to(kind):
            continue
        c = counts[s.phase_id]
        c[4] += 1
        value = answers.get(s.id)
        if value in LIKERT_CODES:
            c[0] += 1
            c[1] += int(value)
        elif value == "dk":
            c[2] += 1
        elif value == "na":
            c[3] += 1
    rows = []
    for phase_id, (answered, total, dont_know, not_applicable, statements) in counts.items():
        score = _phase_score(
            np.array([total]), np.array([answered]), np.array([statements]), min_share
        )[0]
        rows.append((phase_id, float(score), answered, dont_know, not_applicable, statements))
    return rows


def own_phase_scores(
    answers: Mapping[str, str],
    questionnaire: Questionnaire,
    min_share: float = MIN_ANSWERED_SHARE,
    *,
    role: str = "",
    partner: str = "",
) -> pd.DataFrame:
    """One participant's scores: their answers as {statement_id: value}, their role and
    partner choice (only the statements they were shown count).

    The same rows as participant_phase_scores gives for one participant (a test compares
    them), counted in plain Python: the result screen needs it for one person at a time,
    and pandas' grouping costs ten times more for seven rows.
    """
    rows = own_phase_score_rows(answers, questionnaire, min_share, role=role, partner=partner)
    return pd.DataFrame(rows, columns=PARTICIPANT_SCORE_COLUMNS[1:]).astype(
        {c: int for c in ("answered", "dont_know", "not_applicable", "statements")}
        | {"score": float}
    )


# -- per group ---------------------------------------------------------------------------------


def group_phase_stats(
    answers: pd.DataFrame,
    questionnaire: Questionnaire,
    by: Sequence[str] = DEFAULT_GROUPS,
    min_share: float = MIN_ANSWERED_SHARE,
    *,
    statement_ids: Iterable[str] | None = None,
) -> pd.DataFrame:
    """Per group x phase: participants, n, mean, sd, dk/na counts and rates, dist_1..dist_5.

    One row per group (sorted by the `by` values) and phase (model order); columns: `by`,
    then GROUP_STAT_COLUMNS. Raw numbers: apply suppress_small_groups before showing them.
    `statements` is the number of statements scored in the phase (fewer with
    `statement_ids`). See the module docstring for the definitions.
    """
    if not by:
        return _one_group_phase_stats(answers, questionnaire, min_share, statement_ids)
    return _grouped_phase_stats(answers, questionnaire, by, min_share, statement_ids)


def _grouped_phase_stats(
    answers: pd.DataFrame,
    questionnaire: Questionnaire,
    by: Sequence[str],
    min_share: float,
    statement_ids: Iterable[str] | None,
) -> pd.DataFrame:
    """group_phase_stats for any number of groups, counted with numpy (np.bincount over
    group x phase x answer code) instead of a pandas grouping per step: the results page
    needs it for 40 chains at once. Only n, mean and sd go through pandas' grouped count,
    mean and std, fed each group and phase's scores in the order the grouped frame it
    replaced held them (people in the order of their first answer in that phase), so the
    floating-point results are pandas' own; a test compares both paths frame for frame."""
    keys = list(by)
    counted = _counted_rows(answers, keys, questionnaire, statement_ids)
    scope, group, person, first_row, person_kind, group_count, person_group = counted[:7]
    rows, statement, code = counted[7:]
    phase_count, code_count = len(scope.phase_ids), len(COUNT_COLUMNS)
    phase = scope.phase_of[statement]
    # Per person and phase: answers per code; a row only where someone answered at all.
    cell = person[rows] * phase_count + phase
    counts = np.bincount(
        cell * code_count + code, minlength=len(first_row) * phase_count * code_count
    ).reshape(len(first_row) * phase_count, code_count)
    dist = counts[:, :5]
    shown = scope.per_phase[:, person_kind].T.reshape(-1)  # people x phases, flat
    scores = _phase_score(dist @ _VALUES, dist.sum(axis=1), shown, min_share)
    first = np.full(len(counts), len(person), dtype=np.int64)
    np.minimum.at(first, cell, rows)
    scored = np.flatnonzero((first < len(person)) & ~np.isnan(scores))
    scored = scored[np.argsort(first[scored], kind="stable")]
    where = person_group[scored // phase_count] * phase_count + scored % phase_count
    size = group_count * phase_count
    n, mean, sd = _cell_stats(scores[scored], where, size)
    sums = np.bincount(
        (person_group[person[rows]] * phase_count + phase) * code_count + code,
        minlength=size * code_count,
    ).reshape(size, code_count)
    slots = np.zeros((group_count, phase_count), dtype=np.int64)
    np.add.at(slots, person_group, shown.reshape(-1, phase_count))
    slots = slots.reshape(-1)
    columns = _key_columns(answers, keys, group, group_count, phase_count)
    # The phase names as the grouped path gave them: str, or object without any group.
    phase_ids = pd.Index(scope.phase_ids) if group_count else scope.phase_ids
    columns["phase_id"] = phase_ids.take(np.tile(np.arange(phase_count), group_count))
    columns["participants"] = np.repeat(
        np.bincount(person_group, minlength=group_count), phase_count
    )
    columns["statements"] = np.tile(scope.per_phase[:, 0].astype(np.int64), group_count)
    columns |= {"n": n, "mean": mean, "sd": sd}
    columns |= {c: sums[:, i] for i, c in enumerate(COUNT_COLUMNS)}
    with np.errstate(invalid="ignore", divide="ignore"):
        columns["dont_know_rate"] = sums[:, 5] / slots
        columns["not_applicable_rate"] = sums[:, 6] / slots
    return pd.DataFrame({c: columns[c] for c in [*keys, *GROUP_STAT_COLUMNS]})


def _grouped_people(
    answers: pd.DataFrame, keys: list[str], questionnaire: Questionnaire
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per answer row its group (numbered as groupby(keys, sort=True, dropna=False) numbers
    them) and its person (a participant within a group, numbered in order of first row);
    per person their first row and role kind (index in _KINDS; role and partner are per
    person)."""
    group = answers.groupby(keys, sort=True, dropna=False).ngroup().to_numpy(dtype=np.int64)
    participant, names = pd.factorize(answers["participant"], use_na_sentinel=False)
    person, _ = pd.factorize(group * max(len(names), 1) + participant)
    first_row = np.full(int(person.max()) + 1 if len(person) else 0, len(person), dtype=np.int64)
    np.minimum.at(first_row, person, np.arange(len(person)))
    return group, person, first_row, _person_kinds(answers, questionnaire, first_row)


class _CountedRows(NamedTuple):
    """What the numpy-counted grouped paths start from (see _counted_rows)."""

    scope: _ScopeArrays
    group: np.ndarray  # per answer row: its group
    person: np.ndarray  # per answer row: its person (within a group)
    first_row: np.ndarray  # per person: their first row
    person_kind: np.ndarray  # per person: their role kind (index in _KINDS)
    group_count: int
    person_group: np.ndarray  # per person: their group
    rows: np.ndarray  # the rows that count (_kept_rows)
    statement: np.ndarray  # per counted row: its statement (row of scope.statements)
    code: np.ndarray  # per counted row: its answer code


def _counted_rows(
    answers: pd.DataFrame,
    keys: list[str],
    questionnaire: Questionnaire,
    statement_ids: Iterable[str] | None,
) -> _CountedRows:
    """The statements in scope, the groups and people of `answers` and the rows that count:
    shared by group_phase_stats' and statement_stats' numpy paths."""
    scope = _scope_arrays(
        questionnaire, None if statement_ids is None else frozenset(statement_ids)
    )
    group, person, first_row, person_kind = _grouped_people(answers, keys, questionnaire)
    group_count = int(group.max()) + 1 if len(group) else 0
    rows, statement, code = _kept_rows(answers, scope, person_kind[person])
    return _CountedRows(
        scope, group, person, first_row, person_kind, group_count, group[first_row],
        rows, statement, code,
    )  # fmt: skip


def _key_columns(
    answers: pd.DataFrame, keys: list[str], group: np.ndarray, group_count: int, repeat: int
) -> dict[str, object]:
    """The key columns of a stats frame: each group's key values (its first row's, in the
    answers' dtypes), `repeat` rows a group."""
    group_first = np.full(group_count, len(group), dtype=np.int64)
    np.minimum.at(group_first, group, np.arange(len(group)))
    of_row = np.repeat(group_first, repeat)
    return {k: answers[k].iloc[of_row].reset_index(drop=True) for k in keys}


def _one_group_phase_stats(
    answers: pd.DataFrame,
    questionnaire: Questionnaire,
    min_share: float,
    statement_ids: Iterable[str] | None,
) -> pd.DataFrame:
    """group_phase_stats for one group (`by=()`), counted with numpy instead of pandas'
    grouping: the projector and the result screen need it for one chain of a few dozen
    people, where pandas' grouping costs ~20 ms and this ~1 ms. The same rows, dtypes and
    floating-point values as _grouped_phase_stats (a test compares them exactly): means and
    standard deviations are accumulated per phase in the order and with the algorithms of
    pandas' grouped mean (Kahan summation) and std (Welford)."""
    if answers.empty:
        return pd.DataFrame({c: pd.Series(dtype=_ONE_GROUP_DTYPES[c]) for c in GROUP_STAT_COLUMNS})
    scope = _scope_arrays(
        questionnaire, None if statement_ids is None else frozenset(statement_ids)
    )
    phase_count = len(scope.phase_ids)
    person, people = pd.factorize(answers["participant"])
    # A person's kind follows from their first row (role and partner are per person).
    first_row = np.full(len(people), len(person), dtype=np.int64)
    np.minimum.at(first_row, person, np.arange(len(person)))
    person_kind = _person_kinds(answers, questionnaire, first_row)
    statement = scope.statements.get_indexer(answers["statement_id"])
    code = _ANSWER_INDEX.get_indexer(answers["value"])
    keep = (statement >= 0) & (code >= 0)
    keep[keep] &= scope.shown[statement[keep], person_kind[person[keep]]]
    rows = np.flatnonzero(keep)
    phase = scope.phase_of[statement[rows]]
    who = person[rows]
    # Per person, phase and answer code: how many answers (dist_1..5, dk, na).
    counts = np.zeros((len(people), phase_count, len(COUNT_COLUMNS)), dtype=np.int64)
    np.add.at(counts, (who, phase, code[rows]), 1)
    slots_per_person = scope.per_phase[:, person_kind].T  # people x phases
    dist = counts[:, :, :5]
    scores = _phase_score(dist @ _VALUES, dist.sum(axis=2), slots_per_person, min_share)
    # pandas visits a phase's people in the order their first answer of that phase appears.
    first = np.full((len(people), phase_count), len(person), dtype=np.int64)
    np.minimum.at(first, (who, phase), rows)
    scored = np.flatnonzero((first < len(person)).reshape(-1) & ~np.isnan(scores.reshape(-1)))
    scored = scored[np.argsort(first.reshape(-1)[scored], kind="stable")]
    n, mean, sd = _cell_stats(scores.reshape(-1)[scored], scored % phase_count, phase_count)
    sums = counts.sum(axis=0)  # phases x codes
    slots = slots_per_person.sum(axis=0)
    columns: dict[str, np.ndarray] = {
        "phase_id": scope.phase_ids,
        "participants": np.full(phase_count, len(people), dtype=np.int64),
        "statements": scope.per_phase[:, 0].astype(np.int64),
        "n": n,
        "mean": mean,
        "sd": sd,
        "dont_know": sums[:, 5],
        "not_applicable": sums[:, 6],
    }
    with np.errstate(invalid="ignore", divide="ignore"):
        columns["dont_know_rate"] = sums[:, 5] / slots
        columns["not_applicable_rate"] = sums[:, 6] / slots
    columns.update({c: sums[:, i] for i, c in enumerate(DIST_COLUMNS)})
    return pd.DataFrame({c: columns[c] for c in GROUP_STAT_COLUMNS})


@dataclass(frozen=True)
class _ScopeArrays:
    """_scope and _statements_per_phase as arrays, for the one-group path."""

    statements: pd.Index  # in-scope statement ids, in order
    phase_of: np.ndarray  # per statement: its phase's row in phase_ids
    shown: np.ndarray  # statements x kinds (_KINDS order): shown or not
    phase_ids: np.ndarray  # the questionnaire's phases, model order
    per_phase: np.ndarray  # phases x kinds: in-scope statements shown


@functools.lru_cache(maxsize=64)
def _scope_arrays(questionnaire: Questionnaire, keep: frozenset[str] | None) -> _ScopeArrays:
    scope = _scope(questionnaire, keep)
    per_phase = _statements_per_phase(questionnaire, scope)
    arrays = (
        per_phase.index.get_indexer(scope["phase_id"]),
        scope[list(_KINDS)].to_numpy(dtype=bool),
        per_phase.index.to_numpy(dtype=object),
        per_phase.to_numpy(dtype=np.int64),
    )
    for array in arrays:
        array.flags.writeable = False  # shared by every call: nobody may change it
    return _ScopeArrays(pd.Index(scope["statement_id"]), *arrays)


_ANSWER_INDEX = pd.Index(ANSWER_CODES)


def _person_kinds(
    answers: pd.DataFrame, questionnaire: Questionnaire, first_row: np.ndarray
) -> np.ndarray:
    """Per person (first_row: their first answer row), the index in _KINDS of their role
    kind (questionnaire.role_kind of their role and partner; frames without a role column
    and questionnaires without routing: everyone)."""
    if not questionnaire.routed or "role" not in answers.columns:
        return np.zeros(len(first_row), dtype=np.int64)
    roles = answers["role"].to_numpy(dtype=object)[first_row]
    partners = (
        answers["partner"].to_numpy(dtype=object)[first_row]
        if "partner" in answers.columns
        else np.full(len(first_row), "", dtype=object)
    )
    # role_kind once per distinct (role, partner) pair, not once per person.
    role, role_names = pd.factorize(roles, use_na_sentinel=False)
    partner, partner_names = pd.factorize(partners, use_na_sentinel=False)
    pair, pairs = pd.factorize(role * max(len(partner_names), 1) + partner)
    kinds = np.array(
        [
            _KINDS.index(
                role_kind(
                    _text(role_names[p // max(len(partner_names), 1)]),
                    _text(partner_names[p % max(len(partner_names), 1)]),
                )
            )
            for p in pairs.tolist()
        ],
        dtype=np.int64,
    )
    return kinds[pair] if len(pair) else np.zeros(0, dtype=np.int64)


def _text(value: object) -> str:
    """A role or partner cell as role_kind reads it: missing is ""."""
    return "" if value is None or value is pd.NA or value != value else str(value)


_ONE_GROUP_DTYPES = {
    c: ("object" if c == "phase_id" else "float64" if c in _FLOAT_STATS else "int64")
    for c in GROUP_STAT_COLUMNS
}


# Up to this many scores, _cell_stats counts in Python (a pandas grouping costs ~1 ms).
_LOOP_MOST = 200


def _cell_stats(
    values: np.ndarray, cells: np.ndarray, size: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per cell 0..size-1: the count, mean and sample standard deviation of the `values` in
    it (no NaN among them), each cell's values taken in the order given, bit for bit as
    pandas' grouped count, mean and std give them (the grouped paths they replaced)."""
    n = np.zeros(size, dtype=np.int64)
    mean = np.full(size, np.nan)
    sd = np.full(size, np.nan)
    if len(values) > _LOOP_MOST:
        agg = pd.Series(values).groupby(cells, sort=False).agg(["count", "mean", "std"])
        at = agg.index.to_numpy(dtype=np.int64)
        n[at] = agg["count"].to_numpy(dtype=np.int64)
        mean[at] = agg["mean"].to_numpy(dtype=float)
        sd[at] = agg["std"].to_numpy(dtype=float)
        return n, mean, sd
    for c in np.unique(cells).tolist():
        n[c], mean[c], sd[c] = _mean_sd(values[cells == c].tolist())
    return n, mean, sd


def _mean_sd(values: list[float]) -> tuple[int, float, float]:
    """Count, mean and sample standard deviation of `values`, computed as pandas' grouped
    mean (Kahan-compensated sum) and std (Welford's update) compute them, so one group
    counted here gives bit for bit the figures of the grouped path."""
    count = len(values)
    if not count:
        return 0, np.nan, np.nan
    total = compensation = 0.0
    running_mean = squares = 0.0
    for i, value in enumerate(values, start=1):
        y = value - compensation
        t = total + y
        compensation = t - total - y
        total = t
        old = running_mean
        running_mean += (value - old) / i
        squares += (value - running_mean) * (value - old)
    sd = float(np.sqrt(squares / (count - 1))) if count > 1 else np.nan
    return count, total / count, sd


def statement_stats(
    answers: pd.DataFrame,
    questionnaire: Questionnaire,
    by: Sequence[str] = DEFAULT_GROUPS,
    *,
    statement_ids: Iterable[str] | None = None,
) -> pd.DataFrame:
    """Per group x statement: n answered 1–5, mean, sd, dist_1..dist_5, dk/na counts and rates.

    One row per group (sorted by the `by` values) and statement (questionnaire order);
    columns: `by`, then STATEMENT_STAT_COLUMNS. Rates are per participant of the group.
    Counted with numpy (np.bincount over group x statement x answer code); every figure
    comes from integer counts, so it is exactly what the grouped path it replaced gave
    (a test compares them).
    """
    answers, keys = _keyed(answers, by)
    counted = _counted_rows(answers, keys, questionnaire, statement_ids)
    scope, group, person, first_row, person_kind, group_count, person_group = counted[:7]
    rows, statement, code = counted[7:]
    statement_count, code_count = len(scope.statements), len(COUNT_COLUMNS)
    size = group_count * statement_count
    counts = np.bincount(
        (group[rows] * statement_count + statement) * code_count + code,
        minlength=size * code_count,
    ).reshape(size, code_count)
    # Per group and statement: the group's people who were shown it.
    participants = np.zeros((group_count, statement_count), dtype=np.int64)
    np.add.at(participants, person_group, scope.shown[:, person_kind].T.astype(np.int64))
    participants = participants.reshape(-1)
    columns = _key_columns(answers, keys, group, group_count, statement_count)
    every = np.tile(np.arange(statement_count), group_count)
    columns["statement_id"] = scope.statements.take(every)
    columns["phase_id"] = pd.Index(scope.phase_ids, dtype="str").take(scope.phase_of[every])
    columns["participants"] = participants
    columns |= {c: counts[:, i] for i, c in enumerate(COUNT_COLUMNS)}
    dist = counts[:, :5].astype(float)
    n = dist.sum(axis=1)
    total = dist @ _VALUES
    squares = dist @ _VALUES**2
    with np.errstate(invalid="ignore", divide="ignore"):
        # Integer sums keep n*squares - total**2 exact, so identical answers give sd 0.
        variance = (n * squares - total**2) / (n * (n - 1))
        columns["mean"] = np.where(n > 0, total / np.maximum(n, 1), np.nan)
        columns["dont_know_rate"] = counts[:, 5] / participants
        columns["not_applicable_rate"] = counts[:, 6] / participants
    columns["n"] = n.astype(np.int64)
    columns["sd"] = np.where(n > 1, np.sqrt(np.maximum(variance, 0)), np.nan)
    keys = [k for k in keys if k != _ALL]
    return pd.DataFrame({c: columns[c] for c in [*keys, *STATEMENT_STAT_COLUMNS]})


# -- anonymity -----------------------------------------------------------------------------


def suppress_small_groups(
    stats: pd.DataFrame, min_group_size: int = DEFAULT_MIN_GROUP_SIZE
) -> pd.DataFrame:
    """Apply the small-group tiers (module docstring) to group_phase_stats or statement_stats.

    Adds `suppressed` (the group is hidden: tier 1) and `scores_hidden` (no mean, sd or
    distribution: tier 1 or 2); hidden values become NaN, participant and n counts stay.
    Groups that overlap (breakdowns, periods) are decided by ipm_model.disclosure.
    """
    out = stats.copy()
    participants = out["participants"].to_numpy(dtype=float)
    n = out["n"].to_numpy(dtype=float)
    suppressed = participants < min_group_size
    scores_hidden = suppressed | (n < min_group_size)
    # Column by column on numpy arrays: .loc on a frame costs ~4 ms even for seven rows.
    for columns, hidden in ((SCORE_COLUMNS, scores_hidden), (RATE_COLUMNS, suppressed)):
        for column in columns:
            if column in out.columns:
                values = out[column].to_numpy(dtype=float, copy=True)
                values[hidden] = np.nan
                out[column] = values
    out["suppressed"] = suppressed
    out["scores_hidden"] = scores_hidden
    return out


# -- signals and rankings --------------------------------------------------------------------


# The phase-order rule table: later phase -> the phases it builds on (model order).
FOUNDATIONS: Mapping[str, tuple[str, ...]] = {
    "inzicht": (),
    "toekomst": ("inzicht",),
    "versnellen": (),  # partly about the past: earlier changes, the first chain chosen
    "structuur": ("inzicht", "toekomst"),
    "doen": ("inzicht", "toekomst", "structuur"),
    "groeien": ("inzicht", "toekomst", "structuur"),  # runs side by side with doen
    "borgen": ("inzicht", "toekomst", "structuur", "doen", "groeien"),
}


@dataclass(frozen=True)
class PhaseOrderSignal:
    """A later phase scores clearly higher than an earlier phase it builds on."""

    later_phase: str
    earlier_phase: str
    later_score: float
    earlier_score: float
    gap: float


def phase_order_signals(
    phase_means: Mapping[str, float] | pd.Series | pd.DataFrame,
    threshold: float = ORDER_SIGNAL_THRESHOLD,
) -> list[PhaseOrderSignal]:
    """Flag later phases that score `threshold` or more above their weakest earlier phase.

    `phase_means`: {phase_id: mean}, a Series indexed by phase_id, or a one-group frame
    with phase_id and mean columns. Missing (NaN) scores are ignored. In model order.
    """
    if isinstance(phase_means, pd.DataFrame):
        if phase_means["phase_id"].duplicated().any():
            raise ValueError("phase_order_signals takes the phase means of one group")
        phase_means = phase_means.set_index("phase_id")["mean"]
    scores = {p: float(phase_means.get(p, np.nan)) for p in PHASE_IDS}
    signals = []
    for later in PHASE_IDS:
        base = [p for p in FOUNDATIONS[later] if not np.isnan(scores[p])]
        if np.isnan(scores[later]) or not base:
            continue
        weakest = min(base, key=lambda p: scores[p])  # the first of equal minima: the earliest
        gap = scores[later] - scores[weakest]
        if gap >= threshold - 1e-9:
            signals.append(
                PhaseOrderSignal(
                    later_phase=later,
                    earlier_phase=weakest,
                    later_score=scores[later],
                    earlier_score=scores[weakest],
                    gap=float(gap),
                )
            )
    return signals


def _ranked(stats: pd.DataFrame, column: str, keep: pd.Series, top: int) -> pd.DataFrame:
    """Rows where `keep`, per group by `column` descending, ties in row order; `top` each."""
    groups = _group_columns(stats)
    ranked = stats.assign(_row=np.arange(len(stats)))[keep.to_numpy()]
    ranked = ranked.sort_values(
        [*groups, column, "_row"], ascending=[True] * len(groups) + [False, True]
    )
    ranked = (
        ranked.groupby(groups, sort=False, dropna=False).head(top) if groups else ranked.head(top)
    )
    return ranked.drop(columns="_row").reset_index(drop=True)


def most_disagreement(stats: pd.DataFrame, top: int = 5) -> pd.DataFrame:
    """Per group the `top` statements with the largest sd (most disagreement).

    Takes statement_stats (best after suppress_small_groups: hidden sd is left out).
    Ties keep the statement order.
    """
    return _ranked(stats, "sd", stats["sd"].notna(), top)


def dont_know_hotspots(stats: pd.DataFrame, top: int = 5) -> pd.DataFrame:
    """Per group the `top` rows with the highest don't-know rate (only rates above 0).

    Works on statement_stats or group_phase_stats; ties keep the row order.
    """
    return _ranked(stats, "dont_know_rate", stats["dont_know_rate"] > 0, top)


def score_changes(
    before: pd.DataFrame, after: pd.DataFrame, on: Sequence[str] = ()
) -> pd.DataFrame:
    """Per phase (and `on` columns) the change in mean between two rounds.

    Columns: `on`, phase_id, mean_before, mean_after, change, n_before, n_after. Sorted by
    change, largest gain first and largest drop last; phases without a change (a score
    missing or hidden in either round) come at the end, in model order.
    """
    keys = [*on, "phase_id"]
    for name, frame in (("before", before), ("after", after)):
        if frame.duplicated(keys).any():
            raise ValueError(f"'{name}' has more than one row per {keys}; pass `on`")
    merged = before[[*keys, "mean", "n"]].merge(
        after[[*keys, "mean", "n"]], on=keys, how="outer", suffixes=("_before", "_after")
    )
    merged["change"] = merged["mean_after"] - merged["mean_before"]
    merged["_phase"] = merged["phase_id"].map({p: i for i, p in enumerate(PHASE_IDS)})
    merged = merged.sort_values(
        ["change", *on, "_phase"], ascending=[False] + [True] * (len(on) + 1), na_position="last"
    )
    columns = [*keys, "mean_before", "mean_after", "change", "n_before", "n_after"]
    return merged[columns].reset_index(drop=True)


# -- questionnaire versions --------------------------------------------------------------------


def shared_statements(*questionnaires: Questionnaire) -> tuple[str, ...]:
    """Statement ids every questionnaire has, in the same phase; in the first one's order."""
    if not questionnaires:
        return ()
    common = set.intersection(*({(s.id, s.phase_id) for s in q.statements} for q in questionnaires))
    return tuple(s.id for s in questionnaires[0].statements if (s.id, s.phase_id) in common)


@dataclass(frozen=True)
class ComparableAnswers:
    """Answers restricted to the statements all questionnaire versions share."""

    answers: pd.DataFrame
    shared: tuple[str, ...]
    dropped: tuple[str, ...]


def comparable_answers(
    answers: pd.DataFrame,
    questionnaires: Mapping[int, Questionnaire],
    workshop_column: str = "workshop_id",
) -> ComparableAnswers:
    """Restrict answers of several workshops to the statements all their questionnaires share.

    `questionnaires` maps each workshop id in `answers` to the questionnaire it used.
    `dropped` lists the statement ids some version has but not all (first-seen order). Score
    the result with `statement_ids=shared` so the 60% rule uses the shared statements.
    """
    missing = set(answers[workshop_column]) - set(questionnaires)
    if missing:
        raise ValueError(f"no questionnaire given for workshop(s) {sorted(missing)}")
    versions = list(questionnaires.values())
    shared = shared_statements(*versions)
    kept = set(shared)
    every = dict.fromkeys(s.id for q in versions for s in q.statements)
    dropped = tuple(sid for sid in every if sid not in kept)
    restricted = answers[answers["statement_id"].isin(kept)].reset_index(drop=True)
    return ComparableAnswers(answers=restricted, shared=shared, dropped=dropped)


# -- ambition -----------------------------------------------------------------------------------

# After the seven phases a participant may say, per phase, where the chain should be in 12
# months (the same 1-5 scale, skippable). The answers are stored like statement answers,
# under the id ambition_id(phase); scoring ignores them, ambition_stats reads them.
AMBITION_PREFIX = RESERVED_PREFIX
AMBITION_STAT_COLUMNS = ["phase_id", "participants", "n", "mean", "sd"]


def ambition_id(phase_id: str) -> str:
    """The answer id under which a participant's ambition for a phase is stored."""
    return f"{AMBITION_PREFIX}{phase_id}"


def ambition_stats(
    answers: pd.DataFrame, questionnaire: Questionnaire, by: Sequence[str] = DEFAULT_GROUPS
) -> pd.DataFrame:
    """Per group x phase: participants, n (people with an ambition 1-5), mean and sd.

    One row per group (sorted) and phase (model order); raw numbers: apply
    suppress_small_groups before showing them, exactly as for the phase scores. Grouped
    with numpy; n, mean and sd as pandas' grouped count, mean and std give them
    (_cell_stats: each group and phase's ambitions in row order), tested against the
    grouped path it replaced.
    """
    answers, keys = _keyed(answers, by)
    phases = [p.id for p in questionnaire.phases]
    ids = pd.Index([ambition_id(p) for p in phases])
    group = answers.groupby(keys, sort=True, dropna=False).ngroup().to_numpy(dtype=np.int64)
    group_count = int(group.max()) + 1 if len(group) else 0
    which = ids.get_indexer(answers["statement_id"])
    rows = np.flatnonzero(which >= 0)
    value = pd.to_numeric(answers["value"].iloc[rows], errors="coerce")
    keep = value.between(1, 5).to_numpy()
    rows = rows[keep]
    n, mean, sd = _cell_stats(
        value.to_numpy(dtype=float)[keep],
        group[rows] * len(phases) + which[rows],
        group_count * len(phases),
    )
    participant, names = pd.factorize(answers["participant"], use_na_sentinel=False)
    people = np.unique(group * max(len(names), 1) + participant) // max(len(names), 1)
    columns = _key_columns(answers, keys, group, group_count, len(phases))
    # The phase names as the grouped path gave them: str, or object without any group.
    phase_ids = pd.Index(phases) if group_count else np.array(phases, dtype=object)
    columns["phase_id"] = phase_ids.take(np.tile(np.arange(len(phases)), group_count))
    columns["participants"] = np.repeat(np.bincount(people, minlength=group_count), len(phases))
    columns |= {"n": n, "mean": mean, "sd": sd}
    keys = [k for k in keys if k != _ALL]
    return pd.DataFrame({c: columns[c] for c in [*keys, *AMBITION_STAT_COLUMNS]})


# -- participant progress ----------------------------------------------------------------------


def answered_count(
    answers: Mapping[str, str], questionnaire: Questionnaire, kind: str | None = None
) -> int:
    """How many of the statements shown to this role kind (None: all) have any answer
    (dk and na count)."""
    known = {s.id for s in questionnaire.statements_for(kind)}
    return sum(1 for sid in answers if sid in known)


def open_statements(
    answers: Mapping[str, str], questionnaire: Questionnaire, kind: str | None = None
) -> list[str]:
    """Statement ids shown to this role kind (None: all) still without an answer, in order."""
    return [s.id for s in questionnaire.statements_for(kind) if s.id not in answers]

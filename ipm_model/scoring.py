"""Answers -> phase scores. Pure functions on pandas frames; no database, no Streamlit.

Rules (also in the README):
- A participant's phase score is the mean of their answered 1–5 values in that phase.
  "Weet ik niet" (dk) and "Niet van toepassing" (na) are left out of the mean and counted.
- A phase score is only given when at least MIN_ANSWERED_SHARE of the phase's statements
  have a 1–5 answer; otherwise the score is missing ("not enough answers"), never 0.
- A group's phase score is the mean of its participants' phase scores (each person counts
  once), with n = the number of participants who have a score in that phase.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from ipm_model.questionnaire import Questionnaire

MIN_ANSWERED_SHARE = 0.6
DEFAULT_MIN_GROUP_SIZE = 3

PARTICIPANT_SCORE_COLUMNS = [
    "participant",
    "phase_id",
    "score",
    "answered",
    "dont_know",
    "not_applicable",
    "statements",
]


def _statement_frame(questionnaire: Questionnaire) -> pd.DataFrame:
    return pd.DataFrame(
        [(s.id, s.phase_id) for s in questionnaire.statements],
        columns=["statement_id", "phase_id"],
    )


def participant_phase_scores(
    answers: pd.DataFrame,
    questionnaire: Questionnaire,
    min_share: float = MIN_ANSWERED_SHARE,
) -> pd.DataFrame:
    """Score every participant on every phase.

    `answers` has columns participant, statement_id, value ("1".."5", "dk", "na").
    Answers to statements the questionnaire does not know are ignored. Returns one row per
    participant and phase (model order) with PARTICIPANT_SCORE_COLUMNS.
    """
    statements = _statement_frame(questionnaire)
    per_phase = statements.groupby("phase_id", sort=False).size()
    participants = pd.unique(answers["participant"]) if len(answers) else []
    grid = pd.MultiIndex.from_product(
        [participants, [p.id for p in questionnaire.phases]], names=["participant", "phase_id"]
    )
    if len(answers) == 0:
        frame = pd.DataFrame(index=grid).reset_index()
        for col in PARTICIPANT_SCORE_COLUMNS[2:]:
            frame[col] = pd.Series(dtype=float if col == "score" else int)
        return frame[PARTICIPANT_SCORE_COLUMNS]
    merged = answers[["participant", "statement_id", "value"]].merge(
        statements, on="statement_id", how="inner"
    )
    numeric = pd.to_numeric(merged["value"], errors="coerce")
    merged = merged.assign(
        num=numeric,
        dk=(merged["value"] == "dk").astype(int),
        na=(merged["value"] == "na").astype(int),
    )
    grouped = merged.groupby(["participant", "phase_id"], sort=False).agg(
        total=("num", "sum"),
        answered=("num", "count"),
        dont_know=("dk", "sum"),
        not_applicable=("na", "sum"),
    )
    frame = grouped.reindex(grid, fill_value=0).reset_index()
    frame["statements"] = frame["phase_id"].map(per_phase).astype(int)
    enough = frame["answered"] >= np.ceil(min_share * frame["statements"] - 1e-9)
    enough &= frame["answered"] > 0
    frame["score"] = np.where(
        enough, frame["total"] / frame["answered"].where(frame["answered"] > 0, 1), np.nan
    )
    for col in ("answered", "dont_know", "not_applicable"):
        frame[col] = frame[col].astype(int)
    return frame[PARTICIPANT_SCORE_COLUMNS]


def own_phase_scores(
    answers: Mapping[str, str],
    questionnaire: Questionnaire,
    min_share: float = MIN_ANSWERED_SHARE,
) -> pd.DataFrame:
    """One participant's scores: their answers as {statement_id: value}."""
    frame = pd.DataFrame(
        [("me", sid, value) for sid, value in answers.items()],
        columns=["participant", "statement_id", "value"],
    )
    if frame.empty:
        frame = pd.DataFrame({"participant": ["me"], "statement_id": [""], "value": [""]})
    return participant_phase_scores(frame, questionnaire, min_share).drop(columns="participant")


def group_phase_summary(participant_scores: pd.DataFrame) -> pd.DataFrame:
    """Per phase: n (participants with a score), mean and sd of their phase scores.

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


def answered_count(answers: Mapping[str, str], questionnaire: Questionnaire) -> int:
    """How many of the questionnaire's statements have any answer (dk and na count)."""
    known = set(questionnaire.statement_ids)
    return sum(1 for sid in answers if sid in known)


def open_statements(answers: Mapping[str, str], questionnaire: Questionnaire) -> list[str]:
    """Statement ids still without an answer, in questionnaire order."""
    return [s.id for s in questionnaire.statements if s.id not in answers]

"""Do the statements of a phase measure one thing? And which answers look careless?

Pure numpy/pandas; no database, no Streamlit. `ipm_model.results.round_quality` calls these
with the answers of the people the shown figures of a round cover (the disclosure rule).

Reliability, per phase of a round:
- Cronbach's alpha over the participants who answered every statement of the phase with
  1–5 (listwise; "weet ik niet" and "n.v.t." leave a person out of that phase):
  alpha = k / (k − 1) · (1 − sum of item variances / variance of the sum score).
- Item-rest correlation per statement: the Pearson correlation of the statement with the sum
  of the phase's other statements. Low (below MISFIT_ITEM_REST) means the statement does not
  go along with its phase.
- Shown only from MIN_RELIABILITY_N complete participants: alpha of a handful of people
  jumps about. Verdict: >= 0.8 good, >= 0.7 sufficient, >= 0.6 doubtful, lower weak.
- A statement "does not fit its phase" when its item-rest correlation is below
  MISFIT_ITEM_REST in at least MISFIT_ROUNDS rounds and in most rounds with a figure:
  a question for the questionnaire owner, not for the chain.

Response quality, per participant (counts only ever leave this module, never who):
- straightlining: every 1–5 answer the same value, over at least STRAIGHT_MIN_ANSWERS
  answers;
- too fast: from joining to finishing less than FAST_SECONDS_PER_ANSWER per answer.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ipm_model.questionnaire import Questionnaire

MIN_RELIABILITY_N = 10
MISFIT_ITEM_REST = 0.2
MISFIT_ROUNDS = 2
VERDICTS: tuple[tuple[float, str], ...] = ((0.8, "good"), (0.7, "sufficient"), (0.6, "doubtful"))
TOO_FEW = "too_few"
STRAIGHT_MIN_ANSWERS = 14
FAST_SECONDS_PER_ANSWER = 2.0


def cronbach_alpha(items: np.ndarray) -> float:
    """Alpha of a complete (people x items) matrix; NaN when it cannot be computed."""
    matrix = np.asarray(items, dtype=float)
    if matrix.ndim != 2 or matrix.shape[0] < 2 or matrix.shape[1] < 2:
        return float("nan")
    k = matrix.shape[1]
    total = matrix.sum(axis=1).var(ddof=1)
    if total <= 0:
        return float("nan")  # everyone gave the same sum: nothing to explain
    return float(k / (k - 1) * (1 - matrix.var(axis=0, ddof=1).sum() / total))


def item_rest(items: np.ndarray) -> np.ndarray:
    """Per item: its correlation with the sum of the other items (NaN without variance)."""
    matrix = np.asarray(items, dtype=float)
    if matrix.ndim != 2 or matrix.shape[0] < 3 or matrix.shape[1] < 2:
        return np.full(matrix.shape[1] if matrix.ndim == 2 else 0, np.nan)
    rest = matrix.sum(axis=1, keepdims=True) - matrix
    a = matrix - matrix.mean(axis=0)
    b = rest - rest.mean(axis=0)
    denominator = np.sqrt((a**2).sum(axis=0) * (b**2).sum(axis=0))
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(denominator > 0, (a * b).sum(axis=0) / denominator, np.nan)


def verdict(alpha: float, people: int) -> str:
    """good, sufficient, doubtful, weak, or too_few (not enough people or no alpha)."""
    if people < MIN_RELIABILITY_N or np.isnan(alpha):
        return TOO_FEW
    return next((name for limit, name in VERDICTS if alpha >= limit), "weak")


def _matrix(answers: pd.DataFrame, statement_ids: Sequence[str]) -> pd.DataFrame:
    """People x statements of 1–5 values, only people who answered all of them 1–5."""
    rows = answers[answers["statement_id"].isin(statement_ids)]
    numeric = pd.to_numeric(rows["value"], errors="coerce")
    wide = (
        rows.assign(number=numeric)
        .pivot_table(index="participant", columns="statement_id", values="number", aggfunc="first")
        .reindex(columns=list(statement_ids))
    )
    return wide.dropna()


def reliability(
    answers: pd.DataFrame, q: Questionnaire, statement_ids: Sequence[str] | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(per phase: phase_id, people, alpha, verdict; per statement: phase_id, statement_id,
    people, item_rest). Figures of phases with fewer than MIN_RELIABILITY_N people are NaN."""
    keep = None if statement_ids is None else set(statement_ids)
    phases, statements = [], []
    for phase in q.phases:
        ids = [s.id for s in phase.statements if keep is None or s.id in keep]
        matrix = _matrix(answers, ids) if len(answers) else pd.DataFrame(columns=ids)
        people = len(matrix)
        enough = people >= MIN_RELIABILITY_N
        alpha = cronbach_alpha(matrix.to_numpy()) if enough else float("nan")
        rest = item_rest(matrix.to_numpy()) if enough else np.full(len(ids), np.nan)
        phases.append((phase.id, people, alpha, verdict(alpha, people)))
        statements += [(phase.id, sid, people, float(r)) for sid, r in zip(ids, rest, strict=True)]
    return (
        pd.DataFrame(phases, columns=["phase_id", "people", "alpha", "verdict"]),
        pd.DataFrame(statements, columns=["phase_id", "statement_id", "people", "item_rest"]),
    )


def misfits(item_rests: pd.DataFrame) -> list[str]:
    """Statements that do not fit their phase across rounds (rows: workshop_id,
    statement_id, item_rest), in first-seen order."""
    known = item_rests.dropna(subset=["item_rest"])
    flagged = []
    for sid, rows in known.groupby("statement_id", sort=False):
        low = int((rows["item_rest"] < MISFIT_ITEM_REST).sum())
        if low >= MISFIT_ROUNDS and low * 2 > len(rows):
            flagged.append(str(sid))
    return flagged


# -- response quality ----------------------------------------------------------------------------


def response_flags(answers: pd.DataFrame, seconds: pd.Series) -> pd.DataFrame:
    """Per participant: straight (same 1–5 answer everywhere) and fast (too little time).

    `answers`: participant, value; `seconds`: time from joining to finishing per participant
    (index: participant; missing or 0 = unknown, e.g. paper imports: never fast).
    """
    numeric = pd.to_numeric(answers["value"], errors="coerce")
    rated = answers.assign(number=numeric).dropna(subset=["number"])
    per = rated.groupby("participant")["number"].agg(["count", "nunique"])
    people = pd.Index(pd.unique(answers["participant"]), name="participant")
    per = per.reindex(people, fill_value=0)
    answered = answers.groupby("participant").size().reindex(people, fill_value=0)
    straight = (per["count"] >= STRAIGHT_MIN_ANSWERS) & (per["nunique"] == 1)
    took = pd.to_numeric(seconds.reindex(people), errors="coerce")
    took = took.where(took > 0)  # loaded or imported answers have no real duration
    fast = (took < FAST_SECONDS_PER_ANSWER * answered).fillna(False).astype(bool)
    return pd.DataFrame(
        {"participant": people, "straight": straight.to_numpy(), "fast": fast.to_numpy()}
    )

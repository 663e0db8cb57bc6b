"""How certain a group score is: 90 % intervals, and when a difference is more than noise.

Pure numpy; no database, no Streamlit. `ipm_model.results` calls it with the phase scores of
exactly the people a shown figure covers (the disclosure rule), so an interval never covers
other people than its mean, and a hidden cell gets no interval.

The method (also in the README):

- An interval is the middle 90 % of RESAMPLES bootstrap means: the group's participants are
  drawn with replacement, RESAMPLES times, and each draw's mean is kept. The random stream is
  seeded from the group (`group_seed`), so a page, an export and a report give the same
  interval every time.
- The plain percentile bootstrap is too narrow for small groups. The draws are therefore
  widened around the mean by sqrt(n / (n − 1)) · t(n − 1) / z, the "expanded percentile"
  interval (Hesterberg 2015), which keeps close to 90 % coverage from about 10 people.
- Below SMALL_N people the draws come from the group's mean and standard deviation (a
  t distribution) instead of from the people themselves: a bootstrap of three or four people
  would mark the extreme answers, and those must not be readable from a figure.
- Fewer than MIN_N people with a score: no interval ("te weinig gegevens").
- A difference between two groups (two rounds of a chain, or two chains) is the difference of
  their draws, each group resampled independently. It counts as a change only when its 90 %
  interval lies wholly above or below zero; otherwise it is "binnen de ruis". Two rounds of
  the same chain partly hold the same people; resampling them independently ignores that,
  which makes the interval a little wider than needed (a cautious error).
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Sequence

import numpy as np
import pandas as pd

from ipm_model import formats
from ipm_model.i18n import t

RESAMPLES = 2000
LEVEL = 0.90
SMALL_N = 10  # below: draws from mean and sd (t), never from the people themselves
MIN_N = 2  # below: no interval
WIDE = 1.0  # an interval this wide (points) or wider: "weinig deelnemers: voorzichtig lezen"
SCALE_MIN, SCALE_MAX = 1.0, 5.0
_Z = 1.6448536269514722  # standard normal quantile at 0.95

UP, DOWN, NOISE, UNKNOWN = "up", "down", "noise", "unknown"
INTERVAL_COLUMNS: tuple[str, ...] = ("ci_low", "ci_high")
CHANGE_COLUMNS: tuple[str, ...] = ("change_low", "change_high", "verdict")


def group_seed(*parts: object) -> int:
    """A stable seed for one group (same parts, same seed, in every process)."""
    return zlib.crc32("|".join(str(p) for p in parts).encode("utf-8"))


def t_quantile(df: float, z: float = _Z) -> float:
    """Student's t quantile from the normal one (Cornish-Fisher; < 1.5 % off from df = 2)."""
    if df <= 0:
        return math.inf
    z3, z5, z7 = z**3, z**5, z**7
    return (
        z
        + (z3 + z) / (4 * df)
        + (5 * z5 + 16 * z3 + 3 * z) / (96 * df**2)
        + (3 * z7 + 19 * z5 + 17 * z3 - 15 * z) / (384 * df**3)
    )


def mean_draws(
    values: Sequence[float] | np.ndarray, seed: int, resamples: int = RESAMPLES
) -> np.ndarray | None:
    """RESAMPLES plausible group means (see the module docstring); None when too few values."""
    scores = np.asarray(values, dtype=float)
    # Sorted: the draws depend on the values only, not on the order the database returned
    # them in (PostgreSQL and SQLite order rows differently; a report must repeat).
    scores = np.sort(scores[~np.isnan(scores)])
    n = len(scores)
    if n < MIN_N:
        return None
    rng = np.random.default_rng(seed)
    mean = float(scores.mean())
    if n < SMALL_N:
        sd = float(scores.std(ddof=1))
        return mean + sd / math.sqrt(n) * rng.standard_t(n - 1, resamples)
    # uint32 indexes: numpy draws an int64 range below 2**32 with the same 32-bit generator
    # (the same numbers), in half the memory and about two thirds of the time.
    means = scores[rng.integers(0, n, size=(resamples, n), dtype=np.uint32)].mean(axis=1)
    widen = math.sqrt(n / (n - 1)) * t_quantile(n - 1) / _Z
    return mean + (means - mean) * widen


def _bounds(draws: np.ndarray | None, clip: bool = True) -> tuple[float, float]:
    if draws is None:
        return math.nan, math.nan
    tail = (1 - LEVEL) / 2
    low, high = np.quantile(draws, [tail, 1 - tail])
    if clip:
        low, high = max(low, SCALE_MIN), min(high, SCALE_MAX)
    return float(low), float(high)


def interval(values: Sequence[float] | np.ndarray, seed: int) -> tuple[float, float]:
    """The 90 % interval of a group mean on the 1–5 scale; (nan, nan) when too few values."""
    return _bounds(mean_draws(values, seed))


def difference(
    before: Sequence[float] | np.ndarray,
    after: Sequence[float] | np.ndarray,
    seed_before: int,
    seed_after: int,
) -> tuple[float, float]:
    """The 90 % interval of mean(after) − mean(before); (nan, nan) when either has too few."""
    a, b = mean_draws(before, seed_before), mean_draws(after, seed_after)
    if a is None or b is None:
        return math.nan, math.nan
    return _bounds(b - a, clip=False)


def verdict(low: float, high: float) -> str:
    """UP or DOWN when the interval of a difference excludes zero, else NOISE (or UNKNOWN)."""
    if math.isnan(low) or math.isnan(high):
        return UNKNOWN
    if low > 0:
        return UP
    if high < 0:
        return DOWN
    return NOISE


def is_wide(low: float, high: float) -> bool:
    """True when an interval is so wide that the figure should be read with care."""
    return not (math.isnan(low) or math.isnan(high)) and high - low >= WIDE - 1e-9


def interval_frame(
    scores: pd.DataFrame,
    keys: Sequence[str],
    context: Sequence[object] = (),
    seed_columns: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Per keys x phase_id of `scores` (rows: keys, phase_id, score): ci_low and ci_high.

    Each cell's seed is made of `context`, the values of `seed_columns` (default: the keys;
    constant within a cell) and the phase, so the same group gets the same interval on every
    page, export and report that shows it. Cells in the order of their first row (as
    pandas' groupby(sort=False)); grouped with numpy, one pass, no frame per cell.
    """
    group = [*keys, "phase_id"]
    seed_columns = list(keys if seed_columns is None else seed_columns)
    scored = scores.dropna(subset=["score"])
    rows = []
    if len(scored):
        # Numbered in order of first appearance; a row with a missing key is in no cell
        # (groupby's dropna; numbered NaN or -1).
        codes = scored.groupby(group, sort=False, dropna=True).ngroup().to_numpy()
        inside = np.flatnonzero(~np.isnan(codes.astype(float)) & (codes >= 0))
        codes = codes[inside].astype(np.int64)
        ranked = np.argsort(codes, kind="stable")
        order = inside[ranked]
        starts = np.flatnonzero(np.r_[True, np.diff(codes[ranked]) != 0])
        ends = [*starts[1:].tolist(), len(order)]
        head = scored.iloc[order[starts]]
        key_values = [head[c].tolist() for c in group]
        seed_values = [head[c].tolist() for c in seed_columns]
        values = scored["score"].to_numpy(dtype=float)
        draws = []
        for i, (start, end) in enumerate(zip(starts.tolist(), ends, strict=True)):
            seed = cell_seed(context, [v[i] for v in seed_values], key_values[-1][i])
            draws.append(mean_draws(values[order[start:end]], seed))
        bounds = _many_bounds(draws)
        rows = [(*(v[i] for v in key_values), *bounds[i]) for i in range(len(draws))]
    return pd.DataFrame(rows, columns=[*group, *INTERVAL_COLUMNS])


def _many_bounds(draws: Sequence[np.ndarray | None]) -> list[tuple[float, float]]:
    """_bounds of every cell's draws, the quantiles of all cells in one np.quantile call
    (a quantile is computed per row, with the same arithmetic as one row alone: a test
    compares them)."""
    bounds = [(math.nan, math.nan)] * len(draws)
    drawn = [i for i, d in enumerate(draws) if d is not None]
    tail = (1 - LEVEL) / 2
    # In blocks of _QUANTILE_BLOCK cells: a breakdown of thousands of cells would otherwise
    # hold every cell's draws twice at once (the stack and np.quantile's copy).
    for block in range(0, len(drawn), _QUANTILE_BLOCK):
        cells = drawn[block : block + _QUANTILE_BLOCK]
        low, high = np.quantile(np.stack([draws[i] for i in cells]), [tail, 1 - tail], axis=1)
        low, high = np.maximum(low, SCALE_MIN).tolist(), np.minimum(high, SCALE_MAX).tolist()
        for j, i in enumerate(cells):
            bounds[i] = (low[j], high[j])
    return bounds


_QUANTILE_BLOCK = 256


def cell_seed(context: Sequence[object], values: Sequence[object], phase_id: str) -> int:
    """The seed of one group's phase cell (see interval_frame)."""
    return group_seed(*context, *values, phase_id)


def with_intervals(
    stats: pd.DataFrame,
    scores: pd.DataFrame,
    keys: Sequence[str],
    context: Sequence[object] = (),
    seed_columns: Sequence[str] | None = None,
) -> pd.DataFrame:
    """`stats` with ci_low and ci_high over `scores` (the shown cells' people); NaN where the
    cell's mean is hidden or has too few scores."""
    out = stats.drop(columns=[c for c in INTERVAL_COLUMNS if c in stats.columns])
    frame = interval_frame(scores, keys, context, seed_columns)
    if frame.empty:
        out = out.assign(**{c: np.nan for c in INTERVAL_COLUMNS})
    else:
        out = out.merge(frame, on=[*keys, "phase_id"], how="left")
    hidden = np.array(out["mean"].isna(), dtype=bool)
    if "scores_hidden" in out.columns:
        hidden |= out["scores_hidden"].astype(bool).to_numpy()
    out.loc[hidden, list(INTERVAL_COLUMNS)] = np.nan
    return out


def differences(
    before: pd.DataFrame,
    after: pd.DataFrame,
    context_before: Sequence[object],
    context_after: Sequence[object],
) -> pd.DataFrame:
    """Per phase: the 90 % interval of mean(after) − mean(before) and its verdict.

    `before` and `after`: one group's scores each (phase_id, score), only of shown cells;
    their seeds are the ones their intervals use (context + phase), so the draws agree.
    """
    rows = []
    phases = list(dict.fromkeys([*before["phase_id"], *after["phase_id"]]))
    for phase_id in phases:
        a = before.loc[before["phase_id"] == phase_id, "score"].to_numpy(dtype=float)
        b = after.loc[after["phase_id"] == phase_id, "score"].to_numpy(dtype=float)
        low, high = difference(
            a, b, cell_seed(context_before, (), phase_id), cell_seed(context_after, (), phase_id)
        )
        rows.append((phase_id, low, high, verdict(low, high)))
    return pd.DataFrame(rows, columns=["phase_id", *CHANGE_COLUMNS])


# -- words -----------------------------------------------------------------------------------


def interval_text(low: float, high: float, lang: str = "en") -> str:
    """An interval as shown: "3,1–3,8" in Dutch, "3.1–3.8" in English; empty without one."""
    if pd.isna(low) or pd.isna(high):
        return ""
    return f"{formats.number(low, lang)}–{formats.number(high, lang)}"


def interval_note(mean: float, low: float, high: float, lang: str) -> str:
    """What to say next to a shown mean: read with care, not enough data, or nothing."""
    if pd.isna(mean):
        return ""
    if pd.isna(low) or pd.isna(high):
        return t("trust.no_data", lang)
    return t("trust.wide", lang) if is_wide(low, high) else ""


def verdict_text(value: str, lang: str) -> str:
    """A difference's verdict in words ("binnen de ruis", ...)."""
    return t(f"trust.verdict.{value if value in (UP, DOWN, NOISE) else UNKNOWN}", lang)

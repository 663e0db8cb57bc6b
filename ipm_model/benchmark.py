"""Peer benchmark: a chain's phase scores against other organisations' chains.

Pure pandas; no database, no Streamlit. For an installation that holds many organisations (a
consultancy running scans for many clients). The rules:

- The pool: per chain of every organisation that takes part (not opted out), its latest
  closed round on the same questionnaire version (Store.benchmark_answers); each chain
  counts with its shown phase means only, under the disclosure rule of its own round
  (first k finishers, minimum group size), so nothing hidden enters the pool.
- Shown per phase only when at least MIN_OTHER_ORGANISATIONS organisations other than the
  viewer's own contribute a chain to that phase.
- Only percentile bands are shown (25th, 50th, 75th of the chains' means), rounded to one
  decimal: never a mean, a sum, a count of chains or an organisation's name. A mean over
  organisations would give one organisation's figure away by subtraction (the benchmark
  before and after it joins or opts out); a percentile moves only when the organisation's
  chains cross it, and then by a fraction of the gap to a neighbouring chain.
- An organisation that opts out neither contributes nor sees the benchmark.

What remains possible (SECURITY.md): someone who sees the bands before and after a single
organisation joins, and knows every other chain's score, can narrow down where that
organisation's chains lie relative to the bands.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

MIN_OTHER_ORGANISATIONS = 5
PERCENTILES: tuple[int, ...] = (25, 50, 75)
BAND_COLUMNS: tuple[str, ...] = ("phase_id", "p25", "p50", "p75")
DECIMALS = 1


def peer_bands(
    chain_means: pd.DataFrame, own_organisation: int, phase_ids: list[str]
) -> pd.DataFrame:
    """Per phase the 25/50/75th percentile of the other organisations' chain means.

    `chain_means`: organisation_id, chain_id, phase_id, mean (shown means only; NaN allowed).
    Phases with fewer than MIN_OTHER_ORGANISATIONS other organisations get NaN. Rounded.
    """
    others = chain_means[
        (chain_means["organisation_id"] != own_organisation) & chain_means["mean"].notna()
    ]
    rows = []
    for phase_id in phase_ids:
        mine = others[others["phase_id"] == phase_id]
        if mine["organisation_id"].nunique() < MIN_OTHER_ORGANISATIONS:
            rows.append((phase_id, *([np.nan] * len(PERCENTILES))))
            continue
        values = np.percentile(mine["mean"].to_numpy(dtype=float), PERCENTILES)
        rows.append((phase_id, *np.round(values, DECIMALS)))
    return pd.DataFrame(rows, columns=list(BAND_COLUMNS))


def has_bands(bands: pd.DataFrame | None) -> bool:
    """True when at least one phase has a band to show."""
    return bands is not None and not bands.empty and bool(bands["p50"].notna().any())

"""How long a radar spec takes: the full Altair build vs the cached-template fill.

Run: python bench/bench_radar.py  (prints both, measured in the same run, and the ratio)
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ipm_model import charts  # noqa: E402
from ipm_model.phases import PHASE_IDS  # noqa: E402

LABELS = {p: p.title() for p in PHASE_IDS}


def _data(rng: np.random.Generator) -> pd.DataFrame:
    rows = [("Ik", p, float(rng.uniform(1, 5)), 1, float("nan")) for p in PHASE_IDS]
    rows += [("Groep", p, float(rng.uniform(1, 5)), 4, 0.5) for p in PHASE_IDS]
    return pd.DataFrame(rows, columns=list(charts.RADAR_COLUMNS))


def _per_call_ms(build, rounds: int, rng: np.random.Generator) -> float:
    frames = [_data(rng) for _ in range(rounds)]
    start = time.perf_counter()
    for frame in frames:
        build(frame)
    return (time.perf_counter() - start) / rounds * 1000


def main() -> None:
    rng = np.random.default_rng(0)
    charts.radar_spec(_data(rng), LABELS)  # the template is built once per process
    full = _per_call_ms(lambda d: charts.radar_chart(d, LABELS).to_dict(), 30, rng)
    fast = _per_call_ms(lambda d: charts.radar_spec(d, LABELS), 300, rng)
    print(f"radar spec, 2 series: full Altair build {full:.1f} ms/call (baseline)")
    print(f"radar spec, 2 series: template fill     {fast:.2f} ms/call ({full / fast:.1f}x faster)")


if __name__ == "__main__":
    main()

"""Build a large history data set into a database file, with the demo's answer model.

    python bench/build_history.py --db /tmp/big.db [--chains 40] [--rounds 8] [--participants 20]

Creates the organisation "Benchmark Rivierstad" (replacing it when it is already in the file)
with `--chains` chains and `--rounds` closed rounds spread over the last 21 months, each chain
with exactly `--participants` finished participants per round, every one answering the
statements of the default questionnaire their role is shown (questionnaire routing). The
answers come from `ipm_model.demo.HistoryModel` (the same seeded model as the demo history);
each chain follows one of the four demo chain profiles, shifted by a seeded random amount
per phase. Prints the row counts and the time.
With the defaults: 40 x 8 x 20 people x about 40 statements each (questionnaire v2, routed
by role) = about 260,000 answers (313,600 with version 1, which showed everyone all 49);
the command prints the exact count.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ipm_model.demo import (  # noqa: E402
    DEMO_PARTNERS,
    DEMO_PROFILES,
    ChainProfile,
    HistoryModel,
    history_rounds,
    write_history,
)
from ipm_model.phases import PHASE_IDS  # noqa: E402
from ipm_model.questionnaire import default_questionnaire  # noqa: E402
from ipm_model.storage.store import Store  # noqa: E402

BENCH_ORGANISATION = "Benchmark Rivierstad"
BENCH_SEED = 7


def bench_profiles(count: int, seed: int = BENCH_SEED) -> list[ChainProfile]:
    """`count` chain profiles: the demo profiles in turn, each shifted per phase."""
    rng = np.random.default_rng([seed, 99])
    profiles = []
    for i in range(count):
        base = DEMO_PROFILES[i % len(DEMO_PROFILES)]
        offsets = dict(zip(PHASE_IDS, rng.normal(0.0, 0.25, len(PHASE_IDS)).tolist(), strict=True))
        profiles.append(base.shifted(f"Keten {i + 1:03d} ({base.name.lower()})", offsets))
    return profiles


def round_months(rounds: int, span: int = 21) -> list[int]:
    """Months before today of `rounds` rounds, evenly spread from `span` months ago to 1."""
    if rounds == 1:
        return [1]
    return sorted({round(m) for m in np.linspace(span, 1, rounds)}, reverse=True)


def build(
    db: str, chains: int, rounds: int, participants: int, seed: int, today: date
) -> dict[str, float]:
    store = Store(db)
    started = time.perf_counter()
    existing = store.organisation_id(BENCH_ORGANISATION)
    if existing is not None:
        store.delete_organisation(existing)
    org_id = store.create_organisation(BENCH_ORGANISATION)
    profiles = bench_profiles(chains, seed)
    chain_ids = [store.add_chain(org_id, p.name) for p in profiles]
    model = HistoryModel(default_questionnaire(), seed=seed, participants=(participants,) * 2)
    history = history_rounds(
        today, round_months(rounds, max(21, rounds)), title="Benchmark ronde {n}"
    )
    workshops, answers = write_history(
        store,
        model,
        org_id,
        list(zip(chain_ids, profiles, strict=True)),
        history,
        partners=DEMO_PARTNERS,
    )
    elapsed = time.perf_counter() - started
    counts = store.counts()
    store.close()
    return {"workshops": len(workshops), "answers": answers, "seconds": elapsed, **counts}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", required=True, help="database file (created when missing)")
    parser.add_argument("--chains", type=int, default=40, help="chains (default 40)")
    parser.add_argument("--rounds", type=int, default=8, help="closed rounds (default 8)")
    parser.add_argument(
        "--participants", type=int, default=20, help="participants per chain and round (20)"
    )
    parser.add_argument("--seed", type=int, default=BENCH_SEED, help="random seed (default 7)")
    parser.add_argument("--today", type=date.fromisoformat, default=None, help="YYYY-MM-DD")
    args = parser.parse_args(argv)
    if min(args.chains, args.rounds, args.participants) < 1:
        parser.error("--chains, --rounds and --participants must be 1 or more")
    result = build(
        args.db, args.chains, args.rounds, args.participants, args.seed, args.today or date.today()
    )
    print(
        f"{BENCH_ORGANISATION}: {args.chains} chains x {result['workshops']} rounds x "
        f"{args.participants} participants -> {result['answers']:,} answers "
        f"in {result['seconds']:.2f} s ({result['answers'] / result['seconds']:,.0f} answers/s)"
    )
    print(
        "database totals: "
        + ", ".join(
            f"{t} {result[t]:,}"
            for t in ("organisation", "chain", "workshop", "participant", "answer", "phase_comment")
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The live projector screen: when to show a new group result.

Results on a shared screen are updated in batches: a new snapshot is published only when at
least `batch` more participants have finished since the last one (or the facilitator asks for it),
and never below the minimum group size. So nobody can watch the radar move right
after one colleague taps "finish" and read off that colleague's answers.
"""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_BATCH = 3
REFRESH_SECONDS = 5


@dataclass(frozen=True)
class Counts:
    joined: int
    finished: int


def publish_due(
    shown_finished: int | None, now: Counts, *, batch: int, min_group: int, forced: bool = False
) -> bool:
    """Whether the screen should replace its snapshot (taken at `shown_finished`) now.

    `forced` is the facilitator's "update now": it still respects the minimum group size.
    """
    if now.finished < min_group:
        return False
    if shown_finished is None or now.finished < shown_finished:
        return True  # first snapshot, or the workshop was reset
    if forced:
        return now.finished != shown_finished
    return now.finished - shown_finished >= max(1, batch)

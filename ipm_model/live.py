"""The live projector screen: when to show a new group result.

Results on a shared screen are updated in batches: a new snapshot is published only when
`batch` more participants have finished (or the facilitator asks for it), and never below
the minimum group size. So nobody can watch the radar move right
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


def snapshot_size(
    finished: int, *, batch: int, min_group: int, forced_at: int | None = None
) -> int | None:
    """How many finished participants a chain's group result on the screen is based on.

    Automatically the last step reached of min_group, min_group + batch, min_group + 2 *
    batch, ...; the result is that of the first so many to finish. It depends only on the
    data, so every screen in every app process (replica) shows the same snapshot: two
    screens never differ by one person. `forced_at` is the facilitator's "update now" (the
    number finished when pressed): shown until the next step passes it; it still respects
    the minimum group size. None: too few to show anything.
    """
    if finished < min_group:
        return None
    step = max(1, batch)
    size = min_group + (finished - min_group) // step * step
    if forced_at is not None and size < forced_at <= finished:
        return forced_at
    return size

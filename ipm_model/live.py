"""The live projector screen: when to show a new group result.

Results on a shared screen are updated in batches: a chain's radar covers the first k
finishers, k on the ladder of `ipm_model.disclosure.disclosed_size` (the same people as on
every other screen), so nobody can watch the radar move right after one colleague taps
"finish" and read off that colleague's answers.
"""

from __future__ import annotations

from dataclasses import dataclass

REFRESH_SECONDS = 5


@dataclass(frozen=True)
class Counts:
    joined: int
    finished: int

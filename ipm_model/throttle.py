"""Slow down guessing: after a few wrong tries, wait longer before the next one is checked."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

FREE_TRIES = 5
BASE_WAIT_S = 5.0
MAX_WAIT_S = 300.0


def wait_after(failures: int, free_tries: int) -> float:
    """Seconds to wait after `failures` wrong tries: 0 for the free ones, then doubling."""
    if failures < free_tries:
        return 0.0
    return min(MAX_WAIT_S, BASE_WAIT_S * 2 ** (failures - free_tries))


@dataclass
class Throttle:
    """Counts wrong tries; the wait doubles with each wrong try past the free ones."""

    failures: int = 0
    blocked_until: float = 0.0
    clock: object = field(default=time.monotonic, repr=False)
    free_tries: int = FREE_TRIES

    def wait_seconds(self) -> int:
        """Seconds left before the next try is allowed (0 when allowed now)."""
        left = self.blocked_until - self.clock()
        return max(0, int(left + 0.999))

    def failed(self, no_free_tries: bool = False) -> None:
        """Record a wrong try; `no_free_tries`: wait from this one on (a hot address)."""
        self.failures += 1
        if no_free_tries:
            self.failures = max(self.failures, self.free_tries)
        if self.failures >= self.free_tries:
            self.blocked_until = self.clock() + wait_after(self.failures, self.free_tries)

    def succeeded(self) -> None:
        """A right try resets the count."""
        self.failures = 0
        self.blocked_until = 0.0

    def decay(self) -> None:
        """A right try from a shared address: halve the count, and the wait with it."""
        self.failures //= 2
        wait = wait_after(self.failures, self.free_tries) if self.failures else 0.0
        self.blocked_until = min(self.blocked_until, self.clock() + wait)


class ThrottleGroup:
    """One Throttle per key (e.g. per client address), thread-safe, with a bounded size."""

    def __init__(self, free_tries: int, max_keys: int = 10_000):
        import threading

        self._lock = threading.Lock()
        self._items: dict[str, Throttle] = {}
        self.free_tries = free_tries
        self.max_keys = max_keys

    def get(self, key: str) -> Throttle:
        with self._lock:
            item = self._items.get(key)
            if item is None:
                if len(self._items) >= self.max_keys:
                    self._items.clear()  # a flood of addresses: start counting afresh
                item = self._items[key] = Throttle(free_tries=self.free_tries)
            return item

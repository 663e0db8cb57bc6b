"""Caches filled by their caller: many entries computed in one go, each stored under its
own key.

The results pages cache figures per chain, each under that chain's own data version, but
compute the missing chains together (one computation for many chains costs about as much
as one for a single chain). Streamlit's cache has no "put", so the cached function is a
reader of a batch: while its caller fills (`Fill.missing`), it returns that batch's entry
for its key and Streamlit stores it under the key; at any other time it raises NotCached,
and Streamlit stores nothing. The batch is per thread, so sessions filling at once never
see each other's.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable, Mapping, Sequence
from typing import Any, Generic, TypeVar

Part = TypeVar("Part")


class NotCached(Exception):
    """A cached function filled by its caller was asked for an entry it does not hold."""


class Fill(Generic[Part]):
    """The batch a caller is filling a cache from, per thread."""

    def __init__(self) -> None:
        self._local = threading.local()

    def take(self, name: Hashable) -> Part | None:
        """In the cached function: the batch's entry for `name` (None when the batch has
        none: cached as "nothing"); raises NotCached outside a fill (nothing is stored)."""
        batch = getattr(self._local, "batch", None)
        if batch is None:
            raise NotCached
        return batch.get(name)

    def missing(
        self,
        keys: Sequence[tuple[Hashable, Any]],
        cached: Callable[[Hashable, Any], Part | None],
        compute: Callable[[list[tuple[Hashable, Any]]], Mapping[Hashable, Part | None]],
    ) -> dict[Hashable, Part | None]:
        """Each (name, version) in `keys` through `cached(name, version)`: from the cache
        where it is there; the missing ones computed together by `compute(missing)` (a
        mapping name -> entry) and stored each under its own key by calling `cached` again
        while the batch is set."""
        found: dict[Hashable, Part | None] = {}
        absent = []
        for name, version in keys:
            try:
                found[name] = cached(name, version)
            except NotCached:
                absent.append((name, version))
        if absent:
            self._local.batch = compute(absent)
            try:
                for name, version in absent:
                    found[name] = cached(name, version)
            finally:
                self._local.batch = None
        return found

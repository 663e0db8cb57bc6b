"""ui.cache_fill: a Streamlit cache filled by its caller, each entry under its own key."""

from __future__ import annotations

import threading

import pytest
import streamlit as st

from ui.cache_fill import Fill, NotCached

_fill: Fill[str] = Fill()


@st.cache_data(show_spinner=False)
def _entry(name: int, version: int) -> str | None:
    return _fill.take(name)


def _compute(batches: list):
    def compute(missing):
        batches.append(list(missing))
        return {name: f"{name}@{version}" for name, version in missing if name != 3}

    return compute


@pytest.fixture(autouse=True)
def _empty_cache():
    _entry.clear()
    yield
    _entry.clear()


def test_missing_entries_are_computed_together_and_kept_each_under_its_key() -> None:
    batches: list = []
    keys = [(1, 10), (2, 20), (3, 30)]
    found = _fill.missing(keys, _entry, _compute(batches))
    assert found == {1: "1@10", 2: "2@20", 3: None}  # 3: nothing, kept as nothing
    assert batches == [keys]
    # Later: the kept ones from the cache; a new version of one is computed alone.
    found = _fill.missing([(1, 10), (2, 21), (3, 30)], _entry, _compute(batches))
    assert found == {1: "1@10", 2: "2@21", 3: None}
    assert batches[1:] == [[(2, 21)]]


def test_outside_a_fill_nothing_is_stored() -> None:
    with pytest.raises(NotCached):
        _entry(5, 50)
    batches: list = []
    assert _fill.missing([(5, 50)], _entry, _compute(batches)) == {5: "5@50"}
    assert batches == [[(5, 50)]]  # the failed read above left no entry behind


def test_a_fill_in_one_thread_is_not_seen_by_another() -> None:
    inside, outside = threading.Event(), threading.Event()
    seen: list = []

    def slow(missing):
        inside.set()
        outside.wait(5)
        return {name: "slow" for name, _ in missing}

    filler = threading.Thread(target=lambda: _fill.missing([(7, 1)], _entry, slow))
    filler.start()
    assert inside.wait(5)
    try:
        _entry(8, 1)
    except NotCached:
        seen.append("not cached")
    outside.set()
    filler.join(5)
    assert seen == ["not cached"]
    assert _entry(7, 1) == "slow"

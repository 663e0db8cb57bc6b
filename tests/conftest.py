"""Shared fixtures: a fresh store per test, the default questionnaire."""

from __future__ import annotations

import pytest

from ipm_model.questionnaire import Questionnaire, default_questionnaire
from ipm_model.store import Store


@pytest.fixture
def questionnaire() -> Questionnaire:
    return default_questionnaire()


@pytest.fixture
def store(tmp_path) -> Store:
    """A new SQLite database file (WAL mode, like the app) for each test."""
    s = Store(tmp_path / "test.db")
    yield s
    s.close()

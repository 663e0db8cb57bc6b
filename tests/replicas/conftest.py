"""Fixtures of the replica tests: nginx must be installed (skip locally, fail on CI)."""

from __future__ import annotations

import os

import pytest

from deploy.cluster import nginx_binary


@pytest.fixture(scope="session")
def nginx() -> str:
    """The nginx executable. Missing: the test is skipped, except on CI (CI=true) where it
    fails, so the suite cannot pass there by doing nothing."""
    binary = nginx_binary()
    if binary is None:
        if os.environ.get("CI"):
            pytest.fail("nginx is not installed; install it with apt-get install -y nginx")
        pytest.skip("nginx is not installed (apt-get install -y nginx)")
    return binary

"""Shared fixtures: a fresh store per test on each back-end, the default questionnaire."""

from __future__ import annotations

import os
import tempfile

import pytest

from ipm_model.questionnaire import Questionnaire, default_questionnaire, questionnaire_for
from ipm_model.storage.store import Store

# Chart templates kept on disk (ipm_model.spec_cache) go to a folder of this test run, not
# to the user's cache (servers the tests start inherit it).
os.environ.setdefault("IPM_CACHE_DIR", tempfile.mkdtemp(prefix="ipm-test-cache-"))


@pytest.fixture
def questionnaire() -> Questionnaire:
    """Version 1 (7 statements a phase, no routing): the scoring mechanics' test bed."""
    return questionnaire_for("ipm-ketenscan", 1)


@pytest.fixture
def questionnaire_v2() -> Questionnaire:
    """The default questionnaire: version 2, with statements routed by role kind."""
    return default_questionnaire()


# -- PostgreSQL ------------------------------------------------------------------------------

BACKENDS = ("sqlite", "postgresql")


@pytest.fixture(scope="session")
def pg_server():
    """A PostgreSQL server on 127.0.0.1 for this test run (IPM_TEST_PG_URL, or a throwaway
    cluster started here). Skips without PostgreSQL locally; in CI a missing server fails."""
    import os

    from deploy.pgserver import PgServer, require_postgres

    if os.environ.get("IPM_TEST_PG_URL"):
        yield PgServer(os.environ["IPM_TEST_PG_URL"])
        return
    require_postgres()
    server = PgServer.start()
    yield server
    server.stop("immediate", remove=True)


@pytest.fixture
def pg_url(pg_server):
    """The URL of an empty schema of the test server, dropped after the test."""
    name, url = pg_server.new_schema()
    yield url
    pg_server.drop_schema(name)


@pytest.fixture(params=BACKENDS)
def store(request, tmp_path) -> Store:
    """A new, empty store, once on each back-end: an SQLite file (WAL mode, like the app)
    and a PostgreSQL schema. Every test that uses it runs on both."""
    if request.param == "sqlite":
        s = Store(tmp_path / "test.db")
    else:
        s = Store(request.getfixturevalue("pg_url"))
    yield s
    s.close()


@pytest.fixture(params=BACKENDS)
def db_target(request, tmp_path) -> str:
    """What `--db` or IPM_DB names, once per back-end: an SQLite file path (not created
    yet), and the URL of an empty PostgreSQL schema."""
    if request.param == "postgresql":
        return request.getfixturevalue("pg_url")
    return str(tmp_path / "cli.db")


@pytest.fixture(scope="session")
def nginx() -> str:
    """The nginx executable (replica tests). Missing: skipped locally, a failure in CI."""
    import os

    from deploy.cluster import nginx_binary

    binary = nginx_binary()
    if binary is None:
        if os.environ.get("CI"):
            pytest.fail("nginx is not installed; .ci/run installs it (package nginx)")
        pytest.skip("nginx is not installed (apt-get install -y nginx)")
    return binary

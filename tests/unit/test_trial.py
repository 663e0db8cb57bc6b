"""deploy/trial.py without starting a cluster: --print-config makes its prefix, --demo's
demo exists before the trial says to open it, the nginx sample routes /ready."""

from __future__ import annotations

import contextlib
import io

from deploy import trial
from deploy.cluster import render_nginx_conf
from ipm_model.storage.store import Store


def test_print_config_creates_the_prefix_folders(tmp_path):
    prefix = tmp_path / "a" / "b"
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert trial.main(["--print-config", "--prefix", str(prefix), "--replicas", "2"]) == 0
    assert all((prefix / sub).is_dir() for sub in ("logs", "temp"))
    assert f"pid {prefix}/nginx.pid;" in out.getvalue()


def test_ensure_demo_creates_it_once(db_target):
    trial.ensure_demo(db_target)
    trial.ensure_demo(db_target)
    store = Store(db_target)
    assert store.workshop_by_code("DEMO").is_open
    from ipm_model.demo import DEMO_ORGANISATION

    # Once: one demo organisation (beside the fictional peers of the benchmark).
    assert [o["name"] for o in store.organisations()].count(DEMO_ORGANISATION) == 1


def test_nginx_sample_has_a_readiness_location():
    text = render_nginx_conf(["127.0.0.1:8601"], "127.0.0.1:8600", "/tmp/x", "")
    assert "location = /ready" in text

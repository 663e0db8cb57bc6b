"""Several processes on one database open the demo at the same moment: it is built once."""

from __future__ import annotations

import threading

import streamlit as st

from ipm_model.demo import DEMO_ORGANISATION
from ipm_model.storage.store import Store
from ui import access


def test_replicas_starting_together_build_one_demo(store, monkeypatch):
    """Each thread has its own Store (like a replica) and its own demo clock."""
    st.cache_resource.clear()
    st.cache_data.clear()
    clocks = threading.local()

    def own_clock():
        if not hasattr(clocks, "clock"):
            clocks.clock = access._DemoClock()
        return clocks.clock

    monkeypatch.setattr(access, "_demo_clock", own_clock)
    found: list[int] = []
    errors: list[BaseException] = []

    def replica():
        s = Store(store.path)
        try:
            found.append(access.ensure_demo(s))
        except BaseException as exc:  # noqa: BLE001 - asserted below
            errors.append(exc)
        finally:
            s.close()

    threads = [threading.Thread(target=replica) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(set(found)) == 1
    orgs = [o for o in store.organisations() if o["name"] == DEMO_ORGANISATION]
    assert [o["id"] for o in orgs] == found[:1]
    assert store.workshop_by_code("DEMO") is not None

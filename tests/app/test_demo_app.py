"""AppTest: the hosted demo (IPM_DEMO=1) as a visitor meets it, on both back-ends.

The start page's three ways in; the shared demo is read-only for visitors (except the scan);
the first facilitating action makes the visitor's own sandbox, which the session cookie keeps
over a reload; two visitors never see each other's changes; simulated people are labelled.
"""

from __future__ import annotations

import pytest
import streamlit as st

from ipm_model.demo import DEMO_SIMULATED, create_demo
from ipm_model.questionnaire import default_questionnaire
from ipm_model.storage import sandbox
from ipm_model.storage.store import Store
from tests.app.conftest import _target, new_app, texts
from tests.app.test_session_app import cookie_route
from tests.conftest import BACKENDS

Q = default_questionnaire()


@pytest.fixture(params=BACKENDS)
def demo_store(request, tmp_path, monkeypatch) -> Store:
    """The hosted demo as the app builds it: history, open DEMO with simulated people."""
    path = _target(request, tmp_path, "demo.db")
    monkeypatch.setenv("IPM_DB", str(path))
    monkeypatch.setenv("IPM_DEMO", "1")
    st.cache_resource.clear()
    st.cache_data.clear()
    s = Store(path)
    create_demo(s, Q, simulated=DEMO_SIMULATED)
    yield s
    s.close()
    st.cache_resource.clear()
    st.cache_data.clear()


def taken_cookie(at, store: Store) -> str:
    """The cookie the browser gets from the route the page sends it to."""
    from urllib.parse import parse_qs, urlparse

    route = urlparse(cookie_route(at))
    assert route.path == "/_ipm/session"
    cookie, max_age = store.take_session_nonce(parse_qs(route.query)["n"][0])
    assert max_age == sandbox.SANDBOX_HOURS * 3600  # the cookie lasts as long as the copy
    return cookie


def reload_with(monkeypatch, cookie: str | None, **query: str):
    monkeypatch.setattr("ui.session.cookie_value", lambda: cookie)
    return new_app(**query).run()


def lead(monkeypatch, store: Store, cookie: str | None = None):
    """A visitor taps "Leid een workshop": their sandbox and its console."""
    at = reload_with(monkeypatch, cookie)
    at.button(key="demo-go-lead").click().run()
    assert not at.exception
    return at


def demo_rows(store: Store, organisation_id: int) -> list[dict]:
    return store._query(
        "SELECT id, code, status, revealed, title FROM workshop WHERE organisation_id = ? "
        "ORDER BY id",
        [organisation_id],
    )


def test_the_start_page_offers_three_ways_in_with_what_each_audience_gets(demo_store):
    at = new_app().run()
    assert not at.exception
    shown = texts(at)
    for label in ("Doe de scan als deelnemer", "Bekijk 18 maanden resultaten", "Leid een workshop"):
        assert label in [b.label for b in at.button]
    for line in ("Voor deelnemers", "Voor het managementteam", "Voor de begeleider"):
        assert line in shown
    en = new_app(lang="en").run()
    assert {"Take the scan as a participant", "See 18 months of results", "Lead a workshop"} <= {
        b.label for b in en.button
    }
    assert "For the management team" in texts(en)
    # Nothing was made by looking.
    assert sandbox.sandbox_ids(demo_store) == set()


def test_the_scan_way_in_fills_in_chain_and_role_and_the_visitor_sees_the_group(demo_store):
    at = new_app().run()
    at.button(key="demo-go-scan").click().run()
    assert "andere bezoekers zien de groepsuitslag" in texts(at)
    demo = demo_store.workshop_by_code("DEMO")
    assert at.radio(key="join-chain").value == demo.chains[0].id
    assert at.radio(key="join-role").value == demo.roles[0].id
    at.radio(key="join-chain").set_value(demo.chains[2].id)  # changeable
    at.button(key="FormSubmitter:join-form-Start de scan").click().run()
    token = at.query_params["p"]
    p = demo_store.participant_by_token(token[0] if isinstance(token, list) else token)
    assert p.chain_id == demo.chains[2].id and p.role == demo.roles[0].id
    for phase in Q.phases:
        for statement in phase.statements:
            demo_store.save_answer(p.id, statement.id, "4")
    for _ in range(len(Q.phases)):
        at.button(key="scan-next").click().run()
    assert "Jullie ambitie" in texts(at)
    at.button(key="scan-next").click().run()  # skip the ambition
    at.button(key="scan-finish").click().run()
    assert not at.exception
    shown = texts(at).replace("\\", "")
    assert "Jouw uitslag" in shown
    table = at.dataframe[0].value
    assert list(table.columns) == ["Ik", "Groep"]  # the group is there for a visitor alone
    assert f"Demo: {DEMO_SIMULATED} van de 6 mensen in deze groep zijn gesimuleerd" in shown


def test_the_results_way_in_is_read_only_and_offers_the_own_copy(demo_store, monkeypatch):
    demo_org = demo_store.workshop_by_code("DEMO").organisation_id
    before = demo_store._query("SELECT * FROM action ORDER BY id")
    at = new_app().run()
    at.button(key="demo-go-results").click().run()
    assert not at.exception
    assert "sandbox-make-actions" in [b.key for b in at.button]  # no editor: the door
    assert not at.get("arrow_data_editor")
    assert demo_store._query("SELECT * FROM action ORDER BY id") == before
    assert sandbox.sandbox_ids(demo_store) == set()
    # The door makes the copy; the page then shows and edits the copy, not the demo.
    at.button(key="sandbox-make-actions").click().run()
    assert not at.exception
    (own,) = sandbox.sandbox_ids(demo_store)
    assert own != demo_org
    assert "sandbox-make-actions" not in [b.key for b in at.button]


def test_the_results_way_in_opens_on_the_latest_closed_round(demo_store, monkeypatch):
    """18 months at once: the last history round, not the open round filling up today."""
    demo_org = demo_store.workshop_by_code("DEMO").organisation_id
    rounds = demo_store.workshops(demo_org)
    closed = [w for w in rounds if w.status == "closed"]
    assert len(closed) >= 2 and rounds[-1].is_open  # the open round is the newest
    at = new_app().run()
    at.button(key="demo-go-results").click().run()
    assert not at.exception
    assert at.selectbox(key="filter-round").value == closed[-1].id
    assert closed[-1].title in at.selectbox(key="filter-round").format_func(closed[-1].id)
    at.switch_page("pages/compare.py").run()
    assert not at.exception
    assert at.selectbox(key="filter-round").value == closed[-1].id
    # The visitor's own choice then stays: the open round, after a rerun too.
    at.switch_page("pages/results.py").run()
    at.selectbox(key="filter-round").set_value(rounds[-1].id).run()
    at.run()
    assert at.selectbox(key="filter-round").value == rounds[-1].id


def test_leading_makes_a_sandbox_that_survives_a_reload(demo_store, monkeypatch):
    demo_org = demo_store.workshop_by_code("DEMO").organisation_id
    at = lead(monkeypatch, demo_store)
    (own,) = sandbox.sandbox_ids(demo_store)
    assert "Dit is jouw eigen kopie van de demo" in texts(at)
    assert "Demo: 20 deelnemers zijn gesimuleerd" in texts(at)
    cookie = taken_cookie(at, demo_store)
    again = reload_with(monkeypatch, cookie)
    again.switch_page("pages/console.py").run()
    assert not again.exception
    assert "Dit is jouw eigen kopie van de demo" in texts(again)
    assert "sandbox-make-console" not in [b.key for b in again.button]
    assert sandbox.sandbox_ids(demo_store) == {own}  # the same copy, no second one
    assert {w["code"] for w in demo_rows(demo_store, own)}.isdisjoint(
        w["code"] for w in demo_rows(demo_store, demo_org)
    )


def test_two_visitors_close_rounds_in_their_own_sandbox_only(demo_store, monkeypatch):
    demo_org = demo_store.workshop_by_code("DEMO").organisation_id
    shared = demo_rows(demo_store, demo_org)
    first = lead(monkeypatch, demo_store)
    cookie_a = taken_cookie(first, demo_store)
    (a,) = sandbox.sandbox_ids(demo_store)
    second = lead(monkeypatch, demo_store)
    cookie_b = taken_cookie(second, demo_store)
    (b,) = sandbox.sandbox_ids(demo_store) - {a}
    open_a = next(w for w in demo_rows(demo_store, a) if w["status"] == "open")
    open_b = next(w for w in demo_rows(demo_store, b) if w["status"] == "open")
    # Visitor A closes their round; B's console has no button for A's workshop.
    at = reload_with(monkeypatch, cookie_a)
    at.switch_page("pages/console.py").run()
    assert f"close-{open_b['id']}" not in [x.key for x in at.button]
    at.button(key=f"close-{open_a['id']}").click().run()
    assert not at.exception
    assert demo_store.workshop(open_a["id"]).status == "closed"
    bt = reload_with(monkeypatch, cookie_b)
    bt.switch_page("pages/console.py").run()
    assert f"close-{open_a['id']}" not in [x.key for x in bt.button]
    assert open_a["code"] not in texts(bt)
    bt.button(key=f"close-{open_b['id']}").click().run()
    assert demo_store.workshop(open_b["id"]).status == "closed"
    assert demo_rows(demo_store, demo_org) == shared  # the shared demo is untouched
    assert demo_store.workshop_by_code("DEMO").is_open


def test_a_forged_cookie_and_a_removed_sandbox_get_a_clear_message(demo_store, monkeypatch):
    at = reload_with(monkeypatch, "v1.e30.forged")
    assert not at.exception
    shown = texts(at)
    # A demo visitor has no login to redo: their own copy is unknown, the shared demo shown.
    assert "Log opnieuw in" not in shown
    assert "We kennen je eigen kopie van de demo niet" in shown
    assert "Je ziet de gedeelde demo" in shown
    en = reload_with(monkeypatch, "v1.e30.forged", lang="en")
    assert "We do not know your own copy of the demo" in texts(en)
    first = lead(monkeypatch, demo_store)
    cookie = taken_cookie(first, demo_store)
    (own,) = sandbox.sandbox_ids(demo_store)
    sandbox.remove(demo_store, own)
    again = reload_with(monkeypatch, cookie)
    assert not again.exception
    assert "Je eigen kopie van de demo bestaat niet meer" in texts(again)
    again.switch_page("pages/console.py").run()
    assert "sandbox-make-console" in [b.key for b in again.button]


@pytest.mark.parametrize(("reason", "demo_text"), [("expired", True), ("revoked", False)])
def test_on_the_demo_an_expired_cookie_reads_as_an_unknown_copy(
    demo_store, monkeypatch, reason, demo_text
):
    from ipm_model.session import SessionRefused

    def refuse(*args, **kwargs):
        raise SessionRefused(reason)

    monkeypatch.setattr("ui.session.read_cookie", refuse)
    shown = texts(reload_with(monkeypatch, "v1.anything"))
    assert ("We kennen je eigen kopie van de demo niet" in shown) is demo_text
    if not demo_text:  # "Overal uitloggen" keeps its own words
        assert "Overal uitloggen" in shown


def test_the_projector_of_the_sandbox_reveals_the_simulated_group(demo_store, monkeypatch):
    first = lead(monkeypatch, demo_store)
    cookie = taken_cookie(first, demo_store)
    (own,) = sandbox.sandbox_ids(demo_store)
    open_w = next(w for w in demo_rows(demo_store, own) if w["status"] == "open")
    demo_store.set_revealed(open_w["id"], True)
    at = reload_with(monkeypatch, cookie, w=str(open_w["id"]))
    at.switch_page("pages/projector.py").run()
    assert not at.exception
    shown = texts(at)
    assert "gesimuleerd" in shown
    assert len(at.get("arrow_vega_lite_chart") or at.get("vega_lite_chart")) == 4
    # Without a sandbox the projector is a door, not the shared demo's controls.
    plain = reload_with(monkeypatch, None)
    plain.switch_page("pages/projector.py").run()
    assert "sandbox-make-projector" in [b.key for b in plain.button]


def test_an_administrator_does_not_get_visitors_sandboxes_in_the_lists(demo_store, monkeypatch):
    demo_org = demo_store.workshop_by_code("DEMO").organisation_id
    made, _ = sandbox.create_sandbox(demo_store, demo_org)
    copy_name = demo_store.organisation(made.organisation_id)["name"]
    monkeypatch.setenv("IPM_ADMIN_PASSWORD", "admin-pass-123")
    at = new_app().run()
    at.switch_page("pages/login.py").run()
    at.text_input[0].input("admin-pass-123")
    at.button(key="FormSubmitter:login-form-Inloggen").click().run()
    at.switch_page("pages/console.py").run()
    assert not at.exception
    options = at.selectbox(key="console-org").options
    assert copy_name not in options and any("Lindewaard" in o for o in options)
    at.switch_page("pages/results.py").run()
    assert not at.exception
    assert copy_name not in at.selectbox(key="filter-org").options


def test_when_the_maximum_is_reached_a_new_visitor_is_told_and_nobody_loses_theirs(
    demo_store, monkeypatch
):
    monkeypatch.setenv("IPM_DEMO_SANDBOXES", "1")
    demo_org = demo_store.workshop_by_code("DEMO").organisation_id
    first, _ = sandbox.create_sandbox(demo_store, demo_org)
    at = lead(monkeypatch, demo_store)
    assert "heel veel bezoekers" in texts(at)
    assert sandbox.sandbox_ids(demo_store) == {first.organisation_id}
    assert "Doe de scan als deelnemer" in [b.label for b in at.button]  # still on the start

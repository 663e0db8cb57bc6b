"""AppTest: every write is checked against the session's grant; links expire, are revoked
and rotated from the console, and say so clearly."""

from __future__ import annotations

import logging

import pytest

from ipm_model.model import LINK_FACILITATOR, LINK_RESULTS
from tests.app.conftest import menu_titles, new_app, texts


def _demo(app_store):
    return app_store.workshop_by_code("DEMO")


def test_a_revoked_link_says_so_and_grants_nothing(app_store, caplog):
    demo = _demo(app_store)
    app_store.revoke_link(LINK_FACILITATOR, demo.id)
    with caplog.at_level(logging.WARNING, logger="ipm.access"):
        at = new_app(f=demo.facilitator_token).run()
    assert not at.exception
    assert "ingetrokken" in texts(at)
    assert "Workshops beheren" not in texts(at)
    assert "Workshops beheren" not in menu_titles()  # the console is not in the menu
    assert "status=revoked" in caplog.text
    assert demo.facilitator_token not in caplog.text  # never the token in the log


def test_an_expired_results_link_says_so(app_store, monkeypatch):
    org = app_store.organisation(_demo(app_store).organisation_id)
    for w in app_store.workshops(org["id"]):
        app_store.set_workshop_status(w.id, "closed")
    monkeypatch.setenv("IPM_LINK_DAYS", "0")  # 0: never expires
    at = new_app(r=org["results_token"]).run()
    assert "verlopen" not in texts(at)
    # Expired: pretend the close was long ago by moving the clock of the rule forward.
    from datetime import UTC, datetime, timedelta

    import ipm_model.access as access

    real = access.link_status

    def later(**kw):
        return real(**{**kw, "now": datetime.now(UTC) + timedelta(days=91)})

    monkeypatch.setattr("ipm_model.model.link_status", later)
    monkeypatch.setenv("IPM_LINK_DAYS", "90")
    at = new_app(r=org["results_token"]).run()
    assert not at.exception
    assert "verlopen" in texts(at)
    assert "Resultaten" not in menu_titles()
    at.switch_page("pages/results.py").run()  # its URL gives the login page, not results
    assert [e.value for e in at.title] == ["Inloggen voor begeleiders"]
    assert not at.get("vega_lite_chart") and not at.get("arrow_vega_lite_chart")


def test_an_open_session_loses_its_rights_when_the_link_is_revoked(app_store):
    demo = _demo(app_store)
    at = new_app(f=demo.facilitator_token).run()
    at.switch_page("pages/console.py").run()
    assert f"close-{demo.id}" in [b.key for b in at.button]
    app_store.revoke_link(LINK_FACILITATOR, demo.id)
    at.button(key=f"close-{demo.id}").click().run()  # the click arrives after the revoke
    assert app_store.workshop(demo.id).is_open  # nothing changed
    assert "ingetrokken" in texts(at) or "geen toegang" in texts(at)


def test_admin_reopens_a_closed_round(app_store, monkeypatch):
    monkeypatch.setenv("IPM_ADMIN_PASSWORD", "pw")
    demo = _demo(app_store)
    app_store.set_workshop_status(demo.id, "closed")
    at = new_app().run()
    at.switch_page("pages/login.py").run()
    at.text_input[0].input("pw")
    at.button(key="FormSubmitter:login-form-Inloggen").click().run()
    at.switch_page("pages/console.py").run()
    at.button(key=f"open-{demo.id}").click().run()
    assert not at.exception
    assert app_store.workshop(demo.id).is_open


def _admin_console(app_store, monkeypatch):
    monkeypatch.setenv("IPM_ADMIN_PASSWORD", "pw")
    at = new_app().run()
    at.switch_page("pages/login.py").run()
    at.text_input[0].input("pw")
    at.button(key="FormSubmitter:login-form-Inloggen").click().run()
    at.switch_page("pages/console.py").run()
    assert not at.exception
    return at


def test_console_revokes_a_facilitator_link_after_confirmation(app_store, monkeypatch):
    demo = _demo(app_store)
    at = _admin_console(app_store, monkeypatch)
    key = f"revoke-{LINK_FACILITATOR}-link-{demo.id}"
    at.button(key=key).click().run()
    assert "Weet je het zeker?" in texts(at)
    at.button(key=f"{key}-no").click().run()  # cancel: nothing happens
    assert app_store.check_link(LINK_FACILITATOR, demo.facilitator_token, 90)[0] == "ok"
    at.button(key=key).click().run()
    at.button(key=f"{key}-yes").click().run()
    assert not at.exception
    assert app_store.check_link(LINK_FACILITATOR, demo.facilitator_token, 90)[0] == "revoked"
    assert "De link is ingetrokken" in texts(at)


def test_console_rotates_the_results_link(app_store, monkeypatch):
    org_id = _demo(app_store).organisation_id
    old = app_store.organisation(org_id)["results_token"]
    at = _admin_console(app_store, monkeypatch)
    key = f"rotate-{LINK_RESULTS}-link-{org_id}"
    at.button(key=key).click().run()
    at.button(key=f"{key}-yes").click().run()
    assert not at.exception
    new = app_store.organisation(org_id)["results_token"]
    assert new != old
    assert app_store.check_link(LINK_RESULTS, old, 90)[0] == "unknown"
    assert "nieuwe link gemaakt" in texts(at)
    assert any(new in str(c.value) for c in at.code)


def test_demo_visitors_cannot_write_to_another_organisation(app_store, monkeypatch):
    """The grant is checked at the write: a demo visitor's rename of a chain of another
    organisation (an id that never came from the page) changes nothing."""
    from ipm_model.db import NotAllowed

    other = app_store.create_organisation("Andere gemeente")
    chain = app_store.add_chain(other, "Hun keten")
    demo_org = _demo(app_store).organisation_id
    with pytest.raises(NotAllowed):
        app_store.rename_chain(chain, "Gekaapt", organisation_id=demo_org)
    monkeypatch.setenv("IPM_DEMO", "1")
    at = new_app().run()
    at.switch_page("pages/console.py").run()
    assert f"rename-{chain}" not in [b.key for b in at.button]
    assert [c.name for c in app_store.chains(other)] == ["Hun keten"]

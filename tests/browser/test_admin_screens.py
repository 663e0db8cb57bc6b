"""The administrators' screens in Chromium on a touch tablet: a workshop is deleted only
after a confirmation that names what goes; a facilitator link never reaches the screens."""

from __future__ import annotations

import sqlite3

import pytest

from ipm_model.demo import create_demo
from ipm_model.questionnaire import default_questionnaire
from ipm_model.storage.store import Store
from tests.browser.browser_helpers import act, assert_no_exception, goto
from tests.browser.conftest import ADMIN_PASSWORD, serve_app

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def admin_db(tmp_path_factory):
    """A database of its own (this module deletes data): the demo with its closed rounds."""
    db = tmp_path_factory.mktemp("ipm-admin") / "ipm.db"
    store = Store(db)
    create_demo(store, default_questionnaire())
    store.close()
    return db


@pytest.fixture(scope="module")
def app_server(request, chromium_path, admin_db) -> str:
    with serve_app(request, admin_db, admin_db.with_name("streamlit.log")) as url:
        yield url


def _one(db, sql, params=()):
    con = sqlite3.connect(db)
    try:
        return con.execute(sql, params).fetchone()
    finally:
        con.close()


def _login(page) -> None:
    goto(page, "/login", "Inloggen voor begeleiders")
    page.get_by_label("Wachtwoord beheerder").fill(ADMIN_PASSWORD)
    act(page, page.get_by_role("button", name="Inloggen").tap, "ingelogd als beheerder")


def test_admin_deletes_a_closed_workshop_after_a_confirmation(tablet, admin_db):
    code, workshop_id = _one(
        admin_db,
        "SELECT w.code, w.id FROM workshop w WHERE w.status = 'closed' "
        "AND w.organisation_id = (SELECT organisation_id FROM workshop WHERE code = 'DEMO') "
        "ORDER BY w.date DESC LIMIT 1",
    )
    (participants,) = _one(
        admin_db, "SELECT count(*) FROM participant WHERE workshop_id = ?", [workshop_id]
    )
    page = tablet
    _login(page)
    act(page, page.get_by_role("link", name="Beheer").tap, "Eén workshop verwijderen")
    # The newest closed workshop is chosen already; choose it again by touch all the same.
    page.get_by_role("combobox", name="Workshop").tap()
    act(page, page.get_by_role("option", name=code).tap)
    assert code in page.get_by_role("combobox", name="Workshop").input_value() + (
        page.locator("[data-testid=stSelectbox]").nth(1).inner_text()
    )
    act(
        page,
        page.get_by_role("button", name="Workshop verwijderen…").tap,
        f"Je verwijdert workshop {code}",
    )
    warning = page.get_by_text(f"Je verwijdert workshop {code}").inner_text()
    assert f"{participants} deelnemers" in warning and "antwoorden" in warning
    assert _one(admin_db, "SELECT 1 FROM workshop WHERE code = ?", [code])  # asked, not done
    act(page, page.get_by_role("button", name="Annuleren").tap, "Workshop verwijderen…")
    assert _one(admin_db, "SELECT 1 FROM workshop WHERE code = ?", [code])
    act(
        page,
        page.get_by_role("button", name="Workshop verwijderen…").tap,
        f"Je verwijdert workshop {code}",
    )
    act(
        page,
        page.get_by_role("button", name="Ja, voor altijd verwijderen").tap,
        f"Verwijderd: workshop {code}",
    )
    assert_no_exception(page)
    assert _one(admin_db, "SELECT 1 FROM workshop WHERE code = ?", [code]) is None
    assert _one(
        admin_db, "SELECT count(*) FROM participant WHERE workshop_id = ?", [workshop_id]
    ) == (0,)
    actor, action, target = _one(
        admin_db, "SELECT actor, action, target FROM audit_log ORDER BY id DESC LIMIT 1"
    )
    assert (actor, action, target) == ("admin", "delete.workshop", f"workshop {code}")


def test_a_facilitator_link_does_not_reach_the_admin_screens(tablet, admin_db):
    (token,) = _one(admin_db, "SELECT facilitator_token FROM workshop WHERE code = 'DEMO'")
    page = tablet
    goto(page, f"/console?f={token}", "Workshops beheren")
    assert page.get_by_role("link", name="Beheer").count() == 0
    goto(page, "/admin", "Inloggen voor begeleiders")
    assert page.get_by_text("Eén workshop verwijderen").count() == 0
    assert_no_exception(page)


def test_the_admin_screens_pass_axe(tablet):
    from tests.browser.test_accessibility import check

    page = tablet
    _login(page)
    act(page, page.get_by_role("link", name="Beheer").tap, "Eén workshop verwijderen")
    act(
        page,
        page.get_by_role("button", name="Workshop verwijderen…").tap,
        "Je verwijdert workshop",
    )
    check(page, "admin-delete-confirm")
    act(page, page.get_by_role("tab", name="Bewaartermijn").tap, "Maanden na het sluiten")
    check(page, "admin-retention")
    act(page, page.get_by_role("tab", name="Logboek").tap, "regels")
    check(page, "admin-audit")

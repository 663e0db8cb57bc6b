"""AppTest: the administrators' screens (pages/admin.py): erase a workshop or an organisation
after a confirmation, the retention period, the audit log. Nobody else reaches them."""

from __future__ import annotations

import pytest

from ipm_model.model import WORKSHOP_CLOSED
from ipm_model.storage import audit, settings
from tests.app.conftest import menu_titles, new_app, texts

PASSWORD = "pw-admin-123"


def _login(monkeypatch):
    monkeypatch.setenv("IPM_ADMIN_PASSWORD", PASSWORD)
    at = new_app().run()
    at.switch_page("pages/login.py").run()
    at.text_input[0].input(PASSWORD)
    at.button(key="FormSubmitter:login-form-Inloggen").click().run()
    return at


def _admin_page(monkeypatch):
    at = _login(monkeypatch)
    assert "Beheer" in menu_titles()
    at.switch_page("pages/admin.py").run()
    assert not at.exception
    assert [e.value for e in at.title] == ["Beheer"]
    return at


def _closed_round(store):
    demo = store.workshop_by_code("DEMO")
    return next(w for w in store.workshops(demo.organisation_id) if not w.is_open)


def _counts(store, workshop_id):
    q = store._query
    participants = q("SELECT count(*) AS n FROM participant WHERE workshop_id = ?", [workshop_id])[
        0
    ]["n"]
    answers = q(
        "SELECT count(*) AS n FROM answer WHERE participant_id IN "
        "(SELECT id FROM participant WHERE workshop_id = ?)",
        [workshop_id],
    )[0]["n"]
    return participants, answers


def test_links_and_visitors_never_reach_the_admin_screens(app_store):
    demo = app_store.workshop_by_code("DEMO")
    results = app_store.organisation(demo.organisation_id)["results_token"]
    for at in (
        new_app(f=demo.facilitator_token).run(),
        new_app(r=results).run(),
        new_app().run(),
    ):
        assert "Beheer" not in menu_titles()
        at.switch_page("pages/admin.py").run()  # its URL gives the login page
        assert not at.exception
        assert [e.value for e in at.title] == ["Inloggen voor begeleiders"]
        assert not [b for b in at.button if str(b.key).startswith("admin-")]


def test_a_demo_visitor_does_not_reach_them_either(app_store, monkeypatch):
    monkeypatch.setenv("IPM_DEMO", "1")
    at = new_app().run()
    assert "Workshops beheren" in menu_titles() and "Beheer" not in menu_titles()
    at.switch_page("pages/admin.py").run()
    assert [e.value for e in at.title] == ["Inloggen voor begeleiders"]


def test_delete_a_workshop_names_what_goes_and_asks_first(app_store, monkeypatch):
    victim = _closed_round(app_store)
    participants, answers = _counts(app_store, victim.id)
    assert participants and answers
    at = _admin_page(monkeypatch)
    key = f"admin-workshop-{victim.organisation_id}"
    at.selectbox(key=key).set_value(victim.code).run()
    at.button(key="admin-ws-delete").click().run()
    shown = texts(at).replace("\\", "")  # Markdown escapes, as a reader sees it
    assert f"Je verwijdert workshop {victim.code}" in shown
    assert f"{participants} deelnemers" in shown
    assert f"{answers:,}".replace(",", ".") + " antwoorden" in shown
    at.button(key="admin-ws-no").click().run()  # cancel: nothing goes
    assert app_store.workshop_by_code(victim.code) is not None
    at.button(key="admin-ws-delete").click().run()
    at.button(key="admin-ws-yes").click().run()
    assert not at.exception
    assert app_store.workshop_by_code(victim.code) is None
    assert f"Verwijderd: workshop {victim.code}" in texts(at)
    entry = audit.entries(app_store)[0]
    assert (entry.actor, entry.action, entry.target) == (
        "admin",
        "delete.workshop",
        f"workshop {victim.code}",
    )


def test_an_open_workshop_cannot_be_deleted(app_store, monkeypatch):
    at = _admin_page(monkeypatch)
    org_id = app_store.workshop_by_code("DEMO").organisation_id
    at.selectbox(key=f"admin-workshop-{org_id}").set_value("DEMO").run()
    assert "Deze workshop is open" in texts(at)
    assert at.button(key="admin-ws-delete").disabled
    assert at.button(key="admin-org-delete").disabled  # its organisation has it open


def test_a_workshop_deleted_meanwhile_gives_a_clear_message(app_store, monkeypatch):
    victim = _closed_round(app_store)
    at = _admin_page(monkeypatch)
    key = f"admin-workshop-{victim.organisation_id}"
    at.selectbox(key=key).set_value(victim.code).run()
    at.button(key="admin-ws-delete").click().run()
    from ipm_model.storage import erasure

    erasure.delete_workshop(app_store, victim.code, "cli:other")  # another tab, the shell
    at.button(key="admin-ws-yes").click().run()
    assert not at.exception
    assert "Dit bestaat niet meer" in texts(at)


def test_delete_an_organisation_needs_its_name_typed(app_store, monkeypatch):
    demo = app_store.workshop_by_code("DEMO")
    org_id = demo.organisation_id
    name = app_store.organisation(org_id)["name"]
    app_store.set_workshop_status(demo.id, WORKSHOP_CLOSED)
    workshops = len(app_store.workshops(org_id))
    at = _admin_page(monkeypatch)
    at.selectbox(key="admin-org").set_value(org_id).run()
    at.button(key="admin-org-delete").click().run()
    shown = texts(at).replace("\\", "")
    assert f"Je verwijdert de organisatie {name}" in shown
    assert f"{workshops} workshops" in shown and "deelnemers" in shown
    at.text_input(key="admin-org-typed").input("iets anders")
    at.button(key="FormSubmitter:admin-org-confirm-Ja, voor altijd verwijderen").click().run()
    assert "De naam klopt niet" in texts(at)
    assert app_store.organisation(org_id) is not None
    at.text_input(key="admin-org-typed").input(f"  {name.upper()} ")
    at.button(key="FormSubmitter:admin-org-confirm-Ja, voor altijd verwijderen").click().run()
    assert not at.exception
    assert app_store.organisation(org_id) is None
    assert app_store.workshops(org_id) == []
    entry = audit.entries(app_store)[0]
    assert (entry.actor, entry.action, entry.target) == (
        "admin",
        "delete.organisation",
        f"organisation {org_id}",
    )


def test_retention_is_shown_set_and_applied(app_store, monkeypatch):
    victim = _closed_round(app_store)
    with app_store._write() as db:  # closed three years ago
        db.execute(
            "UPDATE workshop SET closed_at = ? WHERE id = ?",
            ["2023-01-10T10:00:00+00:00", victim.id],
        )
    at = _admin_page(monkeypatch)
    assert "Er is geen bewaartermijn" in texts(at)
    at.number_input(key="admin-retention-months").set_value(24)
    at.button(key="FormSubmitter:admin-retention-Opslaan").click().run()
    assert not at.exception
    assert settings.retention_months(app_store) == 24
    assert "Bewaartermijn: 24 maanden" in texts(at)
    assert audit.entries(app_store)[0].action == "retention.set"
    due, later = at.dataframe[0].value, at.dataframe[1].value
    assert list(due["Code"]) == [victim.code]
    assert victim.code not in list(later["Code"]) and len(later)  # the next in line
    at.button(key="admin-apply").click().run()
    assert "Je verwijdert 1 workshop voor altijd" in texts(at)
    at.button(key="admin-apply-yes").click().run()
    assert not at.exception
    assert app_store.workshop_by_code(victim.code) is None
    assert [e.action for e in audit.entries(app_store)[:2]] == [
        "retention.apply",
        "delete.workshop",
    ]


def test_audit_log_filters_pages_and_exports(app_store, monkeypatch):
    demo = app_store.workshop_by_code("DEMO")
    for i in range(60):
        audit.record(app_store, "admin", "export", demo.code, f"csv {i}")
    audit.record(app_store, "cli:x", "backup", "", "10 rows")
    at = _admin_page(monkeypatch)
    log = at.dataframe[-1].value
    assert len(log) == 50 and log.iloc[0]["Wat"] == "Back-up gemaakt"
    assert "61 regels · pagina 1 van 2" in texts(at)
    at.number_input(key="admin-audit-page").set_value(2).run()
    assert list(at.dataframe[-1].value["Details"]) == [f"csv {i}" for i in range(10, -1, -1)]
    at.selectbox(key="admin-audit-action").set_value("backup").run()
    assert list(at.dataframe[-1].value["Wie"]) == ["cli:x"]
    at.selectbox(key="admin-audit-action").set_value("").run()
    at.selectbox(key="admin-audit-org").set_value(demo.organisation_id).run()
    assert len(at.dataframe[-1].value) == 50 and "60 regels" in texts(at)
    assert at.get("download_button")


@pytest.mark.parametrize("order", ["reversed"])
def test_audit_log_dates_the_wrong_way_round_say_so(app_store, monkeypatch, order):
    from datetime import date

    at = _admin_page(monkeypatch)
    at.date_input(key="admin-audit-from").set_value(date(2026, 5, 1))
    at.date_input(key="admin-audit-to").set_value(date(2026, 4, 1)).run()
    assert not at.exception
    assert "De eerste datum ligt na de tweede" in texts(at)


def test_reveal_hide_and_creations_are_in_the_audit_log(app_store, monkeypatch):
    demo = app_store.workshop_by_code("DEMO")
    at = _login(monkeypatch)
    at.switch_page("pages/console.py").run()
    at.button(key=f"reveal-{demo.id}").click().run()
    at.button(key=f"reveal-{demo.id}").click().run()
    assert not at.exception
    from ipm_model.i18n import t

    label = t("console.org_name", "nl")
    next(w for w in at.text_input if w.label == label).input("Gemeente Nieuw")
    at.button(key="FormSubmitter:new-org-Organisatie maken").click().run()
    assert not at.exception
    new_id = app_store.organisation_id("Gemeente Nieuw")
    rows = [(e.actor, e.action, e.target) for e in audit.entries(app_store)[:3]]
    assert rows == [
        ("admin", "organisation.create", f"organisation {new_id}"),
        ("admin", "workshop.hide", "DEMO"),
        ("admin", "workshop.reveal", "DEMO"),
    ]


def test_a_click_after_the_rights_ended_deletes_nothing_now_or_later(app_store, monkeypatch):
    victim = _closed_round(app_store)
    at = _admin_page(monkeypatch)
    at.selectbox(key=f"admin-workshop-{victim.organisation_id}").set_value(victim.code).run()
    at.button(key="admin-ws-delete").click().run()
    # The session's admin right ends between the question and the click.
    at.session_state["access-admin"] = False
    at.session_state["session-claims"] = []
    at.button(key="admin-ws-yes").click().run()
    assert not at.exception
    assert [e.value for e in at.title] == ["Inloggen voor begeleiders"]
    assert app_store.workshop_by_code(victim.code) is not None
    at.session_state["access-admin"] = True  # admin again: the old click is not carried out
    at.switch_page("pages/admin.py").run()
    assert [e.value for e in at.title] == ["Beheer"]
    assert not at.exception
    assert app_store.workshop_by_code(victim.code) is not None

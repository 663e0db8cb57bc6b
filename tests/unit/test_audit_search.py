"""The audit log's filters and pages (the administrators' screen and its CSV export)."""

from __future__ import annotations

import csv
import io

from ipm_model.model import WORKSHOP_CLOSED
from ipm_model.storage import audit, erasure
from tests.unit.test_backup import fill


def _two_organisations(store):
    fill(store)
    demo_org = store.workshop_by_code("DEMO").organisation_id
    other = store.create_organisation("Andere gemeente")
    chain = store.add_chain(other, "Zorg")
    from ipm_model.questionnaire import default_questionnaire

    ws = store.create_workshop(
        other,
        title="R1",
        workshop_date="2026-01-01",
        chain_ids=[chain],
        questionnaire=default_questionnaire(),
    )
    return demo_org, other, ws


def test_search_filters_by_organisation_action_and_date(store):
    demo_org, other, ws = _two_organisations(store)
    demo = store.workshop_by_code("DEMO")
    audit.record(store, "admin", "workshop.close", demo.code)
    audit.record(store, "admin", "workshop.close", ws.code)
    audit.record(store, "cli:x", "link.rotate", f"organisation {other}", "results")
    audit.record(store, "cli:x", "link.revoke", f"workshop {ws.id}", "facilitator")
    audit.record(store, "admin", "backup", "", "10 rows")
    mine = audit.search(store, organisation_id=other)
    assert {(e.action, e.target) for e in mine.entries} == {
        ("workshop.close", ws.code),
        ("link.rotate", f"organisation {other}"),
        ("link.revoke", f"workshop {ws.id}"),
    }
    assert mine.total == 3
    assert [e.id for e in mine.entries] == sorted((e.id for e in mine.entries), reverse=True)
    closes = audit.search(store, action="workshop.close")
    assert {e.target for e in closes.entries} == {demo.code, ws.code}
    today = audit.entries(store)[0].at[:10]
    assert audit.search(store, since=today, until=today).total == len(audit.entries(store))
    assert audit.search(store, until="2000-01-01").total == 0
    assert audit.search(store, since="2999-01-01").total == 0


def test_search_pages_newest_first(store):
    fill(store)
    for i in range(12):
        audit.record(store, "admin", "export", f"W{i}", "csv")
    every = audit.entries(store)
    first = audit.search(store, limit=5)
    second = audit.search(store, limit=5, offset=5)
    assert first.total == second.total == len(every)
    assert first.entries == every[:5] and second.entries == every[5:10]


def test_a_deleted_workshop_stays_findable_under_its_organisation(store):
    demo_org, other, ws = _two_organisations(store)
    audit.record(store, "admin", "export", ws.code, "xlsx")
    store.set_workshop_status(ws.id, WORKSHOP_CLOSED)
    erasure.delete_workshop(store, ws.code, "admin")
    found = audit.search(store, organisation_id=other)
    assert [e.action for e in found.entries] == ["delete.workshop", "export"]
    theirs = audit.search(store, organisation_id=demo_org).entries
    assert [e.action for e in theirs] == ["export"]  # fill's export of a demo round
    assert all(ws.code not in e.target for e in theirs)


def test_csv_guards_formulas(store):
    fill(store)
    audit.record(store, "admin", "export", "=HYPERLINK(1)", "csv")
    rows = list(csv.reader(io.StringIO(audit.to_csv(audit.entries(store)))))
    assert rows[0] == list(audit.COLUMNS)
    assert rows[1][4] == "'=HYPERLINK(1)"


def test_every_audited_action_has_a_label_in_both_languages():
    """Beheer names each action in words: an action without a label would break its filter."""
    from ipm_model.i18n import t

    for action in audit.ACTIONS:
        for lang in ("nl", "en"):
            label = t(f"admin.act.{action}", lang)
            assert label.strip(), (action, lang)  # t() raises KeyError for a missing one

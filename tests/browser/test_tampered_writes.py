"""A changed websocket message cannot write to another organisation (issue: hidden columns).

The browser holds organisation A's read-only results link. Playwright sits on the
websocket: when the actions editor's "save" goes out, the test rewrites the outgoing
BackMsg so that the editor's edit state names organisation B's action id in the hidden `id`
column. The server maps edited rows to the ids it rendered itself, refuses an edit state
that names any column the editor cannot change, and B's action stays as it was. A second
rewrite, of an honest edit, proves the rewriting itself reaches the server.
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest

from ipm_model.questionnaire import default_questionnaire
from ipm_model.storage.store import Store
from tests.browser.browser_helpers import act, goto, wait_idle

pytestmark = pytest.mark.browser

SAVE = "Wijzigingen opslaan"
# Widget ids carry their key: "$$ID-<hash>-actions-<workshop>-<chain>-<generation>".
EDITOR_ID = re.compile(rb"\$\$ID-[0-9a-f]+-actions-\d+-\d+-\d+")
SAVE_ID = re.compile(r"-actions-\d+-\d+-save$")


@pytest.fixture
def two_organisations(app_db: Path):
    """Organisation A (the demo) with one action per chain and round, and organisation B
    with one action; removed again afterwards (the database is shared by the suite)."""
    store = Store(app_db)
    demo = store.workshop_by_code("DEMO")
    org_a = store.organisation(demo.organisation_id)
    own = [
        store.create_action(
            chain_id=c.id, workshop_id=w.id, phase_id="doen", description=f"Eigen actie {w.id}"
        )
        for w in store.workshops(org_a["id"])
        for c in w.chains
    ]
    org_b = store.create_organisation("Andere gemeente (test)")
    chain_b = store.add_chain(org_b, "Hun keten")
    round_b = store.create_workshop(
        org_b,
        title="Hun ronde",
        workshop_date="2026-01-01",
        chain_ids=[chain_b],
        questionnaire=default_questionnaire(),
    )
    theirs = store.create_action(
        chain_id=chain_b, workshop_id=round_b.id, phase_id="doen", description="Hun actie"
    )
    yield store, org_a["results_token"], own, theirs
    with store._write() as db:  # noqa: SLF001 - test clean-up: the store has no delete
        marks = ", ".join("?" for _ in own)
        db.execute(f"DELETE FROM action WHERE id IN ({marks})", own)
    store.delete_organisation(org_b)
    store.close()


class Tamper:
    """Rewrites the data editor's state in the outgoing message of a click on "save"."""

    def __init__(self) -> None:
        self.editor_ids: list[str] = []
        self.state: dict | None = None
        self.rewritten = 0

    def route(self, ws) -> None:
        server = ws.connect_to_server()

        def from_server(message):
            if isinstance(message, bytes):
                for found in EDITOR_ID.findall(message):
                    self.editor_ids.append(found.decode())
            ws.send(message)

        def from_page(message):
            if isinstance(message, bytes) and self.state is not None:
                message = self._rewrite(message)
            server.send(message)

        server.on_message(from_server)
        ws.on_message(from_page)

    def _rewrite(self, message: bytes) -> bytes:
        from streamlit.proto.BackMsg_pb2 import BackMsg

        msg = BackMsg()
        msg.ParseFromString(message)
        if msg.WhichOneof("type") != "rerun_script":
            return message
        widgets = msg.rerun_script.widget_states.widgets
        if not any(SAVE_ID.search(w.id) and w.trigger_value for w in widgets):
            return message
        editor = self.editor_ids[-1]  # the editor the server drew last
        target = next((w for w in widgets if w.id == editor), None) or widgets.add(id=editor)
        target.string_value = json.dumps(self.state)
        self.state = None
        self.rewritten += 1
        return msg.SerializeToString()


def test_a_tampered_actions_save_cannot_touch_another_organisation(
    new_tablet, two_organisations, request
):
    store, token, own, theirs = two_organisations
    org_a = store.workshop_by_code("DEMO").organisation_id
    before_theirs = store.action(theirs)
    before_own = {i: store.action(i) for i in own}
    tamper = Tamper()
    page = new_tablet({"width": 1180, "height": 820})
    page.route_web_socket(re.compile(r".*/_stcore/stream"), tamper.route)
    goto(page, f"/results?r={token}", "De drie grootste punten")
    page.get_by_role("tab", name="Acties").click()  # the actions have a tab of their own
    wait_idle(page, SAVE)
    assert tamper.editor_ids, "the actions editor was not seen on the websocket"

    # The attack: the hidden id column set to another organisation's action.
    tamper.state = {
        "edited_rows": {"0": {"id": theirs, "description": "Overschreven door A"}},
        "added_rows": [],
        "deleted_rows": [],
    }
    act(page, lambda: page.get_by_role("button", name=SAVE).click(), "Deze wijziging klopt niet")
    assert tamper.rewritten == 1
    assert store.action(theirs) == before_theirs
    assert {i: store.action(i) for i in own} == before_own  # refused as a whole

    # Other shapes of the same attempt: a row that was not shown, rows added.
    for state in (
        {"edited_rows": {"99": {"description": "x"}}, "added_rows": [], "deleted_rows": []},
        {"edited_rows": {}, "added_rows": [{"description": "x"}], "deleted_rows": []},
    ):
        tamper.state = state
        act(page, lambda: page.get_by_role("button", name=SAVE).click(), "klopt niet")
    assert tamper.rewritten == 3
    assert store.action(theirs) == before_theirs
    assert {i: store.action(i) for i in own} == before_own

    # Control: an honest edit rewritten the same way is saved, to the row the server drew.
    tamper.state = {"edited_rows": {"0": {"description": "Eigen wijziging"}}}
    page.get_by_role("button", name=SAVE).click()
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        # Row 0 of the editor: one of organisation A's actions of that round and chain (the
        # demo's own history or this test's), never organisation B's.
        changed = [
            a.id
            for a in store.actions(workshop_ids=[w.id for w in store.workshops(org_a)])
            if a.description == "Eigen wijziging"
        ]
        if changed:
            break
        page.wait_for_timeout(200)  # (not time.sleep: Playwright routes only while it waits)
    assert len(changed) == 1, "the rewritten message did not reach the server"
    assert store.action(theirs) == before_theirs
    log = Path(request.config._ipm_server_log).read_text(encoding="utf-8", errors="replace")
    assert "tampered input: row 0: column 'id' cannot be edited" in log
    assert token not in log  # a log line, never the link

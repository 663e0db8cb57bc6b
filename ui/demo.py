"""The hosted demo (IPM_DEMO=1): its start page, visitors' sandboxes and the demo-data labels.

- The start page offers three ways in, one tap each: the scan as a participant (the shared
  demo workshop, chain and role filled in), 18 months of results (the shared demo, read-only)
  and leading a workshop (console and projector, in the visitor's own sandbox).
- A visitor's first facilitating or editing action makes their sandbox
  (ipm_model/storage/sandbox.py): a copy of the demo that only their browser reaches, through
  the `sb` claim of the signed session cookie (ui/session.py). It lives 24 hours.
- Simulated participants of the open demo workshop are named as such wherever a group
  figure includes them (participant result, projector, console, results).
"""

from __future__ import annotations

import logging
import os

import streamlit as st

from ipm_model.db import StoreError
from ipm_model.i18n import t
from ipm_model.model import WORKSHOP_CLOSED, Workshop
from ipm_model.storage import sandbox
from ipm_model.storage.store import Store
from ui import session
from ui.access import current_grant, demo_mode
from ui.session import secret

DEMO_ORG_KEY = "demo-organisation"  # the shared demo's id, set by app.py in demo mode
PREFILL_KEY = "demo-prefill"  # the participant way in: chain and role to fill in

log = logging.getLogger("ipm.demo")


def sandbox_limit() -> int:
    """At most this many sandboxes (IPM_DEMO_SANDBOXES or secret `demo_sandboxes`; 200)."""
    return sandbox.max_sandboxes(os.environ.get("IPM_DEMO_SANDBOXES") or secret("demo_sandboxes"))


def shared_demo_id() -> int | None:
    return st.session_state.get(DEMO_ORG_KEY)


def own_sandbox() -> int | None:
    """This visitor's sandbox (an organisation id), when they have one."""
    grant = current_grant()
    if grant.demo_visitor and grant.facilitator_organisations and not grant.admin:
        return min(grant.facilitator_organisations)
    return None


def needs_sandbox() -> bool:
    """A demo visitor who has no sandbox yet (the console's door is closed for them)."""
    grant = current_grant()
    return grant.demo_visitor and not grant.facilitator_organisations and not grant.admin


def hide_sandboxes(store: Store, orgs: list[dict]) -> list[dict]:
    """`orgs` without visitors' sandboxes (an administrator's lists on a hosted demo),
    except this session's own."""
    if not demo_mode():
        return orgs
    others = sandbox.sandbox_ids(store) - {own_sandbox()}
    return [o for o in orgs if o["id"] not in others]


def start_sandbox(store: Store, lang: str) -> bool:
    """Make this visitor's sandbox and remember it in the session cookie; True when made."""
    if own_sandbox() is not None:
        return True
    source = shared_demo_id()
    if not demo_mode() or source is None:
        return False
    try:
        made, _key = sandbox.create_sandbox(store, source, limit=sandbox_limit())
    except sandbox.SandboxesFull as exc:
        log.warning("sandbox not made: %s", exc)
        st.warning(t("demo.sandbox_full", lang, minutes=sandbox.PROTECTED_MINUTES))
        return False
    except (StoreError, sandbox.SandboxError) as exc:
        log.warning("sandbox not made: %s", exc)
        st.error(t("demo.sandbox_failed", lang))
        return False
    session.add_claim("sb", made.organisation_id, made.key_digest, store)
    # The console opens on the copy, not on whatever organisation it showed before.
    st.session_state.pop("console-org", None)
    st.session_state.pop("filter-org", None)
    return True


def sandbox_door(store: Store, lang: str, *, key: str, then: str | None = None) -> None:
    """Explain the sandbox and offer it with one button (for visitors without one)."""
    session.refusal_message(lang)  # e.g. their sandbox expired since the last visit
    with st.container(border=True, key=f"sandbox-door-{key}"):
        st.markdown(t("demo.door_title", lang))
        st.write(t("demo.door_text", lang))
        tapped = st.button(t("demo.door_button", lang), type="primary", key=f"sandbox-make-{key}")
    if tapped and start_sandbox(store, lang):
        if then:
            st.switch_page(then)
        st.rerun()


def sandbox_note(lang: str, *, tip: bool = False) -> None:
    """A line on pages of the visitor's own sandbox; `tip`: how to lead (the console)."""
    if own_sandbox() is not None:
        st.caption(t("demo.own_copy", lang, hours=sandbox.SANDBOX_HOURS))
        if tip:
            st.info(t("demo.lead_tip", lang), icon=":material/cast_for_education:")


def simulated_text(
    store: Store, workshop: Workshop, chain_id: int | None, size: int | None, lang: str
) -> str | None:
    """How many people behind a group figure are simulated (demo data), or None.

    `size`: the number of people the figure covers (the first finishers); None: everyone
    finished. Simulated participants finished first, so they are the first of any group.
    """
    counts = sandbox.simulated_counts(store, workshop.id)
    n = sum(counts.values()) if chain_id is None else counts.get(chain_id, 0)
    if not n:
        return None
    if size is not None:
        return t("demo.simulated_group", lang, n=min(n, size), size=size)
    return t("demo.simulated_all", lang, n=n)


def simulated_note(
    store: Store, workshop: Workshop, chain_id: int | None, size: int | None, lang: str
) -> None:
    """The line of `simulated_text` as a caption, when there are simulated people."""
    text = simulated_text(store, workshop, chain_id, size, lang)
    if text:
        st.caption(text, help=None)


# -- the start page ------------------------------------------------------------------------------

WAYS = (
    ("scan", "person", "demo.way_scan", "demo.way_scan_gets"),
    ("results", "monitoring", "demo.way_results", "demo.way_results_gets"),
    ("lead", "cast_for_education", "demo.way_lead", "demo.way_lead_gets"),
)


def start_page(store: Store, lang: str) -> None:
    """The demo's three ways in, each one tap, with what that audience gets."""
    from ipm_model.demo import DEMO_CODE

    st.write(t("demo.start_intro", lang))
    session.refusal_message(lang)  # a sandbox that expired, a cookie that was not ours
    # The three buttons as tall as the tallest (two lines on a tablet), so the lines under
    # them start at one height.
    st.html("<style>[class*='st-key-demo-go-'] button { min-height: 3.6rem; }</style>")
    columns = st.columns(3, gap="medium")
    chosen = None
    for column, (name, icon, label, gets) in zip(columns, WAYS, strict=True):
        with column, st.container(border=True, key=f"demo-way-{name}", height="stretch"):
            if st.button(
                t(label, lang),
                key=f"demo-go-{name}",
                type="primary",
                icon=f":material/{icon}:",
                width="stretch",
            ):
                chosen = name
            st.caption(t(gets, lang))
    if chosen == "scan":
        workshop = store.workshop_by_code(DEMO_CODE)
        if workshop is None or not workshop.is_open:
            st.warning(t("demo.no_workshop", lang))
            return
        # Chain and role filled in (changeable): the first chain and the first role.
        st.session_state[PREFILL_KEY] = (workshop.chains[0].id, workshop.roles[0].id)
        st.query_params["code"] = DEMO_CODE
        st.rerun()
    elif chosen == "results":
        open_history(store)
        st.switch_page("pages/results.py")
    elif chosen == "lead" and start_sandbox(store, lang):
        st.switch_page("pages/console.py")


def open_history(store: Store) -> None:
    """The results pages open on the shared demo's latest closed round: its radar, agenda
    and the trend of 18 months at once (not the open round, which is filling up today)."""
    from ui.results import OPEN_ON_KEY

    demo_org = shared_demo_id()
    if demo_org is None:
        return
    closed = [w for w in store.workshops(demo_org) if w.status == WORKSHOP_CLOSED]
    st.session_state["filter-org"] = demo_org  # not the visitor's own copy, if they have one
    if closed:
        st.session_state[OPEN_ON_KEY] = closed[-1].id  # workshops come oldest first


def prefill_join(workshop: Workshop) -> None:
    """Fill in chain and role on the join form once, when the scan way in was chosen."""
    from ipm_model.demo import DEMO_CODE

    wanted = st.session_state.pop(PREFILL_KEY, None)
    if not wanted or workshop.code != DEMO_CODE:
        return
    chain_id, role = wanted
    if workshop.chain(chain_id) is not None:
        st.session_state["join-chain"] = chain_id
    if workshop.role(role) is not None:
        st.session_state["join-role"] = role

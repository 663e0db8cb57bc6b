"""The participant of this browser session: found by the token in the URL (?p=...)."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from ipm_model.db import NotAllowed, StoreError
from ipm_model.i18n import t
from ipm_model.model import Participant, Workshop
from ipm_model.questionnaire import Questionnaire
from ipm_model.storage.store import Store
from ui.context import get_questionnaire, process_store
from ui.guard import code_guard
from ui.router import open_page

TOKEN_KEY = "participant-token"
CONTEXT_KEY = "participant-context"  # the last context loaded, for a moment without database
JOIN_REFUSED_KEY = "join-refused"  # why Start's callback could not join: the start page says it


@dataclass(frozen=True)
class ScanContext:
    """Everything the scan screens need about who is answering what."""

    participant: Participant
    workshop: Workshop
    questionnaire: Questionnaire


def remember_participant(participant: Participant) -> None:
    """Make `participant` the one this session answers for (forgetting any earlier one)."""
    if st.session_state.get(TOKEN_KEY) != participant.token:
        for key in [k for k in st.session_state if str(k).startswith("scan-")]:
            del st.session_state[key]
    st.session_state[TOKEN_KEY] = participant.token


def load_scan_context(store: Store, lang: str) -> ScanContext | None:
    """The participant named by ?p= (or earlier in this session), or None with a message.

    When the database cannot be read for a moment, the context this session loaded last
    is used, so a participant keeps their screen (their taps wait until it is back).
    """
    raw = st.query_params.get("p")
    token = raw if isinstance(raw, str) and raw else st.session_state.get(TOKEN_KEY)
    if not token:
        st.info(t("scan.no_participant", lang))
        st.page_link("pages/start.py", label=t("scan.to_start", lang))
        return None
    try:
        participant = store.participant_by_token(token)
        workshop = None if participant is None else store.workshop(participant.workshop_id)
    except StoreError:
        last = st.session_state.get(CONTEXT_KEY)
        if last is not None and last.participant.token == token:
            return last
        raise
    if participant is None:
        st.error(t("start.bad_token", lang))
        st.page_link("pages/start.py", label=t("scan.to_start", lang))
        return None
    if workshop is None:  # pragma: no cover - foreign keys keep this from happening
        st.error(t("start.bad_token", lang))
        return None
    remember_participant(participant)
    if st.query_params.get("p") != participant.token:
        st.query_params["p"] = participant.token
    questionnaire = get_questionnaire(workshop.questionnaire_id, workshop.questionnaire_version)
    context = ScanContext(participant, workshop, questionnaire)
    st.session_state[CONTEXT_KEY] = context
    return context


def join_on_start() -> None:
    """The join form's Start (on_click): join the workshop of ?code= with the chain, role and
    partner chosen, and open the scan page in the run this tap starts.

    It runs before app.py, so that run shows the scan page at once (ui/router.open_page):
    one full run per join instead of the start page's run plus the rerun of st.switch_page.
    The code is checked as the start page checks it (its guard: nothing while this session
    waits; the workshop open) and the store checks chain, role and partner. Without a choice,
    or when the code does not hold, it does nothing: the start page's run says why, as
    before. A refusal of the store is kept for the start page (take_join_refusal).
    """
    st.session_state.pop(JOIN_REFUSED_KEY, None)
    raw = st.query_params.get("code")
    chain_id = st.session_state.get("join-chain")
    role = st.session_state.get("join-role")
    if not raw or chain_id is None or role is None:
        return
    guard = code_guard()
    if guard.wait_seconds():
        return
    try:
        store = process_store()
        workshop = store.workshop_by_code(raw)
        if workshop is None or not workshop.is_open:
            return
        partner = (st.session_state.get("join-partner") or "") if workshop.partners else ""
        participant = store.create_participant(
            workshop, chain_id=chain_id, role=role, partner=partner
        )
    except NotAllowed:
        st.session_state[JOIN_REFUSED_KEY] = ("closed", "")
        return
    except StoreError as exc:
        st.session_state[JOIN_REFUSED_KEY] = ("database", str(exc))
        return
    guard.succeeded()
    remember_participant(participant)
    st.query_params.from_dict({"p": participant.token})
    open_page("scan")


def take_join_refusal() -> tuple[str, str] | None:
    """What Start's callback was refused ("closed" or "database", detail), once."""
    return st.session_state.pop(JOIN_REFUSED_KEY, None)

"""The participant of this browser session: found by the token in the URL (?p=...)."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from ipm_model.i18n import t
from ipm_model.questionnaire import Questionnaire
from ipm_model.store import Participant, Store, Workshop
from ui.context import get_questionnaire

TOKEN_KEY = "participant-token"


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
    """The participant named by ?p= (or earlier in this session), or None with a message."""
    raw = st.query_params.get("p")
    token = raw if isinstance(raw, str) and raw else st.session_state.get(TOKEN_KEY)
    if not token:
        st.info(t("scan.no_participant", lang))
        st.page_link("pages/start.py", label=t("scan.to_start", lang))
        return None
    participant = store.participant_by_token(token)
    if participant is None:
        st.error(t("start.bad_token", lang))
        st.page_link("pages/start.py", label=t("scan.to_start", lang))
        return None
    workshop = store.workshop(participant.workshop_id)
    if workshop is None:  # pragma: no cover - foreign keys keep this from happening
        st.error(t("start.bad_token", lang))
        return None
    remember_participant(participant)
    if st.query_params.get("p") != participant.token:
        st.query_params["p"] = participant.token
    questionnaire = get_questionnaire(workshop.questionnaire_id, workshop.questionnaire_version)
    return ScanContext(participant, workshop, questionnaire)

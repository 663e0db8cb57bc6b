"""Actions per chain and round: agreed in the chain conversation, followed up next round."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from ipm_model.i18n import t
from ipm_model.questionnaire import Questionnaire
from ipm_model.store import ACTION_STATUSES, Action, Store, Workshop
from ui.context import run_write


def _status_label(status: str, lang: str) -> str:
    return t(f"actions.status_{status}", lang)


def actions_section(
    store: Store,
    workshop: Workshop,
    chain_id: int,
    q: Questionnaire,
    lang: str,
    suggested_phase: str | None = None,
) -> None:
    """List, edit and add the actions of one chain in one round."""
    st.header(t("actions.title", lang))
    st.caption(t("actions.help", lang))
    names = q.phase_names(lang)
    current = store.actions(chain_id=chain_id, workshop_ids=[workshop.id])
    if current:
        _editor(store, current, names, lang, key=f"actions-{workshop.id}-{chain_id}")
    else:
        st.write(t("actions.none", lang))
    phases = list(names)
    with st.form(f"new-action-{workshop.id}-{chain_id}", clear_on_submit=True):
        phase = st.selectbox(
            t("result.phase", lang),
            phases,
            index=phases.index(suggested_phase) if suggested_phase in phases else 0,
            format_func=names.get,
        )
        description = st.text_area(t("actions.description", lang), max_chars=500, height=80)
        owner = st.text_input(t("actions.owner", lang), max_chars=120)
        due = st.date_input(t("actions.due", lang), value=None, min_value=date(2000, 1, 1))
        add = st.form_submit_button(t("actions.add", lang))
    if add:
        if not description.strip():
            st.error(t("actions.need_description", lang))
        elif run_write(
            lambda: store.create_action(
                chain_id=chain_id,
                workshop_id=workshop.id,
                phase_id=phase,
                description=description,
                owner=owner,
                due_date=due,
            ),
            lang,
        ):
            st.rerun()


def _editor(store: Store, current: list[Action], names: dict, lang: str, key: str) -> None:
    frame = pd.DataFrame(
        {
            "id": [a.id for a in current],
            "phase": [a.phase_id for a in current],
            "description": [a.description for a in current],
            "owner": [a.owner for a in current],
            "due": [date.fromisoformat(a.due_date) if a.due_date else None for a in current],
            "status": [a.status for a in current],
        }
    )
    edited = st.data_editor(
        frame,
        key=key,
        hide_index=True,
        width="stretch",
        disabled=["id", "phase"],
        column_config={
            "id": None,
            "phase": st.column_config.SelectboxColumn(
                t("result.phase", lang), options=list(names), format_func=names.get
            ),
            "description": st.column_config.TextColumn(
                t("actions.description", lang), max_chars=500, required=True
            ),
            "owner": st.column_config.TextColumn(t("actions.owner", lang), max_chars=120),
            "due": st.column_config.DateColumn(t("actions.due", lang)),
            "status": st.column_config.SelectboxColumn(
                t("actions.status", lang),
                options=list(ACTION_STATUSES),
                format_func=lambda s: _status_label(s, lang),
                required=True,
            ),
        },
    )
    if st.button(t("actions.save", lang), key=f"{key}-save"):
        changed = 0
        for before, after in zip(frame.to_dict("records"), edited.to_dict("records"), strict=True):
            if before == after:
                continue
            due = after["due"]
            ok = run_write(
                lambda a=after, d=due: store.update_action(
                    int(a["id"]),
                    phase_id=a["phase"],
                    description=str(a["description"] or ""),
                    owner=str(a["owner"] or ""),
                    due_date=None if d is None or pd.isna(d) else pd.Timestamp(d).date(),
                    status=a["status"],
                ),
                lang,
            )
            changed += ok
        if changed:
            st.rerun()


def previous_actions_by_phase(
    store: Store, chain_id: int, workshop_id: int, lang: str
) -> dict[str, str]:
    """phase_id -> "description (status)" lines of one round's actions, for the progress page."""
    found: dict[str, list[str]] = {}
    for a in store.actions(chain_id=chain_id, workshop_ids=[workshop_id]):
        found.setdefault(a.phase_id, []).append(
            f"{a.description} ({_status_label(a.status, lang)})"
        )
    return {phase: "; ".join(lines) for phase, lines in found.items()}

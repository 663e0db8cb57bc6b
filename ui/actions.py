"""Actions per chain and round: agreed in the chain conversation, followed up next round."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from ipm_model.access import Grant
from ipm_model.edits import RowEdit, checked_edits
from ipm_model.i18n import t
from ipm_model.model import ACTION_STATUSES, ACTION_TEXT_MAX_CHARS, NAME_MAX_CHARS, Action, Workshop
from ipm_model.questionnaire import Questionnaire
from ipm_model.storage.store import Store
from ui.access import authorised, refuse_tampered
from ui.context import run_write

# The columns a user may change; the phase is shown but fixed, and no id is sent at all.
EDITABLE = ("description", "owner", "due", "status")


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
    what = f"actions of workshop {workshop.id}, chain {chain_id}"

    if demo_read_only(store, workshop.organisation_id, current, names, lang):
        return

    def may_write(grant: Grant) -> bool:
        return (
            grant.can_edit_actions(workshop.organisation_id)
            and workshop.chain(chain_id) is not None
        )

    if current:
        _editor(store, workshop, chain_id, current, names, lang, may_write, what)
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
        description = st.text_area(
            t("actions.description", lang), max_chars=ACTION_TEXT_MAX_CHARS, height=80
        )
        owner = st.text_input(t("actions.owner", lang), max_chars=NAME_MAX_CHARS)
        due = st.date_input(t("actions.due", lang), value=None, min_value=date(2000, 1, 1))
        add = st.form_submit_button(t("actions.add", lang))
    if add:
        if not description.strip():
            st.error(t("actions.need_description", lang))
        elif authorised(may_write, what, lang) and run_write(
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


def _editor(
    store: Store,
    workshop: Workshop,
    chain_id: int,
    current: list[Action],
    names: dict,
    lang: str,
    may_write,
    what: str,
) -> None:
    """The actions as an editable table; edits go to the ids the server showed, by row.

    The ids of the rows shown are kept in the session; the browser gets no id column, and an
    edit state that names other columns, rows or ids is refused as a whole.
    """
    base = f"actions-{workshop.id}-{chain_id}"
    key = f"{base}-{st.session_state.get(base + '-gen', 0)}"
    ids = [a.id for a in current]
    shown = st.session_state.get(f"{key}-ids", ids)
    try:
        edits = checked_edits(st.session_state.get(key), shown, EDITABLE)
    except Exception as exc:  # noqa: BLE001 - whatever the browser sent, it is refused
        refuse_tampered(what, str(exc), lang)
        key, edits = _new_editor(base), []
    if edits and shown != ids:  # someone else added or removed an action meanwhile
        st.warning(t("actions.list_changed", lang))
        key, edits = _new_editor(base), []
    st.session_state[f"{key}-ids"] = ids
    frame = pd.DataFrame(
        {
            "phase": [a.phase_id for a in current],
            "description": [a.description for a in current],
            "owner": [a.owner for a in current],
            "due": [date.fromisoformat(a.due_date) if a.due_date else None for a in current],
            "status": [a.status for a in current],
        }
    )
    st.data_editor(
        frame,
        key=key,
        hide_index=True,
        width="stretch",
        disabled=["phase"],
        column_config={
            "phase": st.column_config.SelectboxColumn(
                t("result.phase", lang), options=list(names), format_func=names.get
            ),
            "description": st.column_config.TextColumn(
                t("actions.description", lang), max_chars=ACTION_TEXT_MAX_CHARS, required=True
            ),
            "owner": st.column_config.TextColumn(
                t("actions.owner", lang), max_chars=NAME_MAX_CHARS
            ),
            "due": st.column_config.DateColumn(t("actions.due", lang)),
            "status": st.column_config.SelectboxColumn(
                t("actions.status", lang),
                options=list(ACTION_STATUSES),
                format_func=lambda s: _status_label(s, lang),
                required=True,
            ),
        },
    )
    if not st.button(t("actions.save", lang), key=f"{base}-save") or not edits:
        return
    if not authorised(may_write, what, lang):
        return
    by_id = {a.id: a for a in current}
    saved = sum(
        run_write(lambda e=e: _save(store, workshop.id, chain_id, by_id[e.id], e), lang)
        for e in edits
    )
    if saved:
        _new_editor(base)
        st.rerun()


def _new_editor(base: str) -> str:
    """Start the editor afresh (a new widget key), dropping whatever edit state it held."""
    gen = st.session_state.get(f"{base}-gen", 0) + 1
    st.session_state[f"{base}-gen"] = gen
    return f"{base}-{gen}"


def _save(store: Store, workshop_id: int, chain_id: int, before: Action, edit: RowEdit) -> None:
    """Write one edited row to the action it was shown for, within this chain and round."""
    changes = edit.changes
    due = changes.get("due", before.due_date)
    store.update_action(
        before.id,
        chain_id=chain_id,
        workshop_id=workshop_id,
        phase_id=before.phase_id,
        description=str(changes.get("description", before.description) or ""),
        owner=str(changes.get("owner", before.owner) or ""),
        due_date=date.fromisoformat(str(due)[:10]) if due else None,
        status=str(changes.get("status", before.status)),
    )


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


def demo_read_only(
    store: Store, organisation_id: int, current: list[Action], names: dict, lang: str
) -> bool:
    """The shared demo for a visitor: its actions as a list and the way to their own copy."""
    from ui import demo
    from ui.access import current_grant

    grant = current_grant()
    if organisation_id not in grant.read_only or grant.admin:
        return False
    if current:
        st.dataframe(
            pd.DataFrame(
                {
                    t("result.phase", lang): [names.get(a.phase_id, a.phase_id) for a in current],
                    t("actions.description", lang): [a.description for a in current],
                    t("actions.owner", lang): [a.owner for a in current],
                    t("actions.due", lang): [a.due_date or "" for a in current],
                    t("actions.status", lang): [_status_label(a.status, lang) for a in current],
                }
            ),
            hide_index=True,
            width="stretch",
        )
    else:
        st.write(t("actions.none", lang))
    demo.sandbox_door(store, lang, key="actions")
    return True

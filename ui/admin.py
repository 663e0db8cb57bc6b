"""Administrators' screens: erase a workshop or an organisation, the retention period, and
the audit log (view, filter, CSV). The work itself is done by ipm_model/storage (erasure.py,
settings.py, audit.py), the same functions the command line uses.

Every button re-checks the session's grant at the moment of the click (ui.access.authorised);
each deletion writes its own audit line in the same transaction (storage/erasure.py).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import partial

import pandas as pd
import streamlit as st

from ipm_model import formats
from ipm_model.access import Grant
from ipm_model.db import StoreError
from ipm_model.i18n import t
from ipm_model.storage import audit, erasure, settings
from ipm_model.storage.store import Store
from ui.access import audit_actor, audited, authorised, record_audit
from ui.console import running_first
from ui.pending import later

AUDIT_PAGE_SIZE = 50
PLAN_KEY = "admin-plan"  # the deletion waiting for its confirmation: what, and its counts
NOTICE_KEY = "admin-notices"


def _admin(grant: Grant) -> bool:
    return grant.sees_admin()


def _notice(kind: str, text: str) -> None:
    st.session_state.setdefault(NOTICE_KEY, []).append((kind, text))


def show_notices() -> None:
    for kind, text in st.session_state.pop(NOTICE_KEY, []):
        getattr(st, kind)(text)


def counted(counts: dict[str, int], lang: str) -> str:
    """ "3 workshops, 41 deelnemers, 1.998 antwoorden" (only what is there)."""
    parts = []
    for name, n in counts.items():
        if n:
            # The template without fields: the whole phrase is escaped once, where it is shown.
            one, many = t(f"admin.n.{name}", lang).split("|")
            parts.append((one if n == 1 else many).format(n=formats.count(n, lang)))
    return ", ".join(parts) or "0"


def _refusal(exc: Exception, lang: str) -> None:
    """Say (on this run's page) why nothing was deleted, in the interface language."""
    if isinstance(exc, erasure.ErasureRefused):
        _notice("error", t("admin.now_open" if exc.reason == erasure.OPEN else "admin.gone", lang))
    else:
        _notice("error", t("error.database", lang))
        _notice("caption", t("error.detail", lang, detail=str(exc)))


PAGE = "admin"  # url path of pages/admin.py: where a button's step runs (ui/pending.py)


def _later(step: Callable[[], None]) -> None:
    later(PAGE, step)


def _ask(store: Store, kind: str, key: str | int, lang: str) -> None:
    """Work out what a deletion would remove (a dry run) and ask for the confirmation."""
    if not authorised(_admin, f"plan deleting {kind} {key}", lang):
        return
    try:
        if kind == "workshop":
            plan = erasure.delete_workshop(store, str(key), "", dry_run=True)
        else:
            plan = erasure.delete_organisation(store, int(key), "", dry_run=True)
    except (erasure.ErasureRefused, StoreError) as exc:
        _refusal(exc, lang)
        return
    st.session_state[PLAN_KEY] = {"kind": kind, "key": key, "counts": erasure.headline(plan)}


def _cancel() -> None:
    """Forget the deletion waiting for its confirmation."""
    st.session_state.pop(PLAN_KEY, None)


def _erase(store: Store, kind: str, key: str | int, what: str, lang: str) -> None:
    """Delete for real (the grant checked again now); the audit line is written with it."""
    st.session_state.pop(PLAN_KEY, None)
    if not authorised(_admin, f"delete {kind} {key}", lang):
        return
    try:
        if kind == "workshop":
            done = erasure.delete_workshop(store, str(key), audit_actor(store))
        else:
            done = erasure.delete_organisation(store, int(key), audit_actor(store))
    except (erasure.ErasureRefused, StoreError) as exc:
        _refusal(exc, lang)
        return
    st.cache_data.clear()  # results, counts and lists of what is gone
    _notice(
        "success",
        t("admin.deleted", lang, what=what, counts=counted(erasure.headline(done), lang)),
    )


def _erase_typed(store: Store, organisation: dict, lang: str) -> None:
    """Delete an organisation only when its name was typed (case and spaces aside)."""
    typed = str(st.session_state.get("admin-org-typed") or "")
    name = organisation["name"]
    if " ".join(typed.split()).casefold() != " ".join(name.split()).casefold():
        _notice("error", t("admin.name_mismatch", lang))
        return
    st.session_state["admin-org-typed"] = ""
    _erase(store, "organisation", organisation["id"], name, lang)


# -- delete -------------------------------------------------------------------------------------


def delete_section(store: Store, lang: str) -> None:
    """Pick an organisation; delete one of its closed workshops, or the whole organisation."""
    st.caption(t("admin.backup_hint", lang))
    orgs = running_first(store, store.organisations())  # the console's order
    _forget_vanished(store, lang)
    if not orgs:
        st.info(t("admin.no_orgs", lang))
        return
    names = {o["id"]: f"{o['name']} ({o['id']})" for o in orgs}
    org_id = st.selectbox(
        t("admin.organisation", lang), list(names), format_func=names.get, key="admin-org"
    )
    organisation = store.organisation(org_id)
    if organisation is None:  # deleted in another tab since the list was read
        st.error(t("admin.gone", lang))
        return
    st.header(t("admin.workshop_heading", lang), anchor=False)
    _workshop_deletion(store, org_id, lang)
    st.header(t("admin.org_heading", lang), anchor=False)
    _organisation_deletion(store, organisation, lang)


def _forget_vanished(store: Store, lang: str) -> None:
    """A deletion waiting for its confirmation whose target is gone (deleted in another tab
    or from the shell): say so, instead of silently dropping the question."""
    pending = st.session_state.get(PLAN_KEY)
    if not pending:
        return
    if pending["kind"] == "workshop":
        gone = store.workshop_by_code(pending["key"]) is None
    else:
        gone = store.organisation(pending["key"]) is None
    if gone:
        st.session_state.pop(PLAN_KEY, None)
        st.error(t("admin.gone", lang))


def _workshop_deletion(store: Store, org_id: int, lang: str) -> None:
    workshops = sorted(store.workshops(org_id), key=lambda w: (w.date, w.id), reverse=True)
    if not workshops:
        st.info(t("admin.no_workshops", lang))
        return
    state = {True: t("admin.state_open", lang), False: t("admin.state_closed", lang)}
    labels = {w.code: f"{w.code} · {w.title} · {w.date} · {state[w.is_open]}" for w in workshops}
    code = st.selectbox(
        t("admin.workshop", lang),
        list(labels),
        # the newest closed one first: only a closed workshop can be deleted
        index=next((i for i, w in enumerate(workshops) if not w.is_open), 0),
        format_func=labels.get,
        key=f"admin-workshop-{org_id}",
    )
    workshop = next(w for w in workshops if w.code == code)
    if workshop.is_open:
        st.info(t("admin.workshop_open", lang))
    pending = st.session_state.get(PLAN_KEY)
    if not (pending and pending["kind"] == "workshop" and pending["key"] == code):
        st.button(
            t("admin.delete_workshop", lang),
            key="admin-ws-delete",
            disabled=workshop.is_open,
            on_click=_later,
            args=(partial(_ask, store, "workshop", code, lang),),
        )
        return
    st.warning(
        t(
            "admin.confirm_workshop",
            lang,
            code=code,
            title=workshop.title,
            date=formats.day(workshop.date, lang),
            counts=counted(pending["counts"], lang),
        ),
        icon=":material/delete_forever:",
    )
    with st.container(horizontal=True):
        st.button(
            t("admin.yes_delete", lang),
            key="admin-ws-yes",
            type="primary",
            on_click=_later,
            args=(partial(_erase, store, "workshop", code, f"workshop {code}", lang),),
        )
        st.button(t("console.cancel", lang), key="admin-ws-no", on_click=_cancel)


def _organisation_deletion(store: Store, organisation: dict, lang: str) -> None:
    org_id = organisation["id"]
    open_codes = [w.code for w in store.workshops(org_id) if w.is_open]
    if open_codes:
        st.info(t("admin.org_open", lang, codes=", ".join(open_codes)))
    pending = st.session_state.get(PLAN_KEY)
    if not (pending and pending["kind"] == "organisation" and pending["key"] == org_id):
        st.button(
            t("admin.delete_org", lang),
            key="admin-org-delete",
            disabled=bool(open_codes),
            on_click=_later,
            args=(partial(_ask, store, "organisation", org_id, lang),),
        )
        return
    st.warning(
        t(
            "admin.confirm_org",
            lang,
            name=organisation["name"],
            counts=counted(pending["counts"], lang),
        ),
        icon=":material/delete_forever:",
    )
    with st.form("admin-org-confirm", border=False):
        st.text_input(
            t("admin.type_name", lang, name=organisation["name"]),
            max_chars=200,
            key="admin-org-typed",
        )
        with st.container(horizontal=True):
            st.form_submit_button(
                t("admin.yes_delete", lang),
                type="primary",
                on_click=_later,
                args=(partial(_erase_typed, store, organisation, lang),),
            )
            st.form_submit_button(t("console.cancel", lang), on_click=_cancel)


# -- retention ----------------------------------------------------------------------------------


def _save_retention(store: Store, lang: str) -> None:
    if not authorised(_admin, "set the retention period", lang):
        return
    months = st.session_state.get("admin-retention-months")
    try:
        settings.set_retention_months(store, int(months))
    except (ValueError, TypeError):
        _notice("error", t("admin.retention_bad", lang))
    except StoreError as exc:
        _refusal(exc, lang)
    else:
        record_audit(store, "retention.set", f"{int(months)} months")
        _notice("success", t("admin.retention_saved", lang))


def retention_section(store: Store, lang: str) -> None:
    """The retention period: show and set it; what it removes now and next; apply it."""
    months = settings.retention_months(store)
    if months:
        st.markdown(t("admin.retention_is", lang, months=months))
    else:
        st.markdown(t("admin.retention_none", lang))
    with st.form("admin-retention", border=False):
        st.number_input(
            t("admin.retention_months", lang),
            min_value=0,
            max_value=1200,
            value=months,
            step=1,
            key="admin-retention-months",
        )
        st.form_submit_button(
            t("console.save", lang),
            on_click=_later,
            args=(partial(_save_retention, store, lang),),
        )
    if not months:
        return
    due, later = erasure.retention_schedule(store, months)
    st.header(t("admin.due_now", lang), anchor=False)
    if due:
        st.dataframe(_schedule_table(due, lang), hide_index=True, width="stretch")
        _apply_button(store, months, len(due), lang)
    else:
        st.caption(t("admin.due_none", lang))
    st.header(t("admin.due_next", lang), anchor=False)
    if later:
        st.dataframe(_schedule_table(later, lang), hide_index=True, width="stretch")
    else:
        st.caption(t("admin.next_none", lang))
    st.caption(t("admin.cron", lang))


def _schedule_table(items: list[erasure.Scheduled], lang: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            t("admin.col.code", lang): [i.code for i in items],
            t("admin.col.title", lang): [i.title for i in items],
            t("admin.col.organisation", lang): [i.organisation for i in items],
            t("admin.col.closed", lang): [formats.day(i.closed_at, lang) for i in items],
            t("admin.col.due", lang): [formats.day(i.due_at, lang) for i in items],
            t("admin.col.participants", lang): [i.participants for i in items],
        }
    )


APPLY_KEY = "admin-apply-pending"


def _ask_apply(lang: str) -> None:
    if authorised(_admin, "plan applying the retention period", lang):
        st.session_state[APPLY_KEY] = True


def _apply(store: Store, months: int, lang: str) -> None:
    st.session_state[APPLY_KEY] = False
    if not authorised(_admin, "apply the retention period", lang):
        return
    try:
        done = erasure.apply_retention(store, months, audit_actor(store))
    except StoreError as exc:
        _refusal(exc, lang)
        return
    st.cache_data.clear()
    _notice("success", t("admin.applied", lang, count=counted({"workshops": len(done)}, lang)))


def _apply_button(store: Store, months: int, n: int, lang: str) -> None:
    if not st.session_state.get(APPLY_KEY):
        st.button(
            t("admin.apply", lang),
            key="admin-apply",
            on_click=_later,
            args=(partial(_ask_apply, lang),),
        )
        return
    workshops = counted({"workshops": n}, lang)
    st.warning(t("admin.confirm_apply", lang, count=workshops), icon=":material/delete_forever:")
    with st.container(horizontal=True):
        st.button(
            t("admin.yes_delete", lang),
            key="admin-apply-yes",
            type="primary",
            on_click=_later,
            args=(partial(_apply, store, months, lang),),
        )
        st.button(
            t("console.cancel", lang),
            key="admin-apply-no",
            on_click=lambda: st.session_state.update({APPLY_KEY: False}),
        )


# -- audit log ----------------------------------------------------------------------------------


def audit_section(store: Store, lang: str) -> None:
    """The audit log, newest first, filtered and paged; the filtered entries as CSV."""
    st.caption(t("admin.audit_intro", lang))
    everyone = t("admin.all", lang)
    orgs = {o["id"]: o["name"] for o in store.organisations()}
    with st.container(horizontal=True):
        # 0 and "" mean "all" (None would read as "nothing chosen" and get a clear button)
        org_id = st.selectbox(
            t("admin.organisation", lang),
            [0, *orgs],
            format_func=lambda i: orgs.get(i, everyone),
            key="admin-audit-org",
        )
        action = st.selectbox(
            t("admin.action", lang),
            ["", *audit.ACTIONS],
            format_func=lambda a: t(f"admin.act.{a}", lang) if a else everyone,
            key="admin-audit-action",
        )
        shape = "DD-MM-YYYY" if lang == "nl" else "YYYY-MM-DD"
        since = st.date_input(
            t("admin.from", lang), value=None, format=shape, key="admin-audit-from"
        )
        until = st.date_input(t("admin.to", lang), value=None, format=shape, key="admin-audit-to")
    if since and until and since > until:
        st.error(t("admin.bad_dates", lang))
        return
    filters = {
        "organisation_id": org_id or None,
        "action": action or None,
        "since": since.isoformat() if isinstance(since, date) else None,
        "until": until.isoformat() if isinstance(until, date) else None,
    }
    total = audit.search(store, **filters, limit=1).total
    if not total:
        st.info(t("admin.audit_empty", lang))
        return
    pages = -(-total // AUDIT_PAGE_SIZE)
    page = 1
    if pages > 1:
        page = int(
            st.number_input(
                t("admin.page", lang),
                min_value=1,
                max_value=pages,
                value=1,
                step=1,
                key="admin-audit-page",
            )
        )
    found = audit.search(
        store, **filters, offset=(page - 1) * AUDIT_PAGE_SIZE, limit=AUDIT_PAGE_SIZE
    )
    st.caption(
        t(
            "admin.audit_count",
            lang,
            total=formats.count(found.total, lang),
            page=page,
            pages=pages,
        )
    )
    st.dataframe(_audit_table(found.entries, lang), hide_index=True, width="stretch")
    label = "-".join(
        str(v) for v in (org_id and f"org{org_id}", action, filters["since"], filters["until"]) if v
    )
    st.download_button(
        t("admin.download_csv", lang),
        data=audited(
            store,
            "export",
            "audit log",
            label or "all",
            lambda: audit.to_csv(audit.search(store, **filters).entries).encode("utf-8"),
        ),
        file_name=f"ipm-audit-log{'-' + label if label else ''}.csv",
        mime="text/csv",
        on_click="ignore",
        key="admin-audit-csv",
        icon=":material/download:",
    )


def _audit_table(entries: list[audit.Entry], lang: str) -> pd.DataFrame:
    """Entries as a table; st.dataframe shows cells as plain text (ui/text.py)."""
    return pd.DataFrame(
        {
            t("admin.col.at", lang): [e.at[:19].replace("T", " ") for e in entries],
            t("admin.col.actor", lang): [e.actor for e in entries],
            t("admin.col.action", lang): [
                t(f"admin.act.{e.action}", lang) if e.action in audit.ACTIONS else e.action
                for e in entries
            ],
            t("admin.col.target", lang): [e.target for e in entries],
            t("admin.col.detail", lang): [e.detail for e in entries],
        }
    )


def title(lang: str) -> None:
    st.title(t("nav.admin", lang))
    st.caption(t("admin.intro", lang))

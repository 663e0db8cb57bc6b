"""Facilitator console: organisation set-up, workshops (create, open/close, share, progress)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from urllib.parse import urlsplit

import pandas as pd
import streamlit as st

from ipm_model import formats
from ipm_model.access import LINK_EXPIRED, LINK_REVOKED, Grant
from ipm_model.edits import checked_edits
from ipm_model.i18n import t
from ipm_model.model import (
    LINK_FACILITATOR,
    LINK_RESULTS,
    NAME_MAX_CHARS,
    WORKSHOP_CLOSED,
    WORKSHOP_OPEN,
    Role,
    Workshop,
)
from ipm_model.questionnaire import available_questionnaires
from ipm_model.share import (
    facilitator_url,
    handout_html,
    is_loopback_url,
    join_url,
    network_addresses,
    qr_img_tag,
    qr_png,
    results_url,
    url_with_host,
)
from ipm_model.storage import exclusions
from ipm_model.storage.store import Store
from ui.access import authorised, link_days, record_audit, refuse_tampered
from ui.context import address_problem, base_url, run_write
from ui.leave_out import leave_out_control
from ui.text import plain

Check = Callable[[Grant], bool]

MIN_GROUP_RANGE = (3, 10)


def _notice(kind: str, text: str) -> None:
    """Keep a message for the next run (after st.rerun)."""
    st.session_state.setdefault("console-notices", []).append((kind, text))


def show_notices() -> None:
    for kind, text in st.session_state.pop("console-notices", []):
        getattr(st, kind)(text)


def _safe(action, lang: str, ok_text: str | None, allowed: Check, what: str) -> bool:
    """Run a store write when this session's grant allows it now (see ui.access.authorised,
    run_write); keep `ok_text` as a notice for the next run."""
    ok = authorised(allowed, what, lang) and run_write(action, lang)
    if ok and ok_text:
        _notice("success", ok_text)
    return ok


def _set_status(store: Store, workshop: Workshop, status: str) -> None:
    """Close or reopen a round, and record who did it in the audit log."""
    store.set_workshop_status(workshop.id, status)
    action = "workshop.close" if status == WORKSHOP_CLOSED else "workshop.reopen"
    record_audit(store, action, workshop.code)


def _set_revealed(store: Store, workshop: Workshop, revealed: bool) -> None:
    """Show or hide the group results on the projector, and record who did it."""
    store.set_revealed(workshop.id, revealed)
    record_audit(store, "workshop.reveal" if revealed else "workshop.hide", workshop.code)


def _action_button(
    label: str,
    key: str,
    action,
    lang: str,
    ok_text: str | None,
    allowed: Check,
    what: str,
) -> None:
    """A button that runs an authorised store write and reruns the page when it worked."""
    if st.button(label, key=key) and _safe(action, lang, ok_text, allowed, what):
        st.rerun()


def _confirmed(label: str, key: str, question: str, lang: str) -> bool:
    """A button that asks first: True only in the run where the user confirms."""
    pending = f"{key}-pending"
    if not st.session_state.get(pending):
        if st.button(label, key=key):
            st.session_state[pending] = True
            st.rerun()
        return False
    st.warning(question)
    with st.container(horizontal=True):
        yes = st.button(t("console.confirm", lang), key=f"{key}-yes", type="primary")
        no = st.button(t("console.cancel", lang), key=f"{key}-no")
    if yes or no:
        st.session_state[pending] = False
    if no:
        st.rerun()
    return yes


def _runs(w: Workshop) -> Check:
    return lambda g: g.can_run_workshop(w.id, w.organisation_id)


def _manages(organisation_id: int) -> Check:
    return lambda g: g.can_manage_organisation(organisation_id)


# -- which organisation and workshops --------------------------------------------------------------


def running_first(store: Store, orgs: list[dict]) -> list[dict]:
    """Organisations with an open workshop first (a facilitator's console and an admin's
    results open there), then by their latest round, newest first."""
    running: set[int] = set()
    latest: dict[int, str] = {}
    # A few organisations (a facilitator, a demo visitor): their own workshops only, not
    # every workshop of the installation (a hosted demo holds hundreds of sandboxes).
    few = len(orgs) <= 3
    every = [w for o in orgs for w in store.workshops(o["id"])] if few else store.workshops()
    for w in every:
        if w.is_open:
            running.add(w.organisation_id)
        latest[w.organisation_id] = max(latest.get(w.organisation_id, ""), w.date)
    by_latest = sorted(orgs, key=lambda o: latest.get(o["id"], ""), reverse=True)
    return sorted(by_latest, key=lambda o: o["id"] not in running)


def visible_organisations(store: Store, grant: Grant) -> list[dict]:
    """Organisations this session may run workshops for; those running a workshop first."""
    if grant.admin:
        from ui.demo import hide_sandboxes

        return running_first(store, hide_sandboxes(store, store.organisations()))
    own = set(grant.facilitator_organisations)
    own |= {w.organisation_id for i in grant.workshops if (w := store.workshop(i)) is not None}
    return running_first(store, [o for o in store.organisations() if o["id"] in own])


def visible_workshops(store: Store, grant: Grant, organisation_id: int) -> list[Workshop]:
    """The organisation's workshops this session may run, newest first."""
    found = [
        w
        for w in store.workshops(organisation_id)
        if grant.can_run_workshop(w.id, w.organisation_id)
    ]
    return sorted(found, key=lambda w: (w.date, w.id), reverse=True)


# -- workshop cards ---------------------------------------------------------------------------


def workshop_card(store: Store, workshop: Workshop, grant: Grant, lang: str) -> None:
    """Status, open/close, reveal, share and progress of one workshop."""
    w = workshop
    status = t("console.status_open" if w.is_open else "console.status_closed", lang)
    with st.container(border=True, key=f"ws-{w.id}"):
        st.subheader(f"{plain(w.title)} · {formats.day(w.date, lang)}", anchor=False)
        st.markdown(t("console.code_status", lang, code=w.code, status=status))
        with st.container(horizontal=True):
            if w.is_open:
                _action_button(
                    t("console.close", lang),
                    f"close-{w.id}",
                    lambda: _set_status(store, w, WORKSHOP_CLOSED),
                    lang,
                    None,
                    _runs(w),
                    f"close workshop {w.id}",
                )
            elif grant.can_reopen_workshop(w.organisation_id):
                _action_button(
                    t("console.reopen", lang),
                    f"open-{w.id}",
                    lambda: _set_status(store, w, WORKSHOP_OPEN),
                    lang,
                    None,
                    lambda g: g.can_reopen_workshop(w.organisation_id),
                    f"reopen workshop {w.id}",
                )
            _action_button(
                t("console.hide" if w.revealed else "console.reveal", lang),
                f"reveal-{w.id}",
                lambda: _set_revealed(store, w, not w.revealed),
                lang,
                None,
                _runs(w),
                f"reveal workshop {w.id}",
            )
            st.page_link(
                "pages/projector.py",
                label=t("console.to_projector", lang),
                query_params={"w": str(w.id)},
            )
        if not w.is_open and not grant.can_reopen_workshop(w.organisation_id):
            st.caption(t("console.reopen_admin", lang))
        _progress(store, w, lang)
        with st.expander(t("console.share", lang)):
            _share(store, w, grant, lang)
        # Imported here: the exports (openpyxl) are not loaded by the other pages that use
        # this module (the results pages' organisation order, running_first).
        from ui.transfer import export_buttons, import_form

        with st.expander(t("transfer.export", lang)):
            export_buttons(store, w, lang, raw_answers=grant.admin)
        with st.expander(t("transfer.import", lang)):
            import_form(store, w, lang, _runs(w))
        with st.expander(t("leave_out.title", lang), expanded=exclusions.is_left_out(store, w.id)):
            leave_out_control(
                store,
                w,
                lang,
                lambda action, done: _safe(action, lang, done, _runs(w), f"leave out {w.id}"),
            )
        if grant.can_manage_organisation(w.organisation_id):
            with st.expander(t("console.edit", lang)):
                _edit_form(store, w, lang)


def _progress(store: Store, w: Workshop, lang: str) -> None:
    counts = store.participation(w.id)
    names = {c.id: c.name for c in w.chains}
    table = pd.DataFrame(
        {
            t("console.chain", lang): [names.get(c, "?") for c in counts["chain_id"]],
            t("console.joined", lang): counts["joined"].astype(int),
            t("console.finished", lang): counts["finished"].astype(int),
        }
    )
    st.caption(
        t(
            "console.progress_total",
            lang,
            joined=int(counts["joined"].sum()),
            finished=int(counts["finished"].sum()),
        )
    )
    from ui.demo import simulated_note

    simulated_note(store, w, None, None, lang)
    st.dataframe(table, hide_index=True, width="stretch")


@st.cache_data(ttl=60, show_spinner=False)
def _own_addresses() -> list[str]:
    return network_addresses()


def address_notice(lang: str, *, short: bool = False, key: str = "address-warning") -> bool:
    """Say so when links would not work on tablets: a bad public address setting, or a
    loopback address (localhost) as the base. Returns True when a warning was shown."""
    problem = address_problem()
    if problem:
        st.error(t("share.bad_public_url", lang, detail=problem), icon=":material/error:")
    base = base_url()
    if not is_loopback_url(base):
        return bool(problem)
    if short:
        st.warning(t("share.loopback_short", lang, url=base), icon=":material/warning:")
        return True
    with st.container(key=key):
        st.warning(t("share.loopback", lang, url=base), icon=":material/warning:")
        addresses = _own_addresses()
        if addresses:
            st.markdown(t("share.try_addresses", lang))
            for address in addresses:
                st.code(url_with_host(base, address), language=None)
        else:
            st.caption(t("share.no_addresses", lang))
        port = urlsplit(base).port or (443 if base.startswith("https:") else 80)
        st.caption(t("share.loopback_help", lang, port=port))
    return True


def _share(store: Store, w: Workshop, grant: Grant, lang: str) -> None:
    address_notice(lang, key=f"address-warning-{w.id}")
    url = join_url(base_url(), w.code)
    left, right = st.columns([1, 2])
    with left:
        st.html(qr_img_tag(url, alt=t("share.qr_title", lang), css_width="100%"))
    with right:
        st.markdown(t("console.share_code", lang, code=w.code))
        st.code(url, language=None, wrap_lines=True)
        st.download_button(
            t("console.download_qr", lang),
            data=qr_png(url),
            file_name=f"qr-{w.code}.png",
            mime="image/png",
            key=f"qr-{w.id}",
            on_click="ignore",
        )
        st.download_button(
            t("console.download_handout", lang),
            data=handout_html(title=w.title, date=w.date, code=w.code, url=url, lang=lang),
            file_name=f"handout-{w.code}.html",
            mime="text/html",
            key=f"handout-{w.id}",
            on_click="ignore",
        )
    if grant.can_manage_organisation(w.organisation_id):
        st.caption(t("console.facilitator_link", lang))
        st.code(facilitator_url(base_url(), w.facilitator_token), language=None, wrap_lines=True)
        link_controls(store, LINK_FACILITATOR, w.facilitator_token, w.id, w.organisation_id, lang)


def link_controls(
    store: Store, kind: str, token: str, owner_id: int, organisation_id: int, lang: str
) -> None:
    """How long a link works, and buttons (with a confirmation) to revoke or renew it."""
    days = link_days()
    link = store.link_by_token(kind, token)
    status = link.status(days) if link else LINK_REVOKED
    if status == LINK_REVOKED:
        st.caption(t("console.link_revoked", lang))
    elif status == LINK_EXPIRED:
        st.caption(t("console.link_expired", lang))
    elif link is not None and (ends := link.expires_at(days)) is not None:
        st.caption(t("console.link_until", lang, date=ends.date().isoformat()))
    elif days:
        st.caption(t("console.link_while_open", lang, days=days))
    else:
        st.caption(t("console.link_forever", lang))
    owner = "workshop" if kind == LINK_FACILITATOR else "organisation"
    steps = [("rotate", lambda: store.rotate_link(kind, owner_id), "console.rotated")]
    if status != LINK_REVOKED:
        steps.insert(0, ("revoke", lambda: store.revoke_link(kind, owner_id), "console.revoked"))
    for step, write, done in steps:
        if _confirmed(
            t(f"console.{step}", lang),
            f"{step}-{kind}-link-{owner_id}",
            t(f"console.confirm_{step}", lang),
            lang,
        ) and _safe(
            write,
            lang,
            t(done, lang),
            _manages(organisation_id),
            f"{step} {kind} link of {owner} {owner_id}",
        ):
            record_audit(store, f"link.{step}", f"{owner} {owner_id}", kind)
            st.rerun()


def _edit_form(store: Store, w: Workshop, lang: str) -> None:
    chains = store.chains(w.organisation_id)
    options = {c.id: c.name for c in chains} | {c.id: c.name for c in w.chains}
    with st.form(f"edit-{w.id}"):
        title = st.text_input(t("console.title", lang), value=w.title, max_chars=NAME_MAX_CHARS)
        day = st.date_input(t("console.date", lang), value=date.fromisoformat(w.date))
        picked = st.multiselect(
            t("console.chains", lang),
            list(options),
            default=[c.id for c in w.chains],
            format_func=options.get,
        )
        size = st.number_input(
            t("console.min_group", lang),
            min_value=MIN_GROUP_RANGE[0],
            max_value=MIN_GROUP_RANGE[1],
            value=max(MIN_GROUP_RANGE[0], min(MIN_GROUP_RANGE[1], w.min_group_size)),
            help=t("console.min_group_help", lang),
        )
        save = st.form_submit_button(t("console.save", lang))
    if save:
        if not title.strip():
            st.error(t("console.need_title", lang))
        elif not picked:
            st.error(t("console.need_chain", lang))
        elif _safe(
            lambda: store.update_workshop(
                w.id,
                title=title,
                workshop_date=day,
                min_group_size=int(size),
                chain_ids=picked,
            ),
            lang,
            t("console.saved", lang),
            _manages(w.organisation_id),
            f"edit workshop {w.id}",
        ):
            st.rerun()


# -- creating a workshop --------------------------------------------------------------------------


def new_workshop_form(store: Store, organisation: dict, lang: str) -> None:
    chains = store.chains(organisation["id"])
    if not chains:
        st.info(t("console.no_chains", lang))
        return
    versions = sorted(available_questionnaires(), key=lambda k: (k[0], -k[1]))
    with st.form("new-workshop", clear_on_submit=False):
        title = st.text_input(t("console.title", lang), max_chars=NAME_MAX_CHARS)
        day = st.date_input(t("console.date", lang), value=date.today())
        picked = st.multiselect(
            t("console.chains", lang),
            [c.id for c in chains],
            default=[c.id for c in chains],
            format_func={c.id: c.name for c in chains}.get,
        )
        version = st.selectbox(
            t("console.questionnaire", lang),
            versions,
            format_func=lambda k: f"{k[0]} v{k[1]}",
        )
        size = st.number_input(
            t("console.min_group", lang),
            min_value=MIN_GROUP_RANGE[0],
            max_value=MIN_GROUP_RANGE[1],
            value=3,
            help=t("console.min_group_help", lang),
        )
        code = st.text_input(
            t("console.code_optional", lang), max_chars=12, help=t("console.code_help", lang)
        )
        create = st.form_submit_button(t("console.create", lang), type="primary")
    if not create:
        return
    if not title.strip():
        st.error(t("console.need_title", lang))
        return
    if not picked:
        st.error(t("console.need_chain", lang))
        return
    from ipm_model.questionnaire import questionnaire_for

    created: list[Workshop] = []

    def make() -> None:
        created.append(
            store.create_workshop(
                organisation["id"],
                title=title,
                workshop_date=day,
                chain_ids=picked,
                questionnaire=questionnaire_for(*version),
                roles=organisation["roles"],
                partners=organisation["partners"],
                min_group_size=int(size),
                code=code.strip() or None,
            )
        )

    if _safe(make, lang, None, _manages(organisation["id"]), "create a workshop"):
        record_audit(
            store, "workshop.create", created[0].code, f"organisation={organisation['id']}"
        )
        _notice("success", t("console.created", lang, code=created[0].code))
        st.rerun()


# -- organisation settings ------------------------------------------------------------------------


def organisation_settings(store: Store, organisation: dict, lang: str) -> None:
    org_id = organisation["id"]
    st.markdown(f"**{t('console.chains', lang)}**")
    for chain in store.chains(org_id):
        with st.container(horizontal=True, vertical_alignment="bottom"):
            new_name = st.text_input(
                t("console.chain_name", lang),
                value=chain.name,
                key=f"chain-name-{chain.id}",
                max_chars=NAME_MAX_CHARS,
            )
            _action_button(
                t("console.rename", lang),
                f"rename-{chain.id}",
                lambda c=chain, n=new_name: store.rename_chain(c.id, n, organisation_id=org_id),
                lang,
                t("console.saved", lang),
                _manages(org_id),
                f"rename chain {chain.id}",
            )
            _action_button(
                t("console.remove", lang),
                f"remove-{chain.id}",
                lambda c=chain: _notice(
                    "info",
                    t(
                        "console.archived"
                        if store.remove_chain(c.id, organisation_id=org_id) == "archived"
                        else "console.deleted",
                        lang,
                        name=c.name,
                    ),
                ),
                lang,
                None,
                _manages(org_id),
                f"remove chain {chain.id}",
            )
    with st.form("add-chain", clear_on_submit=True):
        name = st.text_input(t("console.new_chain", lang), max_chars=NAME_MAX_CHARS)
        if st.form_submit_button(t("console.add", lang)):
            if not name.strip():
                st.error(t("console.need_name", lang))
            elif _safe(
                lambda: store.add_chain(org_id, name),
                lang,
                t("console.saved", lang),
                _manages(org_id),
                f"add a chain to organisation {org_id}",
            ):
                st.rerun()

    st.markdown(f"**{t('console.partners', lang)}**")
    with st.form("partners"):
        text = st.text_area(
            t("console.partners_help", lang),
            value="\n".join(organisation["partners"]),
            max_chars=5000,
        )
        if st.form_submit_button(t("console.save", lang)) and _safe(
            lambda: store.set_organisation_partners(org_id, text.splitlines()),
            lang,
            t("console.saved", lang),
            _manages(org_id),
            f"partners of organisation {org_id}",
        ):
            st.rerun()

    st.markdown(f"**{t('console.benchmark', lang)}**")
    opted_out = bool(organisation.get("benchmark_opt_out"))
    joined = st.checkbox(
        t("console.benchmark_join", lang),
        value=not opted_out,
        key=f"benchmark-{org_id}",
        help=t("console.benchmark_help", lang),
    )
    if joined == opted_out and _safe(
        lambda: store.set_benchmark_opt_out(org_id, not joined), lang, t("console.saved", lang)
    ):
        st.rerun()

    st.markdown(f"**{t('console.roles', lang)}**")
    roles = pd.DataFrame([r.__dict__ for r in organisation["roles"]], columns=["id", "nl", "en"])
    gen = f"roles-{org_id}-gen"
    key = f"roles-{org_id}-{st.session_state.get(gen, 0)}"
    what = f"roles of organisation {org_id}"
    try:  # Streamlit applies the edit state as sent: check it before it does
        state = st.session_state.get(key)
        checked_edits(state, range(len(roles)), list(roles.columns), rows_fixed=False)
    except Exception as exc:  # noqa: BLE001 - whatever the browser sent, it is refused
        refuse_tampered(what, str(exc), lang)
        st.session_state[gen] = st.session_state.get(gen, 0) + 1  # a fresh editor
        key = f"roles-{org_id}-{st.session_state[gen]}"
    edited = st.data_editor(
        roles,
        num_rows="dynamic",
        hide_index=True,
        key=key,
        column_config={
            "id": st.column_config.TextColumn(t("console.role_id", lang), max_chars=30),
            "nl": st.column_config.TextColumn(t("console.role_nl", lang), max_chars=80),
            "en": st.column_config.TextColumn(t("console.role_en", lang), max_chars=80),
        },
    )
    if st.button(t("console.save_roles", lang), key="save-roles"):
        rows = edited.fillna("").astype(str).to_dict("records")
        rows = [r for r in rows if any(v.strip() for v in r.values())]
        new_roles = [
            Role(
                (r["id"] or r["nl"]).strip().lower().replace(" ", "-")[:30],
                r["nl"].strip() or r["en"].strip(),
                r["en"].strip() or r["nl"].strip(),
            )
            for r in rows
        ]
        if _safe(
            lambda: store.set_organisation_roles(org_id, new_roles),
            lang,
            t("console.saved", lang),
            _manages(org_id),
            what,
        ):
            st.rerun()


def new_organisation_form(store: Store, lang: str) -> None:
    made: list[int] = []
    with st.form("new-org", clear_on_submit=True):
        name = st.text_input(t("console.org_name", lang), max_chars=NAME_MAX_CHARS)
        if st.form_submit_button(t("console.create_org", lang)):
            if not name.strip():
                st.error(t("console.need_name", lang))
            elif _safe(
                lambda: made.append(store.create_organisation(name)),
                lang,
                t("console.saved", lang),
                lambda g: g.admin,
                "create an organisation",
            ):
                record_audit(store, "organisation.create", f"organisation {made[0]}")
                st.rerun()


def results_link(store: Store, organisation: dict, lang: str) -> None:
    st.caption(t("console.results_link", lang))
    token = organisation["results_token"]
    st.code(results_url(base_url(), token), language=None, wrap_lines=True)
    link_controls(store, LINK_RESULTS, token, organisation["id"], organisation["id"], lang)

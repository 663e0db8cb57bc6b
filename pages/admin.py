"""Beheer: administrators only. Delete a workshop or an organisation, the retention period,
the audit log."""

import streamlit as st

from ipm_model.i18n import t
from ui.access import current_grant, require
from ui.admin import PAGE, audit_section, delete_section, retention_section, show_notices, title
from ui.context import current_language, get_store
from ui.pending import run_pending

st.set_page_config(layout="wide")  # the audit log and the retention tables use the width
lang = current_language()
store = get_store()
require(current_grant().sees_admin(), lang)

title(lang)
run_pending(PAGE)  # a button's step, checked against the grant of this run
show_notices()
delete, retention, log = st.tabs(
    [t("admin.tab_delete", lang), t("admin.tab_retention", lang), t("admin.tab_audit", lang)]
)
with delete:
    delete_section(store, lang)
with retention:
    retention_section(store, lang)
with log:
    audit_section(store, lang)

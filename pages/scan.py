"""The scan: one phase per screen, every tap saved at once; then finish and see the result."""

import streamlit as st

from ipm_model.i18n import t
from ui.context import current_language, get_store
from ui.participant import load_scan_context
from ui.scan import resume_box, scan_body

lang = current_language()
store = get_store()
ctx = load_scan_context(store, lang)
if ctx is not None:
    chain = ctx.workshop.chain(ctx.participant.chain_id)
    st.caption(
        t("scan.header", lang, workshop=ctx.workshop.title, chain=chain.name if chain else "")
    )
    scan_body(store, ctx, lang)
    resume_box(ctx, lang)

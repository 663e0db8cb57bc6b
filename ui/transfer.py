"""Getting data out of and into a workshop from the console: exports and the CSV import."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import pandas as pd
import streamlit as st

from ipm_model import exports, importer
from ipm_model.access import Grant
from ipm_model.db import StoreError
from ipm_model.i18n import t
from ipm_model.model import Workshop
from ipm_model.storage.store import Store
from ui.access import audited, authorised, record_audit
from ui.context import relabelled
from ui.results import questionnaire_of
from ui.text import plain

EXPORT_KINDS = ("answers", "scores", "comments", "actions")


def _csv(store: Store, kind: str, workshop: Workshop) -> bytes:
    return exports.export_csv(store, kind, [workshop])


def _xlsx(store: Store, workshop: Workshop, kinds: tuple[str, ...]) -> bytes:
    return exports.export_xlsx(store, kinds, workshops=[workshop])


def export_buttons(store: Store, workshop: Workshop, lang: str, *, raw_answers: bool) -> None:
    """Download buttons; the files are built only when clicked.

    Answers per person (even under a pseudonym) only with `raw_answers` (administrators):
    a facilitator gets the figures the disclosure rule allows, like on the results pages.
    """
    kinds = EXPORT_KINDS if raw_answers else tuple(k for k in EXPORT_KINDS if k != "answers")
    st.caption(t("transfer.export_help" if raw_answers else "transfer.export_help_shown", lang))
    with st.container(horizontal=True):
        st.download_button(
            t("transfer.xlsx", lang),
            data=audited(
                store, "export", workshop.code, "xlsx", partial(_xlsx, store, workshop, kinds)
            ),
            file_name=exports.file_name("all", "xlsx", workshop),
            mime=exports.XLSX_MEDIA_TYPE,
            on_click="ignore",
            key=f"xlsx-{workshop.id}",
        )
        for kind in kinds:
            st.download_button(
                t(f"transfer.csv_{kind}", lang),
                data=audited(
                    store,
                    "export",
                    workshop.code,
                    f"{kind} csv",
                    partial(_csv, store, kind, workshop),
                ),
                file_name=exports.file_name(kind, "csv", workshop),
                mime=exports.CSV_MEDIA_TYPE,
                on_click="ignore",
                key=f"csv-{kind}-{workshop.id}",
            )


def import_form(
    store: Store, workshop: Workshop, lang: str, allowed: Callable[[Grant], bool]
) -> None:
    """Upload a CSV of paper answers, see the check, and write all or only the valid rows.

    `allowed`: whether this session may write into the workshop, checked when it writes.
    """
    q = questionnaire_of(workshop)
    st.caption(t("transfer.import_help", lang, limit=importer.MAX_IMPORT_BYTES // (1024 * 1024)))
    st.download_button(
        t("transfer.template", lang),
        data=partial(importer.template_csv, workshop, q, lang),
        file_name=f"import-{workshop.code}.csv",
        mime=exports.CSV_MEDIA_TYPE,
        on_click="ignore",
        key=f"template-{workshop.id}",
    )
    upload = st.file_uploader(
        t("transfer.upload", lang), type=["csv", "txt"], key=f"upload-{workshop.id}"
    )
    if upload is None:
        return
    try:
        data = importer.read_upload(upload)
    except importer.ImportTooLarge as exc:
        st.error(plain(str(exc)))
        return
    report = importer.validate(data, workshop, q)
    st.caption(plain(report.summary()))
    if report.issues:
        st.warning(t("transfer.issues", lang, count=report.issue_count))
        issues = pd.DataFrame(
            [(i.line, i.column, i.reason) for i in report.issues],
            columns=[
                t("transfer.line", lang),
                t("transfer.column", lang),
                t("transfer.reason", lang),
            ],
        )
        st.dataframe(issues, hide_index=True, width="stretch")
    if not report.participants:
        return
    mode = st.radio(
        t("transfer.mode", lang),
        [importer.ALL_OR_NOTHING, importer.VALID_ROWS],
        format_func=lambda m: t(f"transfer.mode_{m}", lang),
        key=relabelled(f"import-mode-{workshop.id}"),
        disabled=report.ok,
    )
    allowed = report.ok or mode == importer.VALID_ROWS
    if st.button(
        t("transfer.apply", lang, count=len(report.participants)),
        key=f"import-apply-{workshop.id}",
        disabled=not allowed,
        type="primary",
    ):
        if not authorised(allowed, f"import into workshop {workshop.id}", lang):
            return
        try:
            written = importer.apply(store, workshop, report, mode)
        except (importer.ImportRefused, ValueError) as exc:
            st.error(plain(str(exc)))
        except StoreError as exc:
            st.error(t("error.database", lang))
            st.caption(t("error.detail", lang, detail=str(exc)))
        else:
            st.cache_data.clear()
            record_audit(store, "import", workshop.code, f"{written} answers")
            st.success(t("transfer.done", lang, count=written))

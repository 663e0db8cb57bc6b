"""Getting data out of and into a workshop from the console: exports and the CSV import."""

from __future__ import annotations

from functools import partial

import pandas as pd
import streamlit as st

from ipm_model import exports, importer
from ipm_model.i18n import escape_markdown, t
from ipm_model.store import Store, StoreError, Workshop
from ui.context import relabelled
from ui.results import questionnaire_of

EXPORT_KINDS = ("answers", "scores", "comments", "actions")


def _csv(store: Store, kind: str, workshop: Workshop) -> bytes:
    return exports.export_csv(store, kind, [workshop])


def _xlsx(store: Store, workshop: Workshop) -> bytes:
    return exports.export_xlsx(store, workshops=[workshop])


def export_buttons(store: Store, workshop: Workshop, lang: str) -> None:
    """Download buttons; the files are built only when clicked."""
    st.caption(t("transfer.export_help", lang))
    with st.container(horizontal=True):
        st.download_button(
            t("transfer.xlsx", lang),
            data=partial(_xlsx, store, workshop),
            file_name=exports.file_name("all", "xlsx", workshop),
            mime=exports.XLSX_MEDIA_TYPE,
            on_click="ignore",
            key=f"xlsx-{workshop.id}",
        )
        for kind in EXPORT_KINDS:
            st.download_button(
                t(f"transfer.csv_{kind}", lang),
                data=partial(_csv, store, kind, workshop),
                file_name=exports.file_name(kind, "csv", workshop),
                mime=exports.CSV_MEDIA_TYPE,
                on_click="ignore",
                key=f"csv-{kind}-{workshop.id}",
            )


def import_form(store: Store, workshop: Workshop, lang: str) -> None:
    """Upload a CSV of paper answers, see the check, and write all or only the valid rows."""
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
        st.error(str(exc))
        return
    report = importer.validate(data, workshop, q)
    st.caption(escape_markdown(report.summary()))
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
        try:
            written = importer.apply(store, workshop, report, mode)
        except (importer.ImportRefused, ValueError) as exc:
            st.error(str(exc))
        except StoreError as exc:
            st.error(t("error.database", lang))
            st.caption(t("error.detail", lang, detail=str(exc)))
        else:
            st.cache_data.clear()
            st.success(t("transfer.done", lang, count=written))

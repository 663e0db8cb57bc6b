"""Per-process resources and per-session settings used by every page."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import streamlit as st

from ipm_model import questionnaire as questionnaires
from ipm_model.db import NotAllowed, StoreError
from ipm_model.i18n import normalize_language, t
from ipm_model.phases import DEFAULT_LANGUAGE, LANGUAGES
from ipm_model.questionnaire import (
    Questionnaire,
    QuestionnaireError,
    default_questionnaire,
    questionnaire_for,
    validate_all,
)
from ipm_model.share import PublicUrlError, parse_public_url
from ipm_model.storage.store import Store
from ui.session import secret

LANG_KEY = "lang"


@st.cache_resource(show_spinner=False)
def _store() -> Store:
    return Store.from_env()


def process_store() -> Store:
    """This process's store, also outside a page (the session routes); raises StoreError."""
    return _store()


def get_store() -> Store:
    """The app's store (one per process, connections pooled); stops the page when unusable."""
    try:
        return _store()
    except StoreError as exc:
        show_database_error(exc)
        st.stop()


@contextmanager
def database_guard(stop: bool = True) -> Iterator[None]:
    """Show the database message instead of a traceback when the database fails mid-page.

    With PostgreSQL a read can fail too (server restarting, network gone); the next rerun
    tries again. `stop=False` inside fragments: the rest of the page stays as it is.
    """
    try:
        yield
    except StoreError as exc:
        show_database_error(exc)
        if stop:
            st.stop()


def show_database_error(exc: StoreError) -> None:
    lang = current_language()
    st.error(t("error.database", lang))
    st.caption(t("error.detail", lang, detail=str(exc)))


@st.cache_resource(show_spinner=False)
def _validated_questionnaires() -> bool:
    validate_all()
    return True


def ensure_questionnaires_valid() -> None:
    """Stop the app with a message (never a traceback) when a questionnaire file is invalid."""
    try:
        _validated_questionnaires()
    except QuestionnaireError as exc:
        lang = current_language()
        st.error(t("error.questionnaire", lang))
        st.caption(t("error.detail", lang, detail=str(exc)))
        st.stop()


def check_questionnaires_at_start() -> str | None:
    """At server start: validate every questionnaire file; print why one is refused.

    The server still starts, so visitors get the page message of ensure_questionnaires_valid
    (never a traceback) instead of a connection error; whoever started it reads on the
    console which file, which line and why. Returns that reason, or None when all are valid.
    """
    try:
        validate_all()
    except QuestionnaireError as exc:
        folder = questionnaires.QUESTIONNAIRE_DIR
        print(
            "\n  iPM Ketenscan: a questionnaire file is invalid, so no page can be used until it\n"
            f"  is fixed (in {folder}) and the server is restarted:\n\n    {exc}\n\n"
            "  python -m ipm_model check FILE checks a file without starting the server.\n",
            file=sys.stderr,
            flush=True,
        )
        return str(exc)
    return None


def get_questionnaire(qid: str | None = None, version: int | None = None) -> Questionnaire:
    """A validated questionnaire (the default one without arguments); stops on a broken file."""
    try:
        if qid is None or version is None:
            return default_questionnaire()
        return questionnaire_for(qid, version)
    except (QuestionnaireError, KeyError) as exc:
        lang = current_language()
        st.error(t("error.questionnaire", lang))
        st.caption(t("error.detail", lang, detail=str(exc)))
        st.stop()


def current_language() -> str:
    """The interface language: the switch's value, kept in the URL as ?lang=en."""
    return normalize_language(st.session_state.get(LANG_KEY))


RELABEL_KEY = "lang-relabel"


def relabelled(key: str) -> str:
    """Register a choice widget whose option labels follow the language; returns the key.

    Radios, select boxes and segmented controls send their value to the browser as the
    *shown label* (format_func). After a language switch the old label matches none of the
    new ones, so the browser would show nothing selected (saved answers look lost). The
    switch writes these keys' values back through the Session State API, which makes
    Streamlit send them again with the new labels. Such widgets must not pass a default
    (index=/default=): their value comes from session state.
    """
    st.session_state.setdefault(RELABEL_KEY, set()).add(key)
    return key


def _keep_choices() -> None:
    """The switch's callback (runs before the page is drawn again): see relabelled()."""
    for key in st.session_state.get(RELABEL_KEY, set()):
        if key in st.session_state:
            st.session_state[key] = st.session_state[key]


def language_switch() -> str:
    """Show the NL | EN switch and return the language; the choice is kept in ?lang=.

    Streamlit drops query parameters on a page switch, so the parameter is written back on
    every run (only for English: Dutch is the default and keeps URLs short).
    """
    if LANG_KEY not in st.session_state:
        # First run of this session: take ?lang= from the URL (garbage falls back to Dutch).
        st.session_state[LANG_KEY] = normalize_language(st.query_params.get(LANG_KEY))
    with st.container(horizontal=True, horizontal_alignment="right", key="lang-switch"):
        st.segmented_control(
            "Taal / Language",
            options=list(LANGUAGES),
            format_func=lambda code: {"nl": "NL", "en": "EN"}[code],
            required=True,
            key=LANG_KEY,
            label_visibility="collapsed",
            persist_state="session",  # survives page switches (which drop ?lang=)
            on_change=_keep_choices,
        )
    lang = current_language()
    if lang == DEFAULT_LANGUAGE:
        st.query_params.pop(LANG_KEY, None)
    elif st.query_params.get(LANG_KEY) != lang:
        st.query_params[LANG_KEY] = lang
    return lang


def public_url_setting() -> str:
    """The configured public address (secret `public_url` or IPM_PUBLIC_URL), "" when unset."""
    return (secret("public_url") or os.environ.get("IPM_PUBLIC_URL") or "").strip()


def public_url() -> str | None:
    """The configured public address, checked; None when unset or invalid (see address_problem)."""
    raw = public_url_setting()
    if not raw:
        return None
    try:
        return parse_public_url(raw)
    except PublicUrlError:
        return None


def address_problem() -> str | None:
    """Why the configured public address cannot be used, or None when it is fine or unset."""
    raw = public_url_setting()
    if not raw:
        return None
    try:
        parse_public_url(raw)
    except PublicUrlError as exc:
        return str(exc)
    return None


def browser_url() -> str:
    """scheme://host[:port][/base path] as this browser opened the app ("" if unknown)."""
    try:
        url = st.context.url or ""
    except Exception:  # noqa: BLE001 - older runtimes and AppTest have no URL
        url = ""
    url = url.split("?", 1)[0].split("#", 1)[0]
    for page in PAGE_PATHS:
        if url.endswith("/" + page):
            url = url[: -len(page) - 1]
            break
    return url.rstrip("/")


def base_url() -> str:
    """The base of every link, QR code and handout: the public address when one is set,
    else the address this browser opened the app with."""
    return public_url() or browser_url()


# The url_path of every page (app.py); base_url() strips them off the current URL.
PAGE_PATHS = ("scan", "about", "results", "compare", "progress", "console", "projector", "login")


def run_write(action: Callable[[], object], lang: str) -> bool:
    """Run a store write; show refusals, bad dates and database trouble as messages."""
    try:
        action()
    except NotAllowed as exc:
        st.error(t("console.refused", lang, reason=str(exc)))
        return False
    except StoreError as exc:
        st.error(t("error.database", lang))
        st.caption(t("error.detail", lang, detail=str(exc)))
        return False
    except ValueError:
        st.error(t("console.bad_date", lang))
        return False
    return True

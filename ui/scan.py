"""The scan screens (phases, finish, result) as one fragment; on a phase screen each
statement is a fragment of its own, so an answer tap reruns only that statement. The
progress line counts the statements' saved markers in the browser (a CSS counter), so a
first answer needs no second run to keep "N van M beantwoord" true."""

from __future__ import annotations

import contextlib
import functools
import html

import streamlit as st
from streamlit.errors import StreamlitAPIException
from streamlit.runtime.scriptrunner import get_script_run_ctx

from ipm_model.db import NotAllowed, StoreError
from ipm_model.i18n import phrase, t
from ipm_model.model import COMMENT_MAX_CHARS, format_resume_code
from ipm_model.phases import PHASE_COUNT
from ipm_model.questionnaire import (
    ANSWER_CODES,
    SCALE_VALUES,
    Phase,
    Questionnaire,
    Statement,
    role_kind,
)
from ipm_model.scoring import ambition_id, answered_count, open_statements
from ipm_model.storage.store import Store
from ui.context import base_url, database_guard, relabelled
from ui.participant import ScanContext
from ui.result import show_result

ANSWERS = "scan-answers"
COMMENTS = "scan-comments"
STEP = "scan-step"
PENDING = "scan-pending"
PENDING_COMMENTS = "scan-pending-comments"
FLASH = "scan-flash"
NOTES = "scan-notes"  # statement id -> a message shown once at that statement
SCROLL = "scan-scroll"
NOTE_CLOSED = "closed"

# Fragment keys: an answer callback names the fragments to rerun (st.rerun(scope=keys)).
BODY_KEY = "scan-body"
STATEMENT_KEY_PREFIX = "scan-st-"
# A statement's saved marker is one caption whose span has the classes "ipm-mark",
# "ipm-mark-<state>" and "ipm-mark-<state>-<statement id>" (one element, no keyed box).
MARKER_CLASS = "ipm-mark"

AMBITION_STEP = PHASE_COUNT  # after the seven phases: where should the chain be in 12 months?
REVIEW_STEP = PHASE_COUNT + 1  # then the finish screen
RESULT_STEP = PHASE_COUNT + 2

_SCROLL_TOP = """<script>
(function () {
  const doc = window.parent ? window.parent.document : document;
  const boxes = ['[data-testid="stMain"]', '[data-testid="stAppViewContainer"]'];
  for (const sel of boxes) {
    const el = doc.querySelector(sel); if (el) { el.scrollTo({top: 0}); }
  }
  window.scrollTo({top: 0});
})();
</script>"""


ANSWER_KEY_PREFIX = "scan-a-"


def _answer_key(statement_id: str) -> str:
    return f"{ANSWER_KEY_PREFIX}{statement_id}"


def _comment_key(phase_id: str) -> str:
    return f"scan-c-{phase_id}"


def _load_state(store: Store, ctx: ScanContext) -> None:
    """Read this participant's answers, comments and screen from the database once."""
    if ANSWERS in st.session_state:
        return
    p = ctx.participant
    st.session_state[ANSWERS] = store.answers(p.id)
    st.session_state[COMMENTS] = store.comments(p.id)
    st.session_state[PENDING] = {}
    st.session_state[PENDING_COMMENTS] = {}
    st.session_state[FLASH] = []
    st.session_state[NOTES] = {}
    step = RESULT_STEP if p.finished else p.current_step
    st.session_state[STEP] = max(0, min(int(step), RESULT_STEP))


def _flash(kind: str, text: str) -> None:
    st.session_state[FLASH].append((kind, text))


def _save(store: Store, participant_id: int, statement_id: str, value: str, lang: str) -> bool:
    """Store one answer; keep it pending (and retry later) when the database is unavailable."""
    try:
        store.save_answer(participant_id, statement_id, value)
    except NotAllowed:
        _flash("warning", t("scan.closed_not_saved", lang))
        return False
    except StoreError as exc:
        st.session_state[PENDING][statement_id] = value
        _flash("error", t("error.database", lang) + " " + t("error.detail", lang, detail=str(exc)))
        return True
    st.session_state[PENDING].pop(statement_id, None)
    return True


def _kind(ctx: ScanContext) -> str:
    """The role kind this participant's statements are routed by (see role_kind)."""
    return role_kind(ctx.participant.role, ctx.participant.partner)


def _on_answer(store: Store, participant_id: int, statement_id: str, lang: str) -> None:
    value = st.session_state.get(_answer_key(statement_id))
    if value not in ANSWER_CODES:
        return
    if _save(store, participant_id, statement_id, value, lang):
        st.session_state[ANSWERS][statement_id] = value
    else:
        # Not saved (workshop closed): show the answer that is really stored.
        st.session_state[_answer_key(statement_id)] = st.session_state[ANSWERS].get(statement_id)
        st.session_state[NOTES][statement_id] = NOTE_CLOSED


def _waiting() -> bool:
    """Whether answers or comments wait to be saved (the database was unavailable)."""
    return bool(st.session_state[PENDING] or st.session_state[PENDING_COMMENTS])


def _fragment_run() -> bool:
    """Whether this run reruns only fragments (a tap in a fragment, from a browser)."""
    ctx = get_script_run_ctx()
    return bool(ctx is not None and ctx.fragment_ids_this_run)


def _statement_key(statement_id: str) -> str:
    return f"{STATEMENT_KEY_PREFIX}{statement_id}"


def _on_statement_answer(store: Store, participant_id: int, statement_id: str, lang: str) -> None:
    """A tap on a phase screen: save it, then rerun as little as shows the truth.

    The tap reruns only its statement's fragment (the saved marker). A first answer changes
    the count too, which the progress line takes from the saved markers in the browser
    (_phase_progress): no second run. When something waits to be saved, or this save
    failed or was refused, the whole screen reruns: it retries what waits, shows the
    messages and every statement's marker.
    """
    waiting = _waiting()
    _on_answer(store, participant_id, statement_id, lang)
    if not _fragment_run():
        return  # a full run (a reconnect, AppTest) draws everything anyway
    if not (waiting or _waiting() or statement_id in st.session_state[NOTES]):
        return
    try:
        st.rerun(BODY_KEY)
    except StreamlitAPIException:
        # A fragment this session no longer holds (a reconnect after a restart, another
        # screen): the tap's own rerun shows it, the next screen shows the rest.
        return


def _retry_pending(store: Store, participant_id: int, lang: str) -> None:
    """Save answers and comments that could not be saved earlier (database was unavailable)."""
    for statement_id, value in list(st.session_state[PENDING].items()):
        try:
            store.save_answer(participant_id, statement_id, value)
        except (StoreError, NotAllowed):
            return
        st.session_state[PENDING].pop(statement_id, None)
    for phase_id, text in list(st.session_state[PENDING_COMMENTS].items()):
        try:
            store.save_comment(participant_id, phase_id, text)
        except (StoreError, NotAllowed):
            return
        st.session_state[PENDING_COMMENTS].pop(phase_id, None)


def _on_comment(store: Store, participant_id: int, phase_id: str, lang: str) -> None:
    text = st.session_state.get(_comment_key(phase_id)) or ""
    try:
        cut = store.save_comment(participant_id, phase_id, text)
    except NotAllowed:
        _flash("warning", t("scan.closed_not_saved", lang))
        return
    except StoreError as exc:
        # Kept in the session and saved with the next interaction that reaches the database.
        st.session_state[PENDING_COMMENTS][phase_id] = text
        st.session_state[COMMENTS][phase_id] = text
        _flash("error", t("error.database", lang) + " " + t("error.detail", lang, detail=str(exc)))
        return
    st.session_state[PENDING_COMMENTS].pop(phase_id, None)
    stored = store.comments(participant_id).get(phase_id, "")
    st.session_state[COMMENTS][phase_id] = stored
    if cut:
        # Show the participant exactly what was kept.
        st.session_state[_comment_key(phase_id)] = stored
        _flash("warning", t("scan.comment_cut", lang, limit=COMMENT_MAX_CHARS))


def _go(store: Store | None, participant_id: int, step: int) -> None:
    """Show screen `step`; remember it in the database too unless `store` is None."""
    st.session_state[STEP] = step
    st.session_state[SCROLL] = True
    # The answer widgets of the screen being left: the next screen sets its own from the
    # stored answers. Fewer keys make every tap cheaper (each radio reads the whole state).
    for key in [k for k in st.session_state if str(k).startswith(ANSWER_KEY_PREFIX)]:
        del st.session_state[key]
    if store is None:
        return
    # The screen position is a convenience; the answers are what must be kept.
    with contextlib.suppress(StoreError):
        store.set_step(participant_id, step)


def _finish(store: Store, participant_id: int, lang: str) -> None:
    try:
        # Finished and on the result screen in one write: when a room finishes together,
        # each finish queues for the database's write lock once instead of twice.
        store.finish(participant_id, step=RESULT_STEP)
    except StoreError as exc:
        _flash("error", t("error.database", lang) + " " + t("error.detail", lang, detail=str(exc)))
        return
    _go(None, participant_id, RESULT_STEP)


@st.fragment(key=BODY_KEY)
def scan_body(store: Store, ctx: ScanContext, lang: str) -> None:
    """The current screen of the scan. Runs as a fragment: taps rerun only this function."""
    with database_guard(stop=False):
        _scan_screen(store, ctx, lang)


def _scan_screen(store: Store, ctx: ScanContext, lang: str) -> None:
    _load_state(store, ctx)
    pid = ctx.participant.id
    if _waiting():
        _retry_pending(store, pid, lang)
    for kind, text in st.session_state[FLASH]:
        getattr(st, kind)(text)
    st.session_state[FLASH] = []
    if st.session_state.pop(SCROLL, False):
        st.html(_SCROLL_TOP, unsafe_allow_javascript=True)
    closed = not _workshop_open(store, ctx)
    if closed:
        st.info(t("scan.closed", lang))

    step = st.session_state[STEP]
    q = ctx.questionnaire
    if step < PHASE_COUNT:
        _phase_screen(store, ctx, q, step, lang, closed)
    elif step == AMBITION_STEP:
        _ambition_screen(store, ctx, q, lang, closed)
    elif step == REVIEW_STEP:
        _review_screen(store, ctx, q, lang, closed)
    else:
        show_result(store, ctx, st.session_state[ANSWERS], lang)
        st.button(
            t("result.edit", lang),
            key="scan-edit",
            on_click=_go,
            args=(store, pid, 0),
            disabled=closed,
        )


@st.cache_data(ttl=5, show_spinner=False, max_entries=1000)
def _workshop_status(_store: Store, workshop_id: int) -> bool:
    """Whether the workshop is open; shared by all sessions and re-read every 5 seconds.

    Only for showing the screen read-only: every save checks the status in its transaction.
    """
    workshop = _store.workshop(workshop_id)
    return workshop is not None and workshop.is_open


def _workshop_open(store: Store, ctx: ScanContext) -> bool:
    # ctx.workshop is read on every full page load; the cached status catches a workshop
    # closed while the participant is answering (fragment reruns), within 5 seconds.
    # Without a database for a moment, the last known status holds (saves check it anyway).
    try:
        return ctx.workshop.is_open and _workshop_status(store, ctx.workshop.id)
    except StoreError:
        return ctx.workshop.is_open


def _progress(q: Questionnaire, kind: str, text: str) -> None:
    answered = answered_count(st.session_state[ANSWERS], q, kind)
    st.progress(answered / len(q.statements_for(kind)), text=text)


_COUNTER = "ipm-answered"
_COUNT_MARK = "\ue000"  # where the count goes in the progress text
# Looks like st.progress (14 px text, 8 px above an 8 px bar), which the review screen keeps.
_PROGRESS_CSS = f"""
.ipm-progress {{ display: flex; flex-direction: column-reverse; gap: 0.5rem; }}
.ipm-progress-text {{ margin: 0; font-size: 0.875rem; line-height: normal; }}
.ipm-progress-count::before {{ content: counter({_COUNTER}); }}
.ipm-progress-bar {{
  display: flex; height: 0.5rem; border-radius: 0.25rem; overflow: hidden; background: #f8f8f7;
}}
.ipm-progress-bar > span {{ flex: none; order: 2; }}
.ipm-progress-bar > .ipm-progress-done {{ order: 0; }}
.ipm-progress-bar > .ipm-progress-done, .ipm-progress-bar > .on {{ background: #1f5f8b; }}
.ipm-progress-bar > .on {{ order: 1; counter-increment: {_COUNTER} 1; }}
"""


def _progress_segment_rule(statement_id: str) -> str:
    """A statement's segment counts (and fills, left of the open ones) once its saved or
    waiting marker is on the page: a tap's own fragment rerun draws that marker."""
    marks = ", ".join(f".{MARKER_CLASS}-{state}-{statement_id}" for state in ("saved", "pending"))
    return (
        f".stApp:has({marks}) .ipm-progress-bar > .ipm-seg-{statement_id} "
        f"{{ order: 1; counter-increment: {_COUNTER} 1; background: #1f5f8b; }}"
    )


def _phase_progress(q: Questionnaire, kind: str, phase: Phase, step: int, lang: str) -> None:
    """The phase screen's progress line: "Fase 1 van 7 · N van M beantwoord" and its bar.

    N stays true after every tap without a run of its own: the browser counts it. This run
    writes the answers of the other phases as the counter's start, and one bar segment per
    statement of this phase, filled when it is answered now or once its statement's
    fragment shows a saved (or waiting) marker (CSS :has and counter-increment). The number
    is generated content, which screen readers read; the bar is hidden from them."""
    answers = st.session_state[ANSWERS]
    total = len(q.statements_for(kind))
    here = q.phase_statements(phase.id, kind)
    here_ids = {s.id for s in here}
    known = {s.id for s in q.statements_for(kind)}
    before = sum(1 for sid in answers if sid in known and sid not in here_ids)
    text = phrase(
        "scan.progress",
        lang,
        phase=step + 1,
        phases=PHASE_COUNT,
        answered=_COUNT_MARK,
        total=total,
    )
    head, _, tail = text.partition(_COUNT_MARK)
    width = 100 / max(total, 1)
    segments = "".join(
        f'<span class="ipm-seg-{s.id}{" on" if s.id in answers else ""}" '
        f'style="width:{width:.4f}%"></span>'
        for s in here
    )
    rules = "\n".join(_progress_segment_rule(s.id) for s in here)
    st.html(
        f"<style>{_PROGRESS_CSS}{rules}</style>"
        f'<div class="ipm-progress" style="counter-reset:{_COUNTER} {before}">'
        f'<div class="ipm-progress-bar" aria-hidden="true">'
        f'<span class="ipm-progress-done" style="width:{before * width:.4f}%"></span>'
        f"{segments}</div>"
        f'<p class="ipm-progress-text">{html.escape(head)}'
        f'<span class="ipm-progress-count"></span>{html.escape(tail)}</p></div>'
    )


def _statement(
    store: Store,
    participant_id: int,
    statement: Statement,
    number: int,
    labels: dict[str, str],
    lang: str,
    closed: bool,
) -> None:
    """One statement: its answer tiles, the saved marker and the help. A fragment per
    statement (_statement_fragment): an answer tap reruns only this."""
    answers = st.session_state[ANSWERS]
    key = relabelled(_answer_key(statement.id))
    stored = answers.get(statement.id)
    # The stored answer is the truth; the widget shows it (also after a switch of
    # language, a reload or another phase): set through session state, no index=.
    # None too: without a value a radio would show its first option as chosen.
    if key not in st.session_state or st.session_state[key] != stored:
        st.session_state[key] = stored
    st.radio(
        f"{number}.\u00a0{statement.text.get(lang)}",
        list(labels),
        format_func=labels.__getitem__,
        index=None,
        key=key,
        horizontal=True,
        on_change=_on_statement_answer,
        args=(store, participant_id, statement.id, lang),
        disabled=closed,
    )
    _saved_marker(statement.id, stored, labels, lang)
    if statement.help is not None:
        # Opens in place, under its statement: it pushes the next statement down
        # instead of covering it (a popover hid it on a phone), and stays open
        # while the participant answers.
        with (
            st.container(key=f"scan-help-{statement.id}"),
            st.expander(t("scan.help_button", lang), icon=":material/help:"),
        ):
            st.markdown(statement.help.get(lang))


def _saved_marker(statement_id: str, stored: str | None, labels: dict[str, str], lang: str) -> None:
    """One quiet line under the tiles: saved, waiting to be saved, or refused. The line is
    there unanswered too (empty), so a tap fills it without moving the statements below.

    One element (a caption whose span carries the state as classes), not a keyed box around
    it: a phase screen draws seven, a tap one. The text is t()'s, Markdown-escaped, which
    also escapes "<" and "&": nothing in it becomes HTML; the statement id is the
    questionnaire's own ([a-z0-9-])."""
    note = st.session_state[NOTES].pop(statement_id, None)
    if note == NOTE_CLOSED:
        state, text = "refused", t("scan.answer_not_saved_closed", lang)
    elif stored is not None and statement_id in st.session_state[PENDING]:
        state, text = "pending", t("scan.answer_pending", lang)
    elif stored is not None:
        state, text = "saved", t("scan.answer_saved", lang, answer=labels[stored])
    else:
        state, text = "open", "\u00a0"
    classes = f"{MARKER_CLASS} {MARKER_CLASS}-{state} {MARKER_CLASS}-{state}-{statement_id}"
    st.caption(f'<span class="{classes}">{text}</span>', unsafe_allow_html=True)


@functools.cache
def _statement_fragment(statement_id: str):
    """The fragment that draws one statement, keyed so a callback can rerun it by name."""
    return st.fragment(_statement, key=_statement_key(statement_id))


def _phase_screen(
    store: Store, ctx: ScanContext, q: Questionnaire, step: int, lang: str, closed: bool
) -> None:
    phase = q.phases[step]
    kind = _kind(ctx)
    _phase_progress(q, kind, phase, step, lang)
    st.header(t("scan.phase_heading", lang, number=phase.number, name=phase.name.get(lang)))
    st.markdown(f"**{phase.key_question.get(lang)}**")
    st.caption(t("scan.instructions", lang) + " " + t("scan.saved_hint", lang))
    # The n.v.t. rule on every phase screen, short: it must not push the statements down.
    with st.container(key="scan-rule"):
        st.markdown(t("scan.rule_missing_practice", lang))
    labels = {o.code: o.label.get(lang) for o in q.options}
    pid = ctx.participant.id
    with st.container(key="scan-answers-box"):
        for number, statement in enumerate(q.phase_statements(phase.id, kind), start=1):
            _statement_fragment(statement.id)(store, pid, statement, number, labels, lang, closed)
    st.text_area(
        t("scan.comment_label", lang),
        value=st.session_state[COMMENTS].get(phase.id, ""),
        key=_comment_key(phase.id),
        help=t("scan.comment_help", lang, limit=COMMENT_MAX_CHARS),
        on_change=_on_comment,
        args=(store, pid, phase.id, lang),
        disabled=closed,
    )
    with st.container(horizontal=True, key="scan-nav"):
        st.button(
            t("scan.back", lang),
            key="scan-back",
            on_click=_go,
            args=(store, pid, step - 1),
            disabled=step == 0,
        )
        st.space("stretch")
        last = step == PHASE_COUNT - 1
        st.button(
            t("scan.to_review" if last else "scan.next", lang),
            key="scan-next",
            type="primary",
            on_click=_go,
            args=(store, pid, step + 1),
        )


def _ambition_screen(
    store: Store, ctx: ScanContext, q: Questionnaire, lang: str, closed: bool
) -> None:
    """Per phase: where should this chain be in 12 months? Same 1-5 scale; may be skipped."""
    answers = st.session_state[ANSWERS]
    st.header(t("scan.ambition_heading", lang))
    st.markdown(t("scan.ambition_intro", lang))
    labels = {o.code: o.label.get(lang) for o in q.options if o.is_scale}
    codes = [str(v) for v in SCALE_VALUES]
    pid = ctx.participant.id
    with st.container(key="scan-answers-box"):
        for phase in q.phases:
            sid = ambition_id(phase.id)
            key = relabelled(_answer_key(sid))
            stored = answers.get(sid)
            if key not in st.session_state or st.session_state[key] != stored:
                st.session_state[key] = stored  # as on the phase screens: no index=
            st.radio(
                t(
                    "scan.ambition_label",
                    lang,
                    number=phase.number,
                    name=phase.name.get(lang),
                    question=phase.key_question.get(lang),
                ),
                codes,
                format_func=labels.__getitem__,
                index=None,
                key=key,
                horizontal=True,
                on_change=_on_answer,
                args=(store, pid, sid, lang),
                disabled=closed,
            )
    with st.container(horizontal=True, key="scan-nav"):
        st.button(
            t("scan.back", lang),
            key="scan-back",
            on_click=_go,
            args=(store, pid, PHASE_COUNT - 1),
        )
        st.space("stretch")
        given = any(ambition_id(p.id) in answers for p in q.phases)
        st.button(
            t("scan.to_review" if given else "scan.ambition_skip", lang),
            key="scan-next",
            type="primary",
            on_click=_go,
            args=(store, pid, REVIEW_STEP),
        )


def _review_screen(
    store: Store, ctx: ScanContext, q: Questionnaire, lang: str, closed: bool
) -> None:
    answers = st.session_state[ANSWERS]
    kind = _kind(ctx)
    _progress(
        q,
        kind,
        t(
            "scan.progress_review",
            lang,
            answered=answered_count(answers, q, kind),
            total=len(q.statements_for(kind)),
        ),
    )
    st.header(t("scan.review_heading", lang))
    missing = set(open_statements(answers, q, kind))
    pid = ctx.participant.id
    if not missing:
        st.success(t("scan.review_all_done", lang))
    else:
        st.warning(t("scan.review_open", lang, count=len(missing)))
        for index, phase in enumerate(q.phases):
            open_here = [s for s in phase.statements if s.id in missing]
            if not open_here:
                continue
            with st.container(border=True):
                st.markdown(
                    t(
                        "scan.review_open_phase",
                        lang,
                        number=phase.number,
                        name=phase.name.get(lang),
                        count=len(open_here),
                    )
                )
                for s in open_here:
                    st.markdown(f"- {s.text.get(lang)}")
                st.button(
                    t("scan.go_to_phase", lang, number=phase.number),
                    key=f"scan-goto-{phase.id}",
                    on_click=_go,
                    args=(store, pid, index),
                )
    with st.container(horizontal=True, key="scan-nav"):
        st.button(
            t("scan.back", lang),
            key="scan-back",
            on_click=_go,
            args=(store, pid, AMBITION_STEP),
        )
        st.space("stretch")
        st.button(
            t("scan.finish", lang),
            key="scan-finish",
            type="primary",
            on_click=_finish,
            args=(store, pid, lang),
            disabled=closed and not ctx.participant.finished,
        )


def resume_box(ctx: ScanContext, lang: str) -> None:
    """How to come back later: the resume code and link. Drawn below the scan's fragment,
    so a tap does not redraw it."""
    st.divider()
    code = format_resume_code(ctx.participant.resume_code)
    st.caption(t("scan.resume_info", lang, code=code))
    base = base_url()
    link = f"{base}/scan?p={ctx.participant.token}"
    st.caption(f"{t('scan.resume_link', lang)}:")
    st.code(link, language=None, wrap_lines=True)

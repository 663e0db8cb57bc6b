"""The live projector screen: join code and QR, counts per chain, group radars in batches."""

from __future__ import annotations

import html

import pandas as pd
import streamlit as st

from ipm_model.disclosure import ladder_step
from ipm_model.i18n import t
from ipm_model.model import Workshop
from ipm_model.questionnaire import Questionnaire
from ipm_model.results import chain_snapshot, load_answers, radar_frame, results_state
from ipm_model.share import join_url, qr_img_tag
from ipm_model.storage import exclusions
from ipm_model.storage.store import Store
from ui.charts import show_radar
from ui.console import address_notice
from ui.context import base_url
from ui.shared_results import chain_group, group_stats
from ui.text import plain_table

LIVE_STATE_TTL_S = 1


@st.cache_data(ttl=LIVE_STATE_TTL_S, show_spinner=False)
def _live_state(_store: Store, workshop_id: int) -> tuple[Workshop | None, pd.DataFrame]:
    """Workshop settings and counts per chain, shared by the screens of this process.

    Kept for one second only: with several replicas, answers written through the others
    must show within the refresh interval, so this cache may add at most a second to it.
    """
    return _store.workshop(workshop_id), _store.participation(workshop_id)


GROUP_SNAPSHOT_TTL_S = 60  # the left-out figure's cache: its key is read fresh every run


@st.cache_data(ttl=GROUP_SNAPSHOT_TTL_S, show_spinner=False, max_entries=200)
def _left_out_snapshot(
    _store: Store, _q: Questionnaire, workshop_id: int, chain_id: int, minimum: int, version
) -> tuple[int, pd.DataFrame] | None:
    """The group figures with the round's flagged answers left out (results.chain_snapshot)."""
    return chain_snapshot(load_answers(_store, [workshop_id]), _q, chain_id, minimum)


def _snapshot(
    store: Store, q: Questionnaire, w: Workshop, chain_id: int
) -> tuple[int, pd.DataFrame] | None:
    """The snapshot to show for one chain: the same on every screen, in every app process,
    and the same people as on the results pages and the participants' results
    (ipm_model.disclosure.disclosed_size, or with flagged answers left out,
    results.chain_snapshot); computed once per change of that group for all of them
    (ui/shared_results.py)."""
    if exclusions.is_left_out(store, w.id):
        version = results_state(store, [w.id])
        return _left_out_snapshot(store, q, w.id, chain_id, w.min_group_size, version)
    group = chain_group(store, w, chain_id)
    if group.size is None:
        return None
    return group.size, group_stats(store, q, w, group)


# The stage: everything on one screen, sized in vh so it fits 1920x1080 and 1280x720 alike.
STAGE_CSS = """
<style>
header[data-testid="stHeader"], .st-key-lang-switch, .st-key-demo-banner,
[data-testid="stStatusWidget"], [data-testid="stToolbar"], [data-testid="stDecoration"] {
  display: none !important;
}
.stMain .block-container, [data-testid="stMainBlockContainer"] {
  padding: 1.2vh 1.5vw 0 !important; max-width: none !important;
}
.st-key-stage [data-testid="stVerticalBlock"] { gap: 0.6vh; }
.st-key-stage p, .st-key-stage li { font-size: max(18px, 2.2vh); }
.st-key-stage .ipm-join { font-size: max(32px, 5.5vh); font-weight: 700; margin: 0; }
.ipm-code { font-size: max(60px, 12vh); font-weight: 700; letter-spacing: .06em; line-height: 1; }
.ipm-url { font-size: max(18px, 2.6vh); word-break: break-all; }
.st-key-stage .ipm-counts { font-size: max(26px, 4.2vh); font-weight: 600; margin: 0; }
.st-key-stage-counts table { font-size: max(20px, 3vh); }
.st-key-stage-counts th, .st-key-stage-counts td { padding: .4vh .8vw !important; }
.st-key-stage-strip { align-items: center; gap: 2vw; }
.st-key-stage-strip .ipm-code { font-size: max(40px, 6.5vh); }
.st-key-stage-strip .ipm-url { font-size: max(16px, 2vh); }
.st-key-stage-strip .st-key-stage .ipm-counts { font-size: max(20px, 3vh); }
.st-key-stage .ipm-simulated { font-size: max(20px, 2.6vh); font-weight: 400; }
.ipm-stage-head { font-size: max(18px, 2.8vh); font-weight: 700; line-height: 1.15;
  white-space: nowrap; overflow: hidden; text-overflow: ellipsis; text-align: center; }
.ipm-stage-head span { font-weight: 400; color: #444; }
.ipm-stage-note { font-size: max(16px, 2.2vh); text-align: center; color: #444; }
.st-key-stage-grid [data-testid="stVegaLiteChart"] { width: 100% !important; }
.st-key-stage-grid [data-testid="stVegaLiteChart"] svg.marks {
  width: 100% !important; height: var(--ipm-cell-h) !important; max-width: 100%;
}
.st-key-stage-update button { min-height: 0; padding: .2rem .8rem; }
</style>
"""
# Height for one radar: the screen minus the strip (~15vh) and its gaps, per row, minus the
# chain heading (~4vh).
_CELL_HEIGHT = "calc((100vh - 18vh) / {rows} - 5vh)"
MAX_STAGE_COLUMNS = 4


def stage_grid(chains: int) -> tuple[int, int]:
    """Columns and rows of the stage's small multiples: 1-3 chains in a row, 4 as 2x2,
    5-6 as 3x2, more in rows of four."""
    if chains <= 3:
        columns = max(1, chains)
    elif chains == 4:
        columns = 2
    elif chains <= 6:
        columns = 3
    else:
        columns = MAX_STAGE_COLUMNS
    return columns, -(-max(1, chains) // columns)


@st.cache_data(show_spinner=False, max_entries=64)
def _qr(url: str, alt: str, width: str) -> str:
    return qr_img_tag(url, alt=alt, css_width=width)


def join_panel(w: Workshop, lang: str, *, compact: bool = False) -> None:
    """QR code, code and link; `compact` for the strip above the radars (which leaves the
    address warning to the join screen before the reveal)."""
    if not compact:
        address_notice(lang, short=True)
    url = join_url(base_url(), w.code)
    width = "min(12vh, 9vw)" if compact else "min(28vw, 50vh)"
    qr = _qr(url, t("share.qr_title", lang), width)
    code = (
        f"<div class='ipm-code'>{html.escape(w.code)}</div>"
        f"<div class='ipm-url'>{html.escape(url)}</div>"
    )
    heading = f"<p class='ipm-join'>{html.escape(t('projector.join', lang))}</p>"
    if compact:
        st.html(qr)
        st.html(f"<div>{code}</div>")
    else:
        st.html(heading)
        st.html(qr)
        st.html(code)


def _counts(participation: pd.DataFrame, lang: str) -> None:
    joined = int(participation["joined"].sum())
    finished = int(participation["finished"].sum())
    text = t("projector.counts", lang, joined=joined, finished=finished)
    st.html(f"<p class='ipm-counts'>{html.escape(text)}</p>")


def _simulated(store: Store, w: Workshop, lang: str) -> None:
    """On a demo: how many of the people counted are simulated (made-up answers)."""
    from ui.demo import simulated_text

    text = simulated_text(store, w, None, None, lang)
    if text:
        st.html(f"<p class='ipm-counts ipm-simulated'>{html.escape(text)}</p>")


def _force_update() -> None:
    st.session_state["projector-force"] = True


def stage(store: Store, q: Questionnaire, workshop_id: int, lang: str) -> None:
    """The projector: before the reveal the join panel and the counts per chain; after it a
    strip with the join code above the chains' radars as small multiples, all on one screen.
    Refreshed every few seconds by the page's fragment."""
    w, participation = _live_state(store, workshop_id)
    if w is None:
        st.error(t("projector.gone", lang))
        return
    st.html(STAGE_CSS)
    names = {c.id: c.name for c in w.chains}
    if not w.revealed:
        left, right = st.columns([2, 3], gap="large")
        with left:
            join_panel(w, lang)
        with right, st.container(key="stage-counts"):
            _counts(participation, lang)
            _simulated(store, w, lang)
            table = pd.DataFrame(
                {
                    t("console.chain", lang): [
                        names.get(c, "?") for c in participation["chain_id"]
                    ],
                    t("console.joined", lang): participation["joined"].astype(int),
                    t("console.finished", lang): participation["finished"].astype(int),
                }
            )
            # st.table renders Markdown: typed chain names as plain text.
            st.table(plain_table(table.set_index(t("console.chain", lang))))
            st.info(t("projector.hidden", lang))
        return

    if st.session_state.pop("projector-force", False):
        _live_state.clear()  # "update now": read the counts afresh, not a second old
    with st.container(horizontal=True, key="stage-strip", vertical_alignment="center"):
        join_panel(w, lang, compact=True)
        with st.container(width="content"):
            _counts(participation, lang)
            _simulated(store, w, lang)
            st.caption(t("projector.batches", lang, batch=ladder_step(w.min_group_size)))
        with st.container(width="content", key="stage-update"):
            st.button(
                t("projector.update_now", lang), key="projector-update", on_click=_force_update
            )
    rows = list(participation.itertuples())
    columns, grid_rows = stage_grid(len(rows))
    cell_height = _CELL_HEIGHT.format(rows=grid_rows)
    st.html(f"<style>.st-key-stage-grid {{ --ipm-cell-h: {cell_height}; }}</style>")
    with st.container(key="stage-grid"):
        cells = [c for _ in range(grid_rows) for c in st.columns(columns, gap="small")]
        for index, row in enumerate(rows):
            chain_id = int(row.chain_id)
            snap = _snapshot(store, q, w, chain_id)
            name = html.escape(names.get(chain_id, "?"))
            with cells[index], st.container(key=f"stage-radar-{index}"):
                if snap is None:
                    st.html(f"<div class='ipm-stage-head'>{name}</div>")
                    note = t("projector.too_few_short", lang, min=w.min_group_size)
                    st.html(f"<div class='ipm-stage-note'>{html.escape(note)}</div>")
                    continue
                finished, summary = snap
                based_on = html.escape(t("projector.based_on", lang, count=finished))
                st.html(f"<div class='ipm-stage-head'>{name} <span>· {based_on}</span></div>")
                data = radar_frame(summary, names.get(chain_id, "?"))
                show_radar(data, q.phase_names(lang), lang, table=False, stage=True)

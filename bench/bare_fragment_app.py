"""A bare page with the scan's structure (not its code): seven statements, each a fragment
with its radio and a saved marker under it (a keyed container with a caption), no database.

The floor of an answer tap drawn the way the scan draws it (ui/scan.py: one fragment per
statement, the tap reruns only that fragment): what Streamlit itself costs for that
structure, next to bench/bare_app.py's single radio. Tapped by bench/tap_steps.py
``--bare fragment``; the first statement's radio has bench/bare_app.py's key.
"""

import streamlit as st

OPTIONS = ["1", "2", "3", "4", "5", "dk", "na"]


def _saved(key: str) -> None:
    st.session_state[f"saved-{key}"] = st.session_state[key]


@st.fragment
def statement(number: int, key: str) -> None:
    st.radio(
        f"{number}. Stelling {number}",
        OPTIONS,
        index=None,
        key=key,
        horizontal=True,
        on_change=_saved,
        args=(key,),
    )
    saved = st.session_state.get(f"saved-{key}")
    with st.container(key=f"mark-{'saved' if saved else 'open'}-{key}"):
        st.caption(f"Opgeslagen: {saved}" if saved else "\u00a0")


for n in range(1, 8):
    statement(n, "answer" if n == 1 else f"answer-{n}")

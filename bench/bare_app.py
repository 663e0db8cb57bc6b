"""Baseline page for load tests: one radio with five options, nothing else.

Run under the same config as the real app (cwd = project root) and compare the
app's per-tap cost with this page's. See bench/bench_baseline_demo.py.
"""

import streamlit as st

st.radio("Antwoord", ["1", "2", "3", "4", "5"], key="answer")

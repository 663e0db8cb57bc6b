"""Streamlit glue shared by the pages: cached resources, language, styling, small widgets.

Logic lives in ipm_model; this package only connects it to Streamlit.
"""

"""Load-testing tools: a browserless Streamlit client and server helpers."""

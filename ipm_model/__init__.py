"""iPM Ketenscan: the domain package (questionnaire, scoring, storage, charts). No Streamlit here."""

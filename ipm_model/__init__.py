"""iPM Ketenscan domain package: questionnaire, scoring, storage, charts. No Streamlit here."""

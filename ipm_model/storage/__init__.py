"""Everything that talks to the database.

`store.py` holds `Store`, the one entry point, built from one part per aggregate
(organisations.py, workshops.py, participants.py, results.py, actions.py, guards.py, copy.py)
on base.py (opening, connections); schema.py holds the migrations. Beside the day-to-day
queries: backups, erasure and retention, the audit log, operator settings, the catalogue.
The entities the Store hands out are in `ipm_model.model`; `ipm_model.db` supplies the
connections of each back-end. None of these modules imports Streamlit.
"""
